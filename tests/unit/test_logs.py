"""Log lines carry no identifier, account, card or phone in clear, and one event is one line."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest

from screener.logs import JsonFormatter, MaskingFormatter, logging_config, mask
from tests import factories


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to KZ86125KZT5004100643 now", "to KZ86…0643 now"),
        ("iin=900101300123", "iin=…0123"),
        ("customer_900101300123 held", "customer_…0123 held"),
        ("card 4400 4301 2345 6789.", "card 4400…6789."),
        ("card 4400-4301-2345-6789", "card 4400…6789"),
        ("card 4400430123456789", "card 4400…6789"),
        ("call +7 701 123 45 67", "call …4567"),
        ("call 87011234567 or +7(701)123-45-67", "call …4567 or …4567"),
        ("id a\nb\rc\x1b[31m\u2028", "id a\\x0ab\\x0dc\\x1b[31m\\u2028"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "bank.transfers[2]@123456: batch of 500 in 12.5 ms",
        "rules reloaded: version 2026-12-01 -> 2026-12-02",
        "event 0f8fad5b-d9cb-469f-a165-70867728950e",
        "woke up too late, with a drift of +6.66701234569929 runtime=2.2161000060805236e-05",
        "amount 123456789012.50 KZT",
    ],
)
def test_operational_text_is_left_alone(text: str) -> None:
    assert mask(text) == text


def test_generated_identifiers_never_survive() -> None:
    for _ in range(200):
        iban, iin = factories.new_kz_iban(), factories.customer_id()
        masked = mask(f"transfer from {iban} of customer {iin}")
        assert iban not in masked and iin not in masked
        assert f"{iban[:4]}…{iban[-4:]}" in masked and f"…{iin[-4:]}" in masked


def _record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad account KZ86125KZT5004100643")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("screener.test", logging.WARNING, __file__, 1, message, args, exc_info)


def test_json_lines_are_one_object_per_event_and_masked() -> None:
    line = JsonFormatter().format(
        _record("dead letter %s: %s", "ev\n1", "bad IIN 900101300123", exc=True)
    )
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "screener.test"
    assert entry["message"] == "dead letter ev\\x0a1: bad IIN …0123"
    assert "KZ86…0643" in entry["exception"] and "KZ86125KZT5004100643" not in entry["exception"]


def test_text_lines_are_masked_with_their_traceback() -> None:
    text = MaskingFormatter().format(_record("hold for %s", "KZ86125KZT5004100643", exc=True))
    first, *traceback = text.split("\n")
    assert first.endswith("WARNING screener.test: hold for KZ86…0643")
    assert traceback and "KZ86125KZT5004100643" not in text


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_process_configuration_masks_every_logger(
    log_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    logging.config.dictConfig(logging_config(log_format))
    try:
        logging.getLogger("aiokafka.somewhere").warning("key %s", "900101300123")
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
    out = stream.getvalue()
    assert "…0123" in out and "900101300123" not in out
    if log_format == "json":
        assert json.loads(out)["message"] == "key …0123"
