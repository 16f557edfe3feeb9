"""More honest look-alikes: everyday patterns that share a scheme's shape, labelled benign.

Each is drawn from what ordinary customers in Kazakhstan do (DOMAIN §2's signals, seen from
the honest side), so a backtest shows what a rule would wrongly hold:
- a sole trader takes payment from many buyers a day on a personal account (Kaspi-style
  "transfer to my card"), keeps most of it and pays suppliers now and then: fan-in without
  forwarding;
- savings moved to the customer's own account at another bank: a large sum to a new
  beneficiary in one go, the "safe account" shape;
- rent paid to a landlord (a private person) soon after the salary lands: money in, most of
  it out to a person within hours, the pass-through shape;
- second-hand shopping: an evening buying from two to four private sellers on a classifieds
  site (OLX, Kaspi's marketplace), each a new person at some bank: several strangers paid
  within the hour, the "safe account in chunks" shape;
- moving into a rented flat: the first month's rent and a deposit of the same size paid to
  a landlord never paid before, in one payment or in two within the day: one stranger paid
  in parts, the "safe account" shape again;
- a giveaway paid out: a blogger (or a club refunding fees, a foreman paying day wages)
  pays fifteen to forty people one amount each, typing in one new payee after another,
  about one a minute: many strangers paid within minutes, the "velocity burst" shape;
- investing abroad: a customer opens an account with a licensed foreign broker, tries it
  with a small test deposit, sends the sum meant once the test has arrived and now and then
  tops it up days later, the order often naming only the broker's IBAN: a small first
  payment to a foreign "broker", then far more, the fake investment's shape;
- new customers: people who have just moved their everyday banking here (the bank saw the
  account opened days ago) and carry on as before, salary, family and rent included: a
  young account is no dropper's by itself.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from screener.domain.identifiers import make_kz_iban
from screener.traffic.events import (
    Tag,
    TrafficStream,
    described_abroad,
    kzt,
    log_uniform,
    rounded,
    whole_kzt,
)
from screener.traffic.population import Payee, Person, Population, foreign_payee

# Per 1,000 people: sole traders who take payments on a personal account.
SOLE_TRADERS_PER_1000 = 2.5
# Per person per day.
SAVINGS_TO_OWN_ACCOUNT = 0.0015
# Share of working people who rent from a private landlord and pay on payday.
RENTERS = 0.15
# Per person per day: an evening buying second-hand from several private sellers.
SECOND_HAND_SHOPPING = 0.001
# Share of those private sellers paid again for a courier.
HONEST_DELIVERY_SHARE = 0.1
# Per person per day: moving into a rented flat (rent and deposit to a new landlord).
MOVING_IN = 0.0005
# Per person per day: a giveaway's prizes paid out to many new payees, one amount each.
GIVEAWAY_PAYOUTS = 0.0003
# Per person per day: a first deposit with a licensed broker abroad, topped up later.
INVESTING_ABROAD = 0.0003
# The brokers' countries and their IBANs' lengths past the check digits.
_BROKER_IBANS = (("GB", 18), ("IE", 18), ("CY", 24), ("DE", 18))
# Share of people whose account here was opened lately (moved from another bank).
NEW_CUSTOMERS = 0.03


@dataclass(frozen=True, slots=True)
class _Trader:
    person: Person
    buyers_per_day: tuple[int, int]
    ticket_kzt: float  # the median sale
    supplier: int  # index into Population.merchants


class LookAlikes:
    """Plays the look-alikes above for one population; one instance per traffic."""

    def __init__(
        self,
        stream: TrafficStream,
        population: Population,
        rng: random.Random,
        tagger: Callable[[str, str], Tag],
        rare_factor: float,
        end: datetime,  # local midnight after the traffic's last day
    ) -> None:
        self.stream, self.pop, self.rng, self._tag = stream, population, rng, tagger
        self.rare, self.end = rare_factor, end
        people = list(population.people)
        self.traders = tuple(
            _Trader(
                person,
                (rng.randint(8, 15), rng.randint(18, 35)),
                rng.choice((3_000, 5_000, 8_000, 12_000, 20_000)),
                rng.randrange(len(population.merchants)),
            )
            for person in (people[index] for index in population.traders)
        )
        self._trader_instances = {
            t.person.iin: self._tag("sole_trader", "sale") for t in self.traders
        }
        self.renters = frozenset(
            p.iin for p in people if p.employer is not None and rng.random() < RENTERS
        )
        self._landlords: dict[str, Payee] = {}
        self.new_customers = tuple(p for p in people if rng.random() < NEW_CUSTOMERS)
        self._openings_played = False

    def day(self, midnight: datetime) -> None:
        if not self._openings_played:
            self._openings_played = True
            for person in self.new_customers:
                self.stream.customer_event(
                    midnight + timedelta(hours=self.rng.uniform(0, 6)),
                    person.iin,
                    "account_opened",
                    self._tag("new_customer", "account_opened"),
                    account=person.account,
                )
        for trader in self.traders:
            self._trader_day(trader, midnight)
        for person in self.pop.people:
            if self.rng.random() < SAVINGS_TO_OWN_ACCOUNT * self.rare:
                self._savings_moved(person, midnight)
            if self.rng.random() < SECOND_HAND_SHOPPING * self.rare:
                self._second_hand_shopping(person, midnight)
            if self.rng.random() < MOVING_IN * self.rare:
                self._moving_in(person, midnight)
            if self.rng.random() < GIVEAWAY_PAYOUTS * self.rare:
                self._giveaway_payouts(person, midnight)
            if self.rng.random() < INVESTING_ABROAD * self.rare:
                self._investing_abroad(person, midnight)

    def after_salary(self, person: Person, paid_at: datetime, day: date) -> None:
        """A renter pays the landlord within hours of the salary (called on payday)."""
        if person.iin not in self.renters:
            return
        rng = self.rng
        landlord = self._landlords.get(person.iin)
        first_time = landlord is None
        if landlord is None:
            owner = rng.choice(self.pop.people)
            landlord = owner.payee if owner is not person else self._other_bank_person()
            self._landlords[person.iin] = landlord
        rent = rounded(person.income_kzt * rng.uniform(0.3, 0.6), 5_000)
        self.stream.transfer(
            paid_at + timedelta(minutes=rng.randint(20, 6 * 60)),
            person.payer,
            landlord,
            kzt(max(rent, 60_000)),
            # A new tenant (a lease lasts a year or more) pays a landlord for the first time.
            new_beneficiary=first_time and rng.random() < 0.08,
            reveal_receiver=rng.random() < 0.5,
            tag=self._tag("rent_after_salary", "rent"),
        )

    def _trader_day(self, trader: _Trader, midnight: datetime) -> None:
        rng, stream = self.rng, self.stream
        tag = self._trader_instances[trader.person.iin]
        takings = 0
        for _ in range(rng.randint(*trader.buyers_per_day)):
            buyer = rng.choice(self.pop.people)
            if buyer is trader.person:
                continue
            amount = rounded(rng.lognormvariate(math.log(trader.ticket_kzt), 0.6), 100)
            takings += kzt(amount)
            stream.transfer(
                midnight + timedelta(hours=rng.uniform(9, 21)),
                buyer.payer,
                trader.person.payee,
                kzt(amount),
                new_beneficiary=rng.random() < 0.7,  # most buyers are new ones
                reveal_receiver=buyer.bank == trader.person.bank,
                tag=Tag(tag.scenario, tag.instance, "sale", False),
            )
        if takings and rng.random() < 0.5:  # restocking from the wholesaler
            stream.transfer(
                midnight + timedelta(hours=rng.uniform(19, 23)),
                trader.person.payer,
                self.pop.merchants[trader.supplier].payee,
                whole_kzt(takings * rng.uniform(0.3, 0.7)),
                tag=Tag(tag.scenario, tag.instance, "supplier", False),
            )

    def _savings_moved(self, person: Person, midnight: datetime) -> None:
        """Savings to the customer's own account at another bank (a better deposit rate)."""
        rng = self.rng
        others = [b for b in self.pop.banks if b is not person.bank]
        bank = rng.choice(others)
        own = Payee(
            make_kz_iban(bank.code, rng.randrange(10**13)), "person", "KZ", bank.bic, person.iin
        )
        amount = kzt(rounded(max(person.savings_kzt, 100_000) * rng.uniform(0.5, 1.0), 10_000))
        self.stream.transfer(
            midnight + timedelta(hours=rng.uniform(9, 22)),
            person.payer,
            own,
            amount,
            new_beneficiary=True,
            # A KZ payment order to an IBAN names the beneficiary's IIN; card-to-card ones do not.
            reveal_receiver=rng.random() < 0.9,
            tag=self._tag("savings_to_own_account", "transfer"),
        )

    def _investing_abroad(self, person: Person, midnight: datetime) -> None:
        """A test deposit of 20,000-100,000 KZT with a broker abroad; once it has arrived,
        a day or two later, the sum meant (100,000-1,500,000); now and then a top-up of
        what the month leaves a few days on."""
        rng = self.rng
        country, digits = rng.choice(_BROKER_IBANS)
        broker = foreign_payee(rng, country, digits, kind="business")
        first = midnight + timedelta(hours=rng.uniform(9, 22))
        deposits = [
            (first, rounded(rng.uniform(20_000, 100_000), 5_000)),
            (first + timedelta(hours=rng.uniform(20, 50)), log_uniform(rng, 100_000, 1_500_000)),
        ]
        if rng.random() < 0.25:
            later = deposits[-1][0] + timedelta(days=rng.uniform(1, 4))
            deposits.append((later, log_uniform(rng, 50_000, 600_000)))
        tag = self._tag("investing_abroad", "deposit")
        for n, (at, amount_kzt) in enumerate(deposits):
            if at >= self.end:
                return
            self.stream.transfer(
                at,
                person.payer,
                broker,
                kzt(rounded(amount_kzt, 10_000)),
                new_beneficiary=n == 0,
                describe_receiver=described_abroad(rng),
                tag=tag,
            )

    def _second_hand_shopping(self, person: Person, midnight: datetime) -> None:
        """Two to four private sellers paid within an hour or two, each a new beneficiary;
        now and then one is paid again for sending it by courier (an honest seller's
        delivery, a fake seller's "fee" to the rules)."""
        rng = self.rng
        tag = self._tag("second_hand_shopping", "purchase")
        at = midnight + timedelta(hours=rng.uniform(11, 21))
        for _ in range(rng.randint(2, 4)):
            seller = rng.choice(self.pop.people)
            payee = seller.payee if seller is not person else self._other_bank_person()
            reveal = rng.random() < 0.5
            price = kzt(_asking_price(rng, 10_000, 200_000))
            self.stream.transfer(
                at,
                person.payer,
                payee,
                price,
                new_beneficiary=True,
                reveal_receiver=reveal,
                tag=tag,
            )
            if rng.random() < HONEST_DELIVERY_SHARE:
                self.stream.transfer(
                    at + timedelta(minutes=rng.uniform(10, 90)),
                    person.payer,
                    payee,
                    kzt(rng.choice((2_000, 3_000, 5_000, 8_000, 12_000))),  # a sofa costs more
                    reveal_receiver=reveal,
                    tag=self._tag("second_hand_shopping", "delivery"),
                )
            at += timedelta(minutes=rng.uniform(5, 50))

    def _moving_in(self, person: Person, midnight: datetime) -> None:
        """The first month's rent and a deposit of the same size to a new landlord."""
        rng = self.rng
        tag = self._tag("moving_in", "rent_and_deposit")
        owner = rng.choice(self.pop.people)
        landlord = owner.payee if owner is not person else self._other_bank_person()
        rent = kzt(max(rounded(person.income_kzt * rng.uniform(0.3, 0.7), 10_000), 80_000))
        at = midnight + timedelta(hours=rng.uniform(10, 20))
        parts = (2 * rent,) if rng.random() < 0.5 else (rent, rent)
        for amount in parts:
            self.stream.transfer(
                at,
                person.payer,
                landlord,
                amount,
                new_beneficiary=True,
                reveal_receiver=rng.random() < 0.5,
                tag=tag,
            )
            at += timedelta(minutes=rng.uniform(2, 240))

    def _giveaway_payouts(self, person: Person, midnight: datetime) -> None:
        """Fifteen to forty winners paid one prize each, one payee typed in at a time."""
        rng = self.rng
        tag = self._tag("giveaway_payouts", "prize")
        prize = kzt(rng.choice((5_000, 10_000, 20_000, 25_000, 50_000)))
        at = midnight + timedelta(hours=rng.uniform(12, 22))
        for _ in range(rng.randint(15, 40)):
            winner = rng.choice(self.pop.people)
            payee = winner.payee if winner is not person else self._other_bank_person()
            self.stream.transfer(
                at,
                person.payer,
                payee,
                prize,
                new_beneficiary=True,
                reveal_receiver=rng.random() < 0.5,
                tag=tag,
            )
            at += timedelta(seconds=rng.uniform(30, 120))

    def _other_bank_person(self) -> Payee:
        bank = self.rng.choice(self.pop.banks)
        return Payee(make_kz_iban(bank.code, self.rng.randrange(10**13)), "person", "KZ", bank.bic)


def _asking_price(rng: random.Random, low_kzt: float, high_kzt: float) -> float:
    """A private seller's price: round, as classifieds prices are (to 1,000 below 50,000,
    to 5,000 above)."""
    price = log_uniform(rng, low_kzt, high_kzt)
    return rounded(price, 1_000 if price < 50_000 else 5_000)
