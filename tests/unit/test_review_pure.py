"""The review API's pure parts: CSV import parsing, queue filters, views, tokens, ids,
follow-the-money's messages and business days, settings. No Redis, no Kafka."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from screener.api.auth import Role, User, new_token, same_secret, token_digest
from screener.api.blocklist import check_ttl, parse_import
from screener.api.errors import BadRequest
from screener.api.follow import block_until, follow_message
from screener.api.holds import QueueQuery, urgency
from screener.api.ids import check_account, check_hold_id
from screener.api.views import account_profile, hold_trail, hold_view, timeline_view
from screener.domain.accounts import Flow
from screener.domain.calendar import BusinessCalendar
from screener.domain.config import ConfigError
from screener.settings import Settings

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday
ALMATY = ZoneInfo("Asia/Almaty")


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("KZ1,reason", None),
        ("KZ1,reason,60", None),
        ("KZ1,reason,", None),
        ("KZ1", "expected account,reason[,ttl_seconds]"),
        ("KZ1,reason,60,extra", "expected account,reason[,ttl_seconds]"),
        ("+77011234567,wallet", None),
        ("счёт №1,кириллица", None),
        ("A" * 256 + ",reason", None),
        ("A" * 257 + ",reason", "an account is 1-256 characters"),
        ("KZ1,", "reason is required text"),
        ("KZ1,reason,-1", "ttl_seconds must be a whole number of seconds"),
        ("KZ1,reason,0", "ttl_seconds must be between 1 and 316224000, or null"),
        ("KZ1,reason,1.5", "ttl_seconds must be a whole number of seconds"),
    ],
)
def test_each_import_line_is_checked_on_its_own(line: str, error: str | None) -> None:
    """Accounts as the worker sees them: a wallet, a Cyrillic id, up to 256 characters."""
    parsed = parse_import("account,reason,ttl_seconds\n" + line + "\nKZ9,fine\n")
    assert parsed.lines[-1].account == "KZ9"
    if error is None:
        assert len(parsed.lines) == 2 and parsed.errors == []
    else:
        assert parsed.errors == [{"line": 2, "error": error}]


def test_import_skips_blank_lines_comments_and_quoted_commas() -> None:
    parsed = parse_import('\n# AFC list of 2026-11-20\nKZ1,"mule, reported twice",3600\n\n')
    assert [(line.line, line.account, line.reason, line.ttl) for line in parsed.lines] == [
        (3, "KZ1", "mule, reported twice", 3600)
    ]


def test_an_imported_iban_typed_for_people_is_blocked_as_payments_carry_it() -> None:
    parsed = parse_import("KZ18 722S 0000 1234 5678,mule\nkz18722s000012345678,again\n")
    assert [line.account for line in parsed.lines] == ["KZ18722S000012345678"] * 2


@pytest.mark.parametrize("ttl", [0, -1, "60", 1.0, True, 10**10])
def test_bad_ttls_are_refused(ttl: object) -> None:
    with pytest.raises(BadRequest):
        check_ttl(ttl)


def test_ttl_none_means_until_lifted() -> None:
    assert check_ttl(None) is None and check_ttl(60) == 60


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [
        (check_hold_id, "a" * 128, True),
        (check_hold_id, "a" * 129, False),
        (check_hold_id, "bank1:txn.42_x-y", True),
        (check_hold_id, "", False),
        # Any text: a hold's id is its event's id, which the contract leaves free.
        (check_hold_id, "a/b", True),
        (check_hold_id, "платёж #7?x=1", True),
        (check_hold_id, "щ" * 128, True),
        # Any receiver the worker can block (CONTRACT §2.1: 1-256 characters).
        (check_account, "A" * 256, True),
        (check_account, "A" * 257, False),
        (check_account, "", False),
        (check_account, "KZ18722S000012345678", True),
        (check_account, "+77011234567", True),
        (check_account, "tok_4400-1234/5678?x#y", True),
        (check_account, "счёт", True),
    ],
)
def test_ids_at_their_edges(check: object, value: str, ok: bool) -> None:
    assert callable(check)
    if ok:
        assert check(value) == value
    else:
        with pytest.raises(BadRequest):
            check(value)


def test_tokens_are_random_and_stored_as_sha256() -> None:
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43
    assert token_digest(first) == token_digest(first) and len(token_digest(first)) == 64
    assert first not in token_digest(first)
    assert same_secret("abc", "abc") and not same_secret("abc", "abd")


def test_roles_are_ordered_and_a_disabled_user_may_nothing() -> None:
    officer = User("aigerim", Role.OFFICER)
    assert officer.may(Role.VIEWER) and officer.may(Role.OFFICER)
    assert not officer.may(Role.SUPERVISOR)
    assert not User("gone", Role.SUPERVISOR, disabled=True).may(Role.VIEWER)
    with pytest.raises(BadRequest):
        Role.parse("admin")


def fields(**extra: str) -> dict[str, str]:
    return {
        "event_id": "h1",
        "event_type": "transfer",
        "customer_id": "850503300129",
        "amount": "1800000.00",
        "verdict": "hold",
        "status": "held",
        "score": "70",
        "reasons": '[{"rule": "safe_account", "score": 70, '
        '"message": {"en": "e", "ru": "r", "kk": "k"}}]',
        "created_at": (NOW - timedelta(minutes=31)).isoformat(),
        "hold_until": "",
        "resolved_at": "",
        "resolved_by": "",
        "note": "",
        **extra,
    }


@pytest.mark.parametrize(("minutes", "overdue"), [(29, False), (30, False), (31, True)])
def test_the_service_level_edge(minutes: int, overdue: bool) -> None:
    view = hold_view(
        "h1",
        fields(created_at=(NOW - timedelta(minutes=minutes)).isoformat()),
        None,
        NOW,
        timedelta(minutes=30),
    )
    assert view["sla"]["overdue"] is overdue
    assert view["age_seconds"] == minutes * 60


def test_a_resolved_hold_keeps_the_age_it_had() -> None:
    view = hold_view(
        "h1",
        fields(status="released", resolved_at=(NOW - timedelta(minutes=21)).isoformat()),
        None,
        NOW,
        timedelta(minutes=30),
    )
    assert view["age_seconds"] == 600 and view["sla"]["overdue"] is False
    assert view["sla"]["remaining_seconds"] is None


def test_an_officer_sees_what_a_held_loan_waits_for() -> None:
    assert hold_view("h1", fields(), None, NOW, timedelta(minutes=30))["loan_release"] is None
    ends = (NOW + timedelta(hours=3)).isoformat()
    loan = fields(
        event_type="loan_approval",
        loan_id="L-9",
        period_ends_at=ends,
        reconfirmation_required="1",
        officer_required="1",
        reconfirmed_at="",
        early_reconfirmed_at=NOW.isoformat(),
        period_ended_at="",
        regulatory_satisfied_at="",
        release_version="1",
    )
    view = hold_view("h1", loan, None, NOW, timedelta(minutes=30))["loan_release"]
    assert view["loan_id"] == "L-9" and view["period_ends_at"] == ends
    assert view["reconfirmation_required"] and view["officer_required"]
    assert view["early_reconfirmed_at"] == NOW.isoformat() and view["reconfirmed_at"] is None
    assert QueueQuery.from_params({"status": "cancelled"}).status == "cancelled"


def test_queue_filters_and_urgency() -> None:
    officer = User("aigerim", Role.OFFICER)
    view = hold_view("h1", fields(), {"by": "aigerim"}, NOW, timedelta(minutes=30))
    assert QueueQuery.from_params({"rule": "safe_account", "claimed": "mine"}).matches(
        view, officer
    )
    assert not QueueQuery.from_params({"rule": "cooling_period"}).matches(view, officer)
    assert QueueQuery(min_amount=Decimal("1800000.00")).matches(view, officer)
    assert not QueueQuery(min_amount=Decimal("1800000.01")).matches(view, officer)
    assert not QueueQuery(claimed="no").matches(view, officer)
    assert QueueQuery.from_params({}).sort == "newest"
    urgent_old = {"score": 90, "created_at": "2026-11-20T10:00:00+00:00"}
    urgent_new = {"score": 90, "created_at": "2026-11-20T11:00:00+00:00"}
    mild = {"score": 40, "created_at": "2026-11-20T09:00:00+00:00"}
    assert sorted([mild, urgent_new, urgent_old], key=urgency) == [urgent_old, urgent_new, mild]


def test_the_timeline_marks_the_held_event_and_what_came_after() -> None:
    history = {
        "entries": [
            {"event_id": "h1", "type": "transfer", "at": 300.0, "amount_minor": 1000, "attrs": {}},
            {"event_id": "e0", "type": "login", "at": 100.0, "amount_minor": 0, "attrs": {}},
            {"event_id": "e2", "type": "login", "at": 400.0, "amount_minor": 0, "attrs": {}},
        ]
    }
    timeline = timeline_view(history, "h1")
    assert [(e["event_id"], e["held_event"], e["after_hold"]) for e in timeline] == [
        ("e0", False, False),
        ("h1", True, False),
        ("e2", False, True),
    ]
    assert timeline[1]["amount"] == "10.00" and timeline[0]["amount"] is None


def test_the_held_transfer_is_marked_not_a_login_sharing_its_id() -> None:
    history = {
        "entries": [
            {"event_id": "7", "type": "login", "at": 100.0, "amount_minor": 0, "attrs": {}},
            {"event_id": "7", "type": "transfer", "at": 300.0, "amount_minor": 1000, "attrs": {}},
        ]
    }
    timeline = timeline_view(history, "7", "transfer")
    assert [(e["type"], e["held_event"], e["after_hold"]) for e in timeline] == [
        ("login", False, False),
        ("transfer", True, False),
    ]


def test_an_account_profile_counts_the_last_day_from_now() -> None:
    day = 86400
    inbound = [
        Flow("i1", NOW.timestamp() - day - 1, 100_00, "S1", party="P1"),
        Flow("i2", NOW.timestamp() - day + 1, 200_00, "S2", party="P2"),
        Flow("i3", NOW.timestamp() - 10, 300_00, "S3", party="P2"),
    ]
    outbound = [Flow("o1", NOW.timestamp() - 5, 450_00, "R1")]
    profile = account_profile("ACC", inbound, outbound, {"opened_at": "0"}, None, None, NOW)
    assert profile["last_day"] == {
        "senders": 1,
        "inbound": {"count": 2, "total": "500.00"},
        "outbound": {"count": 1, "total": "450.00"},
    }
    assert profile["window"]["senders"] == 2 and profile["blocked"] is False
    assert profile["recent_inbound"][0]["event_id"] == "i3"


def test_the_trail_shows_the_workers_creation_and_timed_release() -> None:
    released = fields(
        status="released",
        resolved_by="screener",
        resolved_at=NOW.isoformat(),
        note="hold period ended",
    )
    trail = hold_trail("h1", released, [])
    assert [(e["action"], e["from"], e["to"], e["by"]) for e in trail] == [
        ("create", "", "held", "screener"),
        ("status", "held", "released", "screener"),
    ]


def test_follow_messages_name_the_hop_and_the_source_in_three_languages() -> None:
    message = follow_message(2, "H-42", "KZ-B", "KZ-C")
    assert set(message) == {"en", "ru", "kk"}
    for text in message.values():
        assert "H-42" in text and "KZ-B" in text and "KZ-C" in text and "2" in text


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (
            datetime(2026, 11, 20, 12, 0, tzinfo=ALMATY),
            datetime(2026, 11, 27, 12, 0, tzinfo=ALMATY),
        ),
        (
            datetime(2026, 11, 21, 12, 0, tzinfo=ALMATY),
            datetime(2026, 11, 27, 12, 0, tzinfo=ALMATY),
        ),
        (
            datetime(2026, 11, 22, 12, 0, tzinfo=ALMATY),
            datetime(2026, 11, 27, 12, 0, tzinfo=ALMATY),
        ),
        # Sunday 23:30 in UTC is already Monday in Almaty: business days count from there.
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), datetime(2026, 11, 30, 4, 30, tzinfo=ALMATY)),
    ],
)
def test_blocks_last_business_days_on_kazakhstans_calendar(start: datetime, end: datetime) -> None:
    assert block_until(start, 5, BusinessCalendar(ALMATY)).ends_at == end


def test_review_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "SCREENER_REVIEW_SLA_MINUTES": "45",
            "SCREENER_SESSION_MINUTES": "60",
            "SCREENER_FRAUD_BLOCK_BUSINESS_DAYS": "3",
            "SCREENER_FOLLOW_DEPTH": "5",
            "SCREENER_FOLLOW_STOP_KINDS": "crypto_exchange, payment_service",
        }
    ).review
    assert (settings.sla_minutes, settings.session_minutes) == (45, 60)
    assert (settings.fraud_block_business_days, settings.follow_depth) == (3, 5)
    assert settings.follow_stop_kinds == ("crypto_exchange", "payment_service")
    assert Settings.from_env({}).review.sla_minutes == 30
    for bad in ({"SCREENER_REVIEW_SLA_MINUTES": "0"}, {"SCREENER_FOLLOW_DEPTH": "three"}):
        with pytest.raises(ConfigError):
            Settings.from_env(bad)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("account,reason\nKZ1,ok\nKZ2," + "x" * (128 * 1024 + 1) + "\n", 3),
        ("account,reason\nKZ1,ok\nKZ2,bare\rcarriage return\n", 3),
    ],
)
def test_a_file_the_csv_reader_cannot_read_is_refused_naming_the_line(text: str, line: int) -> None:
    """Finding: a field over 128 KB or a bare CR answered 500 with a stack trace."""
    with pytest.raises(BadRequest) as refused:
        parse_import(text)
    assert refused.value.message.startswith(f"line {line}: not readable as CSV")
