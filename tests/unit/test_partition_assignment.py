"""One worker must own a customer's partition on every input topic (see ASSIGNORS)."""

from __future__ import annotations

import pytest
from aiokafka.coordinator.protocol import ConsumerProtocolMemberMetadata

from screener.adapters.kafka_consumer import ASSIGNORS

TOPICS = ["bank.transfers", "bank.loans", "bank.customer_events"]


class Cluster:
    def __init__(self, partitions: int) -> None:
        self._partitions = set(range(partitions))

    def partitions_for_topic(self, topic: str) -> set[int]:
        return self._partitions


@pytest.mark.parametrize("partitions", [1, 3, 12])
@pytest.mark.parametrize("workers", [1, 2, 3, 5])
def test_each_partition_number_goes_to_one_worker_on_every_topic(
    partitions: int, workers: int
) -> None:
    [assignor] = ASSIGNORS
    members = {
        f"worker-{n}-{hash(n) % 97}": ConsumerProtocolMemberMetadata(0, TOPICS, b"")
        for n in range(workers)
    }
    assignment = assignor.assign(Cluster(partitions), members)

    owners: dict[int, set[str]] = {}
    for member, given in assignment.items():
        numbers_by_topic = {topic: set(numbers) for topic, numbers in given.assignment}
        assert set(numbers_by_topic) <= set(TOPICS)
        if numbers_by_topic:
            # The same partition numbers on every topic.
            assert len({frozenset(n) for n in numbers_by_topic.values()}) == 1
            assert set(numbers_by_topic) == set(TOPICS)
        for numbers in numbers_by_topic.values():
            for number in numbers:
                owners.setdefault(number, set()).add(member)
    assert set(owners) == set(range(partitions))
    assert all(len(members_) == 1 for members_ in owners.values())
