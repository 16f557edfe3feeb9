"""A bug met while decoding a record (third black-box probe, finding 3): the record is a
poison dead letter and the stream goes on. Raised out of `ScreeningService.decode`, outside
the batch's retry and split, it stopped the worker, and on every restart again."""

from __future__ import annotations

from typing import Any

import pytest

import screener.service
from screener.backtest.replay import replay
from screener.boundary import decode_event
from screener.settings import load_rules
from tests import factories
from tests.streams import record

CONFIG = load_rules(None)


def test_a_bug_in_decoding_one_record_makes_it_a_poison_dead_letter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken, fine = factories.transfer(), factories.transfer()

    def decode_with_a_bug(kind: str, raw: bytes) -> Any:
        if broken["event_id"].encode() in raw:
            raise TypeError("a library's bug")
        return decode_event(kind, raw)

    monkeypatch.setattr(screener.service, "decode_event", decode_with_a_bug)
    result = replay([record("transfers", broken, 0), record("transfers", fine, 1)], CONFIG)
    assert [d["event_id"] for d in result.decisions] == [fine["event_id"]]
    (letter,) = result.dead_letters
    assert letter["reason"] == "poison"
    assert "TypeError: a library's bug" in letter["error"]
