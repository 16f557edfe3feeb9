"""Who the synthetic traffic is about: banks, lenders, people, businesses and droppers.

Everything is drawn from one seeded `random.Random`, so a seed names one population. Every
identifier is valid the way the boundary checks it: IINs carry a real birth date, a sex
digit and a check digit; BINs a check digit; KZ IBANs pass MOD-97. Ages, incomes and the
banks' shares are rough but plausible for Kazakhstan in 2025-2026; the bank codes and BICs
look like real ones but are only there to make the data readable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from screener.domain.identifiers import make_bin, make_iin, make_kz_iban

Sex = Literal["M", "F"]


@dataclass(frozen=True, slots=True)
class Bank:
    name: str
    code: str  # the 3-digit bank code inside a KZ IBAN
    bic: str
    bin: str
    share: float  # of the population's current accounts


@dataclass(frozen=True, slots=True)
class Lender:
    name: str
    kind: Literal["bank", "mfo"]
    bin: str


@dataclass(frozen=True, slots=True)
class Payer:
    """Who sends a transfer: the acting customer, their account and, for people, the device."""

    customer_id: str
    account: str
    device: str | None = None


@dataclass(frozen=True, slots=True)
class Payee:
    """Where a transfer goes, as the sending bank describes the receiver (CONTRACT §2.1)."""

    account: str
    kind: str  # receiver_kind
    country: str = "KZ"
    bank_bic: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class Business:
    name: str
    bin: str
    account: str
    bank: Bank
    kind: str  # how payers' banks see it: business, payment_service or crypto_exchange
    category: str
    pay_day: int = 0  # employers: day of the month salaries go out

    @property
    def payee(self) -> Payee:
        return Payee(self.account, self.kind, "KZ", self.bank.bic, self.bin)

    @property
    def payer(self) -> Payer:
        return Payer(self.bin, self.account)


@dataclass(frozen=True, slots=True)
class Person:
    iin: str
    birth: date
    sex: Sex
    bank: Bank
    account: str
    device: str
    income_kzt: int  # monthly salary or pension
    savings_kzt: int  # what a "safe account" caller could talk them out of
    employer: int | None  # index into Population.employers; None for pensioners
    family: tuple[int, ...]  # indices into the list the person is in
    merchants: tuple[int, ...]  # usual shops, indices into Population.merchants
    utilities: tuple[int, ...]  # indices into Population.utilities
    utility_day: int  # day of the month the bills are paid
    loan_optout: bool  # a Stop-credit refusal registered before the traffic starts

    @property
    def payee(self) -> Payee:
        return Payee(self.account, "person", "KZ", self.bank.bic, self.iin)

    @property
    def payer(self) -> Payer:
        return Payer(self.iin, self.account, self.device)

    def age_on(self, day: date) -> int:
        years = day.year - self.birth.year
        return years - ((day.month, day.day) < (self.birth.month, self.birth.day))


@dataclass(frozen=True, slots=True)
class Population:
    banks: tuple[Bank, ...]
    lenders: tuple[Lender, ...]
    people: tuple[Person, ...]
    employers: tuple[Business, ...]
    pension_fund: Business
    merchants: tuple[Business, ...]
    utilities: tuple[Business, ...]
    crypto_exchanges: tuple[Business, ...]
    # Accounts abroad: where droppers forward money, and where families send tuition.
    foreign_payees: tuple[Payee, ...]
    # Droppers: young people renting out a freshly opened account (DOMAIN §2).
    mules: tuple[Person, ...]
    # Indices into `people` of sole traders paid on their personal account (look-alikes).
    # Scams leave them alone: a backtest plays far more scams than real life, and a trader
    # picked as a victim would make the trader's takings look forwarded.
    traders: tuple[int, ...] = ()

    @property
    def bank_lenders(self) -> tuple[Lender, ...]:
        return tuple(lender for lender in self.lenders if lender.kind == "bank")

    @property
    def mfo_lenders(self) -> tuple[Lender, ...]:
        return tuple(lender for lender in self.lenders if lender.kind == "mfo")


# name, IBAN bank code, BIC, share of current accounts
_BANKS = (
    ("Kaspi Bank", "722", "CASPKZKA", 0.36),
    ("Halyk Bank", "601", "HSBKKZKX", 0.24),
    ("Bank CenterCredit", "856", "KCJBKZKX", 0.10),
    ("Freedom Bank", "551", "KSNVKZKA", 0.09),
    ("ForteBank", "965", "IRTYKZKA", 0.08),
    ("Jusan Bank", "998", "TSESKZKA", 0.07),
    ("Bereke Bank", "914", "BRKEKZKA", 0.03),
    ("Eurasian Bank", "948", "EURIKZKA", 0.03),
)
_MFOS = (
    "Shinhan Finance",
    "KMF",
    "Solva",
    "Kredit24",
    "Moneyman KZ",
    "Zaimer",
    "OnlineKazFinance",
    "Tez Finance",
)
_MERCHANT_CATEGORIES = (
    ("grocery", 0.30),
    ("marketplace", 0.18),
    ("fuel", 0.10),
    ("pharmacy", 0.08),
    ("restaurant", 0.12),
    ("clothing", 0.07),
    ("electronics", 0.05),
    ("taxi", 0.10),
)
_UTILITIES = (
    "Almaty Energo Sbyt",
    "Almaty Su",
    "AlmatyGas",
    "Alseco",
    "Kazakhtelecom",
    "Beeline KZ",
    "Kcell",
    "Tele2 Altel",
)
_CRYPTO_EXCHANGES = ("AIFC Crypto One", "Steppe Exchange", "Qazaq Coin Market", "Nomad Digital")
# (country, how its accounts look): IBAN countries get a BBAN of that many digits
_MULE_ABROAD = (("AE", 19), ("TR", 22), ("GE", 18), ("KG", 0), ("CN", 0), ("RU", 0))
_FAMILY_ABROAD = (("DE", 18), ("CZ", 20), ("KR", 0), ("TR", 22), ("RU", 0))
# Age bands of account holders and their weights.
_AGE_BANDS = ((18, 24, 0.12), (25, 34, 0.25), (35, 44, 0.23), (45, 54, 0.17), (55, 64, 0.13))
_OLD_AGE_BAND = (65, 82, 0.10)
RETIREMENT_AGE = 63
# Sole traders who take payment on a personal account, per 1,000 people.
TRADERS_PER_1000 = 2.5


def build_population(
    rng: random.Random, customers: int, mules: int, reference_day: date
) -> Population:
    """Draw a population of `customers` people and `mules` droppers (ages as of `reference_day`)."""
    ids = _Identities(rng)
    banks = tuple(
        Bank(name, code, bic, ids.bin(date(1991, 1, 1)), share) for name, code, bic, share in _BANKS
    )
    lenders = tuple(Lender(bank.name, "bank", bank.bin) for bank in banks) + tuple(
        Lender(name, "mfo", ids.bin(date(2012, 1, 1))) for name in _MFOS
    )

    def business(name: str, kind: str, category: str, pay_day: int = 0) -> Business:
        bank = _pick_bank(rng, banks)
        return Business(
            name, ids.bin(date(1995, 1, 1)), ids.iban(bank), bank, kind, category, pay_day
        )

    employers = tuple(
        business(f"Employer {n + 1}", "business", "employer", pay_day=rng.randint(1, 28))
        for n in range(max(3, customers // 40))
    )
    categories, weights = zip(*_MERCHANT_CATEGORIES, strict=True)
    merchants = tuple(
        business(f"{category.title()} {n + 1}", "business", category)
        for n, category in enumerate(
            rng.choices(categories, weights=weights, k=40 + customers // 80)
        )
    )
    utilities = tuple(business(name, "payment_service", "utility") for name in _UTILITIES)
    exchanges = tuple(business(name, "crypto_exchange", "crypto") for name in _CRYPTO_EXCHANGES)
    pension_fund = business("State Pension Payment Centre", "business", "pension", pay_day=10)
    foreign = tuple(
        foreign_payee(rng, country, digits)
        for _ in range(12)
        for country, digits in (*_MULE_ABROAD, *_FAMILY_ABROAD)
    )

    people = _people(rng, ids, banks, customers, reference_day, employers, merchants, utilities)
    droppers = tuple(
        _person(rng, ids, banks, _birth(rng, reference_day, 18, 24), None, (), (), ())
        for _ in range(mules)
    )
    return Population(
        banks=banks,
        lenders=lenders,
        people=people,
        employers=employers,
        pension_fund=pension_fund,
        merchants=merchants,
        utilities=utilities,
        crypto_exchanges=exchanges,
        foreign_payees=foreign,
        mules=droppers,
        traders=tuple(
            sorted(
                rng.sample(
                    range(len(people)), k=max(1, round(len(people) * TRADERS_PER_1000 / 1000))
                )
            )
        ),
    )


def _people(
    rng: random.Random,
    ids: _Identities,
    banks: tuple[Bank, ...],
    count: int,
    reference_day: date,
    employers: tuple[Business, ...],
    merchants: tuple[Business, ...],
    utilities: tuple[Business, ...],
) -> tuple[Person, ...]:
    bands = (*_AGE_BANDS, _OLD_AGE_BAND)
    births = [
        _birth(rng, reference_day, low, high)
        for low, high, _ in rng.choices(bands, weights=[w for *_, w in bands], k=count)
    ]
    # Families: people drawn in small groups send each other money.
    family_of: list[tuple[int, ...]] = [() for _ in range(count)]
    index = 0
    while index < count:
        size = min(rng.randint(1, 5), count - index)
        group = tuple(range(index, index + size))
        for member in group:
            family_of[member] = tuple(m for m in group if m != member)
        index += size
    people = []
    for n, birth in enumerate(births):
        age = reference_day.year - birth.year
        employer = None if age >= RETIREMENT_AGE else rng.randrange(len(employers))
        usual = tuple(sorted(rng.sample(range(len(merchants)), k=min(6, len(merchants)))))
        bills = tuple(sorted(rng.sample(range(len(utilities)), k=3)))
        people.append(
            _person(rng, ids, banks, birth, employer, family_of[n], usual, bills, age=age)
        )
    return tuple(people)


def _person(
    rng: random.Random,
    ids: _Identities,
    banks: tuple[Bank, ...],
    birth: date,
    employer: int | None,
    family: tuple[int, ...],
    merchants: tuple[int, ...],
    utilities: tuple[int, ...],
    age: int = 20,
) -> Person:
    sex: Sex = "M" if rng.random() < 0.49 else "F"
    bank = _pick_bank(rng, banks)
    if employer is None and age >= RETIREMENT_AGE:
        income = int(rng.lognormvariate(11.7, 0.25))  # pensions: about 120,000 KZT a month
    else:
        income = int(rng.lognormvariate(12.75, 0.45))  # salaries: median about 345,000 KZT
    return Person(
        iin=ids.iin(birth, sex),
        birth=birth,
        sex=sex,
        bank=bank,
        account=ids.iban(bank),
        device=f"dev-{rng.getrandbits(48):012x}",
        income_kzt=income,
        savings_kzt=int(income * rng.uniform(0.2, 12)),
        employer=employer,
        family=family,
        merchants=merchants,
        utilities=utilities,
        utility_day=rng.randint(10, 25),
        loan_optout=rng.random() < 0.2,  # about 3 million of 12 million adults in 2025
    )


def _birth(rng: random.Random, reference_day: date, low_age: int, high_age: int) -> date:
    """A birth date of someone aged `low_age`..`high_age` on `reference_day`."""
    youngest = _years_before(reference_day, low_age)
    oldest = _years_before(reference_day, high_age + 1) + timedelta(days=1)
    return oldest + timedelta(days=rng.randrange((youngest - oldest).days + 1))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _pick_bank(rng: random.Random, banks: tuple[Bank, ...]) -> Bank:
    return rng.choices(banks, weights=[bank.share for bank in banks])[0]


def foreign_payee(
    rng: random.Random, country: str, iban_digits: int, kind: str = "person"
) -> Payee:
    """A receiver abroad: an IBAN of `country` with `iban_digits` digits after the check
    digits, or (0) a plain account number in a country without IBANs."""
    if iban_digits:
        account = foreign_iban(country, "".join(rng.choices("0123456789", k=iban_digits)))
    else:  # a country without IBANs: a plain account number
        account = "".join(rng.choices("0123456789", k=20))
    return Payee(account, kind, country)


def foreign_iban(country: str, bban: str) -> str:
    """An IBAN of another country (ISO 13616 check digits over a digits-only BBAN).

    `screener.domain.identifiers` builds only KZ IBANs, which the boundary validates; foreign
    receivers are free text to the contract, but real-looking ones make the data readable
    (and the boundary reads a missing `receiver_country` off a valid one).
    """
    letters = "".join(str(ord(c) - ord("A") + 10) for c in country)
    check = 98 - int(bban + letters + "00") % 97
    return f"{country}{check:02d}{bban}"


class _Identities:
    """Unique, valid IINs, BINs and KZ IBANs from the population's random source."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: set[str] = set()  # membership only: never iterated (hash order varies)

    def iin(self, birth: date, sex: Sex) -> str:
        while True:
            try:
                iin = make_iin(birth, sex, self._rng.randrange(10_000))
            except ValueError:  # no check digit for this serial: about 1 in 11
                continue
            if iin not in self._taken:
                self._taken.add(iin)
                return iin

    def bin(self, earliest: date) -> str:
        while True:
            registered = earliest + timedelta(days=self._rng.randrange(365 * 25))
            try:
                number = make_bin(registered, self._rng.randrange(100_000), kind=4)
            except ValueError:
                continue
            if number not in self._taken:
                self._taken.add(number)
                return number

    def iban(self, bank: Bank) -> str:
        while True:
            iban = make_kz_iban(bank.code, self._rng.randrange(10**13))
            if iban not in self._taken:
                self._taken.add(iban)
                return iban
