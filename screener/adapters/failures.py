"""Which failures of Redis and Kafka are the environment's (wait and retry) and which are
the input's (the same records fail the same way: find the record and dead-letter it)."""

from __future__ import annotations

import asyncio

import redis.exceptions as redis_errors
from aiokafka import errors as kafka_errors

from screener.adapters.redis_replication import ReplicasBehind

# Redis away, restarting, failing over, out of memory or refusing us: none of it is the
# record's fault, and dead-lettering on it would lose good events. Retried until it passes.
_REDIS_TRANSIENT = (
    redis_errors.ConnectionError,  # also authentication failures and a server still loading
    redis_errors.TimeoutError,
    redis_errors.ReadOnlyError,
    redis_errors.OutOfMemoryError,
    redis_errors.MasterDownError,
    redis_errors.TryAgainError,
    redis_errors.ClusterError,
    redis_errors.ClusterDownError,
    redis_errors.MovedError,
    redis_errors.AskError,
    redis_errors.NoPermissionError,
    redis_errors.NoScriptError,
    redis_errors.WatchError,
    redis_errors.MaxConnectionsError,
    # No replica acknowledged the batch in time: after a failover the new primary has none
    # until the old one rejoins. Taken as the record's fault it split the batch down to one
    # good record and dead-lettered it as poison (test-cluster, sentinel failover).
    ReplicasBehind,
)
_KAFKA_TRANSIENT = (
    kafka_errors.KafkaConnectionError,
    kafka_errors.KafkaTimeoutError,  # a send that waited too long for a broker
    kafka_errors.NoBrokersAvailable,
    kafka_errors.ProducerClosed,  # the worker is stopping
)


def is_transient(error: BaseException) -> bool:
    """True for failures of the environment (retry with backoff); False for failures that
    may be the records' own: those are retried once, then the batch is split. Faust wraps
    the producer's errors (`ProducerSendError` from `ProducerClosed`): causes count too."""
    cause = error.__cause__
    if cause is not None and cause is not error and is_transient(cause):
        return True
    if isinstance(error, _REDIS_TRANSIENT + _KAFKA_TRANSIENT):
        return True
    if isinstance(error, kafka_errors.KafkaError):
        return bool(error.retriable)
    return isinstance(error, OSError | asyncio.TimeoutError)
