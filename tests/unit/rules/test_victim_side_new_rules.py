"""new_beneficiary_burst and savings_drain at their band edges, and safe_account's own-money
band: the victim-side schemes without a loan (DOMAIN §2, "safe account")."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from screener.domain.accounts import AccountActivity, Flow
from screener.domain.decision import Verdict, decide
from screener.domain.profile import AccountProfile
from screener.domain.rules import (
    loan_then_drain,
    new_beneficiary_burst,
    safe_account,
    savings_drain,
)
from screener.domain.rules._signals import payments_of
from tests.unit.rules.customer_scenes import (
    AT,
    MULE_ACCOUNT,
    VICTIM,
    VICTIM_ACCOUNT,
    borrowed,
    context_of,
    fraud_report,
    history_of,
    kzt,
    paid,
    paid_in,
    to_stranger,
)
from tests.unit.rules.scenes import CONFIG, context, decided, settings, three_languages


def burst(payees: int, amount_kzt: float, minutes_apart: float = 0.2) -> list[object]:
    """`payees - 1` earlier payments to distinct strangers, the last `minutes_apart` ago
    (by default one every twelve seconds: a script's pace, no person's)."""
    return [
        paid(amount_kzt, minutes_apart * (i + 1), n=i, new_beneficiary=True)
        for i in range(payees - 1)
    ]


@pytest.mark.parametrize(
    ("payees", "score"), [(4, None), (5, 45), (7, 45), (8, 65), (14, 65), (15, 80)]
)
def test_burst_bands_count_distinct_new_beneficiaries(payees: int, score: int | None) -> None:
    history = history_of(*burst(payees, 50_000))
    hit = new_beneficiary_burst.evaluate(
        to_stranger(50_000, receiver_account="KZ-NEW-NOW"),
        context(history=history),
        settings(new_beneficiary_burst.RULE_ID),
    )
    assert (None if hit is None else hit.score) == score
    if hit is not None:
        assert hit.measured["new_beneficiaries"] == payees
        assert all(three_languages(hit))
        assert decided(hit).verdict is (Verdict.HOLD if score and score >= 60 else Verdict.ALLOW)


def test_burst_needs_the_money_floor_and_the_window() -> None:
    rule = settings(new_beneficiary_burst.RULE_ID)
    small = history_of(*burst(8, 20_000))  # 8 x 20 000 = 160 000
    assert new_beneficiary_burst.evaluate(to_stranger(20_000), context(history=small), rule)
    tiny = history_of(*burst(8, 18_000))  # 144 000: below 150 000
    assert new_beneficiary_burst.evaluate(to_stranger(18_000), context(history=tiny), rule) is None
    slow = history_of(*burst(8, 50_000, minutes_apart=2))  # spread over 14 minutes
    hit = new_beneficiary_burst.evaluate(to_stranger(50_000), context(history=slow), rule)
    assert hit is not None and hit.measured["new_beneficiaries"] == 5  # only 10 minutes count
    # Twenty payees one a minute: the ten of the last ten minutes count, not fifteen.
    giveaway = history_of(*burst(20, 20_000, minutes_apart=1))
    hit = new_beneficiary_burst.evaluate(to_stranger(20_000), context(history=giveaway), rule)
    assert hit is not None and hit.measured["new_beneficiaries"] == 10


def varied(payees: int, minutes_apart: float) -> list[object]:
    """A burst whose amounts differ, 40 000 to 58 000: kept under limits, no prize."""
    return [
        paid(40_000 + 2_000 * i, minutes_apart * (i + 1), n=i, new_beneficiary=True)
        for i in range(payees - 1)
    ]


def every_third_differs(payees: int, minutes_apart: float) -> list[object]:
    """50 000 KZT to each stranger but every third, who gets 47 000."""
    return [
        paid(47_000 if i % 3 == 2 else 50_000, minutes_apart * (i + 1), n=i, new_beneficiary=True)
        for i in range(payees - 1)
    ]


@pytest.mark.parametrize(
    ("earlier", "now_kzt", "payout_run", "score"),
    [
        # A blogger pays twenty winners 50 000 each, one every 45 seconds.
        (burst(20, 50_000, minutes_apart=0.75), 50_000, True, 30),
        # The same at a script's pace, one every twelve seconds: emptied, not paid out.
        (burst(20, 50_000, minutes_apart=0.2), 50_000, False, 80),
        # One a minute, but the amounts vary: no prize.
        (varied(12, minutes_apart=0.75), 50_000, False, 65),
        # One amount but this one (the blogger pays a buyer between two winners): still
        # a payout run, twelve of the window's thirteen payments being prizes.
        (burst(20, 50_000, minutes_apart=0.75), 49_000, True, 30),
        # Every third payment of another amount: fewer than nine in ten alike.
        (every_third_differs(20, minutes_apart=0.75), 50_000, False, 65),
    ],
    ids=["giveaway", "script_pace", "varied_amounts", "one_differs", "a_third_differ"],
)
def test_a_payout_run_of_one_amount_at_a_persons_pace_is_weak(
    earlier: list[object], now_kzt: float, payout_run: bool, score: int
) -> None:
    rule = settings(new_beneficiary_burst.RULE_ID)
    hit = new_beneficiary_burst.evaluate(
        to_stranger(now_kzt), context(history=history_of(*earlier)), rule
    )
    assert hit is not None and hit.measured["payout_run"] is payout_run
    assert hit.score == score
    assert ("one payee at a time" in hit.message.en) is payout_run
    assert all(three_languages(hit))
    if payout_run:
        # With velocity's window signal (35) it stays below the hold score.
        velocity = dataclasses.replace(hit, rule="velocity", score=35)
        assert decide([hit, velocity], CONFIG.policy).verdict is Verdict.ALLOW


def test_a_past_victims_payout_run_is_weak_too_but_a_fast_burst_holds_sooner() -> None:
    rule = settings(new_beneficiary_burst.RULE_ID)
    payout = [fraud_report(), *burst(20, 50_000, minutes_apart=0.75)]
    hit = new_beneficiary_burst.evaluate(to_stranger(50_000), context_of(*payout), rule)
    assert hit is not None and hit.measured["payout_run"] is True and hit.score == 30
    fast = [fraud_report(), *burst(4, 50_000)]  # four payees: the halved band of eight
    hit = new_beneficiary_burst.evaluate(to_stranger(50_000), context_of(*fast), rule)
    assert hit is not None and hit.measured["payout_run"] is False and hit.score == 65


def test_a_past_victims_burst_bands_start_at_half() -> None:
    events = [fraud_report(), *burst(4, 50_000)]
    hit = new_beneficiary_burst.evaluate(
        to_stranger(50_000), context_of(*events), settings(new_beneficiary_burst.RULE_ID)
    )
    assert hit is not None and hit.score == 65 and hit.measured["limits_factor"] == 0.5


@pytest.mark.parametrize(
    ("earlier_kzt", "now_kzt", "score"),
    [
        (None, 999_999, None),  # one payment: weak from 1 000 000 KZT
        (None, 1_000_000, 15),
        (100_000, 100_500, 60),  # the same stranger paid twice, 200 500 in all
        (100_000, 99_999.99, None),  # below the 200 000 band
        (50_000, 150_000, None),  # the earlier one is not above 50 000
        (50_000.01, 149_999.99, 60),
    ],
)
def test_savings_drain_chunks_to_one_stranger(
    earlier_kzt: float | None, now_kzt: float, score: int | None
) -> None:
    events = [] if earlier_kzt is None else [paid(earlier_kzt, 30, to=MULE_ACCOUNT)]
    hit = savings_drain.evaluate(
        to_stranger(now_kzt), context_of(*events), settings(savings_drain.RULE_ID)
    )
    assert (None if hit is None else hit.score) == score
    if hit is not None and earlier_kzt is not None:
        assert hit.measured["pattern"] == "chunks_to_one_receiver"
        assert "parts" in three_languages(hit)[0]


@pytest.mark.parametrize(
    ("earlier_kzt", "now_kzt", "pattern", "score"),
    [
        # A new landlord: the deposit and the first month's rent, the same amount twice.
        ((250_000,), 250_000, "the_same_amount_twice", None),
        ((499_999.99,), 499_999.99, "the_same_amount_twice", None),
        # From 500 000 each it is no flat's rent: chunks, as unlike amounts would be.
        ((500_000,), 500_000, "chunks_to_one_receiver", 60),
        ((250_000,), 250_000.5, "chunks_to_one_receiver", 60),
    ],
)
def test_savings_drain_the_same_amount_twice_to_one_stranger(
    earlier_kzt: tuple[float, ...], now_kzt: float, pattern: str, score: int | None
) -> None:
    events = [paid(amount, 20 + 20 * n, to=MULE_ACCOUNT) for n, amount in enumerate(earlier_kzt)]
    hit = savings_drain.evaluate(
        to_stranger(now_kzt), context_of(*events), settings(savings_drain.RULE_ID)
    )
    assert (None if hit is None else hit.score) == score
    # The pattern is also what the rule reports when it is weak (one_payment_bands).
    sent = [*events, to_stranger(now_kzt)]
    payments = [payments_of(t, history_of()).current for t in sent]
    rule = settings(savings_drain.RULE_ID)
    assert savings_drain.pattern_of(payments, rule, False, False).value == pattern


@pytest.mark.parametrize(
    ("earlier_kzt", "now_kzt", "pattern", "score"),
    [
        # Three chunks within 10 % of the largest, each to a new stranger: one sum cut up.
        ((75_000, 72_000), 74_000, "even_chunks", 60),
        ((75_000, 67_500), 74_000, "even_chunks", 60),  # 67 500 is 90 % of 75 000
        # Unlike amounts to several strangers: a sofa, a bicycle, a pram from private
        # sellers; judged as one payment would be (weak from 1 000 000 KZT).
        ((75_000, 67_499), 74_000, "spread", None),
        ((150_000,), 155_000, "spread", None),  # two alike are not enough
        ((500_000, 150_000), 299_999.99, "spread", None),  # one large sum, 949 999.99 in all
        ((900_000, 150_000), 299_999.99, "spread", 15),
        # Large sums to two strangers, one after another: savings split between "safe
        # accounts" a caller names card after card (a car or a flat is paid to one seller).
        ((600_000, 150_000), 400_000, "large_sums_to_several_strangers", 60),
        ((300_000,), 300_000, "large_sums_to_several_strangers", 60),
        ((1_200_000,), 1_000_000, "large_sums_to_several_strangers", 60),
        ((7_394_000, 7_394_000), 5_281_000, "large_sums_to_several_strangers", 60),
        # Three alike are half the payments: still one sum cut up, with other payments...
        ((75_000, 72_000, 150_000, 260_000, 380_000), 74_000, "even_chunks", 60),
        # ... but fewer than half: a toi organiser paying vendors unlike sums, three alike
        # by chance (1 201 000 KZT in all: weak, as one payment).
        ((75_000, 72_000, 150_000, 260_000, 280_000, 290_000), 74_000, "spread", 15),
    ],
)
def test_savings_drain_to_several_strangers(
    earlier_kzt: tuple[float, ...], now_kzt: float, pattern: str, score: int | None
) -> None:
    events = [paid(amount, 20 + 20 * n, n=n) for n, amount in enumerate(earlier_kzt)]
    hit = savings_drain.evaluate(
        to_stranger(now_kzt), context_of(*events), settings(savings_drain.RULE_ID)
    )
    assert (None if hit is None else hit.score) == score
    if hit is not None:
        assert hit.measured["pattern"] == pattern
        assert hit.measured["receivers"] == len(earlier_kzt) + 1
        assert all(three_languages(hit))


@pytest.mark.parametrize(
    ("payers", "pattern", "score"),
    [
        (2, "large_sums_to_several_strangers", 60),
        # Paid by three people within 72 hours: a toi's gifts, a funeral's condolence
        # money, paid out to the restaurant, the singer and the decorator.
        (3, "spread", 15),
    ],
)
def test_large_sums_from_a_collection_are_its_vendors(
    payers: int, pattern: str, score: int
) -> None:
    events = [paid(600_000, 40, n=0), paid(600_000, 20, n=1)]
    gifts = tuple(paid_in(50_000, hours_ago=24 + n, n=n) for n in range(payers))
    hit = savings_drain.evaluate(
        to_stranger(450_000), context_of(*events, money_in=gifts), settings(savings_drain.RULE_ID)
    )
    assert hit is not None and hit.score == score and hit.measured["pattern"] == pattern


def test_gifts_older_than_the_collection_window_make_no_collection() -> None:
    events = [paid(600_000, 40, n=0), paid(600_000, 20, n=1)]
    gifts = tuple(paid_in(50_000, hours_ago=73, n=n) for n in range(5))
    hit = savings_drain.evaluate(
        to_stranger(450_000), context_of(*events, money_in=gifts), settings(savings_drain.RULE_ID)
    )
    assert hit is not None and hit.measured["pattern"] == "large_sums_to_several_strangers"


def test_a_past_victims_chunks_are_judged_from_half_the_amounts() -> None:
    events = [fraud_report(), paid(60_000, 30, to=MULE_ACCOUNT)]
    hit = savings_drain.evaluate(
        to_stranger(45_000), context_of(*events), settings(savings_drain.RULE_ID)
    )
    assert hit is not None and hit.score == 60 and hit.measured["limit_factor"] == 0.5


def test_a_past_victims_same_amount_twice_is_weak_only_below_half() -> None:
    # 300 000 twice: a flat's deposit and rent for anyone else; for a past victim every
    # amount is halved, and 300 000 is above half of 500 000.
    events = [fraud_report(), paid(300_000, 20, to=MULE_ACCOUNT)]
    hit = savings_drain.evaluate(
        to_stranger(300_000), context_of(*events), settings(savings_drain.RULE_ID)
    )
    assert hit is not None and hit.score == 60
    assert hit.measured["pattern"] == "chunks_to_one_receiver"


def test_savings_drain_leaves_ones_own_account_alone() -> None:
    own = to_stranger(5_000_000, receiver_customer_id=VICTIM)
    assert savings_drain.evaluate(own, context_of(), settings(savings_drain.RULE_ID)) is None


@pytest.mark.parametrize(("sent_kzt", "held"), [(249_000, False), (250_000, True)])
def test_a_deposit_closed_and_half_of_it_sent_to_a_stranger_holds(
    sent_kzt: float, held: bool
) -> None:
    deposit = Flow("deposit", AT.timestamp() - 1800, kzt(500_000), "KZ-DEPOSIT", party=VICTIM)
    account = AccountActivity(VICTIM_ACCOUNT, inbound=(deposit,))
    hit = safe_account.evaluate(
        to_stranger(sent_kzt), context(sender=account), settings(safe_account.RULE_ID)
    )
    # 49 % of the deposit is below the 50 % band too: no hit at all
    assert (hit is not None and hit.score >= 60) is held
    if hit is not None:
        assert hit.measured["own_money_moved_percent"] == 50
        assert "deposit" in three_languages(hit)[0]


@pytest.mark.parametrize(
    ("receiver", "from_deposit", "score"),
    [
        ({"receiver_kind": "payment_service"}, True, 60),  # a closed deposit to a new wallet
        ({"receiver_kind": "payment_service"}, False, None),  # a salary: the share is not judged
        ({"receiver_kind": "payment_service", "new_beneficiary": False}, True, None),
        # A payment service abroad is a firm abroad: the fake brokers' rules judge it.
        ({"receiver_kind": "payment_service", "receiver_country": "DE"}, True, None),
        ({"receiver_kind": "business"}, True, None),  # a car dealer, a developer
    ],
)
def test_a_deposit_closed_and_sent_on_to_a_new_wallet_holds(
    receiver: dict[str, Any], from_deposit: bool, score: int | None
) -> None:
    money = Flow(
        "in", AT.timestamp() - 1800, kzt(1_000_000), "KZ-IN", party=VICTIM if from_deposit else None
    )
    account = AccountActivity(VICTIM_ACCOUNT, inbound=(money,))
    hit = safe_account.evaluate(
        to_stranger(950_000, **receiver), context(sender=account), settings(safe_account.RULE_ID)
    )
    assert (None if hit is None else hit.score) == score
    if hit is not None:
        assert hit.measured["band_percent"] is None  # the share of money in is not judged


@pytest.mark.parametrize(("sent_kzt", "held"), [(100_000, False), (100_000.01, True)])
def test_the_own_money_finding_has_its_own_floor(sent_kzt: float, held: bool) -> None:
    """A deposit of 150 000 closed and sent on: below safe_account's 200 000 for the share
    of money in, yet the "protect your deposit" move all the same."""
    deposit = Flow("deposit", AT.timestamp() - 1800, kzt(150_000), "KZ-DEPOSIT", party=VICTIM)
    account = AccountActivity(VICTIM_ACCOUNT, inbound=(deposit,))
    hit = safe_account.evaluate(
        to_stranger(sent_kzt), context(sender=account), settings(safe_account.RULE_ID)
    )
    assert (hit is not None) is held
    if hit is not None:
        assert hit.score == 60 and hit.measured["band_percent"] is None


@pytest.mark.parametrize(("now_kzt", "judged"), [(20_000, False), (20_000.01, True)])
def test_safe_account_judges_a_payment_of_at_least_20_000(now_kzt: float, judged: bool) -> None:
    """A deposit of 900 000 closed and 850 000 of it sent to a stranger: the finding holds
    that payment; the customer's 5 000 KZT to someone half an hour later is everyday life,
    not the money (a victim's part of it is not a few thousand KZT)."""
    deposit = Flow("deposit", AT.timestamp() - 3600, kzt(900_000), "KZ-DEPOSIT", party=VICTIM)
    sent = paid(850_000, 30)
    scene = context_of(sent, money_in=(deposit,))
    hit = safe_account.evaluate(to_stranger(now_kzt), scene, settings(safe_account.RULE_ID))
    assert (hit is not None and hit.score >= 60) is judged


def test_savings_drain_even_chunks_after_a_large_first_payment() -> None:
    """Most of it first, then the rest cut into three equal parts to three new cards."""
    events = [paid(6_300_000, 60, n=0)] + [paid(1_210_000, 40 - 10 * n, n=n + 1) for n in range(2)]
    hit = savings_drain.evaluate(
        to_stranger(1_210_000), context_of(*events), settings(savings_drain.RULE_ID)
    )
    assert hit is not None and hit.score == 60 and hit.measured["pattern"] == "even_chunks"


@pytest.mark.parametrize(("opened_days_ago", "score"), [(6.9, 60), (7.1, None)])
def test_savings_drain_a_large_sum_to_an_account_opened_days_ago(
    opened_days_ago: float, score: int | None
) -> None:
    young = AccountActivity(MULE_ACCOUNT, opened_at=AT.timestamp() - opened_days_ago * 86400)
    hit = savings_drain.evaluate(
        to_stranger(250_000), context(receiver=young), settings(savings_drain.RULE_ID)
    )
    assert (None if hit is None else hit.score) == score
    if hit is not None:
        assert hit.measured["pattern"] == "to_a_young_account"
        assert "opened" in three_languages(hit)[0]


PARENT = "780412300156"  # 47 on the day of AT: the droppers' recruits' parents' age
STUDENT = "040728660117"  # 21: the droppers' usual recruit


@pytest.mark.parametrize(
    ("holder", "amount_kzt", "score"),
    [
        ("040728660117", 200_000, 40),  # 21: the droppers' usual recruit; weak alone
        ("040728660117", 199_999, None),  # below the band; one payment below 1 000 000
        ("010312600017", 250_000, 40),  # 24 today, 25 tomorrow
        ("010311600011", 250_000, None),  # 25 today: one payment, below the one-payment band
        ("780412300156", 250_000, None),  # 47
    ],
)
def test_savings_drain_a_large_sum_to_a_stranger_aged_18_to_24_is_weak(
    holder: str, amount_kzt: float, score: int | None
) -> None:
    named = to_stranger(amount_kzt, receiver_customer_id=holder, customer_id=PARENT)
    hit = savings_drain.evaluate(named, context_of(), settings(savings_drain.RULE_ID))
    assert (None if hit is None else hit.score) == score
    if hit is not None:
        assert hit.measured["pattern"] == "to_a_young_holder"
        en, ru, kk = three_languages(hit)
        assert "18-24" in en and "18-24" in ru and "18-24" in kk


@pytest.mark.parametrize(("payer", "judged"), [(PARENT, True), ("820312300017", False)])
def test_a_young_holder_counts_only_when_the_payer_is_45_or_more(payer: str, judged: bool) -> None:
    # 47 and 43 on the day: a young seller of a car is paid by buyers of every age.
    named = to_stranger(600_000, receiver_customer_id=STUDENT, customer_id=payer)
    hit = savings_drain.evaluate(named, context_of(), settings(savings_drain.RULE_ID))
    assert (hit is not None) is judged


def test_a_young_holder_known_from_the_account_and_held_with_velocitys_outlier() -> None:
    young = AccountActivity(MULE_ACCOUNT, holder_id=STUDENT)
    rule = settings(savings_drain.RULE_ID)
    now = to_stranger(600_000, customer_id=PARENT)
    hit = savings_drain.evaluate(now, context(receiver=young), rule)
    assert hit is not None and hit.score == 40 and decided(hit).verdict is Verdict.ALLOW
    # With velocity's outlier (35) the two reach the hold score.
    outcome = decide([hit, dataclasses.replace(hit, rule="velocity", score=35)], CONFIG.policy)
    assert outcome.verdict is Verdict.HOLD
    # Chunks to one stranger are the scheme's habit whoever holds the account: they hold.
    chunks = context(receiver=young, history=history_of(paid(350_000, 20, to=MULE_ACCOUNT)))
    chunked = savings_drain.evaluate(to_stranger(300_000, customer_id=PARENT), chunks, rule)
    assert chunked is not None and chunked.score == 60
    assert chunked.measured["pattern"] == "chunks_to_one_receiver"


# ---- someone's everyday account ------------------------------------------------------------


def shopping(hours_ago: float, **overrides: object) -> Flow:
    """The receiving account paid a shop at home `hours_ago` before AT."""
    fields: dict[str, object] = {"receiver_kind": "business", "receiver_country": "KZ"}
    fields.update(overrides)
    return Flow(
        f"shop-{hours_ago}",
        AT.timestamp() - hours_ago * 3600,
        kzt(8_000),
        "KZ-SHOP",
        **fields,  # type: ignore[arg-type]
    )


LANDLORD = PARENT  # 47 on the day of AT


def landlord(*spending: Flow, holder: str = LANDLORD) -> AccountActivity:
    """The receiving account, with what the screener saw it pay and its holder."""
    return AccountActivity(MULE_ACCOUNT, outbound=spending, holder_id=holder)


def test_two_parts_to_someones_everyday_account_are_weak_not_a_safe_account() -> None:
    # The first rent and a larger deposit to a landlord who pays for groceries from the
    # account (the same amount twice is weak whoever the receiver is).
    deposit = paid(300_000, 30, to=MULE_ACCOUNT)
    everyday = context_of(deposit)
    rule = settings(savings_drain.RULE_ID)
    held = savings_drain.evaluate(to_stranger(250_000), everyday, rule)
    assert held is not None and held.score == 60  # the receiver's life unseen: held
    lived_in = context(receiver=landlord(shopping(20)), history=everyday.history)
    weak = savings_drain.evaluate(to_stranger(250_000), lived_in, rule)
    assert weak is None or weak.score < 60
    big = savings_drain.evaluate(to_stranger(900_000), lived_in, rule)
    assert big is not None and big.measured["pattern"] == "to_an_everyday_account"
    assert "everyday account" in three_languages(big)[0]


@pytest.mark.parametrize(
    ("spending", "everyday"),
    [
        (shopping(20), True),
        (shopping(20, receiver_kind="payment_service"), True),  # a phone top-up, a bill
        (shopping(20, receiver_kind="person"), False),  # money passed on to a person
        (shopping(20, receiver_kind="crypto_exchange"), False),
        (shopping(20, receiver_country="AE"), False),  # a shop abroad
        (shopping(-1), False),  # after this payment: not seen yet when it is screened
    ],
)
def test_what_makes_an_everyday_account(spending: Flow, everyday: bool) -> None:
    deposit = Flow("deposit", AT.timestamp() - 1800, kzt(500_000), "KZ-DEPOSIT", party=VICTIM)
    seller = context(
        sender=AccountActivity(VICTIM_ACCOUNT, inbound=(deposit,)), receiver=landlord(spending)
    )
    # A student who lives on the card they rent out to droppers: no proof of anything.
    student = context(
        sender=AccountActivity(VICTIM_ACCOUNT, inbound=(deposit,)),
        receiver=landlord(spending, holder=STUDENT),
    )
    rule = settings(safe_account.RULE_ID)
    assert safe_account.evaluate(to_stranger(400_000), student, rule) is not None
    # safe_account: a deposit closed and sent on to a stranger holds, unless the stranger's
    # account is someone's everyday account (a car's seller).
    hit = safe_account.evaluate(to_stranger(400_000), seller, settings(safe_account.RULE_ID))
    assert (hit is None) is everyday


def test_a_loan_spent_at_someones_everyday_account_is_not_drained() -> None:
    loan = borrowed(1_000_000, 2)
    lived_in = context(receiver=landlord(shopping(5)), history=history_of(loan))
    rule = settings(loan_then_drain.RULE_ID)
    assert loan_then_drain.evaluate(to_stranger(900_000), lived_in, rule) is None
    # Abroad or to crypto it is still the loan cashed out.
    abroad = to_stranger(900_000, receiver_country="AE")
    assert loan_then_drain.evaluate(abroad, lived_in, rule) is not None
    unseen = context(receiver=landlord(), history=history_of(loan))
    assert loan_then_drain.evaluate(to_stranger(900_000), unseen, rule) is not None


def busy_shop(paid_out_share: float = 0.0) -> AccountActivity:
    """The receiving account as a shop's, its kind unsent: 25 people pay it a day."""
    profile = AccountProfile(
        active_days=20,
        senders_per_day=25.0,
        in_per_day_minor=kzt(1_000_000),
        out_per_day_minor=kzt(1_000_000 * paid_out_share),
    )
    return AccountActivity(MULE_ACCOUNT, profile=profile)


@pytest.mark.parametrize(("paid_out_share", "judged"), [(0.1, False), (0.9, True)])
def test_money_to_a_busy_merchants_account_is_no_drain(paid_out_share: float, judged: bool) -> None:
    """A deposit closed, or a loan taken, and spent at an electronics shop whose kind the
    bank did not send; an account as busy that forwards most of it is a mule's."""
    unsent = {"receiver_kind": "unknown"}
    deposit = Flow("deposit", AT.timestamp() - 1800, kzt(500_000), "KZ-DEPOSIT", party=VICTIM)
    closed = context(
        sender=AccountActivity(VICTIM_ACCOUNT, inbound=(deposit,)),
        receiver=busy_shop(paid_out_share),
    )
    rule = settings(safe_account.RULE_ID)
    hit = safe_account.evaluate(to_stranger(400_000, **unsent), closed, rule)
    assert (hit is not None) is judged
    loan = history_of(borrowed(1_000_000, 2))
    spent = context(receiver=busy_shop(paid_out_share), history=loan)
    rule = settings(loan_then_drain.RULE_ID)
    hit = loan_then_drain.evaluate(to_stranger(900_000, **unsent), spent, rule)
    assert (hit is not None) is judged
    # Once suspended (mule evidence, a fraud report), no account is a shop's.
    suspended = dataclasses.replace(busy_shop(paid_out_share), suspended=True)
    spent = context(receiver=suspended, history=loan)
    assert loan_then_drain.evaluate(to_stranger(900_000, **unsent), spent, rule) is not None


def test_a_burst_of_new_wallets_counts_like_strangers_a_burst_of_new_shops_does_not() -> None:
    rule = settings(new_beneficiary_burst.RULE_ID)
    wallet = {"receiver_kind": "payment_service", "new_beneficiary": True}
    wallets = history_of(*[paid(50_000, 0.5 * (i + 1), n=i, **wallet) for i in range(7)])
    hit = new_beneficiary_burst.evaluate(
        to_stranger(50_000, **wallet), context(history=wallets), rule
    )
    assert hit is not None and hit.measured["new_beneficiaries"] == 8
    shop = {"receiver_kind": "business", "new_beneficiary": True}
    shops = history_of(*[paid(50_000, 0.5 * (i + 1), n=i, **shop) for i in range(7)])
    assert (
        new_beneficiary_burst.evaluate(to_stranger(50_000, **shop), context(history=shops), rule)
        is None
    )
