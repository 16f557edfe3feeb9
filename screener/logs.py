"""Log lines operators can ship anywhere: one line per event of interest, JSON when
`SCREENER_LOG_FORMAT=json`, and never a customer's identifier, account, card or phone in
clear.

Masking happens in the formatter, the one place every line passes through (the screener's
own, Faust's, aiokafka's and aiohttp's), so a log call anywhere cannot leak by forgetting
to mask. Masked values keep their ends (`KZ86…0643`) so an operator can still tell two
accounts apart and find the full value where it belongs (the hold, the dead-letter topic).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

ELLIPSIS = "…"

# Digits inside a word (a UUID's last group) or a decimal number (a duration's fraction)
# are not identifiers: a match starts and ends at such a boundary.
_START = r"(?<![0-9A-Za-z…])(?<![0-9]\.)"
_END = r"(?![0-9A-Za-z…])(?!\.[0-9])"
# Order matters: an IBAN holds digit runs a card or IIN pattern would also match.
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}[A-Z0-9]{11,30}(?![A-Za-z0-9])")
# 13-19 digits, optionally grouped by spaces or dashes: payment cards. Without a Luhn check:
# masking a millisecond timestamp costs nothing, leaking a mistyped card number would.
_CARD = re.compile(rf"{_START}\d(?:[ -]?\d){{12,18}}{_END}")
# Kazakh mobile numbers: +7 or 8, then 7xx, then 7 digits, with the usual separators.
_PHONE = re.compile(
    rf"(?<!\+){_START}(?:\+7|8|7)[ -]?\(?7\d{{2}}\)?[ -]?\d{{3}}[ -]?\d{{2}}[ -]?\d{{2}}{_END}"
)
# IIN and BIN: 12 digits.
_IIN = re.compile(rf"{_START}\d{{12}}{_END}")
# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: a raw
# event id or key with these could forge a second log line or hide part of one.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _keep_ends(match: re.Match[str]) -> str:
    text = match.group(0)
    return f"{text[:4]}{ELLIPSIS}{text[-4:]}"


def _last_four(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return f"{ELLIPSIS}{digits[-4:]}"


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def mask(text: str) -> str:
    """`text` with IBANs and cards cut to their ends, IINs/BINs and phones to their last
    four digits, and control characters escaped (so one event is one line)."""
    text = _IBAN.sub(_keep_ends, text)
    text = _CARD.sub(_keep_ends, text)
    text = _PHONE.sub(_last_four, text)
    text = _IIN.sub(_last_four, text)
    return _CONTROL.sub(_escape_control, text)


def mask_multiline(text: str) -> str:
    """Like `mask`, keeping the line breaks of a traceback in the text format."""
    return "\n".join(mask(line) for line in text.split("\n"))


class MaskingFormatter(logging.Formatter):
    """`time level logger: message`, masked; a traceback follows on its own lines."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = mask(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return mask_multiline(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return mask_multiline(super().formatStack(stack_info))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: `ts`, `level`, `logger`, `message`, and `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        if record.exc_info:
            line["exception"] = mask_multiline(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = mask_multiline(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False)


LOG_FORMATS = ("text", "json")


def logging_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for the whole process: also handed to Faust's worker,
    which otherwise replaces the root logger's handlers with its own coloured ones."""
    formatter = JsonFormatter if log_format == "json" else MaskingFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"screener": {"()": formatter}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "screener",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["default"]},
        # kafka-python's INFO lines are per-connection chatter.
        "loggers": {"kafka": {"level": "WARNING"}},
    }
