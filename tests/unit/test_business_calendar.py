"""Business days on Kazakhstan's calendar: Nauryz, the New Year, Kurban Ait, a bank's own
days off; the suspension end written to Redis and shown to officers says what it skipped."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from screener.api.follow import block_until
from screener.domain.accounts import AccountActivity
from screener.domain.calendar import KAZAKHSTAN, BusinessCalendar
from screener.domain.config import ConfigError
from screener.domain.rules import dropper_fan_in
from screener.settings import load_rules
from tests.unit.rules.scenes import (
    MULE_ACCOUNT,
    TENGE,
    context,
    paid_in,
    paid_out,
    settings,
    transfer,
)

ALMATY = ZoneInfo("Asia/Almaty")
RULES_YAML = Path(__file__).resolve().parents[2] / "screener" / "config" / "rules.yaml"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("start", "ends", "skipped"),
    [
        # Friday before Nauryz 2026: 21-22 March a weekend, 23-25 March days off (Nauryz
        # on the Monday, the weekend's two days moved to Tuesday and Wednesday).
        (
            date(2026, 3, 20),
            date(2026, 4, 1),
            [date(2026, 3, 23), date(2026, 3, 24), date(2026, 3, 25)],
        ),
        # Over the New Year 2027: 1 January, 4 January (2 January fell on a Saturday) and
        # Orthodox Christmas on 7 January are days off.
        (
            date(2026, 12, 30),
            date(2027, 1, 11),
            [date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 7)],
        ),
        # Kurban Ait moves with the lunar calendar: 27 May 2026 (a Wednesday).
        (date(2026, 5, 25), date(2026, 6, 2), [date(2026, 5, 27)]),
        # No holiday in the way: only the weekend is skipped, as before.
        (date(2026, 11, 20), date(2026, 11, 27), []),
    ],
    ids=["nauryz", "new_year", "kurban_ait", "plain_week"],
)
def test_five_business_days_skip_the_public_holidays(
    start: date, ends: date, skipped: list[date]
) -> None:
    suspension = KAZAKHSTAN.suspension(at(start), 5)
    assert suspension.ends_at == at(ends)
    assert [day for day, _ in suspension.days_off_skipped] == skipped
    if skipped:
        assert all(name for _, name in suspension.days_off_skipped)


def test_a_bank_s_own_day_off_is_skipped_too() -> None:
    calendar = BusinessCalendar(ALMATY, frozenset({date(2026, 12, 31)}))
    suspension = calendar.suspension(at(date(2026, 12, 30)), 5)
    assert suspension.ends_at == at(date(2027, 1, 12))
    assert suspension.days_off_skipped[0] == (date(2026, 12, 31), "bank's non-working day")


def test_a_utc_evening_is_counted_on_the_local_calendar() -> None:
    # 19:30 UTC on Friday 20 March is 00:30 on Saturday in Almaty: the count starts there.
    start = datetime(2026, 3, 20, 19, 30, tzinfo=UTC)
    assert KAZAKHSTAN.suspension(start, 1).ends_at == datetime(2026, 3, 26, 0, 30, tzinfo=ALMATY)


def test_the_review_api_and_the_worker_use_the_rules_file_s_calendar(tmp_path: Path) -> None:
    raw = yaml.safe_load(RULES_YAML.read_text())
    raw["calendar"] = {"extra_days_off": ["2026-03-20", date(2026, 3, 19)]}
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw))
    calendar = load_rules(path).calendar
    assert calendar.extra_days_off == {date(2026, 3, 19), date(2026, 3, 20)}
    api_end = block_until(at(date(2026, 3, 18)), 5, calendar)
    assert api_end.ends_at == calendar.suspension(at(date(2026, 3, 18)), 5).ends_at
    assert api_end.ends_at == at(date(2026, 4, 1))
    entry = api_end.as_entry()
    assert entry["business_days"] == 5
    assert [d["date"] for d in entry["days_off_skipped"]] == [
        "2026-03-19",
        "2026-03-20",
        "2026-03-23",
        "2026-03-24",
        "2026-03-25",
    ]
    for bad in (["31.12.2026"], "2026-12-31"):
        raw["calendar"] = {"extra_days_off": bad}
        path.write_text(yaml.safe_dump(raw))
        with pytest.raises(ConfigError, match="calendar.extra_days_off"):
            load_rules(path)


def test_a_dropper_s_suspension_says_it_skipped_nauryz() -> None:
    friday = datetime(2026, 3, 20, 12, 0, tzinfo=ALMATY)
    account = AccountActivity(
        MULE_ACCOUNT,
        inbound=paid_in(19, before=friday),
        outbound=(paid_out(1_800_000 * TENGE, before=friday),),
    )
    hit = dropper_fan_in.evaluate(
        transfer(occurred_at=friday),
        dataclasses.replace(context(receiver=account), calendar=load_rules().calendar),
        settings(dropper_fan_in.RULE_ID),
    )
    assert hit is not None and hit.suspension is not None
    assert hit.block_until == datetime(2026, 4, 1, 12, 0, tzinfo=ALMATY)
    assert "23.03, 24.03, 25.03" in hit.message.en and "Nowruz" in hit.message.en
    assert "23.03, 24.03, 25.03" in hit.message.ru and "23.03" in hit.message.kk
    assert [d["date"] for d in hit.suspension.as_entry()["days_off_skipped"]] == [
        "2026-03-23",
        "2026-03-24",
        "2026-03-25",
    ]
