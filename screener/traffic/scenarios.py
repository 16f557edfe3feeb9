"""Labelled scams (DOMAIN §2), played on top of everyday life.

Each scenario adds the events one scam produces at the bank, in the order and rhythm the
seed articles describe, and tags every event it adds: `is_fraud` for all of them,
`should_stop` for the transfers and loans the bank should hold or refuse (every one that
moves money towards the scammers, including those no rule could reasonably catch, so
recall is measured against the ideal). Victims keep their everyday activity around it.

The registry `SCENARIOS` is the one list of scenario names.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol

from screener.domain.identifiers import make_kz_iban
from screener.domain.rules.crypto_address import BASE58
from screener.traffic.events import (
    ALMATY,
    Tag,
    TrafficStream,
    described_abroad,
    kzt,
    log_uniform,
    rounded,
    whole_kzt,
)
from screener.traffic.population import Payee, Payer, Person, Population, foreign_payee

_BROKER_COUNTRIES = (("CY", 24), ("GB", 18), ("AE", 19), ("SC", 24))


class Tagger(Protocol):
    """Tags one scenario instance's events: `tag("online_loan", stop=True)`."""

    def __call__(self, role: str, stop: bool = False) -> Tag: ...


@dataclass
class ScenarioContext:
    """What a scenario draws on: the stream, the population, randomness, the time window."""

    stream: TrafficStream
    pop: Population
    rng: random.Random
    start: datetime  # local midnight of the first day
    end: datetime  # local midnight after the last day
    _victims: list[Person] = field(default_factory=list)
    _mules: list[Person] = field(default_factory=list)
    _opened: set[str] = field(default_factory=set)  # mule accounts already announced

    def victim(self, min_age: int = 18) -> Person:
        """A person not yet scammed in this traffic (people are reused once all were)."""
        if not self._victims:
            traders = frozenset(self.pop.traders)
            self._victims = [p for n, p in enumerate(self.pop.people) if n not in traders]
            self.rng.shuffle(self._victims)
        day = self.start.date()
        for index in range(len(self._victims) - 1, -1, -1):
            if self._victims[index].age_on(day) >= min_age:
                return self._victims.pop(index)
        return self._victims.pop()

    def mule(self) -> Person:
        """A dropper, each used by as few scams as the pool allows."""
        if not self._mules:
            self._mules = list(self.pop.mules)
            self.rng.shuffle(self._mules)
        return self._mules.pop()

    def announce_mule_account(self, mule: Person, first_use: datetime, tag: Tagger) -> None:
        """The dropper's bank saw the account opened days before it was first used (once);
        within the traffic's window, so the screener can know the account is young."""
        if mule.account in self._opened:
            return
        self._opened.add(mule.account)
        # Many droppers sell or rent out an account they have had for years: the bank saw
        # no opening. Drawn from the account itself, so the other draws stay as they were.
        if random.Random(f"screener-traffic-old-mule:{mule.account}").random() < OLD_MULE_SHARE:
            return
        opened = first_use - timedelta(days=self.rng.uniform(1, 5))
        if opened < self.start:
            opened = self.start + (first_use - self.start) * self.rng.uniform(0.1, 0.6)
        self.stream.customer_event(
            opened, mule.iin, "account_opened", tag("dropper_account_opened"), account=mule.account
        )

    def other_bank_account(self) -> Payee:
        """An account at some bank, of a holder the sending bank does not know."""
        bank = self.rng.choice(self.pop.banks)
        return Payee(make_kz_iban(bank.code, self.rng.randrange(10**13)), "person", "KZ", bank.bic)

    def money_mule_payee(self, first_use: datetime, tag: Tagger) -> tuple[Payee, Person | None]:
        """Where stolen money is sent: one of our droppers, or an account elsewhere."""
        if self.rng.random() < 0.5:
            mule = self.mule()
            self.announce_mule_account(mule, first_use, tag)
            return mule.payee, mule
        return self.other_bank_account(), None

    def cash_out_payee(self) -> Payee:
        """Where a dropper forwards money: a crypto exchange, a wallet address on a
        blockchain, or an account abroad."""
        if self.rng.random() < WALLET_ADDRESS_SHARE:
            return self.wallet_address()
        if self.rng.random() < 0.5:
            return self.rng.choice(self.pop.crypto_exchanges).payee
        abroad = [p for p in self.pop.foreign_payees if p.country in _MULE_COUNTRIES]
        return self.rng.choice(abroad)

    def recovery_firm_payee(self) -> Payee:
        """A "law firm" or "recovery agency" at home that promises a victim their money back
        for a fee: a firm's account the victim never paid."""
        bank = self.rng.choice(self.pop.banks)
        account = make_kz_iban(bank.code, self.rng.randrange(10**13))
        return Payee(account, "business", "KZ", bank.bic)

    def broker_payee(self) -> Payee:
        """A fake investment platform: a crypto exchange, a wallet address it names for the
        "deposit", or a 'broker' abroad."""
        if self.rng.random() < WALLET_ADDRESS_SHARE:
            return self.wallet_address()
        if self.rng.random() < 0.5:
            return self.rng.choice(self.pop.crypto_exchanges).payee
        country, digits = self.rng.choice(_BROKER_COUNTRIES)
        return foreign_payee(self.rng, country, digits, kind="business")

    def wallet_address(self) -> Payee:
        """A USDT wallet on TRON ("T" and 33 base58 characters), which the bank describes
        as an exchange or not at all."""
        address = "T" + "".join(self.rng.choices(BASE58, k=33))
        return Payee(address, self.rng.choice(("crypto_exchange", "unknown")), "KZ")


