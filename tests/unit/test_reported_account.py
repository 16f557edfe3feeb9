"""A fraud report naming the account the money went to suspends it: later payments to or
from it wait for an officer, never refused; the reporter's own account is left alone, also
when the screener learns only later that it is theirs; a redelivered report changes
nothing. Through the replay, which runs the worker's core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from screener.backtest.replay import raw_records, replay
from screener.domain.accounts import AccountActivity
from screener.domain.calendar import BusinessCalendar
from screener.domain.events import CustomerEvent
from screener.domain.profile import AccountProfile
from screener.domain.reported_account import reported_account
from screener.settings import load_rules
from tests import factories

MONDAY = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # 14:00 in Almaty


def at(minutes: float) -> str:
    return (MONDAY + timedelta(minutes=minutes)).isoformat()


def decisions(*lines: tuple[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    records = raw_records({"topic": topic, "event": event} for topic, event in lines)
    result = replay(records, load_rules())
    return {d["event_id"]: d for d in result.decisions}


def reasons(decision: dict[str, Any]) -> set[str]:
    return {reason["rule"] for reason in decision["reasons"]}


def test_payments_to_and_from_a_reported_account_are_held_never_refused() -> None:
    mule = factories.new_kz_iban()
    victim, stranger = factories.new_iin(), factories.new_iin()
    report = factories.customer_event(
        "fraud_reported", customer_id=victim, account=mule, occurred_at=at(0)
    )
    # The victim paid the account before reporting it: clearly not the victim's own.
    before = factories.transfer(customer_id=victim, receiver_account=mule, occurred_at=at(-10))
    to_mule = factories.transfer(customer_id=stranger, receiver_account=mule, occurred_at=at(30))
    from_mule = factories.transfer(sender_account=mule, occurred_at=at(60))
    elsewhere = factories.transfer(customer_id=stranger, occurred_at=at(90))
    decided = decisions(
        ("transfers", before),
        ("customer_events", report),
        ("transfers", to_mule),
        ("transfers", from_mule),
        ("transfers", elsewhere),
    )
    assert decided[before["event_id"]]["verdict"] == "allow"
    for payment in (to_mule, from_mule):
        decision = decided[payment["event_id"]]
        assert decision["verdict"] == "hold" and "suspended_account" in reasons(decision)
    assert decided[elsewhere["event_id"]]["verdict"] == "allow"


def test_an_account_reported_as_printed_in_groups_of_four_is_the_account_paid() -> None:
    """A call centre types the IBAN as it is printed on paper; the payments carry it in its
    electronic form. Both are one account."""
    mule = factories.new_kz_iban()
    printed = " ".join(mule[i : i + 4] for i in range(0, len(mule), 4)).lower()
    victim, next_victim = factories.new_iin(), factories.new_iin()
    before = factories.transfer(customer_id=victim, receiver_account=mule, occurred_at=at(-10))
    report = factories.customer_event(
        "fraud_reported", customer_id=victim, account=printed, occurred_at=at(0)
    )
    payment = factories.transfer(customer_id=next_victim, receiver_account=mule, occurred_at=at(5))
    decided = decisions(("transfers", before), ("customer_events", report), ("transfers", payment))
    assert decided[payment["event_id"]]["verdict"] == "hold"
    assert "suspended_account" in reasons(decided[payment["event_id"]])


def test_an_account_first_seen_in_a_report_holds_the_next_victims_payment() -> None:
    # The reporter paid it before the screener's history began, or from another bank: the
    # screener knows nothing of the account, and it is not the reporter's.
    victim, next_victim = factories.new_iin(), factories.new_iin()
    account = factories.new_kz_iban()
    report = factories.customer_event(
        "fraud_reported", customer_id=victim, account=account, occurred_at=at(0)
    )
    payment = factories.transfer(
        customer_id=next_victim, receiver_account=account, occurred_at=at(5)
    )
    decided = decisions(("customer_events", report), ("transfers", payment))
    assert decided[payment["event_id"]]["verdict"] == "hold"
    assert "suspended_account" in reasons(decided[payment["event_id"]])


def test_the_reporters_own_account_is_not_suspended() -> None:
    victim = factories.new_iin()
    own = factories.new_kz_iban()
    opened = factories.customer_event(
        "account_opened", customer_id=victim, account=own, occurred_at=at(-600)
    )
    report = factories.customer_event(
        "fraud_reported", customer_id=victim, account=own, occurred_at=at(0)
    )
    salary_spent = factories.transfer(customer_id=victim, sender_account=own, occurred_at=at(30))
    decided = decisions(
        ("customer_events", opened),
        ("customer_events", report),
        ("transfers", salary_spent),
    )
    assert "suspended_account" not in reasons(decided[salary_spent["event_id"]])


def test_a_report_naming_the_reporters_unseen_own_account_stops_holding_once_they_use_it() -> None:
    # The bank filled the report with the victim's own account, which the screener had
    # never seen: it is suspended, but the reporter's own payments from it, money paid to
    # them into it, and then anyone's payments into it (the holder is known now) pass.
    victim, employer, friend = factories.new_iin(), factories.new_iin(), factories.new_iin()
    own = factories.new_kz_iban()
    report = factories.customer_event(
        "fraud_reported", customer_id=victim, account=own, occurred_at=at(0)
    )
    salary = factories.transfer(
        customer_id=employer, receiver_account=own, receiver_customer_id=victim, occurred_at=at(5)
    )
    rent = factories.transfer(customer_id=victim, sender_account=own, occurred_at=at(10))
    gift = factories.transfer(customer_id=friend, receiver_account=own, occurred_at=at(15))
    decided = decisions(
        ("customer_events", report),
        ("transfers", salary),
        ("transfers", rent),
        ("transfers", gift),
    )
    for payment in (salary, rent, gift):
        assert "suspended_account" not in reasons(decided[payment["event_id"]])
    # A stranger who pays the account before the reporter is seen with it is held.
    early = factories.transfer(customer_id=friend, receiver_account=own, occurred_at=at(3))
    decided = decisions(("customer_events", report), ("transfers", early))
    assert "suspended_account" in reasons(decided[early["event_id"]])


def test_the_reporter_paying_the_reported_account_again_is_held() -> None:
    # Talked into it a second time ("the money can still be recovered"): still the mule's.
    victim, mule = factories.new_iin(), factories.new_kz_iban()
    report = factories.customer_event(
        "fraud_reported", customer_id=victim, account=mule, occurred_at=at(0)
    )
    again = factories.transfer(customer_id=victim, receiver_account=mule, occurred_at=at(30))
    decided = decisions(("customer_events", report), ("transfers", again))
    assert "suspended_account" in reasons(decided[again["event_id"]])


def test_a_suspension_ends_after_five_business_days_and_explains_itself() -> None:
    event = CustomerEvent(
        type="fraud_reported",
        event_id="r-1",
        customer_id="850503300129",
        occurred_at=datetime(2026, 3, 19, 9, 0, tzinfo=UTC),  # Thursday before Nauryz
        account="KZ-MULE",
    )
    # The screener saw someone else send from the account: not the reporter's.
    theirs = AccountActivity("KZ-MULE", profile=AccountProfile(holder_id="010615600788"))
    found = reported_account(event, theirs, 5, BusinessCalendar())
    assert found is not None
    # Nauryz (21-23 March 2026, Saturday to Monday, moved days off) is skipped.
    assert found.suspension.ends_at.date() > datetime(2026, 3, 26).date()
    assert found.suspension.days_off_skipped
    assert "KZ-MULE" in found.message.en and "KZ-MULE" in found.message.ru
    assert "KZ-MULE" in found.message.kk
    calendar = BusinessCalendar()
    assert reported_account(event, theirs, 0, calendar) is None  # switched off
    # Nothing known of the account: a fraudster's at another bank, suspended as well.
    assert reported_account(event, AccountActivity("KZ-MULE"), 5, calendar) is not None
    # The reporter's own account is left alone.
    own = AccountActivity("KZ-MULE", profile=AccountProfile(holder_id=event.customer_id))
    assert reported_account(event, own, 5, calendar) is None


def test_a_second_report_keeps_the_first_suspension() -> None:
    mule = factories.new_kz_iban()
    lines: list[tuple[str, dict[str, Any]]] = []
    reports = []
    for n in range(2):
        victim = factories.new_iin()
        paid = factories.transfer(customer_id=victim, receiver_account=mule, occurred_at=at(10 * n))
        report = factories.customer_event(
            "fraud_reported", customer_id=victim, account=mule, occurred_at=at(10 * n + 5)
        )
        lines += [("transfers", paid), ("customer_events", report)]
        reports.append(report)
    records = raw_records({"topic": topic, "event": event} for topic, event in lines)
    entry = replay(records, load_rules(), batch_size=1).store.suspension_entry(mule)
    assert entry is not None and entry["rule"] == "fraud_report"
    assert entry["hold_id"] == reports[0]["event_id"]


def test_a_reported_accounts_holder_buying_at_a_busy_shop_is_not_held() -> None:
    """A shop whose kind the bank never sends: twelve customers pay its account before the
    suspended account's holder buys there. Its payments to a person still wait."""
    mule, shop = factories.new_kz_iban(), factories.new_kz_iban()
    victim = factories.new_iin()
    buyers = [
        factories.transfer(
            receiver_account=shop, receiver_kind=None, amount="4500.00", occurred_at=at(n)
        )
        for n in range(12)
    ]
    before = factories.transfer(customer_id=victim, receiver_account=mule, occurred_at=at(20))
    report = factories.customer_event(
        "fraud_reported", customer_id=victim, account=mule, occurred_at=at(30)
    )
    groceries = factories.transfer(
        sender_account=mule, receiver_account=shop, receiver_kind=None, occurred_at=at(60)
    )
    to_a_person = factories.transfer(sender_account=mule, occurred_at=at(70))
    decided = decisions(
        *(("transfers", buyer) for buyer in buyers),
        ("transfers", before),
        ("customer_events", report),
        ("transfers", groceries),
        ("transfers", to_a_person),
    )
    assert decided[groceries["event_id"]]["verdict"] == "allow"
    held = decided[to_a_person["event_id"]]
    assert held["verdict"] == "hold" and "suspended_account" in reasons(held)
