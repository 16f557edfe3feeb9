"""Screening in event-time order across the three input topics (issue #10, finding 3).

Kafka orders records within one partition of one topic only. A customer's Stop-credit
registration on `bank.customer-events` and the loan ten minutes later on `bank.loans` sit on
partition *n* of two topics, and a consumer catching up on a backlog may fetch the loans
first: screened then, the loan would be allowed. So the consumer does not screen records as
they are fetched; it hands them here, and this releases them as a merge of partition *n* of
every input topic by event time, the way Kafka Streams' partition groups do:

- of the heads of the queues of partition *n*, the one with the earliest event time goes
  first (a customer event before a transfer or loan of the same instant, by topic order);
- while one of those queues is empty, nothing of partition *n* is released, unless that
  topic partition is read to its end (fetched up to its high watermark: nothing there can
  come earlier) — so a quiet topic costs no wait at all;
- or unless partition *n* has been waiting `max_wait` seconds: then what is held is
  released in event-time order, so a topic partition that cannot be read (its broker away,
  a slow fetch) delays the others by at most that, never stops them.

Within one topic partition records stay in offset order, so the offsets the consumer
commits (the next one after the last record screened) never skip a record. Records that
failed decoding have no event time; they go first, to the dead-letter topic.

Pure: no clock (the caller passes `now`, a monotonic time), no I/O.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Collection, Iterable
from typing import Generic, TypeVar

Item = TypeVar("Item")
TopicPartition = tuple[str, int]

NO_TIME = float("-inf")  # what an undecodable record sorts as: released at once


class EventTimeOrder(Generic[Item]):
    """Holds fetched records of the input topics and releases them in event-time order.

    `topics` in tie-break order (customer events first); `event_time(item)` is epoch seconds
    or None; `where(item)` is the item's (topic, partition).
    """

    def __init__(
        self,
        topics: Iterable[str],
        max_wait: float,
        event_time: Callable[[Item], float | None],
        where: Callable[[Item], TopicPartition],
    ) -> None:
        self._topics = tuple(topics)
        self._rank = {topic: rank for rank, topic in enumerate(self._topics)}
        self._max_wait = max_wait
        self._event_time = event_time
        self._where = where
        self._queues: dict[TopicPartition, deque[tuple[float, Item]]] = {}
        self._waiting_since: dict[int, float] = {}  # partition number -> since when

    def add(self, items: Iterable[Item]) -> None:
        """Items in the order they were fetched (offset order within a topic partition)."""
        for item in items:
            moment = self._event_time(item)
            queue = self._queues.setdefault(self._where(item), deque())
            queue.append((NO_TIME if moment is None else moment, item))

    def drop(self, partitions: Collection[TopicPartition]) -> None:
        """Forget what is held for partitions handed to another worker (it reads them again)."""
        for tp in partitions:
            self._queues.pop(tp, None)
        held = self._held_numbers()
        for number in [n for n in self._waiting_since if n not in held]:
            del self._waiting_since[number]

    def held(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    def release(
        self, read_to_end: Callable[[TopicPartition], bool], now: float
    ) -> tuple[list[Item], list[float]]:
        """What may be screened now, in screening order, and how long each partition number
        that had to wait waited (for the metrics). `read_to_end(tp)` is True when everything
        on `tp` has been fetched, or `tp` is not this worker's to read."""
        released: list[Item] = []
        waits: list[float] = []
        for number in sorted(self._held_numbers()):
            since = self._waiting_since.pop(number, None)
            waited_enough = since is not None and now - since >= self._max_wait
            before = len(released)
            still_waiting = self._merge(number, read_to_end, waited_enough, released)
            if since is not None and len(released) > before:
                waits.append(now - since)
            # The wait counts from the last time this partition number moved: while a
            # backlog on the lagging topic keeps arriving, its records are not given up on.
            if still_waiting:
                self._waiting_since[number] = (
                    since if since is not None and len(released) == before else now
                )
        return released, waits

    def _merge(
        self,
        number: int,
        read_to_end: Callable[[TopicPartition], bool],
        waited_enough: bool,
        out: list[Item],
    ) -> bool:
        """Move partition `number`'s records to `out` in event-time order while no topic
        partition that may still hold an earlier record has an empty queue (or, once
        `waited_enough`, all of them). Returns whether records are left waiting."""
        if waited_enough or all(read_to_end((topic, number)) for topic in self._topics):
            # Nothing more can come before what is held (the usual case once caught up):
            # one merge of the queues; ties go to the earlier topic, as below.
            queues = [self._queues.pop((topic, number), deque()) for topic in self._topics]
            out.extend(item for _, item in heapq.merge(*queues, key=_time))
            return False
        while True:
            heads: list[tuple[float, int, deque[tuple[float, Item]]]] = []
            for rank, topic in enumerate(self._topics):
                queue = self._queues.get((topic, number))
                if queue:
                    heads.append((queue[0][0], rank, queue))
                elif not waited_enough and not read_to_end((topic, number)):
                    return any(self._queues.get((t, number)) for t in self._topics)
            if not heads:
                return False
            _, rank, queue = min(heads, key=lambda head: (head[0], head[1]))
            out.append(queue.popleft()[1])
            if not queue:
                del self._queues[(self._topics[rank], number)]

    def _held_numbers(self) -> set[int]:
        return {number for (_, number), queue in self._queues.items() if queue}


def _time(entry: tuple[float, object]) -> float:
    return entry[0]
