"""Publishing output messages through the Faust app's producer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import orjson

from screener import metrics
from screener.records import OutMessage


class FaustPublisher:
    """Implements `Publisher`: sends a batch and waits for every acknowledgement."""

    def __init__(self, app: Any, topic_names: Mapping[str, str]) -> None:
        self._app = app
        self._topic_names = topic_names

    async def publish(self, messages: list[OutMessage]) -> None:
        producer = self._app.producer
        started = time.perf_counter()
        pending = [
            await producer.send(
                self._topic_names[message.topic],
                message.key.encode() if message.key is not None else None,
                orjson.dumps(message.value),
                None,
                None,
                None,
            )
            for message in messages
        ]
        await asyncio.gather(*pending)
        metrics.KAFKA_PUBLISH_SECONDS.observe(time.perf_counter() - started)
        for message in messages:
            if message.topic == "holds":
                metrics.HOLD_CHANGES.labels(status=message.value["status"]).inc()
