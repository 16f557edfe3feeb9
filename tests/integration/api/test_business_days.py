"""The review API counts a confirmed fraud's block in business days on the worker's calendar:
the rules file's public holidays and the bank's own days off, read from the same file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from screener.domain.calendar import KAZAKHSTAN, BusinessCalendar
from tests.integration.api.conftest import ReviewFactory
from tests.integration.api.support import seed_hold

RULES = Path(__file__).resolve().parents[3] / "screener" / "config" / "rules.yaml"


def next_weekdays(count: int) -> list[date]:
    """The next `count` weekdays after today in Almaty, where the block is counted: after
    19:00 UTC the machine's date is a day behind it."""
    day, found = datetime.now(KAZAKHSTAN.zone).date(), []
    while len(found) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            found.append(day)
    return found


def test_a_bank_s_days_off_lengthen_the_block_as_they_do_in_the_worker(
    review_factory: ReviewFactory, tmp_path: Path
) -> None:
    days_off = next_weekdays(3)
    raw = yaml.safe_load(RULES.read_text())
    raw["calendar"] = {"extra_days_off": [d.isoformat() for d in days_off]}
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump(raw))
    review = review_factory(SCREENER_RULES_FILE=str(rules))
    hold = seed_hold(review.settings)

    response = review.call(
        "POST", f"/api/holds/{hold.hold_id}/confirm-fraud", "officer", json_body={"note": "scam"}
    )
    assert response.status == 200, response.text
    block = review.block(hold.receiver_account)
    assert block is not None
    created = datetime.fromisoformat(block["created_at"])
    expires = datetime.fromisoformat(block["expires_at"])
    calendar = BusinessCalendar(KAZAKHSTAN.zone, frozenset(days_off))
    assert expires == calendar.suspension(created, 5).ends_at
    assert expires > KAZAKHSTAN.suspension(created, 5).ends_at  # the bank's days count
    skipped = [d["date"] for d in block["suspension"]["days_off_skipped"]]
    assert [d.isoformat() for d in days_off] == skipped[:3]
    assert block["suspension"]["business_days"] == 5
