"""The traffic generator: reproducible, valid at the boundary, labels that match, and scams
shaped the way DOMAIN §2 describes them."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from screener.boundary import decode_event
from screener.cli import main
from screener.domain.identifiers import (
    age_on,
    is_valid_bin,
    is_valid_iin,
    is_valid_kz_iban,
    receiver_country_of,
)
from screener.domain.rules.crypto_address import chain_of
from screener.traffic.events import ALMATY, Traffic
from screener.traffic.generate import TrafficSpec, generate_traffic
from screener.traffic.scenarios import REPORTED_APART, SCENARIOS
from screener.traffic.sinks import write_jsonl, write_labels

# Two instances of every scenario over three days: small enough to be quick.
SPEC = TrafficSpec(seed=3, customers=400, days=3, scams=2 * len(SCENARIOS))


@pytest.fixture(scope="module")
def traffic() -> Traffic:
    return generate_traffic(SPEC)


@pytest.fixture(scope="module")
def events(traffic: Traffic) -> dict[str, dict[str, Any]]:
    return {event["event_id"]: event for _, event in traffic.records}


def at(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["occurred_at"])


def amount(event: dict[str, Any]) -> float:
    return float(event["amount"])


def instances(traffic: Traffic, scenario: str) -> dict[str, list[tuple[dict[str, Any], str]]]:
    """instance -> [(label, role)] in event-time order."""
    by_instance: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
    for label in traffic.labels:
        if label["scenario"] == scenario:
            by_instance[label["instance"]].append((label, label["role"]))
    assert by_instance, f"no instance of {scenario}"
    return by_instance


def members(
    traffic: Traffic, events: dict[str, dict[str, Any]], scenario: str
) -> list[list[tuple[str, dict[str, Any]]]]:
    """Each instance of `scenario` as [(role, event)] in time order, without the dropper's
    account opening (the dropper's event, days earlier, not the victim's)."""
    return [
        sorted(
            (
                (role, events[label["event_id"]])
                for label, role in rows
                if role != "dropper_account_opened"
            ),
            key=lambda item: at(item[1]),
        )
        for rows in instances(traffic, scenario).values()
    ]


# ---- reproducibility -------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path, traffic: Traffic) -> None:
    again = generate_traffic(SPEC)
    write_jsonl(tmp_path / "a.jsonl", traffic.records)
    write_jsonl(tmp_path / "b.jsonl", again.records)
    write_labels(tmp_path / "a.labels", traffic.labels)
    write_labels(tmp_path / "b.labels", again.labels)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.labels").read_bytes() == (tmp_path / "b.labels").read_bytes()


def test_another_seed_gives_other_traffic(traffic: Traffic) -> None:
    other = generate_traffic(TrafficSpec(seed=4, customers=400, days=3, scams=14))
    assert other.records[:50] != traffic.records[:50]


def test_the_command_writes_identical_files_for_a_seed(tmp_path: Path) -> None:
    for name in ("one", "two"):
        argv = ["generate", "--seed", "5", "--customers", "150", "--days", "2", "--scams", "7"]
        argv += ["--out", str(tmp_path / f"{name}.jsonl")]
        argv += ["--labels", str(tmp_path / f"{name}.labels.jsonl")]
        assert main(argv) == 0
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert (tmp_path / "one.labels.jsonl").read_bytes() == (
        tmp_path / "two.labels.jsonl"
    ).read_bytes()
    first = orjson.loads((tmp_path / "one.jsonl").read_bytes().splitlines()[0])
    assert set(first) == {"topic", "event"}
    assert first["topic"] in ("transfers", "loans", "customer_events")


def test_everyday_traffic_is_the_same_with_or_without_scams(traffic: Traffic) -> None:
    benign = generate_traffic(TrafficSpec(seed=3, customers=400, days=3, scenarios=()))
    assert benign.labels == [label for label in benign.labels if not label["is_fraud"]]
    everyday = {event["event_id"] for _, event in benign.records}
    assert everyday <= {event["event_id"] for _, event in traffic.records}


# ---- validity --------------------------------------------------------------------------


def test_every_generated_event_passes_the_boundary(traffic: Traffic) -> None:
    for topic, event in traffic.records:
        decoded = decode_event(topic, orjson.dumps(event))
        assert decoded.event_id == event["event_id"]


def test_event_ids_are_unique_and_the_stream_is_in_event_time_order(traffic: Traffic) -> None:
    ids = [event["event_id"] for _, event in traffic.records]
    assert len(ids) == len(set(ids))
    times = [at(event) for _, event in traffic.records]
    assert times == sorted(times)


def test_labels_reference_real_events_of_the_right_type(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    assert len({label["event_id"] for label in traffic.labels}) == len(traffic.labels)
    for label in traffic.labels:
        event = events[label["event_id"]]
        assert label["event_type"] == event["type"]
        if label["should_stop"]:  # only transfers and loans get a decision to act on
            assert event["type"] in ("transfer", "loan_approval")
            assert label["is_fraud"]
    scenarios = {label["scenario"] for label in traffic.labels if label["is_fraud"]}
    assert {REPORTED_APART.get(name, name) for name in scenarios} == set(SCENARIOS)


def test_customers_have_valid_iins_of_all_ages_and_both_sexes(traffic: Traffic) -> None:
    day = SPEC.first_day
    people = {
        event["customer_id"]
        for _, event in traffic.records
        if not is_valid_bin(event["customer_id"])
    }
    assert all(is_valid_iin(iin) for iin in people)
    ages = [age_on(iin, day) for iin in people]
    assert min(a for a in ages if a is not None) >= 18
    assert max(a for a in ages if a is not None) >= 65
    sexes = Counter(int(iin[6]) % 2 for iin in people)  # odd: male, even: female
    assert sexes[0] > len(people) * 0.35 and sexes[1] > len(people) * 0.35


def test_accounts_are_kz_ibans_at_several_banks(traffic: Traffic) -> None:
    transfers = [event for topic, event in traffic.records if topic == "transfers"]
    assert all(is_valid_kz_iban(t["sender_account"]) for t in transfers)
    banks = Counter(t["sender_account"][4:7] for t in transfers)
    assert len(banks) >= 5


def test_merchants_and_utilities_are_paid_by_many(traffic: Traffic) -> None:
    payers: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    for topic, event in traffic.records:
        if topic == "transfers":
            payers[event["receiver_account"]].add(event["customer_id"])
            kinds[event["receiver_account"]] = event.get("receiver_kind", "unknown")
    busy = [account for account, who in payers.items() if len(who) >= 20]
    assert {kinds[account] for account in busy} >= {"business", "payment_service"}


def test_salaries_come_from_businesses_and_loans_vary() -> None:
    everyday = generate_traffic(TrafficSpec(seed=3, customers=3_000, days=3, scenarios=()))
    salaries = [
        event
        for topic, event in everyday.records
        if topic == "transfers" and is_valid_bin(event["customer_id"])
    ]
    assert salaries and all(s["receiver_kind"] == "person" for s in salaries)
    loans = [event for topic, event in everyday.records if topic == "loans"]
    assert {loan["lender_kind"] for loan in loans} == {"bank", "mfo"}
    assert {loan["channel"] for loan in loans} == {"online", "branch"}
    assert len({loan["product"] for loan in loans}) >= 4
    assert all(is_valid_bin(loan["lender_id"]) for loan in loans)


def test_traffic_follows_the_daily_rhythm_in_almaty(traffic: Traffic) -> None:
    hours = Counter(at(event).astimezone(ALMATY).hour for _, event in traffic.records)
    night = sum(hours[h] for h in range(1, 6))
    evening = sum(hours[h] for h in range(18, 23))
    assert evening > 10 * night


# ---- scenario shapes ------------------------------------------------------------------


def test_a_1414_evening_is_code_new_device_loans_then_transfers_to_strangers(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    for instance in members(traffic, events, "sms_1414_evening"):
        kinds = [event["type"] for _, event in instance]
        first_loan = kinds.index("loan_approval")
        assert instance[0][1]["type"] == "sms_code_sent" and instance[0][1]["source"] == "1414"
        logins = [event for _, event in instance if event["type"] == "login"]
        assert logins and logins[0]["new_device"] is True
        assert kinds.index("login") < first_loan < kinds.index("transfer")
        loans = [event for _, event in instance if event["type"] == "loan_approval"]
        transfers = [event for _, event in instance if event["type"] == "transfer"]
        assert all(loan["channel"] == "online" for loan in loans)
        assert all(t["new_beneficiary"] for t in transfers)
        assert all(t["device_id"] == logins[0]["device_id"] for t in transfers)
        # Most of the money leaves: at least the loans' total.
        assert sum(map(amount, transfers)) >= 0.99 * sum(map(amount, loans))
        start = at(instance[0][1]).astimezone(ALMATY)
        assert 18 <= start.hour <= 22
        assert at(instance[-1][1]) - at(instance[0][1]) < timedelta(hours=6)


def test_a_dropper_ring_pays_one_account_that_forwards_90_to_99_percent_abroad(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    for instance in members(traffic, events, "dropper_ring"):
        incoming = [event for role, event in instance if role == "victim_payment"]
        forwards = [event for role, event in instance if role == "mule_forward"]
        [mule_account] = {event["receiver_account"] for event in incoming}
        assert len({event["customer_id"] for event in incoming}) == len(incoming) >= 5
        assert all(event["new_beneficiary"] for event in incoming)
        assert {event["sender_account"] for event in forwards} == {mule_account}
        ratio = sum(map(amount, forwards)) / sum(map(amount, incoming))
        assert 0.90 <= ratio <= 0.99
        for forward in forwards:
            # abroad, to a crypto exchange or a wallet address, or to a second dropper's
            # account (a person)
            assert (
                forward["receiver_country"] != "KZ"
                or forward["receiver_kind"] in ("crypto_exchange", "person")
                or chain_of(forward["receiver_account"]) is not None
            )
            received = [e for e in incoming if at(e) <= at(forward)]
            assert received and at(forward) - max(map(at, received)) <= timedelta(hours=3)
        mule = forwards[0]["customer_id"]
        assert 18 <= (age_on(mule, at(forwards[0]).date()) or 0) <= 25


def test_mule_accounts_are_announced_before_they_are_used(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    opened = {
        events[label["event_id"]]["account"]: at(events[label["event_id"]])
        for label in traffic.labels
        if label["role"] == "dropper_account_opened"
    }
    assert opened
    for _, event in traffic.records:
        if event["type"] == "transfer" and event["receiver_account"] in opened:
            assert opened[event["receiver_account"]] < at(event)


def test_loan_then_drain_sends_most_of_the_loan_away_within_hours(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    for instance in members(traffic, events, "loan_then_drain"):
        [loan] = [event for role, event in instance if role == "online_loan"]
        [drain] = [event for role, event in instance if role == "drain"]
        assert 0.9 * amount(loan) - 1 <= amount(drain) <= amount(loan)
        assert timedelta(0) < at(drain) - at(loan) <= timedelta(minutes=90)
        assert drain["new_beneficiary"] is True


def test_investment_scams_are_funded_by_loans_or_by_savings_in_ever_larger_deposits() -> None:
    scams = generate_traffic(
        TrafficSpec(seed=5, customers=400, days=3, scams=30, scenarios=("investment_scam",))
    )
    events = {event["event_id"]: event for _, event in scams.records}
    ladders = loans = 0
    for instance in members(scams, events, "investment_scam"):
        roles = [role for role, _ in instance]
        assert roles[0] == "first_deposit"
        deposits = [e for role, e in instance if role in ("first_deposit", "investment")]
        assert len({event["receiver_account"] for event in deposits}) == 1
        assert {event.get("receiver_kind", "unknown") for event in deposits} <= {
            "crypto_exchange",
            "business",
            "unknown",
        }
        if "online_loan" in roles:
            loans += 1
            assert roles.index("online_loan") < roles.index("investment")
            continue
        # No loan: savings sent in deposits each 1.5-3 times the one before.
        ladders += 1
        for before, later in itertools.pairwise(deposits):
            growth = float(later["amount"]) / float(before["amount"])
            assert 1.49 <= growth <= 3.01 and at(later) > at(before)
    assert ladders > 0 and loans > ladders


def test_some_payments_abroad_name_only_the_iban(traffic: Traffic) -> None:
    abroad = [
        event
        for topic, event in traffic.records
        if topic == "transfers"
        and receiver_country_of(event["receiver_account"], None) not in (None, "KZ")
    ]
    bare = [e for e in abroad if "receiver_country" not in e]
    assert bare and all("receiver_kind" not in e for e in bare)
    assert len(bare) < len(abroad)


def test_some_investment_victims_pay_ever_larger_withdrawal_fees_to_new_cards(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    ladders = 0
    for instance in members(traffic, events, "investment_scam"):
        fees = [event for role, event in instance if role == "withdrawal_fee"]
        if not fees:
            continue
        ladders += 1
        assert len({event["receiver_account"] for event in fees}) == len(fees)
        for before, later in itertools.pairwise(fees):
            assert float(later["amount"]) >= 1.9 * float(before["amount"])
            assert later["occurred_at"] > before["occurred_at"]
        assert all(event["new_beneficiary"] is True for event in fees)
    assert ladders > 0


def test_marketplace_prepayments_go_from_several_buyers_to_one_seller(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    for instance in members(traffic, events, "marketplace_prepayment"):
        payments = [event for role, event in instance if role == "prepayment"]
        assert 2 <= len(payments) <= 5
        assert len({event["receiver_account"] for event in payments}) == 1
        assert len({event["customer_id"] for event in payments}) == len(payments)
        # A "delivery" fee after it: to the same seller, smaller, later, not flagged new.
        paid = {event["customer_id"]: event for event in payments}
        for role, fee in instance:
            if role == "delivery_fee":
                prepayment = paid[fee["customer_id"]]
                assert fee["receiver_account"] == prepayment["receiver_account"]
                assert float(fee["amount"]) < float(prepayment["amount"])
                assert fee["occurred_at"] > prepayment["occurred_at"]
                assert fee.get("new_beneficiary") is not True


def test_repeat_victims_reported_fraud_before_they_are_scammed_again(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    for instance in members(traffic, events, "repeat_victim"):
        assert instance[0][0] == "fraud_report"
        victim = instance[0][1]["customer_id"]
        transfers = [
            event
            for role, event in instance
            if role in ("transfer_to_safe_account", "recovery_fee")
        ]
        assert transfers and all(t["customer_id"] == victim for t in transfers)
        assert all(at(t) > at(instance[0][1]) for t in transfers)


@pytest.fixture(scope="module")
def variants() -> Traffic:
    """Eight instances of every scenario: enough for each variant to be drawn."""
    return generate_traffic(TrafficSpec(seed=5, customers=400, days=3, scams=8 * len(SCENARIOS)))


def test_every_scam_variant_is_drawn(variants: Traffic) -> None:
    events = {event["event_id"]: event for _, event in variants.records}
    roles = {
        scenario: [
            [(role, events[label["event_id"]]) for label, role in rows]
            for rows in instances(variants, scenario).values()
        ]
        for scenario in ("repeat_victim", "known_dropper", "dropper_cash_out")
    }
    # A past victim pays a new firm at home "recovery" fees.
    fees = [
        event
        for instance in roles["repeat_victim"]
        for role, event in instance
        if role == "recovery_fee"
    ]
    assert fees and all(f["receiver_kind"] == "business" and f["new_beneficiary"] for f in fees)
    # A first-wave victim of a known dropper names the dropper's account in a report.
    named = [
        (event["account"], {e["receiver_account"] for r, e in instance if r.startswith("pay")})
        for instance in roles["known_dropper"]
        for role, event in instance
        if role == "fraud_report"
    ]
    assert named and all(account in paid for account, paid in named)
    # Only the forwarding is seen: the victims paid at a bank the screener does not see.
    unseen = [
        instance
        for instance in roles["dropper_cash_out"]
        if not any(role == "victim_payment" for role, _ in instance)
    ]
    assert unseen and all(any(r == "mule_forward" for r, _ in i) for i in unseen)
    # Card after card: three or more destinations for one forwarding.
    spread = [
        len({e["receiver_account"] for r, e in instance if r == "mule_forward"})
        for instance in roles["dropper_cash_out"]
    ]
    assert max(spread) >= 3


def test_safe_account_transfers_go_to_new_beneficiaries(
    traffic: Traffic, events: dict[str, dict[str, Any]]
) -> None:
    for instance in members(traffic, events, "safe_account"):
        transfers = [event for role, event in instance if role == "transfer_to_safe_account"]
        assert transfers and all(t["new_beneficiary"] for t in transfers)
        assert len({t["customer_id"] for t in transfers}) == 1


def test_the_first_day_can_be_chosen() -> None:
    spec = TrafficSpec(seed=1, customers=50, days=1, first_day=date(2025, 12, 31), scams=0)
    first = generate_traffic(spec).records[0][1]
    assert at(first).astimezone(ALMATY).date() == date(2025, 12, 31)


@pytest.fixture(scope="module")
def rare_look_alikes() -> Traffic:
    """Everyday traffic with the rare look-alikes twenty times as often, no scams."""
    return generate_traffic(
        TrafficSpec(seed=7, customers=400, days=3, scams=0, rare_look_alikes=20)
    )


def look_alike_runs(traffic: Traffic, scenario: str) -> list[list[dict[str, Any]]]:
    """Each instance of a look-alike as its events in time order."""
    events = {event["event_id"]: event for _, event in traffic.records}
    return [
        sorted((events[label["event_id"]] for label, _ in rows), key=at)
        for rows in instances(traffic, scenario).values()
    ]


def test_a_giveaway_pays_many_new_payees_one_prize_at_a_persons_pace(
    rare_look_alikes: Traffic,
) -> None:
    runs = look_alike_runs(rare_look_alikes, "giveaway_payouts")
    assert runs
    for run in runs:
        assert 15 <= len(run) <= 40
        assert len({p["customer_id"] for p in run}) == 1
        assert len({p["amount"] for p in run}) == 1
        assert all(p["new_beneficiary"] for p in run)
        gaps = [(at(b) - at(a)).total_seconds() for a, b in itertools.pairwise(run)]
        assert min(gaps) >= 30


def test_an_honest_investor_abroad_tests_the_broker_then_sends_the_sum_meant(
    rare_look_alikes: Traffic,
) -> None:
    runs = look_alike_runs(rare_look_alikes, "investing_abroad")
    assert runs
    for run in runs:
        assert len({(p["customer_id"], p["receiver_account"]) for p in run}) == 1
        assert receiver_country_of(run[0]["receiver_account"], None) not in (None, "KZ")
        assert [p["new_beneficiary"] for p in run] == [True] + [False] * (len(run) - 1)
        assert float(run[0]["amount"]) <= 100_000  # the test deposit
        assert len(run) == 1 or (at(run[1]) - at(run[0])).total_seconds() >= 20 * 3600


def test_some_cash_outs_and_deposits_go_to_a_wallet_address(variants: Traffic) -> None:
    events = {event["event_id"]: event for _, event in variants.records}
    addressed = {
        label["scenario"]
        for label in variants.labels
        if label["event_type"] == "transfer"
        and chain_of(events[label["event_id"]]["receiver_account"]) == "TRON"
    }
    assert {"investment_scam", "dropper_cash_out"} <= addressed
    honest = [
        event
        for _, event in variants.records
        if event["type"] == "transfer"
        and event["event_id"] not in {label["event_id"] for label in variants.labels}
    ]
    assert not any(chain_of(event["receiver_account"]) for event in honest)
