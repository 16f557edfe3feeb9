"""Which failures are retried for as long as they last and which split a batch to find a
poison record (`screener.adapters.failures`)."""

from __future__ import annotations

import pytest
import redis.exceptions as redis_errors
from aiokafka import errors as kafka_errors

from screener.adapters.failures import is_transient
from screener.adapters.redis_replication import ReplicasBehind


@pytest.mark.parametrize(
    "error",
    [
        ReplicasBehind("0 of 1 Redis replica(s) acknowledged the batch's writes within 2000 ms"),
        redis_errors.ConnectionError("Connection refused"),
        redis_errors.BusyLoadingError("Redis is loading the dataset in memory"),
        redis_errors.ReadOnlyError("You can't write against a read only replica."),
        redis_errors.TimeoutError("Timeout reading from socket"),
        kafka_errors.KafkaConnectionError("broker away"),
        kafka_errors.NotLeaderForPartitionError(),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError(),
    ],
    ids=lambda error: type(error).__name__,
)
def test_the_environment_failing_is_waited_out(error: BaseException) -> None:
    assert is_transient(error)


def test_a_wrapped_environment_failure_counts_by_its_cause() -> None:
    try:
        try:
            raise ReplicasBehind("0 of 1")
        except ReplicasBehind as cause:
            raise RuntimeError("saving the batch failed") from cause
    except RuntimeError as wrapped:
        assert is_transient(wrapped)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("amount is not a number"),
        KeyError("receiver_account"),
        redis_errors.ResponseError("WRONGTYPE Operation against a key holding the wrong kind"),
        kafka_errors.MessageSizeTooLargeError(),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_failure_that_may_be_the_records_own_is_not_waited_out(error: BaseException) -> None:
    assert not is_transient(error)
