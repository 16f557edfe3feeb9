"""Everyday life: salaries and pensions, shopping, bills, family transfers, loans, logins.

Also the benign look-alikes a screener must not hold, labelled with `is_fraud` false so a
backtest shows what a rule mistakes for fraud: a wedding (toi) collection, where many people
pay one account that then pays the restaurant (fan-in and pass-through); a used car paid to
a stranger; crypto bought on a licensed exchange; a new phone; money to family abroad; a
loan spent at once.

Rates are per person per day and rough: about three events a day each, half of them
payments, a loan every few hundred days.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from screener.domain.identifiers import make_kz_iban
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
from screener.traffic.lookalikes import LookAlikes
from screener.traffic.population import Payer, Person, Population

# Share of a day's activity in each local hour (Almaty): quiet at night, a lunch peak and
# the busiest hours in the evening.
HOUR_WEIGHTS = (
    *(0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 0.9, 2.0, 3.2, 4.2, 5.0, 5.4),
    *(6.2, 6.0, 5.4, 5.2, 5.4, 6.0, 6.8, 7.0, 6.4, 5.0, 3.0, 1.4),
)
_HOUR_CUMULATIVE = tuple(accumulate(HOUR_WEIGHTS))

# Typical purchase in KZT by merchant category: (median, spread of the log-normal).
_PURCHASES = {
    "grocery": (6_000, 0.8),
    "marketplace": (14_000, 1.0),
    "fuel": (12_000, 0.4),
    "pharmacy": (4_500, 0.7),
    "restaurant": (9_000, 0.7),
    "clothing": (22_000, 0.7),
    "electronics": (60_000, 1.0),
    "taxi": (1_800, 0.5),
}


@dataclass(frozen=True, slots=True)
class LoanProduct:
    product: str
    lender_kind: str
    channel: str
    secured: bool
    low_kzt: int
    high_kzt: int
    weight: float


LOAN_MIX = (
    LoanProduct("consumer", "bank", "online", False, 150_000, 3_000_000, 0.28),
    LoanProduct("consumer", "bank", "branch", False, 300_000, 5_000_000, 0.08),
    LoanProduct("card_limit", "bank", "online", False, 100_000, 1_500_000, 0.14),
    LoanProduct("goods", "bank", "online", False, 50_000, 900_000, 0.20),
    LoanProduct("consumer", "mfo", "online", False, 30_000, 400_000, 0.14),
    LoanProduct("refinancing", "bank", "online", False, 300_000, 4_000_000, 0.06),
    LoanProduct("auto", "bank", "branch", True, 3_000_000, 15_000_000, 0.05),
    LoanProduct("mortgage", "bank", "branch", True, 8_000_000, 40_000_000, 0.05),
)
_LOAN_WEIGHTS = tuple(accumulate(p.weight for p in LOAN_MIX))

# Per person per day.
LOGINS = 1.1
PURCHASES = 1.4
FAMILY_TRANSFER = 0.12
TOP_UP = 0.08
LOAN = 0.004
EGOV_CODE = 0.03  # eGov sends codes from 1414 for its own services too
NEW_PHONE = 0.002
CAR_FROM_STRANGER = 0.0003
FAMILY_ABROAD = 0.0008
DEPOSIT_OPENED = 0.0008
OLD_FRAUD_REPORT = 0.0001  # reports a card skimmed long ago; nothing follows
TOI_COLLECTIONS_PER_1000_PEOPLE = 0.6  # per day


def play_everyday_life(
    stream: TrafficStream,
    population: Population,
    rng: random.Random,
    first_day: date,
    days: int,
    rare_factor: float = 1.0,
) -> None:
    """Everyone's ordinary activity for `days` days from local midnight of `first_day`.

    `rare_factor` multiplies the rates of the rare look-alikes (a car bought from a
    stranger, money to family abroad, crypto bought, a new phone, savings moved to another
    bank), so a backtest has enough of each to measure its hold rate.
    """
    end = datetime.combine(first_day + timedelta(days=days), time(0), tzinfo=ALMATY)
    life = _Life(stream, population, rng, rare_factor, end)
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        midnight = datetime.combine(day, time(0), tzinfo=ALMATY)
        life.payday(day, midnight)
        for person in population.people:
            life.person_day(person, midnight)
        life.look_alike_day(midnight)
        for _ in range(
            poisson(rng, TOI_COLLECTIONS_PER_1000_PEOPLE * len(population.people) / 1000)
        ):
            life.toi_collection(midnight)


class _Life:
    def __init__(
        self,
        stream: TrafficStream,
        population: Population,
        rng: random.Random,
        rare: float,
        end: datetime,
    ) -> None:
        self.rare = rare
        self.stream = stream
        self.pop = population
        self.rng = rng
        self.employees: list[list[Person]] = [[] for _ in population.employers]
        for person in population.people:
            if person.employer is not None:
                self.employees[person.employer].append(person)
        self.pensioners = [p for p in population.people if p.employer is None]
        self.telecoms = [u for u in population.utilities if u.name in _TELECOMS]
        self.restaurants = [m for m in population.merchants if m.category == "restaurant"]
        self.big_shops = [
            m for m in population.merchants if m.category in ("electronics", "marketplace")
        ]
        self.look_alikes = 0
        # Their own random source, so adding a look-alike leaves everyday life unchanged.
        self.more = LookAlikes(
            stream, population, random.Random(rng.getrandbits(64)), self._tag, rare, end
        )

    def look_alike_day(self, midnight: datetime) -> None:
        self.more.day(midnight)

    def payday(self, day: date, midnight: datetime) -> None:
        """Salaries on each employer's day of the month, pensions on the pension fund's."""
        rng = self.rng
        for employer, staff in zip(self.pop.employers, self.employees, strict=True):
            if employer.pay_day != day.day:
                continue
            start = midnight + timedelta(hours=9, minutes=rng.randrange(180))
            for n, person in enumerate(staff):
                at = start + timedelta(seconds=2 * n, milliseconds=rng.randrange(1000))
                self.stream.transfer(
                    at, employer.payer, person.payee, kzt(person.income_kzt), channel="api"
                )
                self.more.after_salary(person, at, day)
        fund = self.pop.pension_fund
        if fund.pay_day == day.day:
            start = midnight + timedelta(hours=8)
            for n, person in enumerate(self.pensioners):
                at = start + timedelta(seconds=n, milliseconds=rng.randrange(1000))
                self.stream.transfer(
                    at, fund.payer, person.payee, kzt(person.income_kzt), channel="api"
                )

    def person_day(self, person: Person, midnight: datetime) -> None:
        rng, stream, pop = self.rng, self.stream, self.pop
        payer = person.payer
        for _ in range(poisson(rng, LOGINS)):
            at = local_time(rng, midnight)
            if rng.random() < 0.3:  # the bank's own one-time code before a login
                stream.customer_event(
                    at - timedelta(seconds=rng.randint(5, 40)),
                    person.iin,
                    "sms_code_sent",
                    source="bank",
                )
            stream.customer_event(
                at, person.iin, "login", new_device=False, device_id=person.device
            )
        if rng.random() < EGOV_CODE:
            source = "1414" if rng.random() < 0.7 else "egov"
            stream.customer_event(
                local_time(rng, midnight), person.iin, "sms_code_sent", source=source
            )
        for _ in range(poisson(rng, PURCHASES)):
            self.purchase(person, payer, local_time(rng, midnight))
        if person.family and rng.random() < FAMILY_TRANSFER:
            relative = pop.people[rng.choice(person.family)]
            amount = rounded(rng.lognormvariate(math.log(20_000), 0.9), 1_000)
            stream.transfer(
                local_time(rng, midnight),
                payer,
                relative.payee,
                kzt(amount),
                reveal_receiver=relative.bank == person.bank,
            )
        if rng.random() < TOP_UP:
            operator = rng.choice(self.telecoms)
            stream.transfer(
                local_time(rng, midnight), payer, operator.payee, kzt(rng.choice(_TOP_UPS))
            )
        if midnight.day == person.utility_day:
            at = local_time(rng, midnight)
            for n, index in enumerate(person.utilities):
                bill = rounded(rng.lognormvariate(math.log(9_000), 0.6), 10)
                stream.transfer(
                    at + timedelta(minutes=2 * n), payer, pop.utilities[index].payee, kzt(bill)
                )
        if not person.loan_optout and rng.random() < LOAN:
            self.loan(person, payer, local_time(rng, midnight))
        self.rare_days(person, payer, midnight)

    def purchase(self, person: Person, payer: Payer, at: datetime) -> None:
        rng = self.rng
        known = rng.random() < 0.9
        index = rng.choice(person.merchants) if known else rng.randrange(len(self.pop.merchants))
        merchant = self.pop.merchants[index]
        median, spread = _PURCHASES[merchant.category]
        amount = rounded(rng.lognormvariate(math.log(median), spread), 10)
        self.stream.transfer(
            at,
            payer,
            merchant.payee,
            kzt(max(amount, 200)),
            new_beneficiary=not known and index not in person.merchants,
        )

    def loan(self, person: Person, payer: Payer, at: datetime) -> None:
        rng = self.rng
        product = LOAN_MIX[bisect(_LOAN_WEIGHTS, rng.random() * _LOAN_WEIGHTS[-1])]
        lenders = self.pop.bank_lenders if product.lender_kind == "bank" else self.pop.mfo_lenders
        lender = rng.choice(lenders)
        amount = log_uniform(rng, product.low_kzt, product.high_kzt)
        step = 10_000 if amount >= 1_000_000 else 1_000
        amount_minor = kzt(rounded(amount, step))
        self.stream.loan(
            at,
            payer,
            lender,
            amount_minor,
            product=product.product,
            channel=product.channel,
            secured=product.secured,
            first_loan=rng.random() < 0.1,
            signed_before=timedelta(minutes=rng.randint(1, 20)),
        )
        if product.product in ("consumer", "card_limit") and rng.random() < 0.4:
            # The money is spent soon: a new fridge, a repair, a phone.
            self.look_alikes += 1
            shop = rng.choice(self.big_shops)
            spent = whole_kzt(amount_minor * rng.uniform(0.3, 0.9))
            self.stream.transfer(
                at + timedelta(minutes=rng.randint(60, 48 * 60)),
                payer,
                shop.payee,
                spent,
                new_beneficiary=rng.random() < 0.5,
                tag=Tag("loan_then_spend", f"benign-{self.look_alikes:05d}", "spending", False),
            )

    def rare_days(self, person: Person, payer: Payer, midnight: datetime) -> None:
        """The benign look-alikes and the rare customer events."""
        rng, stream, pop = self.rng, self.stream, self.pop
        if rng.random() < NEW_PHONE * self.rare:
            tag = self._tag("new_phone", "login")
            at = local_time(rng, midnight)
            if rng.random() < 0.3:
                stream.customer_event(at - timedelta(minutes=10), person.iin, "phone_changed")
            new_device = f"dev-{rng.getrandbits(48):012x}"
            stream.customer_event(
                at, person.iin, "login", tag=tag, new_device=True, device_id=new_device
            )
            stream.transfer(
                at + timedelta(minutes=rng.randint(2, 120)),
                Payer(payer.customer_id, payer.account, new_device),
                pop.merchants[rng.choice(person.merchants)].payee,
                kzt(rounded(rng.lognormvariate(math.log(8_000), 0.8), 10)),
                tag=Tag(tag.scenario, tag.instance, "purchase", False),
            )
        if rng.random() < CAR_FROM_STRANGER * self.rare:
            seller = rng.choice(pop.people)
            price = rounded(log_uniform(rng, 1_500_000, 9_000_000), 50_000)
            stream.transfer(
                local_time(rng, midnight),
                payer,
                seller.payee,
                kzt(price),
                channel="mobile" if rng.random() < 0.7 else "branch",
                new_beneficiary=True,
                reveal_receiver=seller.bank == person.bank,
                tag=self._tag("car_purchase", "payment"),
            )
        young = person.age_on(midnight.date()) < 40
        if rng.random() < (0.002 if young else 0.0005) * self.rare:
            exchange = rng.choice(pop.crypto_exchanges)
            stream.transfer(
                local_time(rng, midnight),
                payer,
                exchange.payee,
                kzt(rounded(log_uniform(rng, 10_000, 300_000), 1_000)),
                new_beneficiary=rng.random() < 0.3,
                tag=self._tag("crypto_purchase", "payment"),
            )
        if rng.random() < FAMILY_ABROAD * self.rare:
            relative = rng.choice([p for p in pop.foreign_payees if p.country in _FAMILY_COUNTRIES])
            stream.transfer(
                local_time(rng, midnight),
                payer,
                relative,
                kzt(rounded(log_uniform(rng, 100_000, 1_000_000), 1_000)),
                new_beneficiary=rng.random() < 0.2,
                describe_receiver=described_abroad(rng),
                tag=self._tag("family_abroad", "payment"),
            )
        if rng.random() < DEPOSIT_OPENED:
            account = make_kz_iban(person.bank.code, rng.randrange(10**13))
            stream.customer_event(
                local_time(rng, midnight), person.iin, "account_opened", account=account
            )
        if rng.random() < OLD_FRAUD_REPORT:
            stream.customer_event(
                local_time(rng, midnight),
                person.iin,
                "fraud_reported",
                tag=self._tag("old_fraud_report", "report"),
            )

    def toi_collection(self, midnight: datetime) -> None:
        """Guests send money to a wedding's host, who pays the restaurant a day or two later:
        many unrelated senders and money out soon after it came in, all of it legitimate."""
        rng, stream, pop = self.rng, self.stream, self.pop
        host = rng.choice(pop.people)
        tag = self._tag("toi_collection", "gift")
        collected = 0
        start = midnight + timedelta(hours=rng.randint(10, 16))
        for _ in range(rng.randint(6, 20) if rng.random() < 0.6 else rng.randint(20, 60)):
            guest = rng.choice(pop.people)
            if guest is host:
                continue
            gift = kzt(rng.choice((5_000, 10_000, 10_000, 20_000, 20_000, 30_000, 50_000)))
            collected += gift
            stream.transfer(
                start + timedelta(minutes=rng.randint(0, 8 * 60), seconds=rng.randrange(60)),
                guest.payer,
                host.payee,
                gift,
                new_beneficiary=host.iin not in {pop.people[i].iin for i in guest.family},
                reveal_receiver=guest.bank == host.bank,
                tag=tag,
            )
        venue = rng.choice(self.restaurants)
        stream.transfer(
            start + timedelta(hours=rng.randint(12, 40)),
            host.payer,
            venue.payee,
            whole_kzt(collected * rng.uniform(0.6, 0.95)),
            new_beneficiary=True,
            tag=Tag(tag.scenario, tag.instance, "payment_to_venue", False),
        )

    def _tag(self, scenario: str, role: str) -> Tag:
        self.look_alikes += 1
        return Tag(scenario, f"benign-{self.look_alikes:05d}", role, is_fraud=False)


_TELECOMS = frozenset({"Beeline KZ", "Kcell", "Tele2 Altel", "Kazakhtelecom"})
_TOP_UPS = (1_000, 2_000, 2_000, 3_000, 5_000)
_FAMILY_COUNTRIES = frozenset({"DE", "CZ", "KR", "TR", "RU"})


def local_time(rng: random.Random, midnight: datetime) -> datetime:
    """A moment of the day that starts at `midnight`, following the daily rhythm."""
    hour = bisect(_HOUR_CUMULATIVE, rng.random() * _HOUR_CUMULATIVE[-1])
    return midnight + timedelta(hours=hour, milliseconds=rng.randrange(3_600_000))


def poisson(rng: random.Random, mean: float) -> int:
    """How many times something with this daily rate happens today (Knuth's method)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
