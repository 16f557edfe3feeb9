"""Event-time sanity (issue #10, finding 2): an event dated far in the future or older than
the longest window is a dead letter, measured against its Kafka record's timestamp; and a
far-future entry already in a customer's state cannot blind the rules."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from importlib import resources

import pytest
import yaml
from prometheus_client import REGISTRY

from screener.backtest.replay import replay
from screener.boundary import EventTimeRejected, decode_event, reference_time_ms
from screener.domain.config import ConfigError, parse_config
from screener.domain.history import CustomerHistory, HistoryEntry
from screener.settings import RULE_PARSERS, load_rules
from tests import factories
from tests.streams import at, record, takeover_signs

CONFIG = load_rules()
T0 = datetime(2026, 3, 2, 19, 0, tzinfo=factories.ALMATY)
FAR_FUTURE = "9999-12-31T23:59:59.000+05:00"


def rejected(topic: str, why: str) -> float:
    value = REGISTRY.get_sample_value(
        "screener_event_time_rejected_total", {"topic": topic, "why": why}
    )
    return value or 0.0


def loan_of(customer: str, moment: datetime, amount: str = "3000000.00") -> dict[str, object]:
    return factories.loan(
        customer_id=customer, occurred_at=at(moment), amount=amount, channel="online"
    )


def risky_loan_decision(customer: str, earlier: list) -> dict[str, object]:  # type: ignore[type-arg]
    events = [
        *takeover_signs(customer, T0),
        ("loans", loan_of(customer, T0 + timedelta(minutes=5))),
    ]
    recs = earlier + [
        record(role, event, len(earlier) + n) for n, (role, event) in enumerate(events)
    ]
    result = replay(recs, CONFIG, batch_size=1)
    (decision,) = result.decisions
    return decision


def test_a_far_future_login_is_a_dead_letter_and_the_loan_still_gets_risky_session() -> None:
    customer = factories.customer_id()
    poison = factories.customer_event("login", customer_id=customer, occurred_at=FAR_FUTURE)
    before = rejected("customer_events", "future")
    result = replay(
        [
            record("customer_events", poison, 0, written=T0 - timedelta(minutes=1)),
            *[
                record(role, event, 1 + n)
                for n, (role, event) in enumerate(
                    [
                        *takeover_signs(customer, T0),
                        ("loans", loan_of(customer, T0 + timedelta(minutes=5))),
                    ]
                )
            ],
        ],
        CONFIG,
        batch_size=1,
    )
    (letter,) = result.dead_letters
    assert letter["error"].startswith("occurred_at: ")
    assert "future" in letter["error"]
    assert rejected("customer_events", "future") == before + 1
    (decision,) = result.decisions
    assert "risky_session" in {reason["rule"] for reason in decision["reasons"]}


def test_a_far_future_entry_already_stored_does_not_blind_the_customer() -> None:
    # The 9999 login got in (its record's own timestamp is 9999, say, or it was stored by an
    # older version): the takeover evening after it must still be seen.
    customer = factories.customer_id()
    poison = factories.customer_event("login", customer_id=customer, occurred_at=FAR_FUTURE)
    decision = risky_loan_decision(customer, [record("customer_events", poison, 0)])
    assert "risky_session" in {reason["rule"] for reason in decision["reasons"]}
    control = risky_loan_decision(factories.customer_id(), [])
    assert "risky_session" in {reason["rule"] for reason in control["reasons"]}


def test_history_entries_far_ahead_of_the_current_event_are_dropped() -> None:
    history = CustomerHistory(entries=(HistoryEntry("poison", "login", 253402300799.0),))
    now = T0.timestamp()
    for n in range(3):
        history = history.recorded(
            HistoryEntry(f"e{n}", "login", now + n), CONFIG.history_keep_seconds, 200
        )
    assert [e.event_id for e in history.entries] == ["e0", "e1", "e2"]


@pytest.mark.parametrize(
    ("offset", "why"),
    [
        (timedelta(minutes=6), "future"),
        (-timedelta(days=7, minutes=1), "too_old"),
    ],
)
def test_events_outside_the_limits_are_dead_letters(offset: timedelta, why: str) -> None:
    customer = factories.customer_id()
    transfer = factories.transfer(customer_id=customer, occurred_at=at(T0 + offset))
    before = rejected("transfers", why)
    result = replay([record("transfers", transfer, 0, written=T0)], CONFIG)
    assert result.decisions == []
    (letter,) = result.dead_letters
    assert letter["error"].startswith("occurred_at: ")
    assert rejected("transfers", why) == before + 1


@pytest.mark.parametrize("offset", [timedelta(minutes=4, seconds=59), -timedelta(days=6, hours=23)])
def test_events_inside_the_limits_are_screened(offset: timedelta) -> None:
    transfer = factories.transfer(occurred_at=at(T0 + offset))
    result = replay([record("transfers", transfer, 0, written=T0)], CONFIG)
    assert result.dead_letters == [] and len(result.decisions) == 1


def test_a_loan_signed_far_in_the_future_is_a_dead_letter() -> None:
    loan = factories.loan(occurred_at=at(T0), contract_signed_at=FAR_FUTURE)
    result = replay([record("loans", loan, 0)], CONFIG)
    (letter,) = result.dead_letters
    assert letter["error"].startswith("contract_signed_at: ")


@pytest.mark.parametrize("timestamp_ms", [int(T0.timestamp() * 1000), -1])
def test_a_loan_signed_long_before_its_approval_is_a_dead_letter(timestamp_ms: int) -> None:
    # Signed "in 1970", its cooling period would have ended decades ago. Without a record
    # timestamp (-1: the rebuild checks such a record against nothing) the signing is still
    # checked against occurred_at.
    loan = factories.loan(occurred_at=at(T0), contract_signed_at="1970-01-02T00:00:00+05:00")
    untimed = dataclasses.replace(record("loans", loan, 0), timestamp_ms=timestamp_ms)
    result = replay([untimed], CONFIG)
    assert result.decisions == []
    (letter,) = result.dead_letters
    assert letter["error"].startswith("contract_signed_at: ")
    assert "before the approval" in letter["error"]


def test_a_loan_signed_days_before_its_approval_is_screened() -> None:
    loan = factories.loan(occurred_at=at(T0), contract_signed_at=at(T0 - timedelta(days=6)))
    result = replay([record("loans", loan, 0, written=T0)], CONFIG)
    assert result.dead_letters == [] and len(result.decisions) == 1


def test_the_limits_are_configurable_and_validated() -> None:
    text = resources.files("screener").joinpath("config/rules.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    raw["event_time"] = {"max_ahead_minutes": 1, "max_behind_days": 2}
    config = parse_config(raw, RULE_PARSERS)
    limits = config.event_time
    assert (limits.max_ahead_seconds, limits.max_behind_seconds) == (60, 2 * 86400)
    raw["event_time"] = {"max_ahead_minutes": -1, "max_behind_days": 2}
    with pytest.raises(ConfigError, match="event_time.max_ahead_minutes"):
        parse_config(raw, RULE_PARSERS)


def test_a_stop_credit_registration_published_late_still_counts() -> None:
    customer = factories.customer_id()
    optout = factories.customer_event(
        "loan_optout_set", customer_id=customer, occurred_at=at(T0 - timedelta(days=30))
    )
    loan = factories.loan(customer_id=customer, occurred_at=at(T0))
    result = replay(
        [record("customer_events", optout, 0, written=T0), record("loans", loan, 1)], CONFIG
    )
    assert result.dead_letters == []
    (decision,) = result.decisions
    assert decision["verdict"] == "block"


def test_the_reference_is_the_record_time_never_later_than_the_readers_clock() -> None:
    """A producer whose clock says 2100 stamps its records with 2100 too (CreateTime):
    checked against its own record, an event of 2100 passed."""
    now_ms = 1_796_000_000_000
    hour_ms = 3_600_000
    assert reference_time_ms(now_ms - 5_000, now_ms) == now_ms - 5_000
    # A worker whose own clock lags by less than an hour is not the producer's fault.
    assert reference_time_ms(now_ms + hour_ms, now_ms) == now_ms + hour_ms
    assert reference_time_ms(4_102_444_800_000, now_ms) == now_ms + hour_ms  # 2100-01-01
    assert reference_time_ms(None, now_ms) is None
    assert reference_time_ms(-1, now_ms) is None  # Kafka's "no timestamp"


@pytest.mark.parametrize("untimed", [-1, 0, None])
def test_a_record_without_a_timestamp_is_checked_against_the_read_time_when_live(
    untimed: int | None,
) -> None:
    """A worker reading live checks it against its clock, so a lift of Stop-credit "of
    2100" sent without a timestamp is refused; the rebuild, days later, checks nothing."""
    now_ms = 1_796_000_000_000
    assert reference_time_ms(untimed, now_ms, untimed_at_read_time=True) == now_ms
    assert reference_time_ms(untimed, now_ms) is None


@pytest.mark.parametrize(
    ("moment", "why"),
    [
        ("9999-12-31T23:59:59+00:00", "future"),
        ("9999-12-31T23:00:00-05:00", "future"),  # in UTC past the calendar's end
        ("0001-01-01T00:30:00+01:00", "too_old"),
        ("0001-01-01T00:00:00+00:00", "too_old"),
    ],
)
def test_a_broken_clocks_year_is_refused_even_without_a_record_time(moment: str, why: str) -> None:
    """A backtest line has no record time; a day added to 9999-12-31 once overflowed the
    rules' date arithmetic and made the event a poison record."""
    for role, event in (
        ("transfers", factories.transfer(occurred_at=moment)),
        ("loans", factories.loan(contract_signed_at=moment)),
        ("customer_events", factories.customer_event("loan_optout_lifted", occurred_at=moment)),
    ):
        with pytest.raises(EventTimeRejected, match="broken clock") as caught:
            decode_event(role, factories.encode(event))
        assert caught.value.why == why and caught.value.reason == "event_time"