_MULE_COUNTRIES = frozenset({"AE", "TR", "GE", "KG", "CN", "RU"})
# Share of droppers' forwards and fake brokers' deposits sent to a wallet address.
WALLET_ADDRESS_SHARE = 0.2
# Share of droppers' accounts that are old accounts sold or rented out (no opening seen).
OLD_MULE_SHARE = 0.35
# Share of a fake seller's buyers asked for a "delivery" or "insurance" fee after paying.
SELLER_FEE_SHARE = 0.4
# Share of marketplace sellers at another bank already on the Anti-Fraud Center's list
# (earlier buyers complained) when this traffic's buyers pay them.
AFC_LISTED_SELLER_SHARE = 0.5

Scenario = Callable[["ScenarioContext", str, datetime], None]


def sms_1414_evening(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """A code from 1414, a login from a new device, online loans, money sent to strangers."""
    rng, stream = ctx.rng, ctx.stream
    victim = ctx.victim(min_age=25)
    tag = _tagger("sms_1414_evening", instance)
    at = midnight + timedelta(hours=18, minutes=rng.randint(0, 210), seconds=rng.randrange(60))
    stream.customer_event(at, victim.iin, "sms_code_sent", tag("sms_code_1414"), source="1414")
    if rng.random() < 0.3:
        stream.customer_event(
            at + timedelta(minutes=2),
            victim.iin,
            "sms_code_sent",
            tag("sms_code_egov"),
            source="egov",
        )
    if rng.random() < 0.3:
        stream.customer_event(
            at + timedelta(minutes=rng.randint(3, 9)),
            victim.iin,
            "phone_changed",
            tag("phone_changed"),
        )
    device = f"dev-{rng.getrandbits(48):012x}"
    at += timedelta(minutes=rng.randint(5, 25))
    stream.customer_event(
        at, victim.iin, "login", tag("login_new_device"), new_device=True, device_id=device
    )
    scammer = Payer(victim.iin, victim.account, device)
    at += timedelta(minutes=rng.randint(10, 40))
    loans = [kzt(rounded(log_uniform(rng, 1_000_000, 9_000_000), 10_000))]
    stream.loan(
        at,
        scammer,
        rng.choice(ctx.pop.bank_lenders),
        loans[0],
        first_loan=rng.random() < 0.5,
        tag=tag("online_loan", stop=True),
    )
    for _ in range(rng.choice((0, 0, 1, 2))):
        at += timedelta(minutes=rng.randint(8, 30))
        amount = kzt(rounded(log_uniform(rng, 100_000, 450_000), 1_000))
        loans.append(amount)
        stream.loan(
            at,
            scammer,
            rng.choice(ctx.pop.mfo_lenders),
            amount,
            first_loan=rng.random() < 0.6,
            tag=tag("online_microloan", stop=True),
        )
    pot = sum(loans) + kzt(victim.savings_kzt * rng.uniform(0.5, 0.95))
    _send_out(ctx, scammer, pot, at, tag, "transfer_to_safe_account", splits=(1, 3))


def safe_account(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """The victim empties their savings to the account a caller names."""
    rng, stream = ctx.rng, ctx.stream
    victim = ctx.victim(min_age=40)
    tag = _tagger("safe_account", instance)
    at = midnight + timedelta(hours=rng.randint(10, 18), minutes=rng.randrange(60))
    if rng.random() < 0.6:
        stream.customer_event(at, victim.iin, "sms_code_sent", tag("sms_code_bank"), source="bank")
        stream.customer_event(
            at + timedelta(seconds=30),
            victim.iin,
            "login",
            tag("login"),
            new_device=False,
            device_id=victim.device,
        )
    savings = kzt(max(victim.savings_kzt, 300_000))
    if rng.random() < 0.5:  # "protect" the deposit first: close it into the current account
        deposit = make_kz_iban(victim.bank.code, rng.randrange(10**13))
        at += timedelta(minutes=rng.randint(2, 10))
        stream.transfer(
            at,
            Payer(victim.iin, deposit, victim.device),
            victim.payee,
            savings,
            tag=tag("deposit_closed"),
        )
    pot = savings * rng.uniform(0.6, 0.95)
    _send_out(
        ctx,
        victim.payer,
        int(pot),
        at,
        tag,
        "transfer_to_safe_account",
        (1, 4),
        one_receiver=rng.random() < 0.5,  # the same "safe account" paid in chunks
    )


def loan_then_drain(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """A loan lands and almost all of it leaves within the hour."""
    rng, stream = ctx.rng, ctx.stream
    victim = ctx.victim(min_age=21)
    tag = _tagger("loan_then_drain", instance)
    at = midnight + timedelta(hours=rng.randint(9, 21), minutes=rng.randrange(60))
    payer = victim.payer
    if rng.random() < 0.4:  # a "security officer" had the victim install a remote-access app
        payer = _new_device_login(ctx, victim, at, tag)
        at += timedelta(minutes=rng.randint(3, 20))
    if rng.random() < 0.7:
        lender = rng.choice(ctx.pop.bank_lenders)
        amount = kzt(rounded(log_uniform(rng, 500_000, 5_000_000), 10_000))
    else:
        lender = rng.choice(ctx.pop.mfo_lenders)
        amount = kzt(rounded(log_uniform(rng, 100_000, 400_000), 1_000))
    stream.loan(
        at, payer, lender, amount, first_loan=rng.random() < 0.4, tag=tag("online_loan", stop=True)
    )
    at += timedelta(minutes=rng.randint(10, 90))
    roll = rng.random()
    if roll < 0.4:
        payee = rng.choice(ctx.pop.crypto_exchanges).payee
    elif roll < 0.8:
        payee, _ = ctx.money_mule_payee(at, tag)
    else:
        payee = ctx.cash_out_payee()
    stream.transfer(
        at,
        payer,
        payee,
        whole_kzt(amount * rng.uniform(0.9, 1.0)),
        new_beneficiary=True,
        tag=tag("drain", stop=True),
    )


def dropper_ring(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """Many victims pay one dropper; the dropper forwards 90-99 % within hours."""
    rng, stream = ctx.rng, ctx.stream
    mule = ctx.mule()
    tag = _tagger("dropper_ring", instance)
    first = midnight + timedelta(hours=rng.randint(11, 17), minutes=rng.randrange(60))
    ctx.announce_mule_account(mule, first, tag)
    arrivals = sorted(
        first + timedelta(minutes=rng.uniform(0, 360)) for _ in range(rng.randint(5, 14))
    )
    chunk: list[int] = []
    destinations: list[Payee] = []
    for n, at in enumerate(arrivals):
        victim = ctx.victim()
        amount = kzt(rounded(log_uniform(rng, 30_000, 600_000), 1_000))
        chunk.append(amount)
        stream.transfer(
            at,
            victim.payer,
            mule.payee,
            amount,
            new_beneficiary=True,
            reveal_receiver=victim.bank == mule.bank,
            tag=tag("victim_payment", stop=True),
        )
        last = n == len(arrivals) - 1
        if len(chunk) >= rng.randint(2, 4) or last:
            out_at = at + timedelta(minutes=rng.randint(15, 150))
            if destinations and rng.random() < 0.6:
                payee, new = rng.choice(destinations), False
            else:
                # Most cash out at once; some pass the money to a second dropper first.
                if rng.random() < 0.25:
                    second = ctx.mule()
                    ctx.announce_mule_account(second, out_at, tag)
                    payee = second.payee
                else:
                    payee = ctx.cash_out_payee()
                new = True
                destinations.append(payee)
            stream.transfer(
                out_at,
                mule.payer,
                payee,
                whole_kzt(sum(chunk) * rng.uniform(0.90, 0.99)),
                new_beneficiary=new,
                tag=tag("mule_forward", stop=True),
            )
            chunk = []


def marketplace_prepayment(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """A fake seller takes prepayments from a few buyers over a day or two."""
    rng, stream = ctx.rng, ctx.stream
    first = midnight + timedelta(hours=rng.randint(9, 20), minutes=rng.randrange(60))
    seller, mule = ctx.money_mule_payee(first, _tagger("marketplace_prepayment", instance))
    # A seller's account at another bank shows this bank nothing but its customers paying a
    # stranger: what the Anti-Fraud Center's lists are for. Reported apart, so the variant
    # the screener can see is measured on its own.
    scenario = "marketplace_prepayment" if mule else MARKETPLACE_ELSEWHERE
    tag = _tagger(scenario, instance)
    listed = random.Random(f"screener-traffic-afc:{instance}").random() < AFC_LISTED_SELLER_SHARE
    if mule is None and listed:
        ctx.stream.afc_list(seller.account, "Anti-Fraud Center: buyers' complaints (marketplace)")
    received = 0
    last = first
    for _ in range(rng.randint(2, 5)):
        buyer = ctx.victim()
        at = first + timedelta(minutes=rng.uniform(0, 36 * 60))
        last = max(last, at)
        amount = kzt(rounded(log_uniform(rng, 15_000, 250_000), 500))
        received += amount
        stream.transfer(
            at,
            buyer.payer,
            seller,
            amount,
            new_beneficiary=True,
            reveal_receiver=mule is not None and buyer.bank == mule.bank,
            tag=tag("prepayment", stop=True),
        )
        if rng.random() < SELLER_FEE_SHARE:  # "the courier needs paying", "insurance"
            fee = kzt(rounded(amount / 100 * rng.uniform(0.15, 0.6), 500))
            received += fee
            fee_at = at + timedelta(minutes=rng.uniform(15, 150))
            last = max(last, fee_at)  # the seller forwards what has come in
            stream.transfer(
                fee_at,
                buyer.payer,
                seller,
                fee,
                reveal_receiver=mule is not None and buyer.bank == mule.bank,
                tag=tag("delivery_fee", stop=True),
            )
    if mule is not None:  # our own customer: the bank sees the money leave again
        stream.transfer(
            last + timedelta(minutes=rng.randint(30, 360)),
            mule.payer,
            ctx.cash_out_payee(),
            whole_kzt(received * rng.uniform(0.90, 0.97)),
            new_beneficiary=True,
            tag=tag("mule_forward", stop=True),
        )


def investment_scam(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """A small first deposit with a 'broker', then loans taken to 'invest' more; or, for
    a share of the victims, their savings sent in ever larger deposits, no loan taken."""
    rng, stream = ctx.rng, ctx.stream
    victim = ctx.victim(min_age=25)
    tag = _tagger("investment_scam", instance)
    broker = ctx.broker_payee()
    if rng.random() < SAVINGS_LADDER_SHARE:
        _savings_ladder(ctx, victim, broker, midnight, tag)
        return
    at = midnight + timedelta(hours=rng.randint(19, 22), minutes=rng.randrange(60))
    stream.transfer(
        at,
        victim.payer,
        broker,
        kzt(rounded(rng.uniform(20_000, 100_000), 1_000)),
        new_beneficiary=True,
        tag=tag("first_deposit", stop=True),
    )
    at = _next_day_or_later_today(ctx, at, hour=rng.randint(10, 20))
    loans = [kzt(rounded(log_uniform(rng, 1_000_000, 4_000_000), 10_000))]
    stream.loan(
        at,
        victim.payer,
        rng.choice(ctx.pop.bank_lenders),
        loans[0],
        tag=tag("online_loan", stop=True),
    )
    if rng.random() < 0.5:
        at += timedelta(minutes=rng.randint(10, 60))
        loans.append(kzt(rounded(log_uniform(rng, 100_000, 400_000), 1_000)))
        stream.loan(
            at,
            victim.payer,
            rng.choice(ctx.pop.mfo_lenders),
            loans[-1],
            tag=tag("online_microloan", stop=True),
        )
    pot = sum(loans) * rng.uniform(0.85, 1.0) + kzt(victim.savings_kzt * rng.uniform(0, 0.5))
    parts = rng.randint(1, 2)
    for _ in range(parts):
        at += timedelta(minutes=rng.randint(30, 120))
        stream.transfer(
            at,
            victim.payer,
            broker,
            whole_kzt(pot / parts),
            new_beneficiary=False,
            tag=tag("investment", stop=True),
        )
    if rng.random() < WITHDRAWAL_FEES_SHARE:
        _withdrawal_fees(ctx, victim, at, tag)


# Share of investment scams that end with "fees" to withdraw the made-up profits.
WITHDRAWAL_FEES_SHARE = 0.4
# Share of investment scams paid from savings in ever larger deposits, without a loan.
SAVINGS_LADDER_SHARE = 0.3


def _savings_ladder(
    ctx: ScenarioContext, victim: Person, broker: Payee, midnight: datetime, tag: Tagger
) -> None:
    """The 'broker' shows a profit on the first deposit and the victim sends more, each
    deposit 1.5 to 3 times the one before, hours or a day apart, out of savings. Payments
    abroad often reach the screener as a bare IBAN (`describe_receiver`)."""
    rng = ctx.rng
    at = midnight + timedelta(hours=rng.uniform(10, 21))
    amount = kzt(rounded(rng.uniform(20_000, 80_000), 1_000))
    for step in range(rng.randint(3, 5)):
        if at >= ctx.end:
            return
        ctx.stream.transfer(
            at,
            victim.payer,
            broker,
            amount,
            new_beneficiary=step == 0,
            describe_receiver=broker.country == "KZ" or described_abroad(rng),
            tag=tag("first_deposit" if step == 0 else "investment", stop=True),
        )
        at += timedelta(hours=rng.uniform(3, 26))
        amount = whole_kzt(amount * rng.uniform(1.5, 3.0))


def _withdrawal_fees(ctx: ScenarioContext, victim: Person, after: datetime, tag: Tagger) -> None:
    """The platform shows profits and asks for a tax, an insurance, a commission before it
    pays out: three to five fees, each two to three times the one before, each to a card
    the caller names anew, hours apart."""
    rng = ctx.rng
    fee = kzt(rounded(rng.uniform(15_000, 40_000), 500))
    at = after
    for _ in range(rng.randint(3, 5)):
        at += timedelta(hours=rng.uniform(1, 8))
        if at >= ctx.end:
            return
        payee, _ = ctx.money_mule_payee(at, tag)
        ctx.stream.transfer(
            at,
            victim.payer,
            payee,
            fee,
            new_beneficiary=True,
            tag=tag("withdrawal_fee", stop=True),
        )
        fee = whole_kzt(fee * rng.uniform(2.0, 3.0))


def repeat_victim(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """A customer who reported fraud earlier is talked into a 'safe account' again, or into
    paying a "recovery agency" fees to get the money back."""
    rng, stream = ctx.rng, ctx.stream
    victim = ctx.victim(min_age=35)
    tag = _tagger("repeat_victim", instance)
    at = midnight + timedelta(hours=rng.randint(9, 17), minutes=rng.randrange(60))
    stream.customer_event(
        at, victim.iin, "fraud_reported", tag("fraud_report"), account=victim.account
    )
    days_left = (ctx.end - midnight).days - 1
    if days_left >= 1:
        at += timedelta(days=rng.randint(1, min(days_left, 4)), hours=rng.randint(-3, 3))
    else:
        at += timedelta(hours=rng.randint(3, 6))
    if rng.random() < 0.4:  # "we will get your money back": fees to a firm
        firm = ctx.recovery_firm_payee()
        for _ in range(rng.randint(1, 3)):
            at += timedelta(hours=rng.uniform(0.5, 6))
            fee = kzt(rounded(log_uniform(rng, 30_000, 300_000), 1_000))
            stream.transfer(
                at,
                victim.payer,
                firm,
                fee,
                new_beneficiary=True,
                tag=tag("recovery_fee", stop=True),
            )
        return
    if rng.random() < 0.5:
        stream.customer_event(at, victim.iin, "sms_code_sent", tag("sms_code_1414"), source="1414")
    pot = kzt(max(victim.savings_kzt, 200_000) * rng.uniform(0.3, 0.6))
    _send_out(ctx, victim.payer, pot, at, tag, "transfer_to_safe_account", splits=(1, 2))


def velocity_burst(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """A taken-over account pays many new beneficiaries small sums within minutes, each
    below any single-payment limit (the 'many small transfers' cash-out)."""
    rng, stream = ctx.rng, ctx.stream
    victim = ctx.victim(min_age=21)
    tag = _tagger("velocity_burst", instance)
    at = midnight + timedelta(hours=rng.randint(8, 23), minutes=rng.randrange(60))
    payer = victim.payer
    if rng.random() < 0.5:
        payer = _new_device_login(ctx, victim, at, tag)
    amount = kzt(rng.choice((30_000, 40_000, 50_000, 50_000, 70_000, 90_000)))
    minutes = rng.uniform(3, 15)
    count = rng.randint(12, 30)
    for n in range(count):
        payee = ctx.money_mule_payee(at, tag)[0] if rng.random() < 0.3 else ctx.other_bank_account()
        stream.transfer(
            at + timedelta(minutes=minutes * n / count, seconds=rng.randrange(20)),
            payer,
            payee,
            amount if rng.random() < 0.7 else whole_kzt(amount * rng.uniform(0.6, 1.0)),
            new_beneficiary=True,
            tag=tag("burst_transfer", stop=True),
        )


def dropper_cash_out(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """A dropper receives one to three victims' money and forwards it within hours: to a
    crypto exchange, abroad, or to another dropper (who cashes it out in turn). Sometimes
    the victims paid at a bank the screener does not see, and only the forwarding shows."""
    rng, stream = ctx.rng, ctx.stream
    mule = ctx.mule()
    tag = _tagger("dropper_cash_out", instance)
    first = midnight + timedelta(hours=rng.randint(10, 19), minutes=rng.randrange(60))
    ctx.announce_mule_account(mule, first, tag)
    if rng.random() < 0.25:
        # The victims paid the dropper's account at a bank that does not publish to the
        # screener, and the dropper moved it over: only the forwarding is seen.
        received = kzt(rounded(log_uniform(rng, 150_000, 1_500_000), 1_000))
        _forward(ctx, mule, received, first, tag, hops=1)
        return
    received, last = 0, first
    for n in range(rng.randint(1, 3)):
        victim = ctx.victim(min_age=21)
        at = first + timedelta(minutes=rng.uniform(0, 120) * n)
        last = max(last, at)
        if rng.random() < 0.5:  # the victim was talked into a loan first
            amount = kzt(rounded(log_uniform(rng, 300_000, 2_000_000), 10_000))
            stream.loan(
                at - timedelta(minutes=rng.randint(30, 90)),
                victim.payer,
                rng.choice(ctx.pop.bank_lenders),
                amount,
                tag=tag("victim_loan", stop=True),
            )
        else:
            amount = kzt(rounded(log_uniform(rng, 80_000, 900_000), 1_000))
            if rng.random() < 0.5:
                stream.customer_event(
                    at - timedelta(minutes=rng.randint(10, 60)),
                    victim.iin,
                    "sms_code_sent",
                    tag("sms_code_1414"),
                    source="1414",
                )
        received += amount
        stream.transfer(
            at,
            victim.payer,
            mule.payee,
            amount,
            new_beneficiary=True,
            reveal_receiver=victim.bank == mule.bank,
            tag=tag("victim_payment", stop=True),
        )
    _forward(ctx, mule, received, last, tag, hops=2 if rng.random() < 0.3 else 1)


def known_dropper(ctx: ScenarioContext, instance: str, midnight: datetime) -> None:
    """Victims pay a dropper the screener already saw collect and forward money earlier:
    the later payments are the ones to stop (the first wave is a dropper ring of its own).
    Sometimes a first-wave victim reports the fraud naming the dropper's account."""
    rng, stream = ctx.rng, ctx.stream
    mule = ctx.mule()
    tag = _tagger("known_dropper", instance)
    first = midnight + timedelta(hours=rng.randint(9, 13), minutes=rng.randrange(60))
    ctx.announce_mule_account(mule, first, tag)
    received, at = 0, first
    reporter = None
    for _ in range(rng.randint(3, 6)):
        at += timedelta(minutes=rng.uniform(5, 60))
        amount = kzt(rounded(log_uniform(rng, 50_000, 500_000), 1_000))
        received += amount
        victim = ctx.victim()
        stream.transfer(
            at,
            victim.payer,
            mule.payee,
            amount,
            new_beneficiary=True,
            reveal_receiver=victim.bank == mule.bank,
            tag=tag("first_wave_payment"),  # fraud, but measured in the rings
        )
        reporter = reporter or (victim if rng.random() < 0.5 else None)
    _forward(ctx, mule, received, at, tag, hops=1, role="first_wave_forward", stop=False)
    if reporter is not None:  # a first-wave victim tells the bank where the money went
        stream.customer_event(
            at + timedelta(hours=rng.uniform(0.5, 3)),
            reporter.iin,
            "fraud_reported",
            tag("fraud_report"),
            account=mule.account,
        )
    later = at + timedelta(hours=rng.uniform(3, 30))
    for _ in range(rng.randint(1, 4)):
        later += timedelta(minutes=rng.uniform(10, 180))
        victim = ctx.victim()
        stream.transfer(
            later,
            victim.payer,
            mule.payee,
            kzt(rounded(log_uniform(rng, 30_000, 400_000), 1_000)),
            new_beneficiary=True,
            reveal_receiver=victim.bank == mule.bank,
            tag=tag("payment_to_known_dropper", stop=True),
        )


def _forward(
    ctx: ScenarioContext,
    mule: Person,
    received: int,
    after: datetime,
    tag: Tagger,
    hops: int,
    role: str = "mule_forward",
    stop: bool = True,
) -> None:
    """A dropper forwards 90-99 % of what came in, in one or two parts or in three to five
    to different destinations, within hours; with `hops` 2 it goes to a second dropper
    first, who cashes it out."""
    rng, stream = ctx.rng, ctx.stream
    at = after + timedelta(minutes=rng.randint(10, 180))
    amount = whole_kzt(received * rng.uniform(0.90, 0.99))
    if hops > 1:
        second = ctx.mule()
        ctx.announce_mule_account(second, at, tag)
        stream.transfer(
            at, mule.payer, second.payee, amount, new_beneficiary=True, tag=tag(role, stop=stop)
        )
        _forward(ctx, second, amount, at, tag, hops - 1, role, stop)
        return
    # In one or two parts; or card after card, a new foreign card or exchange each time.
    parts = rng.randint(1, 2) if rng.random() < 0.7 else rng.randint(3, 5)
    for _ in range(parts):
        stream.transfer(
            at,
            mule.payer,
            ctx.cash_out_payee(),
            whole_kzt(amount / parts),
            new_beneficiary=True,
            tag=tag(role, stop=stop),
        )
        at += timedelta(minutes=rng.randint(2, 30))


# A variant labelled under a name of its own (see marketplace_prepayment): label scenario ->
# the scenario (in SCENARIOS) that plays it.
MARKETPLACE_ELSEWHERE = "marketplace_prepayment_elsewhere"
REPORTED_APART = {MARKETPLACE_ELSEWHERE: "marketplace_prepayment"}

SCENARIOS: dict[str, Scenario] = {
    "sms_1414_evening": sms_1414_evening,
    "safe_account": safe_account,
    "loan_then_drain": loan_then_drain,
    "dropper_ring": dropper_ring,
    "marketplace_prepayment": marketplace_prepayment,
    "investment_scam": investment_scam,
    "repeat_victim": repeat_victim,
    "velocity_burst": velocity_burst,
    "dropper_cash_out": dropper_cash_out,
    "known_dropper": known_dropper,
}


def play_scams(
    stream: TrafficStream,
    pop: Population,
    rng: random.Random,
    first_day: date,
    days: int,
    count: int,
    names: tuple[str, ...],
) -> None:
    """`count` scam instances, taking the scenarios in turn, on days drawn at random."""
    start = datetime.combine(first_day, time(0), tzinfo=ALMATY)
    ctx = ScenarioContext(stream, pop, rng, start, start + timedelta(days=days))
    # Scams start before the last day when there is one, so the evenings and forwards that
    # run on for hours still fall inside the everyday traffic instead of after it.
    start_days = days - 1 if days > 1 else 1
    for n in range(count):
        name = names[n % len(names)]
        day = rng.randrange(start_days)
        SCENARIOS[name](ctx, f"{name}-{n + 1:04d}", start + timedelta(days=day))


def _send_out(
    ctx: ScenarioContext,
    payer: Payer,
    pot: int,
    at: datetime,
    tag: Tagger,
    role: str,
    splits: tuple[int, int],
    one_receiver: bool = False,
) -> None:
    """Move `pot` in a few transfers minutes apart: to fresh receivers, or all to one."""
    rng = ctx.rng
    chosen: tuple[Payee, Person | None] | None = None
    for amount in _chunks(rng, pot, rng.randint(*splits)):
        at += timedelta(minutes=rng.randint(5, 40), seconds=rng.randrange(60))
        if chosen is None or not one_receiver:
            chosen = ctx.money_mule_payee(at, tag)
        payee, mule = chosen
        ctx.stream.transfer(
            at,
            payer,
            payee,
            amount,
            new_beneficiary=True,
            reveal_receiver=mule is not None and rng.random() < 0.5,
            tag=tag(role, stop=True),
        )


def _chunks(rng: random.Random, pot: int, parts: int) -> list[int]:
    """`pot` (minor units) cut into `parts` transfers the way callers dictate them: equal
    parts; a round sum per transfer (a card's limit, say) and the rest last; or most of it
    first and the rest in equal parts."""
    if parts == 1:
        return [whole_kzt(pot)]
    style = rng.random()
    if style < 0.4:
        return [whole_kzt(pot / parts)] * parts
    if style < 0.7:
        step = kzt(10_000 if pot < kzt(1_000_000) else 50_000)
        # pot / parts rounded up to a whole step; the last part is what is left
        each = -(-pot // (parts * step)) * step
        amounts = [each] * (parts - 1)
        rest = pot - sum(amounts)
        return [*amounts, whole_kzt(rest)] if rest >= kzt(1_000) else amounts
    first = whole_kzt(pot * rng.uniform(0.55, 0.8))
    return [first] + [whole_kzt((pot - first) / (parts - 1))] * (parts - 1)


def _new_device_login(ctx: ScenarioContext, victim: Person, at: datetime, tag: Tagger) -> Payer:
    """The victim logs in from a device never seen before (a remote-access app, a scammer's
    phone); who pays from that session."""
    payer = Payer(victim.iin, victim.account, f"dev-{ctx.rng.getrandbits(48):012x}")
    ctx.stream.customer_event(
        at, victim.iin, "login", tag("login_new_device"), new_device=True, device_id=payer.device
    )
    return payer


def _tagger(scenario: str, instance: str) -> Tagger:
    def tag(role: str, stop: bool = False) -> Tag:
        return Tag(scenario, instance, role, is_fraud=True, should_stop=stop)

    return tag


def _next_day_or_later_today(ctx: ScenarioContext, at: datetime, hour: int) -> datetime:
    tomorrow = (at + timedelta(days=1)).replace(hour=hour, minute=ctx.rng.randrange(60))
    if tomorrow < ctx.end:
        return tomorrow
    return at + timedelta(minutes=ctx.rng.randint(20, 90))
