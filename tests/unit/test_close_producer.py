"""`close_producer`: a failed flush is an error; kafka-python's race in close is not."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from screener.adapters.kafka_producers import close_producer


class RecordingProducer:
    """Stands in for kafka-python's KafkaProducer: records calls, raises what it is told."""

    def __init__(
        self, *, flush_error: Exception | None = None, close_error: Exception | None = None
    ):
        self.calls: list[tuple[str, Any]] = []
        self._flush_error = flush_error
        self._close_error = close_error

    def flush(self, timeout: float | None = None) -> None:
        self.calls.append(("flush", timeout))
        if self._flush_error is not None:
            raise self._flush_error

    def close(self, timeout: float | None = None) -> None:
        self.calls.append(("close", timeout))
        if self._close_error is not None:
            raise self._close_error


def test_flushes_then_closes_with_the_same_timeout() -> None:
    producer = RecordingProducer()
    close_producer(producer, 5)  # type: ignore[arg-type]
    assert producer.calls == [("flush", 5), ("close", 5)]


def test_the_wakeup_race_in_close_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    race = AttributeError("'NoneType' object has no attribute 'sendall'")
    producer = RecordingProducer(close_error=race)
    with caplog.at_level(logging.WARNING, logger="screener.adapters.kafka_producers"):
        close_producer(producer)  # type: ignore[arg-type]
    assert producer.calls == [("flush", None), ("close", None)]
    assert "sendall" in caplog.text


def test_a_failed_flush_raises_and_the_producer_is_not_reported_closed() -> None:
    producer = RecordingProducer(flush_error=TimeoutError("records not acknowledged"))
    with pytest.raises(TimeoutError):
        close_producer(producer, 1)  # type: ignore[arg-type]
    assert producer.calls == [("flush", 1)]
