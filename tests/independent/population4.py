"""Independent test population 4: four Nauryz days at one Kazakh bank, with scams and look-alikes.

What it holds
-------------
Bank traffic as one bank sees it: Bank CenterCredit (BIC ``KCJBKZKX``, IBAN bank code
``826``), 20-23 March 2026 (Friday before Nauryz, then the holidays of 21-23 March),
Almaty time (+05:00).  The bank sees

* its own customers' outgoing transfers (persons and its business customers: payroll,
  stipends, suppliers, taxes), never money arriving from other banks;
* loan approvals of its customers from the credit bureau's feed (any lender, bank or MFO);
* its customers' events (logins, SMS codes from 1414/eGov/the bank, phone changes,
  password resets, Stop-credit set/lifted, fraud reports, accounts opened, loan
  reconfirmations and cancellations).

Three kinds of traffic are mixed in event-time order:

* ``everyday``: ordinary people of all ages living their lives over the holiday (salaries
  and stipends paid by employers banking here, shopping, bazaar sellers, taxis, bills,
  phone top-ups, family money, rent, travel, honest eGov codes, honest loans, new phones,
  Stop-credit registrations ...);
* scams (``SCAMS`` below; every scheme of DOMAIN.md section 2, several variants each);
* honest look-alikes (``LOOKALIKES`` below): traffic that resembles fraud and is not.

It was written without knowledge of how the screener detects fraud; optional fields are
sent or left out by the same rules for honest and fraudulent traffic.

Output (both files depend only on the arguments; the same seed gives identical bytes):

* ``DIR/S.jsonl``: one ``{"topic": "transfers"|"loans"|"customer_events", "event": {...}}``
  per line, events as CONTRACT.md section 2 defines them, in event-time order;
* ``DIR/S.labels.jsonl``: one label per event, in the same order:
  ``{"event_id", "event_type", "scenario", "instance", "role", "is_fraud", "should_stop"}``.
  ``is_fraud`` is true for every event of a scam instance; ``should_stop`` only for the
  scam's own payments and loans a bank should stop (the victim's money leaving, the
  fraudulent loan, a mule's forwarding).  Instances are named
  ``<scenario>-<nn>-<variant>``; everyday traffic is scenario and instance ``everyday``.

How to run
----------
::

    python tests/independent/population4.py --seed 7 --out /tmp/pop4            # 800 persons
    python tests/independent/population4.py --seed 7 --out /tmp/pop4 --persons 2000

or from Python: ``main(["--seed", "7", "--out", "/tmp/pop4"])``.  Standard library only.
Scam instances per scenario are 8 and look-alike instances 6 at 800 persons; they scale
with ``--persons`` (at least 3 and 2).  A short summary is printed to stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

# --------------------------------------------------------------------------------------
# The world's fixed facts
# --------------------------------------------------------------------------------------

BANK_BIC = "KCJBKZKX"  # Bank CenterCredit, the bank "of its own"
BANK_CODE = "826"

# Other Kazakh banks: BIC, IBAN bank code, weight among receivers.
OTHER_BANKS = [
    ("CASPKZKA", "722", 42),  # Kaspi
    ("HSBKKZKX", "601", 24),  # Halyk
    ("IRTYKZKA", "965", 7),  # ForteBank
    ("TSESKZKA", "998", 5),  # Jusan
    ("KSNVKZKA", "551", 6),  # Freedom
    ("EURIKZKA", "948", 5),  # Eurasian
    ("KINCKZKA", "821", 3),  # Bank RBK
    ("INLMKZKA", "886", 4),  # Home Credit
    ("NURSKZKX", "849", 2),  # Nurbank
    ("HCSKKZKA", "250", 2),  # Otbasy (housing savings)
]
TREASURY_BIC = "KKMFKZ2A"

FOREIGN_BANKS = {
    "RU": ["SABRRUMM", "TICSRUMM", "ALFARUMM"],
    "UZ": ["NBFAUZ2X", "KACHUZ22"],
    "KG": ["DEMIKG22", "KICBKG22"],
    "TR": ["TCZBTR2A", "AKBKTRIS"],
    "AE": ["EBILAEAD", "NBADAEAA"],
    "GE": ["BAGAGE22"],
    "CY": ["BCYPCY2N"],
    "CZ": ["KOMBCZPP"],
    "KR": ["KOEXKRSE"],
}
IBAN_LEN = {"TR": 26, "AE": 23, "GE": 22, "CY": 28, "CZ": 24}

REF_DAY = date(2026, 3, 20)
START = datetime(2026, 3, 20, 0, 0, 0)
DAY = 86_400_000  # ms
MIN = 60_000
HOUR = 3_600_000
END = 4 * DAY
HOLIDAYS = {1, 2, 3}  # 21, 22, 23 March

MRP = 4325
T150 = 150 * MRP  # 648,750
T75 = 75 * MRP  # 324,375
KZT_PER = {"KZT": 1.0, "USD": 505.0, "RUB": 6.3}

# Lenders: kind, BIC (banks), loan id prefix.  BINs are drawn per world.
BANK_LENDERS = [
    ("bank", "KCJBKZKX", "BCC"),
    ("bank", "HSBKKZKX", "HB"),
    ("bank", "CASPKZKA", "KSP"),
    ("bank", "INLMKZKA", "HCB"),
    ("bank", "IRTYKZKA", "FB"),
    ("bank", "EURIKZKA", "EU"),
    ("bank", "KSNVKZKA", "FRH"),
]
MFO_PREFIXES = ["SLV", "KR24", "ZMR", "MNM", "ONC", "HVZ", "TNG", "KMF"]

CITIES = [
    "Almaty",
    "Astana",
    "Shymkent",
    "Karaganda",
    "Aktobe",
    "Taraz",
    "Pavlodar",
    "Oskemen",
    "Semey",
    "Atyrau",
    "Kostanay",
    "Kyzylorda",
    "Uralsk",
    "Turkestan",
]

Lender = tuple[str, str, str]  # kind, BIC or BIN, loan id prefix
Who = Any  # a Person or a Biz (both have id, acct, web)
_T = TypeVar("_T")

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# --------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------


def _check_digit(d11: str) -> int | None:
    s = sum(int(d11[i]) * (i + 1) for i in range(11)) % 11
    if s == 10:
        w = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        s = sum(int(d11[i]) * w[i] for i in range(11)) % 11
        if s == 10:
            return None
    return s


def iban(cc: str, bban: str) -> str:
    rearr = bban + cc + "00"
    num = "".join(str(int(ch, 36)) for ch in rearr)
    ck = 98 - int(num) % 97
    return f"{cc}{ck:02d}{bban}"


def age_on(birth: date, ref: date = REF_DAY) -> int:
    return ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CP:
    """A receiver: account, bank BIC, kind, IIN/BIN when known, country."""

    account: str
    bic: str | None
    kind: str
    cid: str | None = None
    country: str = "KZ"


@dataclass
class Person:
    id: str
    birth: date
    male: bool
    age: int
    acct: str
    dep: str | None
    usd: str | None
    device: str
    web: str
    kind: str
    income: int
    city: str
    family: list[CP] = field(default_factory=list)
    regular: list[CP] = field(default_factory=list)
    landlord: CP | None = None
    employer: Any = None
    active_from: int = 0
    quiet: bool = False
    busy: int = 0  # instances this person is primary in
    opened: Any = None  # the account_opened record of a mule made for an instance

    def cp(self) -> CP:
        return CP(self.acct, BANK_BIC, "person", self.id, "KZ")


@dataclass
class Biz:
    id: str
    acct: str
    name: str
    cat: str
    kind: str = "business"
    bic: str = BANK_BIC
    own: bool = False  # a customer of our bank
    staff: list[Person] = field(default_factory=list)
    ext_staff: list[tuple[CP, int]] = field(default_factory=list)
    suppliers: list[CP] = field(default_factory=list)
    web: str = ""

    def cp(self) -> CP:
        return CP(self.acct, self.bic, self.kind, self.id, "KZ")


class Rec:
    __slots__ = ("ev", "label", "ms", "nb", "seq", "signed", "t", "topic")

    def __init__(
        self,
        t: int,
        seq: int,
        topic: str,
        ev: dict[str, Any],
        label: dict[str, Any],
        ms: bool,
        signed: int | None = None,
        nb: tuple[bool, bool] | None = None,
    ):
        self.t = t
        self.seq = seq
        self.topic = topic
        self.ev = ev
        self.label = label
        self.ms = ms
        self.signed = signed
        self.nb = nb  # None: not a transfer; else (present, as_null)


class Inst:
    def __init__(self, world: World, scenario: str, name: str, fraud: bool):
        self.w = world
        self.scenario = scenario
        self.name = name
        self.fraud = fraud
        self.recs: list[Rec] = []

    def finish(self) -> None:
        """Shift the whole instance back in time if it runs past the window's end."""
        if not self.recs:
            return
        # seconds jitter that keeps the flow's order (flows are written in whole minutes)
        self.recs.sort(key=lambda r: (r.t, r.seq))
        prev = -(10**12)
        for r in self.recs:
            nt = max(prev + 1000, r.t + self.w.rng.randint(0, 45) * 1000)
            if r.signed is not None:
                r.signed += nt - r.t
            r.t = nt
            prev = nt
        hi = max(r.t for r in self.recs)
        lo = min(r.t for r in self.recs)
        limit = END - 10 * MIN
        shift = 0
        if lo < MIN:
            shift = MIN - lo + self.w.rng.randint(0, 120) * MIN
        elif hi > limit:
            shift = -min(hi - limit + self.w.rng.randint(0, 90) * MIN, lo - MIN)
        shift -= shift % 1000
        if shift:
            for r in self.recs:
                r.t += shift
                if r.signed is not None:
                    r.signed += shift
        lo = min(r.t for r in self.recs)
        hi = max(r.t for r in self.recs)
        if lo < 0 or hi >= END:  # longer than the window: squeeze it, keeping the order
            f = (END - 20 * MIN) / (hi - lo + 1)
            for r in self.recs:
                nt = MIN + int((r.t - lo) * f)
                nt -= nt % 1000
                if r.signed is not None:
                    r.signed += nt - r.t
                r.t = nt
        assert all(0 <= r.t < END for r in self.recs), self.name


# --------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------


class World:
    def __init__(self, seed: int, n_persons: int):
        self.rng = random.Random(seed)
        self.n_persons = n_persons
        self.recs: list[Rec] = []
        self.seq = 0
        self.used_ids: set[str] = set()
        self.used_accts: set[str] = set()
        self.persons: list[Person] = []
        self.free: list[Person] = []
        self.known: dict[str, set[str]] = {}
        self.instances: dict[str, list[str]] = {}
        self.kinds: dict[str, str] = {}
        self.bank_bins = {bic: self.bin() for _, bic, _ in BANK_LENDERS}
        self.mfos = [("mfo", self.bin(), p) for p in MFO_PREFIXES]
        self.banks = [("bank", bic, p) for _, bic, p in BANK_LENDERS]
        self.treasury = CP(
            iban("KZ", "070" + "KZT" + self.digits(10)), TREASURY_BIC, "business", self.bin(), "KZ"
        )
        self.build_catalog()

    # ---------------- random helpers ----------------
    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def poisson(self, lam: float) -> int:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def wpick(self, items: list[_T], weights: list[float]) -> _T:
        return self.rng.choices(items, weights=weights, k=1)[0]

    def money(self, lo: float, hi: float, step: int = 1) -> int:
        """A whole-tenge amount, log-uniform between lo and hi, rounded to step."""
        v = math.exp(self.rng.uniform(math.log(lo), math.log(hi)))
        v = max(step, round(v / step) * step)
        return v

    # ---------------- identifiers ----------------
    def iin(self, birth: date, male: bool) -> str:
        c = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (0 if male else 1)
        while True:
            d11 = f"{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}{c}{self.digits(4)}"
            ck = _check_digit(d11)
            if ck is not None and d11 + str(ck) not in self.used_ids:
                v = d11 + str(ck)
                self.used_ids.add(v)
                return v

    def bin(self) -> str:
        while True:
            yy = self.rng.randint(0, 25)
            mm = self.rng.randint(1, 12)
            kind = self.rng.choice("44456") + self.rng.choice("0124")
            d11 = f"{yy:02d}{mm:02d}{kind}{self.digits(5)}"
            ck = _check_digit(d11)
            if ck is not None and d11 + str(ck) not in self.used_ids:
                v = d11 + str(ck)
                self.used_ids.add(v)
                return v

    def kz_acct(self, code: str, cur: str = "KZT") -> str:
        while True:
            style = self.rng.random()
            if style < 0.5:
                body = cur + self.digits(10)
            elif style < 0.8:
                body = "0" + self.digits(12)
            else:
                body = self.rng.choice("ABCDEF") + self.digits(12)
            a = iban("KZ", code + body)
            if a not in self.used_accts:
                self.used_accts.add(a)
                return a

    def other_bank(self) -> tuple[str, str]:
        b = self.wpick(OTHER_BANKS, [x[2] for x in OTHER_BANKS])
        return b[0], b[1]

    def birth(self, amin: int, amax: int) -> date:
        lo = int(amin * 365.25) + 2
        hi = int((amax + 1) * 365.25) - 2
        return REF_DAY - timedelta(days=self.rng.randint(lo, hi))

    def device(self) -> str:
        r = self.rng.random()
        if r < 0.55:
            return f"and-{self.rng.getrandbits(64):016x}"
        if r < 0.95:
            return "ios-" + str(uuid.UUID(int=self.rng.getrandbits(128), version=4)).upper()
        return f"hms-{self.rng.getrandbits(48):012x}"

    def browser(self) -> str:
        return f"web-{self.rng.getrandbits(80):020x}"

    # ---------------- counterparties ----------------
    def ext_person(
        self,
        amin: int = 18,
        amax: int = 70,
        bank: tuple[str, str] | None = None,
        cid_known: bool = True,
        country: str = "KZ",
    ) -> CP:
        male = self.chance(0.5)
        iin = self.iin(self.birth(amin, amax), male)
        bic, code = bank if bank else self.other_bank()
        return CP(self.kz_acct(code), bic, "person", iin if cid_known else None, country)

    def card(self, country: str = "KZ") -> CP:
        if country == "KZ":
            bin6, bic = self.wpick(
                [
                    ("440043", "CASPKZKA"),
                    ("400303", "HSBKKZKX"),
                    ("539545", "HSBKKZKX"),
                    ("517792", "IRTYKZKA"),
                    ("440563", "TSESKZKA"),
                    ("402065", "KSNVKZKA"),
                    ("548601", "EURIKZKA"),
                ],
                [40, 15, 10, 8, 9, 10, 8],
            )
        elif country == "RU":
            bin6, bic = self.rng.choice(
                [("220220", "SABRRUMM"), ("220070", "TICSRUMM"), ("427638", "SABRRUMM")]
            )
        elif country == "UZ":
            bin6, bic = self.rng.choice([("860002", "NBFAUZ2X"), ("986012", "KACHUZ22")])
        elif country == "KG":
            bin6, bic = self.rng.choice([("941701", "DEMIKG22"), ("417843", "KICBKG22")])
        else:
            bin6, bic = "5" + self.digits(5), None
        style = self.rng.random()
        last4 = self.digits(4)
        if style < 0.6:
            acc = f"{bin6}******{last4}"
        elif style < 0.85:
            acc = f"tok_{self.rng.getrandbits(96):024x}"
        else:
            acc = f"{bin6[:4]} {bin6[4:]}** **** {last4}"
        return CP(acc, bic if self.chance(0.7) else None, "person", None, country)

    def wallet(self) -> CP:
        svc = self.rng.choice(["wooppay", "koronapay", "yandexpay", "onay", "paysend"])
        phone = (
            "+77"
            + self.rng.choice(["01", "02", "05", "07", "08", "47", "71", "75", "76", "77"])
            + self.digits(7)
        )
        return CP(
            f"{svc}:{phone}",
            None,
            "payment_service",
            None,
            "KZ" if svc not in ("koronapay", "paysend") else self.rng.choice(["KZ", "RU", "GB"]),
        )

    def crypto_addr(self) -> CP:
        if self.chance(0.7):
            acc = "T" + "".join(self.rng.choice(B58) for _ in range(33))
        else:
            acc = f"0x{self.rng.getrandbits(160):040x}"
        country = self.rng.choice(["SC", "VG", "KY", "AE", "TR", "KZ"])
        return CP(
            acc,
            None,
            self.rng.choice(["crypto_exchange", "crypto_exchange", "unknown"]),
            None,
            country,
        )

    def foreign_iban(self, cc: str, kind: str = "business") -> CP:
        n = IBAN_LEN.get(cc, 22)
        bban = self.digits(n - 4)
        return CP(
            iban(cc, bban), self.rng.choice(FOREIGN_BANKS.get(cc, ["DEUTDEFF"])), kind, None, cc
        )

    def foreign_account(self, cc: str) -> CP:
        """A person's account abroad: RU 20-digit account or a card."""
        if cc == "RU" and self.chance(0.4):
            return CP(
                "40817810" + self.digits(12),
                self.rng.choice(FOREIGN_BANKS["RU"]),
                "person",
                None,
                "RU",
            )
        return self.card(cc)

    def build_catalog(self) -> None:
        self.cat: dict[str, list[CP]] = {}
        spec = {
            "grocery": (14, "business"),
            "pharmacy": (6, "business"),
            "cafe": (14, "business"),
            "fuel": (5, "business"),
            "marketplace": (4, "payment_service"),
            "taxi": (2, "payment_service"),
            "utility": (6, "business"),
            "topup": (5, "payment_service"),
            "internet": (2, "business"),
            "clothes": (8, "business"),
            "electronics": (5, "business"),
            "rail": (1, "business"),
            "air": (3, "business"),
            "education": (6, "business"),
            "cinema": (3, "business"),
            "furniture": (4, "business"),
            "clinic": (5, "business"),
            "ritual": (3, "business"),
            "mosque": (2, "business"),
            "restaurant": (6, "business"),
            "building": (5, "business"),
            "tour": (4, "business"),
            "courier": (3, "payment_service"),
            "notary": (3, "business"),
            "car_dealer": (3, "business"),
            "realtor": (3, "business"),
            "crypto_kz": (3, "crypto_exchange"),
            "broker_kz": (2, "business"),
            "remit": (3, "payment_service"),
            "wholesale": (5, "business"),
            "livestock": (3, "business"),
            "hotel": (4, "business"),
        }
        for cat, (n, kind) in spec.items():
            lst = []
            for _ in range(n):
                bic, code = (BANK_BIC, BANK_CODE) if self.chance(0.15) else self.other_bank()
                lst.append(CP(self.kz_acct(code), bic, kind, self.bin(), "KZ"))
            self.cat[cat] = lst

    def biz(self, cat: str) -> CP:
        return self.rng.choice(self.cat[cat])

    # ---------------- people ----------------
    def new_person(
        self,
        amin: int | None = None,
        amax: int | None = None,
        kind: str | None = None,
        quiet: bool = False,
    ) -> Person:
        if amin is None or amax is None:
            bucket = self.wpick(
                [(18, 24), (25, 34), (35, 44), (45, 54), (55, 62), (63, 74), (75, 88)],
                [14, 22, 20, 16, 11, 11, 6],
            )
            amin, amax = bucket
        birth = self.birth(amin, amax)
        male = self.chance(0.48)
        age = age_on(birth)
        if kind is None:
            if age < 23 and self.chance(0.7):
                kind = "student"
            elif (age >= 63 or (age >= 61 and not male)) and self.chance(0.9):
                kind = "pensioner"
            else:
                kind = self.wpick(["worker", "self", "homemaker"], [80, 12, 8])
        income = {
            "worker": self.money(150_000, 950_000, 1000),
            "self": self.money(200_000, 1_800_000, 1000),
            "pensioner": self.money(85_000, 240_000, 100),
            "student": self.money(25_000, 90_000, 100),
            "homemaker": self.money(50_000, 180_000, 1000),
        }[kind]
        p = Person(
            id=self.iin(birth, male),
            birth=birth,
            male=male,
            age=age,
            acct=self.kz_acct(BANK_CODE),
            dep=self.kz_acct(BANK_CODE) if self.chance(0.25 + 0.004 * age) else None,
            usd=self.kz_acct(BANK_CODE, "USD")
            if self.chance(0.1 + (0.08 if kind == "self" else 0))
            else None,
            device=self.device(),
            web=self.browser(),
            kind=kind,
            income=income,
            city=self.wpick(CITIES, [24, 16, 12, 7, 6, 5, 5, 4, 4, 4, 4, 3, 3, 3]),
            quiet=quiet,
        )
        self.persons.append(p)
        self.known[p.id] = set()
        return p

    def link_world(self) -> None:
        rng = self.rng
        pool = [p for p in self.persons if not p.quiet]
        for p in pool:
            nfam = rng.randint(2, 6)
            for _ in range(nfam):
                if self.chance(0.35):
                    q = rng.choice(pool)
                    if q is not p:
                        p.family.append(q.cp())
                        continue
                p.family.append(self.ext_person(5 if p.age > 50 else 16, 85))
            p.regular = [
                self.biz("grocery"),
                self.biz("grocery"),
                self.biz("topup"),
                self.biz("utility"),
                self.biz("pharmacy"),
                self.biz("taxi"),
                self.biz("cafe"),
                self.biz("marketplace"),
            ]
            if (p.kind == "student" and self.chance(0.45)) or (p.age < 40 and self.chance(0.3)):
                p.landlord = self.ext_person(35, 75, cid_known=self.chance(0.7))
            known = self.known[p.id]
            for c in p.family + p.regular:
                known.add(c.account)
            if p.landlord:
                known.add(p.landlord.account)
            known.add(self.treasury.account)
            if p.dep:
                known.add(p.acct)
        # business customers of our bank: employers, one university
        n_emp = max(12, len(pool) // 22)
        self.employers: list[Biz] = []
        for i in range(n_emp):
            b = Biz(
                self.bin(),
                self.kz_acct(BANK_CODE),
                f"employer-{i}",
                "employer",
                own=True,
                web=self.browser(),
            )
            self.employers.append(b)
            self.known[b.id] = {self.treasury.account}
        self.university = Biz(
            self.bin(),
            self.kz_acct(BANK_CODE),
            "university",
            "university",
            own=True,
            web=self.browser(),
        )
        self.known[self.university.id] = set()
        for p in pool:
            if p.kind == "worker" and self.chance(0.55):
                e = rng.choice(self.employers)
                p.employer = e
                e.staff.append(p)
                self.known[e.id].add(p.acct)
            elif p.kind == "student" and self.chance(0.6):
                p.employer = self.university
                self.university.staff.append(p)
                self.known[self.university.id].add(p.acct)
        for e in self.employers:
            for _ in range(rng.randint(2, 12)):
                c = self.ext_person(19, 62)
                e.ext_staff.append((c, self.money(150_000, 700_000, 1000)))
                self.known[e.id].add(c.account)
            e.suppliers = [
                self.biz(rng.choice(["wholesale", "building", "internet", "utility"]))
                for _ in range(3)
            ]
            for s in e.suppliers:
                self.known[e.id].add(s.account)

    def take(
        self,
        pred: Callable[[Person], bool] | None = None,
        amin: int | None = None,
        amax: int | None = None,
        kind: str | None = None,
    ) -> Person:
        """An ordinary customer not yet primary in any instance; made anew if none fits."""
        rng = self.rng
        cands = [p for p in self.free if (pred is None or pred(p))]
        if cands:
            p = rng.choice(cands)
            self.free.remove(p)
        else:
            p = self.new_person(amin, amax, kind)
            p.family = [self.ext_person(16, 85) for _ in range(3)]
            p.regular = [
                self.biz("grocery"),
                self.biz("topup"),
                self.biz("utility"),
                self.biz("taxi"),
            ]
            for c in p.family + p.regular:
                self.known[p.id].add(c.account)
        p.busy += 1
        return p

    def anyone(self, exclude: tuple[Person, ...] = ()) -> Person:
        pool = [p for p in self.persons if not p.quiet]
        while True:
            p = self.rng.choice(pool)
            if p not in exclude:
                return p

    # ---------------- emitting ----------------
    def _rec(
        self,
        ins: Inst | None,
        t: int,
        topic: str,
        ev: dict[str, Any],
        role: str,
        stop: bool,
        signed: int | None = None,
        nb: tuple[bool, bool] | None = None,
    ) -> Rec:
        if ins is None:
            label = {
                "scenario": "everyday",
                "instance": "everyday",
                "role": role,
                "is_fraud": False,
                "should_stop": False,
            }
        else:
            label = {
                "scenario": ins.scenario,
                "instance": ins.name,
                "role": role,
                "is_fraud": ins.fraud,
                "should_stop": bool(stop and ins.fraud),
            }
        ms = self.chance(0.22)  # some systems send milliseconds
        t = int(t)
        t = t - t % 1000 + (self.rng.randint(0, 999) if ms else 0)
        if signed is not None:
            signed = int(signed) - int(signed) % 1000
        self.seq += 1
        r = Rec(t, self.seq, topic, ev, label, ms, signed, nb)
        if ins is None:
            if 0 <= r.t < END:  # everyday life past the window is simply not part of it
                self.recs.append(r)
        else:
            ins.recs.append(r)
        return r

    def event_id(self, topic: str) -> str:
        u = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        if topic == "loans":
            return "fcb-" + u.hex[:24]
        if topic == "customer_events" and self.chance(0.3):
            return "ce-" + u.hex
        return str(u)

    def fmt_amount(self, tiyn: int) -> int | float | str:
        r = self.rng.random()
        if r < 0.14:
            return tiyn // 100 if tiyn % 100 == 0 else tiyn / 100
        if r < 0.55 or tiyn % 100:
            return f"{tiyn // 100}.{tiyn % 100:02d}"
        return str(tiyn // 100)

    def cev(self, ins: Inst | None, who: Who, t: int, typ: str, role: str, **extra: Any) -> Rec:
        cid = who.id
        ev = {
            "event_id": self.event_id("customer_events"),
            "type": typ,
            "occurred_at": None,
            "customer_id": cid,
        }
        for k, v in extra.items():
            if v is not None:
                ev[k] = v
        return self._rec(ins, t, "customer_events", ev, role, False)

    def code(self, ins: Inst | None, who: Who, t: int, source: str, role: str = "sms_code") -> Rec:
        value: str | int = source
        if source == "1414" and self.chance(0.12):
            value = 1414
        return self.cev(ins, who, t, "sms_code_sent", role, source=value)

    def login(
        self, ins: Inst | None, who: Who, t: int, dev: str, new: bool = False, role: str = "login"
    ) -> Rec:
        ev_dev = dev if self.chance(0.95) else None
        return self.cev(ins, who, t, "login", role, new_device=new, device_id=ev_dev)

    def tr(
        self,
        ins: Inst | None,
        who: Who,
        t: int,
        rc: CP,
        amount: int,
        role: str,
        stop: bool = False,
        acct: str | None = None,
        cur: str = "KZT",
        ch: str = "mobile",
        dev: str | None = None,
        tiyn: int | None = None,
    ) -> Rec:
        """A transfer; optional fields are sent or left out by the same rules for all traffic."""
        rng = self.rng
        if ch == "branch" and not (9 * HOUR <= t % DAY < 19 * HOUR):
            ch, dev = "mobile", None  # branches are closed; done from the phone instead
        if acct is None:
            acct = who.acct if cur != "USD" or not getattr(who, "usd", None) else who.usd
        kzt = amount * KZT_PER.get(cur, 1.0)
        if (
            isinstance(who, Person)
            and ch in ("mobile", "web")
            and kzt >= 150_000
            and self.chance(0.45)
        ):
            self.code(ins, who, t - rng.randint(15, 100) * 1000, "bank", role="bank_code")
        value = amount * 100 + (tiyn if tiyn is not None else 0)
        ev: dict[str, Any] = {
            "event_id": self.event_id("transfers"),
            "type": "transfer",
            "occurred_at": None,
            "customer_id": who.id,
            "sender_account": acct,
            "receiver_account": rc.account,
            "amount": self.fmt_amount(value),
        }
        if cur != "KZT":
            ev["currency"] = cur
        else:
            r = rng.random()
            if r < 0.5:
                ev["currency"] = "KZT"
            elif r < 0.53:
                ev["currency"] = None
        ev["channel"] = ch
        if rc.bic and self.chance(0.8):
            ev["receiver_bank"] = rc.bic
        if rc.country != "KZ":
            if self.chance(0.9):
                ev["receiver_country"] = rc.country
        elif self.chance(0.45):
            ev["receiver_country"] = "KZ"
        if self.chance(0.72):
            kind = rc.kind
            if kind == "person" and rc.bic != BANK_BIC and self.chance(0.12):
                kind = "unknown"
            ev["receiver_kind"] = kind
        if rc.cid:
            p_cid = 0.92 if rc.bic == BANK_BIC else 0.6
            if self.chance(p_cid):
                ev["receiver_customer_id"] = rc.cid
        present = self.chance(0.8)
        ev["new_beneficiary"] = None  # decided in event-time order
        if dev is None:
            dev = who.device if ch == "mobile" else (who.web if ch == "web" else None)
        if dev and ((ch == "mobile" and self.chance(0.93)) or (ch == "web" and self.chance(0.6))):
            ev["device_id"] = dev
        elif ch == "api" and self.chance(0.2):
            ev["device_id"] = None
        return self._rec(ins, t, "transfers", ev, role, stop, nb=(present, self.chance(0.04)))

    def lender_id(self, lender: Lender) -> str | None:
        kind, ident, _ = lender
        r = self.rng.random()
        if kind == "bank":
            if r < 0.55:
                return ident
            if r < 0.85:
                return self.bank_bins[ident]
            return None
        return ident if r < 0.88 else None

    def loan(
        self,
        ins: Inst | None,
        p: Person,
        t: int,
        lender: Lender,
        amount: int,
        ch: str,
        role: str,
        stop: bool = False,
        product: str = "consumer",
        secured: bool = False,
        first: bool | None = None,
        disb: str | None = "own",
        signed_before: int | None = None,
        in_person: bool | None = None,
    ) -> Rec:
        rng = self.rng
        kind, ident, prefix = lender
        if ch == "branch" and not (9 * HOUR <= t % DAY < 19 * HOUR):
            t = t - t % DAY + self.rng.randint(10 * 60, 17 * 60) * MIN
        if ch == "online":
            if self.chance(0.6):
                self.code(ins, p, t - rng.randint(3, 14) * MIN, "1414", role="lender_consent_code")
            if self.chance(0.7):
                self.code(ins, p, t - rng.randint(30, 170) * 1000, "bank", role="bank_code")
        ev: dict[str, Any] = {
            "event_id": self.event_id("loans"),
            "type": "loan_approval",
            "occurred_at": None,
            "customer_id": p.id,
            "loan_id": f"{prefix}-2026{rng.randint(100000, 999999)}"
            f"{rng.choice('ABCDEFGHJK')}{rng.randint(10, 99)}",
            "amount": self.fmt_amount(amount * 100),
        }
        if self.chance(0.4):
            ev["currency"] = "KZT"
        ev["lender_kind"] = kind
        lid = self.lender_id(lender)
        if lid:
            ev["lender_id"] = lid
        ev["channel"] = ch
        if product != "consumer" or self.chance(0.6):
            ev["product"] = product
        if secured:
            ev["secured"] = True
        elif self.chance(0.35):
            ev["secured"] = False
        signed = None
        if self.chance(0.65):
            if signed_before is None:
                signed_before = (
                    rng.randint(0, 6) * MIN + rng.randint(0, 59) * 1000
                    if ch == "online"
                    else rng.randint(0, 40) * MIN
                )
            signed = t - signed_before
            ev["contract_signed_at"] = None
        if disb == "own":
            if self.chance(0.75):
                ev["disbursement_account"] = p.acct
        elif disb:
            ev["disbursement_account"] = disb
        if first is None:
            first = self.chance(0.3)
        if self.chance(0.6):
            ev["first_loan"] = first
        if ch == "branch":
            if self.chance(0.85):
                ev["in_person_verified"] = True if in_person is None else in_person
        elif self.chance(0.3):
            ev["in_person_verified"] = False
        return self._rec(ins, t, "loans", ev, role, stop, signed=signed)

    def covered(self, lender: Lender, amount: int, ch: str, product: str | None) -> bool:
        if ch != "online" or product in ("goods", "refinancing", "mortgage", "auto"):
            return False
        if product == "card_limit" and amount <= T150:
            return False
        return amount > (T75 if lender[0] == "mfo" else T150)

    def maybe_reconfirm(
        self,
        ins: Inst | None,
        p: Person,
        loan_rec: Rec,
        prob: float,
        role: str = "loan_reconfirmed",
        after: int | None = None,
    ) -> int | None:
        """Borrower reconfirms a covered loan; returns the time."""
        if not self.chance(prob):
            return None
        t = loan_rec.t + (after if after is not None else self.rng.randint(8 * 60, 26 * 60) * MIN)
        if t >= END - 5 * MIN and ins is None:
            return None
        self.cev(ins, p, t, "loan_reconfirmed", role, loan_id=loan_rec.ev["loan_id"])
        return t

    # ---------------- time helpers ----------------
    def at(self, d: int, h: int, m: int = 0, s: int | None = None) -> int:
        if s is None:
            s = self.rng.randint(0, 59)
        return d * DAY + h * HOUR + m * MIN + s * 1000

    def daytime(self, d: int, lo: float = 7.0, hi: float = 23.5) -> int:
        # two humps: late morning and evening
        while True:
            h = self.rng.choice(
                [self.rng.gauss(12.0, 2.5), self.rng.gauss(19.5, 2.2), self.rng.uniform(lo, hi)]
            )
            if lo <= h < hi:
                return d * DAY + int(h * HOUR) + self.rng.randint(0, 59_999)

    def inst(self, scenario: str, idx: int, variant: str, fraud: bool) -> Inst:
        name = f"{scenario}-{idx + 1:02d}-{variant}"
        self.instances.setdefault(scenario, []).append(name)
        self.kinds[scenario] = "scam" if fraud else "lookalike"
        return Inst(self, scenario, name, fraud)

    def commit(self, ins: Inst) -> None:
        ins.finish()
        self.recs.extend(ins.recs)

    # ---------------- output ----------------
    def finalize(self) -> list[Rec]:
        recs = sorted(self.recs, key=lambda r: (r.t, r.seq))
        seen_ids: set[str] = set()
        for r in recs:
            ev = r.ev
            while ev["event_id"] in seen_ids:  # practically never
                ev["event_id"] = ev["event_id"] + "x"
            seen_ids.add(ev["event_id"])
            ev["occurred_at"] = self.stamp(r.t, r.ms)
            if r.signed is not None:
                ev["contract_signed_at"] = self.stamp(max(0, r.signed), False)
            if r.nb is not None:
                sender = ev["customer_id"]
                known = self.known.setdefault(sender, set())
                new = ev["receiver_account"] not in known
                known.add(ev["receiver_account"])
                present, as_null = r.nb
                if present:
                    ev["new_beneficiary"] = new
                elif as_null:
                    ev["new_beneficiary"] = None
                else:
                    del ev["new_beneficiary"]
        return recs

    @staticmethod
    def stamp(t: int, ms: bool) -> str:
        dt = START + timedelta(milliseconds=t - (t % 1000))
        s = dt.strftime("%Y-%m-%dT%H:%M:%S")
        if ms:
            s += f".{t % 1000:03d}"
        return s + "+05:00"


# --------------------------------------------------------------------------------------
# Everyday life
# --------------------------------------------------------------------------------------


def new_customers(w: World) -> None:
    """People who join the bank during the window: account opened, first login."""
    rng = w.rng
    for _ in range(max(3, w.n_persons // 60)):
        amin, amax = w.wpick([(18, 22), (23, 30), (31, 50), (51, 70)], [45, 30, 18, 7])
        p = w.new_person(amin, amax)
        p.family = [w.ext_person(16, 80) for _ in range(rng.randint(1, 4))]
        p.regular = [
            w.biz("grocery"),
            w.biz("grocery"),
            w.biz("topup"),
            w.biz("utility"),
            w.biz("pharmacy"),
            w.biz("taxi"),
            w.biz("cafe"),
            w.biz("marketplace"),
        ]
        for c in p.family + p.regular:
            w.known[p.id].add(c.account)
        t = w.daytime(rng.randint(0, 2), 9, 20)
        w.cev(None, p, t, "account_opened", "new_customer_account", account=p.acct)
        w.login(None, p, t + rng.randint(3, 90) * MIN, p.device, new=True, role="first_login")
        p.active_from = t + 95 * MIN


def everyday(w: World) -> None:
    rng = w.rng
    ev = None  # everyday label
    # payroll and stipends on Friday 20 March, holiday bonuses with them
    for e in w.employers:
        t = w.at(0, rng.randint(8, 12), rng.randint(0, 59))
        w.login(ev, e, t - rng.randint(1, 20) * MIN, e.web)
        ch = "api" if rng.random() < 0.5 else "web"
        bonus = rng.random() < 0.35
        for p in e.staff:
            t += rng.randint(2, 40) * 1000
            amt = int(p.income * rng.uniform(0.45, 0.55)) if rng.random() < 0.5 else p.income
            if bonus:
                amt += w.money(10_000, 60_000, 1000)
            w.tr(ev, e, t, p.cp(), amt, "salary_payroll", ch=ch, dev=e.web, tiyn=rng.randint(0, 99))
        for c, sal in e.ext_staff:
            t += rng.randint(2, 40) * 1000
            w.tr(ev, e, t, c, sal, "salary_payroll", ch=ch, dev=e.web, tiyn=rng.randint(0, 99))
        t = w.at(0, rng.randint(13, 17), rng.randint(0, 59))
        w.tr(ev, e, t, w.treasury, w.money(40_000, 900_000), "tax_payment", ch="web", dev=e.web)
        for s in e.suppliers:
            if rng.random() < 0.6:
                d = rng.choice([0, 0, 0, 3])
                w.tr(
                    ev,
                    e,
                    w.at(d, rng.randint(9, 17), rng.randint(0, 59)),
                    s,
                    w.money(80_000, 4_000_000, 100),
                    "supplier_payment",
                    ch="web",
                    dev=e.web,
                )
    u = w.university
    t = w.at(0, 10, 5)
    for p in u.staff:
        t += rng.randint(1, 9) * 1000
        w.tr(ev, u, t, p.cp(), rng.choice([43_000, 43_000, 52_000, 64_000]), "stipend", ch="api")

    for p in w.persons:
        everyday_person(w, p)


ACTS_WEIGHTS = {
    "grocery": 30,
    "bazaar": 7,
    "cafe": 8,
    "taxi": 10,
    "topup": 8,
    "marketplace": 7,
    "pharmacy": 5,
    "fuel": 5,
    "family": 9,
    "clothes": 3,
    "friend": 4,
    "own_deposit": 2,
    "cinema": 2,
    "education": 1,
    "electronics": 1,
}


def everyday_person(w: World, p: Person) -> None:
    rng = w.rng
    ev = None
    young = p.age < 30
    base = {True: 2.3, False: 1.7}[young] if p.kind != "pensioner" else 0.9
    if p.quiet:
        base = 0.6
    scale = max(0.4, min(3.0, p.income / 300_000))
    # rare life events, each picked for a day
    new_dev_day = rng.randrange(4) if rng.random() < 0.03 and not p.quiet else None
    pw_day = rng.randrange(4) if rng.random() < 0.015 else None
    phone_day = rng.randrange(4) if rng.random() < 0.01 and not p.quiet else None
    lift_day = rng.randrange(4) if rng.random() < 0.006 and not p.quiet else None
    report_day = rng.randrange(4) if rng.random() < 0.004 and not p.quiet else None
    new_browser_day = rng.randrange(4) if rng.random() < 0.02 and not p.quiet else None
    loan_day = rng.randrange(4) if rng.random() < 0.12 and not p.quiet else None
    optout_day = rng.randrange(4) if rng.random() < 0.012 and not p.quiet else None
    open_day = rng.randrange(4) if rng.random() < 0.025 and not p.quiet else None
    foreign_day = rng.randrange(4) if rng.random() < 0.025 and not p.quiet else None
    rent_day = (0 if rng.random() < 0.7 else 3) if p.landlord and rng.random() < 0.55 else None
    util_day = rng.randrange(4) if rng.random() < 0.45 and not p.quiet else None
    gifts = (not p.quiet) and rng.random() < 0.3
    for d in range(4):
        day_start = d * DAY
        if day_start + DAY <= p.active_from:
            continue
        hol = d in HOLIDAYS
        lam = base * (1.12 if hol else 1.0)
        n = w.poisson(lam)
        times = sorted(w.daytime(d) for _ in range(n))
        times = [t for t in times if p.active_from + 5 * MIN < t < END - 10 * MIN]
        if new_dev_day == d:
            t = w.daytime(d, 9, 21)
            if t > p.active_from:
                w.code(ev, p, t - 2 * MIN, "bank", role="new_device_code")
                p.device = w.device()
                w.login(ev, p, t, p.device, new=True, role="login_new_phone")
                times = [x for x in times if x > t] or [t + 3 * MIN]
        if pw_day == d:
            t = w.daytime(d, 8, 23)
            w.code(ev, p, t - MIN, "bank", role="password_reset_code")
            w.cev(ev, p, t, "password_reset", "password_reset")
        if phone_day == d:
            t = w.daytime(d, 10, 19)
            w.code(ev, p, t - 3 * MIN, "bank", role="phone_change_code")
            w.cev(ev, p, t, "phone_changed", "phone_changed")
        # honest eGov codes (certificates, e-Salyk, Auto Past, registration)
        if rng.random() < 0.025:
            t = w.daytime(d, 8, 22)
            w.code(ev, p, t, rng.choice(["1414", "1414", "egov"]), role="egov_service_code")
            if rng.random() < 0.3:
                w.code(ev, p, t + rng.randint(1, 5) * MIN, "egov", role="egov_service_code")
        if lift_day == d:  # lifts Stop-credit for a planned purchase or mortgage
            t = w.daytime(d, 9, 22)
            w.code(ev, p, t - 2 * MIN, rng.choice(["egov", "1414"]), role="egov_service_code")
            w.cev(ev, p, t, "loan_optout_lifted", "loan_optout_lifted")
        if report_day == d:  # an unrecognised card charge, a scam call they hung up on
            w.cev(
                ev,
                p,
                w.daytime(d, 9, 21),
                "fraud_reported",
                "fraud_report_unrelated",
                account=w.card().account if rng.random() < 0.3 else None,
            )
        if new_browser_day == d:
            p.web = w.browser()
            t = w.daytime(d, 8, 23)
            if t > p.active_from:
                w.login(ev, p, t, p.web, new=True, role="login_new_browser")
                if rng.random() < 0.5:
                    w.tr(
                        ev,
                        p,
                        t + rng.randint(1, 9) * MIN,
                        rng.choice(p.regular),
                        w.money(2_000, 40_000),
                        "bill_payment",
                        ch="web",
                    )
        if optout_day == d:
            t = w.daytime(d, 9, 23)
            w.code(ev, p, t - MIN, rng.choice(["1414", "egov"]), role="egov_service_code")
            w.cev(ev, p, t, "loan_optout_set", "loan_optout_set")
        if open_day == d:
            t = w.daytime(d, 9, 21)
            newacc = w.kz_acct(BANK_CODE)
            w.cev(ev, p, t, "account_opened", "account_opened_deposit", account=newacc)
            if rng.random() < 0.8:
                w.tr(
                    ev,
                    p,
                    t + rng.randint(2, 30) * MIN,
                    CP(newacc, BANK_BIC, "person", p.id),
                    w.money(20_000, 600_000 * scale, 1000),
                    "own_new_deposit",
                )
        for t in times:
            ch = "mobile"
            if p.kind == "pensioner" and rng.random() < 0.2:
                ch = "branch"
            elif rng.random() < 0.12:
                ch = "web"
            dev = p.device if ch == "mobile" else p.web
            if ch != "branch" and rng.random() < 0.93:
                w.login(ev, p, t, dev)
            k = w.wpick([0, 1, 2, 3], [34, 40, 18, 8])
            tt = t
            for _ in range(k):
                tt += rng.randint(20, 600) * 1000
                act = w.wpick(list(ACTS_WEIGHTS), list(ACTS_WEIGHTS.values()))
                if ch == "branch":
                    act = rng.choice(["family", "family", "own_deposit"])
                everyday_payment(w, p, tt, act, ch, dev, scale, hol)
        if rent_day == d and p.landlord:
            t = w.daytime(d, 9, 22)
            w.tr(ev, p, t, p.landlord, w.money(80_000, 260_000, 5000), "rent")
        if util_day == d:
            t = w.daytime(d, 9, 23)
            for c in rng.sample(w.cat["utility"], rng.randint(1, 3)):
                t += rng.randint(30, 200) * 1000
                w.tr(ev, p, t, c, w.money(2_500, 38_000), "utility_bill", tiyn=rng.randint(0, 99))
            if rng.random() < 0.4:
                w.tr(
                    ev,
                    p,
                    t + 90_000,
                    w.biz("internet"),
                    rng.choice([6990, 8990, 11990, 14990]),
                    "internet_bill",
                )
        if gifts and d == 1 and p.family:
            t = w.daytime(1, 8, 14)
            for c in rng.sample(p.family, min(len(p.family), rng.randint(1, 3))):
                t += rng.randint(30, 400) * 1000
                w.tr(ev, p, t, c, w.money(5_000, 30_000 * max(1, scale), 1000), "nauryz_gift")
        if foreign_day == d:
            t = w.daytime(d, 9, 22)
            cc = w.wpick(["RU", "UZ", "KG", "TR"], [50, 20, 20, 10])
            if cc == "RU":
                w.tr(
                    ev,
                    p,
                    t,
                    w.foreign_account("RU"),
                    w.money(2_000, 30_000, 100),
                    "family_abroad",
                    cur="RUB",
                )
            elif cc == "TR" and p.usd:
                w.tr(
                    ev,
                    p,
                    t,
                    w.foreign_iban("TR"),
                    w.money(40, 400),
                    "online_purchase_abroad",
                    cur="USD",
                )
            elif cc == "TR":
                w.tr(
                    ev,
                    p,
                    t,
                    w.foreign_iban("TR"),
                    w.money(20_000, 150_000),
                    "online_purchase_abroad",
                )
            else:
                w.tr(
                    ev, p, t, w.foreign_account(cc), w.money(10_000, 120_000, 1000), "family_abroad"
                )
        if loan_day == d:
            everyday_loan(w, p, d, scale)


def everyday_payment(
    w: World, p: Person, t: int, act: str, ch: str, dev: str, scale: float, hol: bool
) -> None:
    rng = w.rng
    ev = None
    s = scale
    if act == "grocery":
        c = rng.choice(p.regular[:2]) if rng.random() < 0.7 else w.biz("grocery")
        w.tr(
            ev,
            p,
            t,
            c,
            w.money(900, 28_000 * s),
            "shopping",
            ch=ch,
            dev=dev,
            tiyn=rng.choice([0, 0, rng.randint(1, 99)]),
        )
    elif act == "bazaar":
        w.tr(
            ev,
            p,
            t,
            w.ext_person(25, 70, cid_known=rng.random() < 0.5) if rng.random() < 0.7 else w.card(),
            w.money(500, 25_000 * s, 100),
            "bazaar_seller",
            ch=ch,
            dev=dev,
        )
    elif act == "cafe":
        w.tr(
            ev,
            p,
            t,
            w.biz("cafe" if rng.random() < 0.7 else "restaurant"),
            w.money(1_500, (45_000 if hol else 25_000) * s),
            "cafe",
            ch=ch,
            dev=dev,
        )
    elif act == "taxi":
        w.tr(ev, p, t, p.regular[5], w.money(700, 4_500, 10), "taxi", ch=ch, dev=dev)
    elif act == "topup":
        w.tr(
            ev,
            p,
            t,
            p.regular[2],
            rng.choice([500, 1000, 1000, 2000, 2000, 3000, 5000]),
            "phone_topup",
            ch=ch,
            dev=dev,
        )
    elif act == "marketplace":
        w.tr(
            ev,
            p,
            t,
            p.regular[7] if rng.random() < 0.7 else w.biz("marketplace"),
            w.money(2_000, 60_000 * s),
            "marketplace_order",
            ch=ch,
            dev=dev,
        )
    elif act == "pharmacy":
        w.tr(
            ev,
            p,
            t,
            p.regular[4],
            w.money(600, 14_000),
            "pharmacy",
            ch=ch,
            dev=dev,
            tiyn=rng.randint(0, 99),
        )
    elif act == "fuel":
        w.tr(
            ev,
            p,
            t,
            w.biz("fuel"),
            rng.choice([5000, 8000, 10000, 15000, 20000]),
            "fuel",
            ch=ch,
            dev=dev,
        )
    elif act == "family" and p.family:
        w.tr(
            ev,
            p,
            t,
            rng.choice(p.family),
            w.money(2_000, 80_000 * s, 500),
            "family_transfer",
            ch=ch,
            dev=dev,
        )
    elif act == "friend":
        q = w.anyone((p,)) if rng.random() < 0.4 else None
        c = q.cp() if q else w.ext_person(p.age - 5 if p.age > 23 else 18, p.age + 5)
        w.tr(ev, p, t, c, w.money(1_000, 25_000, 100), "friend_split_bill", ch=ch, dev=dev)
    elif act == "clothes":
        w.tr(ev, p, t, w.biz("clothes"), w.money(5_000, 70_000 * s), "clothes", ch=ch, dev=dev)
    elif act == "own_deposit" and p.dep:
        w.tr(
            ev,
            p,
            t,
            CP(p.dep, BANK_BIC, "person", p.id),
            w.money(10_000, 250_000 * s, 1000),
            "own_deposit_topup",
            ch=ch,
            dev=dev,
        )
    elif act == "cinema":
        w.tr(ev, p, t, w.biz("cinema"), w.money(2_000, 12_000, 100), "cinema", ch=ch, dev=dev)
    elif act == "education":
        w.tr(
            ev,
            p,
            t,
            w.biz("education"),
            w.money(15_000, 120_000, 1000),
            "courses_kindergarten",
            ch=ch,
            dev=dev,
        )
    elif act == "electronics":
        w.tr(
            ev,
            p,
            t,
            w.biz("electronics"),
            w.money(15_000, 350_000 * min(s, 1.5)),
            "electronics",
            ch=ch,
            dev=dev,
        )
    else:
        w.tr(ev, p, t, p.regular[0], w.money(900, 15_000), "shopping", ch=ch, dev=dev)


def everyday_loan(w: World, p: Person, d: int, scale: float) -> None:
    rng = w.rng
    ev = None
    t = w.daytime(d, 9, 22)
    kind = w.wpick(
        ["mfo_small", "bank_online", "card_limit", "goods", "branch"], [30, 25, 15, 20, 10]
    )
    if kind == "mfo_small":
        lender = rng.choice(w.mfos)
        amt = w.money(20_000, 250_000, 1000)
        rec = w.loan(ev, p, t, lender, amt, "online", "honest_loan", first=rng.random() < 0.3)
        spend = [
            w.biz(rng.choice(["grocery", "pharmacy", "clothes"])),
            rng.choice(p.family) if p.family else w.biz("grocery"),
        ]
    elif kind == "bank_online":
        lender = rng.choice(w.banks)
        amt = w.money(150_000, 2_500_000 * min(scale, 2), 10_000)
        rec = w.loan(ev, p, t, lender, amt, "online", "honest_loan", first=False)
        spend = [w.biz(rng.choice(["electronics", "furniture", "clinic", "education"]))]
    elif kind == "card_limit":
        lender = rng.choice(w.banks[:3])
        amt = w.money(50_000, 600_000, 10_000)
        rec = w.loan(ev, p, t, lender, amt, "online", "honest_loan", product="card_limit")
        spend = [w.biz("marketplace")]
    elif kind == "goods":
        lender = rng.choice(w.banks)
        amt = w.money(60_000, 900_000, 100)
        rec = w.loan(
            ev, p, t, lender, amt, "online", "honest_goods_loan", product="goods", disb=None
        )
        spend = []
    else:
        lender = rng.choice(w.banks)
        amt = w.money(300_000, 4_000_000, 10_000)
        rec = w.loan(
            ev, p, t, lender, amt, "branch", "honest_loan_branch", first=rng.random() < 0.2
        )
        spend = [w.biz(rng.choice(["furniture", "building", "car_dealer", "clinic"]))]
    ts = t + rng.randint(20, 180) * MIN
    if rng.random() < 0.05:  # changed their mind within the free-cancellation period
        w.cev(
            ev,
            p,
            t + rng.randint(30, 600) * MIN,
            "loan_cancelled",
            "honest_loan_cancelled",
            loan_id=rec.ev["loan_id"],
        )
        return
    if w.covered(lender, amt, rec.ev["channel"], rec.ev.get("product", "consumer")):
        rt = w.maybe_reconfirm(ev, p, rec, 0.7)
        if rt is None:
            return
        ts = rt + rng.randint(10, 240) * MIN
    for c in spend:
        if ts >= END - 10 * MIN:
            return
        w.tr(ev, p, ts, c, int(amt * rng.uniform(0.2, 0.7)), "spending_loan")
        ts += rng.randint(10, 200) * MIN


# --------------------------------------------------------------------------------------
# Scams
# --------------------------------------------------------------------------------------


def sc_egov_code_takeover(w: World, i: int) -> None:
    """1414/eGov code given to a caller, then the account is taken over from a new device."""
    rng = w.rng
    variants = [
        "tax_inspector_business_loan",
        "courier_code_mfo_loans",
        "egov_code_deposit_drain",
        "autopast_code_card_limit",
    ]
    v = variants[i % len(variants)]
    ins = w.inst("egov_code_takeover", i, v, True)
    p = w.take(lambda q: 28 <= q.age <= 62 and q.kind in ("worker", "self"), 28, 62, "self")
    d = rng.randint(0, 2)
    t = w.at(d, rng.randint(10, 18), rng.randint(0, 59))
    web = v == "courier_code_mfo_loans" and rng.random() < 0.6
    fdev = w.browser() if web else w.device()
    w.code(ins, p, t, "1414", role="harvested_code")
    if v != "courier_code_mfo_loans" and rng.random() < 0.6:
        w.code(ins, p, t + rng.randint(2, 8) * MIN, "egov", role="harvested_code")
    t += rng.randint(12, 50) * MIN
    if rng.random() < 0.7:
        w.code(ins, p, t - MIN, "bank", role="takeover_code")
        w.cev(ins, p, t, "password_reset", "takeover_password_reset")
        t += rng.randint(1, 4) * MIN
    w.login(ins, p, t, fdev, new=True, role="fraudster_login")
    ch = "web" if web else "mobile"
    if rng.random() < 0.75:
        t += rng.randint(2, 10) * MIN
        w.cev(ins, p, t, "phone_changed", "takeover_phone_changed")
    t += rng.randint(5, 25) * MIN
    drain_total = 0
    if v == "tax_inspector_business_loan":
        lender = rng.choice(w.banks)
        amt = rng.choice([3_000_000, 5_000_000, 7_000_000, 9_000_000])
        rec = w.loan(
            ins,
            p,
            t,
            lender,
            amt,
            "online",
            "fraud_loan",
            stop=True,
            product=rng.choice(["business", "consumer"]),
        )
        if rng.random() < 0.5:
            w.maybe_reconfirm(
                ins, p, rec, 1.0, role="fraudster_reconfirm", after=rng.randint(1, 30) * MIN
            )
        t += rng.randint(10, 40) * MIN
        first = rng.choice([1_800_000, 1_500_000, 2_200_000, int(p.income * 3)])
        w.tr(ins, p, t, w.ext_person(19, 30), first, "victim_funds_out", stop=True, ch=ch, dev=fdev)
        t += rng.randint(20, 90) * MIN
        for _ in range(rng.randint(1, 3)):
            w.tr(
                ins,
                p,
                t,
                rng.choice([w.ext_person(18, 28), w.card()]),
                int(amt / rng.randint(2, 4)) // 1000 * 1000,
                "loan_money_out",
                stop=True,
                ch=ch,
                dev=fdev,
            )
            t += rng.randint(5, 40) * MIN
    elif v == "courier_code_mfo_loans":
        for k in range(rng.randint(2, 3)):
            lender = w.mfos[(i + k) % len(w.mfos)]
            amt = w.money(120_000, 320_000, 5000)
            w.loan(
                ins, p, t, lender, amt, "online", "fraud_loan", stop=True, first=rng.random() < 0.5
            )
            drain_total += amt
            t += rng.randint(4, 20) * MIN
        left = drain_total + w.money(20_000, 200_000, 1000)
        while left > 30_000:
            a = min(left, w.money(90_000, 300_000, 1000))
            w.tr(ins, p, t, w.card(), a, "victim_funds_out", stop=True, ch=ch, dev=fdev)
            left -= a
            t += rng.randint(2, 15) * MIN
    elif v == "egov_code_deposit_drain":
        total = w.money(800_000, 6_000_000, 1000)
        if p.dep:
            w.tr(ins, p, t, p.cp(), total, "deposit_moved_to_current", acct=p.dep, ch=ch, dev=fdev)
            t += rng.randint(2, 8) * MIN
        pieces = rng.randint(3, 5)
        dest = [
            w.crypto_addr() if rng.random() < 0.6 else w.wallet() for _ in range(rng.randint(1, 3))
        ]
        for k in range(pieces):
            w.tr(
                ins,
                p,
                t,
                dest[k % len(dest)],
                total // pieces // 100 * 100,
                "victim_funds_out",
                stop=True,
                ch=ch,
                dev=fdev,
            )
            t += rng.randint(3, 30) * MIN
    else:  # autopast_code_card_limit
        lender = w.banks[0] if rng.random() < 0.5 else rng.choice(w.banks)
        amt = w.money(300_000, T150 - 1000, 1000)
        w.loan(ins, p, t, lender, amt, "online", "fraud_loan", stop=True, product="card_limit")
        t += rng.randint(3, 15) * MIN
        a1 = int(amt * rng.uniform(0.4, 0.6))
        for a in (a1, amt - a1 + w.money(10_000, 90_000, 1000)):
            w.tr(ins, p, t, w.wallet(), a, "victim_funds_out", stop=True, ch=ch, dev=fdev)
            t += rng.randint(5, 40) * MIN
    if rng.random() < 0.5:
        w.cev(ins, p, t + rng.randint(60, 600) * MIN, "fraud_reported", "victim_report")
    w.commit(ins)


def sc_safe_account(w: World, i: int) -> None:
    """Fake security service talks the victim into moving money to a "safe account"."""
    rng = w.rng
    variants = [
        "one_payment_person",
        "chunks_to_cards",
        "wallets",
        "deposit_closed_then_sent",
        "knb_deepfake_two_days_with_loans",
        "branch_transfer",
    ]
    v = variants[i % len(variants)]
    ins = w.inst("safe_account", i, v, True)
    p = w.take(lambda q: q.age >= 30, 30, 75)
    d = rng.randint(0, 2)
    t = w.at(d, rng.randint(9, 20), rng.randint(0, 59))
    savings = w.money(400_000, 4_000_000 if p.age > 45 else 1_800_000, 1000)
    if rng.random() < 0.5:
        w.login(ins, p, t, p.device, role="victim_login")
        t += rng.randint(1, 5) * MIN
    safe = w.ext_person(18, 35)
    report_acct = safe.account
    if v == "one_payment_person":
        w.tr(
            ins,
            p,
            t,
            safe,
            int(savings * rng.uniform(0.7, 0.97)) // 1000 * 1000,
            "victim_to_safe_account",
            stop=True,
        )
    elif v == "chunks_to_cards":
        cards = [w.card() for _ in range(rng.randint(2, 3))]
        report_acct = cards[0].account
        for k in range(rng.randint(3, 6)):
            w.tr(
                ins,
                p,
                t,
                cards[k % len(cards)],
                w.money(150_000, 490_000, 1000),
                "victim_to_safe_account",
                stop=True,
            )
            t += rng.randint(6, 35) * MIN
    elif v == "wallets":
        ws = [w.wallet() for _ in range(rng.randint(1, 2))]
        report_acct = ws[0].account
        for k in range(rng.randint(2, 3)):
            w.tr(
                ins,
                p,
                t,
                ws[k % len(ws)],
                w.money(100_000, 600_000, 1000),
                "victim_to_safe_account",
                stop=True,
            )
            t += rng.randint(8, 50) * MIN
    elif v == "deposit_closed_then_sent":
        if p.dep:
            w.tr(ins, p, t, p.cp(), savings, "deposit_closed", acct=p.dep)
        t += rng.randint(4, 30) * MIN
        w.tr(
            ins,
            p,
            t,
            safe,
            savings - w.money(1_000, 30_000, 1000),
            "victim_to_safe_account",
            stop=True,
            ch=rng.choice(["mobile", "web"]),
        )
    elif v == "knb_deepfake_two_days_with_loans":
        t = w.at(min(d, 1), rng.randint(18, 21), rng.randint(0, 59))
        lender = rng.choice(w.banks)
        amt = w.money(700_000, 3_000_000, 10_000)
        rec = w.loan(ins, p, t, lender, amt, "online", "coached_loan", stop=True)
        rt = w.maybe_reconfirm(
            ins, p, rec, 0.8, role="coached_reconfirm", after=rng.randint(8 * 60, 14 * 60) * MIN
        )
        t2 = (rt or t + 14 * HOUR) + rng.randint(5, 60) * MIN
        w.tr(
            ins,
            p,
            t + rng.randint(10, 40) * MIN,
            safe,
            int(savings * 0.5) // 1000 * 1000,
            "victim_to_safe_account",
            stop=True,
        )
        w.tr(ins, p, t2, safe, amt, "loan_money_to_safe_account", stop=True)
        m = w.mfos[i % len(w.mfos)]
        a2 = w.money(150_000, T75 - 5000, 5000)
        t3 = t2 + rng.randint(20, 90) * MIN
        w.loan(ins, p, t3, m, a2, "online", "coached_loan", stop=True)
        w.tr(
            ins,
            p,
            t3 + rng.randint(10, 40) * MIN,
            w.card(),
            a2,
            "loan_money_to_safe_account",
            stop=True,
        )
        t = t3 + HOUR
    else:  # branch_transfer
        w.tr(
            ins,
            p,
            t + rng.randint(30, 120) * MIN,
            safe,
            int(savings * rng.uniform(0.8, 1.0)) // 1000 * 1000,
            "victim_to_safe_account_branch",
            stop=True,
            ch="branch",
        )
        t += 2 * HOUR
    if rng.random() < 0.45:
        w.cev(
            ins,
            p,
            t + rng.randint(60, 900) * MIN,
            "fraud_reported",
            "victim_report",
            account=report_acct if rng.random() < 0.7 else None,
        )
    w.commit(ins)


def sc_loan_then_drain(w: World, i: int) -> None:
    """The victim is talked into taking a loan ("counter-loan", "insured loan") and sends it on."""
    rng = w.rng
    variants = [
        "bank_loan_sent_within_hour",
        "mfo_loan_to_crypto",
        "counter_loan_then_cancelled",
        "card_limit_in_chunks",
        "below_threshold_loans",
    ]
    v = variants[i % len(variants)]
    ins = w.inst("loan_then_drain", i, v, True)
    p = w.take(lambda q: 21 <= q.age <= 70, 21, 70)
    d = rng.randint(0, 3)
    t = w.at(d, rng.randint(9, 21), rng.randint(0, 59))
    if v == "bank_loan_sent_within_hour":
        amt = w.money(1_000_000, 4_000_000, 10_000)
        rec = w.loan(ins, p, t, rng.choice(w.banks), amt, "online", "coached_loan", stop=True)
        t2 = t + rng.randint(20, 60) * MIN
        rt = w.maybe_reconfirm(
            ins, p, rec, 0.5, role="coached_reconfirm", after=rng.randint(24 * 60, 26 * 60) * MIN
        )
        if rt:
            t2 = rt + rng.randint(5, 30) * MIN
        w.tr(
            ins,
            p,
            t2,
            w.ext_person(18, 30),
            int(amt * rng.uniform(0.92, 1.0)) // 1000 * 1000,
            "loan_money_out",
            stop=True,
        )
    elif v == "mfo_loan_to_crypto":
        total = 0
        for k in range(rng.randint(1, 2)):
            a = w.money(100_000, 300_000, 5000)
            w.loan(
                ins, p, t, w.mfos[(i + k * 3) % len(w.mfos)], a, "online", "coached_loan", stop=True
            )
            total += a
            t += rng.randint(5, 25) * MIN
        w.tr(ins, p, t, w.crypto_addr(), total, "loan_money_out", stop=True)
    elif v == "counter_loan_then_cancelled":
        amt = rng.choice([5_000_000, 7_000_000, 6_500_000])
        rec = w.loan(ins, p, t, rng.choice(w.banks), amt, "online", "coached_loan", stop=True)
        t += rng.randint(15, 50) * MIN
        w.tr(ins, p, t, w.ext_person(20, 40), amt, "loan_money_out", stop=True)
        t += rng.randint(60, 240) * MIN
        w.cev(ins, p, t, "loan_cancelled", "victim_cancels_loan", loan_id=rec.ev["loan_id"])
        w.cev(ins, p, t + rng.randint(2, 30) * MIN, "fraud_reported", "victim_report")
    elif v == "card_limit_in_chunks":
        amt = w.money(250_000, T150 - 5000, 5000)
        w.loan(
            ins,
            p,
            t,
            rng.choice(w.banks[:4]),
            amt,
            "online",
            "coached_loan",
            stop=True,
            product="card_limit",
        )
        cards = [w.card() for _ in range(2)]
        left = amt
        while left > 20_000:
            a = min(left, w.money(60_000, 200_000, 1000))
            t += rng.randint(3, 20) * MIN
            w.tr(ins, p, t, rng.choice(cards), a, "loan_money_out", stop=True)
            left -= a
    else:  # below_threshold_loans: one bank loan and one MFO loan just under the cooling thresholds
        a1 = w.money(560_000, T150 - 1000, 1000)
        a2 = w.money(250_000, T75 - 1000, 1000)
        w.loan(ins, p, t, rng.choice(w.banks), a1, "online", "coached_loan", stop=True)
        t += rng.randint(10, 50) * MIN
        w.loan(ins, p, t, rng.choice(w.mfos), a2, "online", "coached_loan", stop=True)
        t += rng.randint(5, 30) * MIN
        dest = w.ext_person(18, 26)
        w.tr(ins, p, t, dest, a1, "loan_money_out", stop=True)
        w.tr(ins, p, t + rng.randint(3, 20) * MIN, dest, a2, "loan_money_out", stop=True)
    w.commit(ins)


def awake(t: int) -> int:
    """Moves a time between 01:00 and 08:00 to the morning."""
    h = (t % DAY) / HOUR
    return t + int((8 - h) * HOUR) + 7 * MIN if 1 <= h < 8 else t


def _mule(w: World, young: bool = True, existing: bool = False) -> tuple[Person, str | None]:
    if existing:
        return w.take(lambda q: 33 <= q.age <= 55 and q.kind == "worker", 33, 55, "worker"), None
    p = w.new_person(18, 23 if young else 28, "student" if w.chance(0.5) else "worker", quiet=True)
    p.regular = [
        w.biz("grocery"),
        w.biz("topup"),
        w.biz("taxi"),
        w.biz("cafe"),
        w.biz("pharmacy"),
        w.biz("taxi"),
        w.biz("cafe"),
        w.biz("marketplace"),
    ]
    p.family = [w.ext_person(40, 60)]
    for c in p.family + p.regular:
        w.known[p.id].add(c.account)
    p.busy = 1
    return p, p.acct


def _victim_pays(
    w: World, ins: Inst, mule: Person, t: int, lo: int = 40_000, hi: int = 450_000
) -> tuple[int, int]:
    v = w.take(lambda q: q.age >= 20)
    a = w.money(lo, hi, 1000)
    if w.chance(0.4):
        w.login(ins, v, t - w.rng.randint(1, 4) * MIN, v.device, role="victim_login")
    w.tr(
        ins,
        v,
        t,
        mule.cp(),
        a,
        "victim_payment_to_mule",
        stop=True,
        ch=w.rng.choice(["mobile", "mobile", "web"]),
    )
    return t, a


def sc_dropper_mule(w: World, i: int) -> None:
    """Dropper accounts at our bank: money in from several victims, forwarded within hours."""
    rng = w.rng
    variants = [
        "young_new_account_to_crypto",
        "forwards_abroad_cards",
        "cash_courier_atm",
        "chain_to_second_mule",
        "rented_ordinary_account",
        "split_fan_out",
    ]
    v = variants[i % len(variants)]
    ins = w.inst("dropper_mule", i, v, True)
    existing = v == "rented_ordinary_account"
    mule, newacc = _mule(w, young=v != "cash_courier_atm", existing=existing)
    d0 = rng.randint(0, 1)
    t = w.at(d0, rng.randint(9, 16), rng.randint(0, 59))
    opened = None
    if newacc:
        opened = w.cev(ins, mule, t, "account_opened", "mule_account_opened", account=newacc)
        w.login(
            ins, mule, t + rng.randint(5, 40) * MIN, mule.device, new=True, role="mule_first_login"
        )
        t += rng.randint(3, 20) * HOUR
    hdev = mule.device
    if existing or rng.random() < 0.4:
        hdev = w.device()
        w.login(ins, mule, t, hdev, new=True, role="handler_login")
        t += rng.randint(10, 60) * MIN
    # inflows: some from our customers (visible), the rest from other banks (invisible)
    inflows: list[tuple[int, int]] = []
    n_vis = rng.randint(1, 3)
    n_inv = rng.randint(2, 6)
    span = rng.randint(4, 30) * HOUR
    for _ in range(n_vis):
        inflows.append(_victim_pays(w, ins, mule, awake(t + rng.randint(0, span // MIN) * MIN)))
    for _ in range(n_inv):
        inflows.append(
            (awake(t + rng.randint(0, span // MIN) * MIN), w.money(50_000, 600_000, 1000))
        )
    inflows.sort()
    cut = rng.uniform(0.01, 0.1)
    second: Person | None = None
    if v == "chain_to_second_mule":
        second, acc2 = _mule(w, True)
        o2 = w.cev(
            ins,
            second,
            t - rng.randint(2, 20) * HOUR,
            "account_opened",
            "mule_account_opened",
            account=acc2,
        )
        second.opened = o2
    dests_abroad = [w.foreign_account(rng.choice(["RU", "KG", "UZ"])) for _ in range(2)]
    crypto = w.crypto_addr()
    ex = w.biz("crypto_kz") if rng.random() < 0.3 else crypto
    # forward in batches
    batch: list[tuple[int, int]] = []
    fwd_times = []
    for k, (ti, a) in enumerate(inflows):
        batch.append((ti, a))
        if rng.random() < 0.55 or k == len(inflows) - 1:
            tf = max(x[0] for x in batch) + rng.randint(3, 75) * MIN
            total = int(sum(x[1] for x in batch) * (1 - cut)) // 100 * 100
            batch = []
            if v == "young_new_account_to_crypto":
                w.tr(ins, mule, tf, ex, total, "mule_forward_crypto", stop=True, dev=hdev)
            elif v == "forwards_abroad_cards":
                w.tr(
                    ins,
                    mule,
                    tf,
                    rng.choice(dests_abroad),
                    total,
                    "mule_forward_abroad",
                    stop=True,
                    dev=hdev,
                )
            elif v == "cash_courier_atm":
                pieces = max(1, total // 200_000)
                for _ in range(min(pieces, 4)):
                    w.tr(
                        ins,
                        mule,
                        tf,
                        w.card(),
                        min(total, 200_000),
                        "mule_cash_out_atm",
                        stop=True,
                        ch="atm",
                    )
                    tf += rng.randint(1, 4) * MIN
            elif v == "chain_to_second_mule" and second is not None:
                w.tr(ins, mule, tf, second.cp(), total, "mule_forward_to_mule", stop=True, dev=hdev)
                fwd_times.append((tf, total))
            elif v == "rented_ordinary_account":
                dest = crypto if rng.random() < 0.5 else w.ext_person(18, 25)
                w.tr(ins, mule, tf, dest, total, "mule_forward", stop=True, dev=hdev)
            else:  # split_fan_out
                parts = rng.randint(3, 5)
                for _ in range(parts):
                    w.tr(
                        ins,
                        mule,
                        tf,
                        w.card(),
                        total // parts // 100 * 100,
                        "mule_forward_split",
                        stop=True,
                        dev=hdev,
                    )
                    tf += rng.randint(20, 200) * 1000
    if second:
        sdev = w.device()
        w.login(ins, second, fwd_times[0][0] - 10 * MIN, sdev, new=True, role="handler_login")
        dest = w.crypto_addr()
        for tf, a in fwd_times:
            w.tr(
                ins,
                second,
                tf + rng.randint(4, 40) * MIN,
                dest,
                int(a * 0.97) // 100 * 100,
                "mule_forward_crypto",
                stop=True,
                dev=sdev,
            )
    w.commit(ins)
    if opened is not None:
        mule.active_from = opened.t
    if second is not None:
        second.active_from = second.opened.t


def sc_known_dropper(w: World, i: int) -> None:
    """Payments to an account a victim has already reported."""
    rng = w.rng
    variants = [
        "reported_iban_other_bank",
        "reported_card",
        "reported_mule_at_our_bank",
        "reported_before_window",
    ]
    v = variants[i % len(variants)]
    ins = w.inst("known_dropper", i, v, True)
    mule = None
    if v == "reported_card":
        X = w.card()
    elif v == "reported_mule_at_our_bank":
        mule, _ = _mule(w, True)
        X = mule.cp()
    else:
        X = w.ext_person(18, 27)
    t = w.at(0, rng.randint(8, 20), rng.randint(0, 59))
    if v == "reported_before_window":
        first = w.take(lambda q: q.age >= 25)
        w.cev(
            ins,
            first,
            w.at(0, rng.randint(0, 9), rng.randint(0, 59)),
            "fraud_reported",
            "victim_report",
            account=X.account,
        )
        t = w.at(rng.randint(0, 1), rng.randint(11, 22), rng.randint(0, 59))
    else:
        first = w.take(lambda q: q.age >= 20)
        a = w.money(60_000, 900_000, 1000)
        w.tr(ins, first, t, X, a, "victim_payment", stop=True)
        t += rng.randint(2, 10) * HOUR
        w.cev(ins, first, t, "fraud_reported", "victim_report", account=X.account)
        if mule:
            w.tr(
                ins,
                mule,
                t - rng.randint(60, 100) * MIN,
                w.crypto_addr(),
                int(a * 0.95),
                "mule_forward",
                stop=True,
            )
    for k in range(rng.randint(2, 4)):
        t = awake(t + rng.randint(3, 30) * HOUR // 2)
        vic = w.take(lambda q: q.age >= 18)
        a = w.money(25_000, 700_000, 1000)
        w.tr(
            ins,
            vic,
            t,
            X,
            a,
            "payment_to_known_dropper",
            stop=True,
            ch=rng.choice(["mobile", "mobile", "web"]),
        )
        if mule:
            w.tr(
                ins,
                mule,
                t + rng.randint(5, 60) * MIN,
                w.foreign_account("RU") if k % 2 else w.crypto_addr(),
                int(a * 0.93),
                "mule_forward",
                stop=True,
            )
    w.commit(ins)


def sc_marketplace_prepayment(w: World, i: int) -> None:
    """Fake sellers on marketplaces and social networks asking for prepayment."""
    rng = w.rng
    variants = [
        "olx_prepay_card",
        "fake_nauryz_tour",
        "used_car_deposit",
        "instagram_shop_escalating_fees",
    ]
    v = variants[i % len(variants)]
    ins = w.inst("marketplace_prepayment", i, v, True)
    p = w.take(lambda q: 18 <= q.age <= 60)
    d = rng.randint(0, 3)
    t = w.daytime(d, 9, 22)
    seller = w.ext_person(18, 30, cid_known=rng.random() < 0.6) if rng.random() < 0.6 else w.card()
    if v == "olx_prepay_card":
        w.tr(ins, p, t, seller, w.money(25_000, 280_000, 500), "prepayment", stop=True)
        if rng.random() < 0.6:
            w.tr(
                ins,
                p,
                t + rng.randint(20, 180) * MIN,
                seller,
                w.money(4_000, 25_000, 500),
                "delivery_fee",
                stop=True,
            )
    elif v == "fake_nauryz_tour":
        w.tr(ins, p, t, seller, w.money(150_000, 650_000, 1000), "tour_prepayment", stop=True)
        w.tr(
            ins,
            p,
            t + rng.randint(2, 20) * HOUR,
            w.ext_person(19, 30),
            w.money(30_000, 120_000, 1000),
            "hotel_confirmation_fee",
            stop=True,
        )
    elif v == "used_car_deposit":
        w.tr(ins, p, t, seller, w.money(200_000, 1_000_000, 10_000), "car_deposit", stop=True)
    else:
        w.tr(ins, p, t, seller, w.money(15_000, 80_000, 500), "goods_payment", stop=True)
        t += rng.randint(1, 20) * HOUR
        w.tr(ins, p, t, w.card(), w.money(20_000, 50_000, 500), "customs_fee", stop=True)
        t += rng.randint(1, 6) * HOUR
        w.tr(ins, p, t, w.wallet(), w.money(30_000, 90_000, 500), "insurance_fee", stop=True)
    if rng.random() < 0.4:
        w.cev(
            ins,
            p,
            t + rng.randint(3, 24) * HOUR,
            "fraud_reported",
            "victim_report",
            account=seller.account if rng.random() < 0.8 else None,
        )
    w.commit(ins)


def sc_fake_investment(w: World, i: int) -> None:
    """Fake broker / crypto / "national company shares" platforms; loans to invest; fees."""
    rng = w.rng
    variants = [
        "escalating_broker_abroad",
        "crypto_platform_p2p_then_fees",
        "loan_to_invest",
        "national_company_shares_droppers",
        "withdrawal_tax_chain",
    ]
    v = variants[i % len(variants)]
    ins = w.inst("fake_investment", i, v, True)
    p = w.take(lambda q: 24 <= q.age <= 68, 24, 68)
    t = w.daytime(0, 10, 21)
    if v == "escalating_broker_abroad":
        broker = w.foreign_iban(rng.choice(["CY", "AE", "GE"]))
        for k, a in enumerate(
            [
                w.money(40_000, 90_000, 1000),
                w.money(150_000, 300_000, 1000),
                w.money(400_000, 900_000, 10_000),
                w.money(1_000_000, 2_500_000, 10_000),
            ]
        ):
            if k == 3 and rng.random() < 0.4:
                break
            cur = "USD" if p.usd and rng.random() < 0.5 else "KZT"
            amt = a if cur == "KZT" else max(80, int(a / KZT_PER["USD"]))
            w.tr(
                ins,
                p,
                t,
                broker,
                amt,
                "investment_payment",
                stop=True,
                cur=cur,
                ch=rng.choice(["mobile", "web"]),
            )
            t += rng.randint(8, 20) * HOUR
    elif v == "crypto_platform_p2p_then_fees":
        for _ in range(rng.randint(2, 4)):
            w.tr(
                ins,
                p,
                t,
                w.ext_person(18, 30),
                w.money(50_000, 400_000, 1000),
                "p2p_crypto_purchase",
                stop=True,
            )
            t += rng.randint(2, 14) * HOUR
        for _ in range(rng.randint(1, 2)):
            w.tr(
                ins,
                p,
                t,
                w.crypto_addr(),
                w.money(60_000, 250_000, 1000),
                "withdrawal_fee",
                stop=True,
            )
            t += rng.randint(1, 8) * HOUR
    elif v == "loan_to_invest":
        amt = w.money(500_000, 3_000_000, 10_000)
        lend = rng.choice(w.banks)
        rec = w.loan(ins, p, t, lend, amt, "online", "loan_to_invest", stop=True)
        ts = t + rng.randint(15, 90) * MIN
        if w.covered(lend, amt, "online", rec.ev.get("product", "consumer")):
            rt = w.maybe_reconfirm(ins, p, rec, 0.85, role="coached_reconfirm")
            if rt:
                ts = rt + rng.randint(5, 60) * MIN
        w.tr(
            ins,
            p,
            ts,
            rng.choice([w.crypto_addr(), w.foreign_iban("AE")]),
            amt,
            "investment_payment",
            stop=True,
        )
    elif v == "national_company_shares_droppers":
        for k in range(rng.randint(3, 4)):
            w.tr(
                ins,
                p,
                t,
                w.ext_person(18, 28),
                w.money(60_000 * (k + 1), 200_000 * (k + 1), 1000),
                "investment_payment",
                stop=True,
            )
            t += rng.randint(4, 16) * HOUR
    else:
        for name in ["income_tax_fee", "unlock_fee", "insurance_fee", "verification_fee"][
            : rng.randint(3, 4)
        ]:
            w.tr(
                ins,
                p,
                t,
                rng.choice([w.card(), w.wallet(), w.ext_person(18, 30)]),
                w.money(30_000, 350_000, 1000),
                name,
                stop=True,
            )
            t += rng.randint(2, 16) * HOUR
    w.commit(ins)


def sc_repeat_victim(w: World, i: int) -> None:
    """A past victim is hit again: fake lawyers / "Anti-Fraud Center" promise to recover it."""
    rng = w.rng
    variants = [
        "fake_lawyer_fees",
        "afc_refund_insurance",
        "big_repeat_two_days",
        "recovery_fee_with_loan",
    ]
    v = variants[i % len(variants)]
    ins = w.inst("repeat_victim_recovery", i, v, True)
    p = w.take(lambda q: q.age >= 35, 35, 78)
    t0 = w.at(0, rng.randint(8, 13), rng.randint(0, 59))
    w.cev(
        ins,
        p,
        t0,
        "fraud_reported",
        "prior_fraud_report",
        account=w.ext_person(18, 30).account if rng.random() < 0.5 else None,
    )
    t = t0 + rng.randint(20, 50) * HOUR
    if v == "fake_lawyer_fees":
        lawyer = w.ext_person(25, 45)
        w.tr(ins, p, t, lawyer, w.money(50_000, 200_000, 1000), "recovery_fee", stop=True)
        w.tr(
            ins,
            p,
            t + rng.randint(3, 20) * HOUR,
            w.ext_person(20, 40),
            w.money(100_000, 350_000, 1000),
            "court_fee",
            stop=True,
        )
    elif v == "afc_refund_insurance":
        dest = w.wallet() if rng.random() < 0.5 else w.card()
        for _ in range(3):
            w.tr(ins, p, t, dest, w.money(80_000, 300_000, 1000), "refund_insurance", stop=True)
            t += rng.randint(15, 120) * MIN
    elif v == "big_repeat_two_days":
        t = t0 + rng.randint(4, 20) * HOUR
        for k in range(rng.randint(3, 5)):
            ch = "branch" if k == 0 and rng.random() < 0.5 else rng.choice(["mobile", "web"])
            w.tr(
                ins,
                p,
                t,
                w.ext_person(20, 40),
                w.money(3_000_000, 15_000_000, 100_000),
                "victim_funds_out",
                stop=True,
                acct=p.dep if (k == 0 and p.dep) else None,
                ch=ch,
            )
            t = awake(t + rng.randint(2, 10) * HOUR)
    else:
        a = w.money(150_000, T75 - 1000, 1000)
        w.loan(ins, p, t, rng.choice(w.mfos), a, "online", "coached_loan", stop=True)
        w.tr(ins, p, t + rng.randint(10, 60) * MIN, w.card(), a, "recovery_fee", stop=True)
    w.commit(ins)


def sc_stopcredit_breach(w: World, i: int) -> None:
    """Loans issued although the customer registered Stop-credit."""
    rng = w.rng
    variants = ["mfo_loan_after_takeover", "bank_online_loan_coached", "two_mfos_within_hour"]
    v = variants[i % len(variants)]
    ins = w.inst("stopcredit_breach", i, v, True)
    p = w.take(lambda q: q.age >= 25)
    t0 = w.at(0, rng.randint(7, 15), rng.randint(0, 59))
    w.code(ins, p, t0 - 2 * MIN, rng.choice(["egov", "1414"]), role="optout_code")
    w.cev(ins, p, t0, "loan_optout_set", "victim_optout_set")
    t = t0 + rng.randint(6, 60) * HOUR
    if v == "mfo_loan_after_takeover":
        fdev = w.device()
        w.code(ins, p, t, "1414", role="harvested_code")
        t += rng.randint(15, 60) * MIN
        w.login(ins, p, t, fdev, new=True, role="fraudster_login")
        a = w.money(100_000, 300_000, 5000)
        t += rng.randint(5, 20) * MIN
        w.loan(ins, p, t, rng.choice(w.mfos), a, "online", "loan_despite_optout", stop=True)
        w.tr(
            ins, p, t + rng.randint(4, 30) * MIN, w.card(), a, "loan_money_out", stop=True, dev=fdev
        )
    elif v == "bank_online_loan_coached":
        a = w.money(400_000, 2_000_000, 10_000)
        rec = w.loan(ins, p, t, rng.choice(w.banks), a, "online", "loan_despite_optout", stop=True)
        ts = t + rng.randint(10, 50) * MIN
        if a > T150 and rng.random() < 0.6:
            rt = w.maybe_reconfirm(ins, p, rec, 1.0, role="coached_reconfirm")
            ts = (rt or ts) + rng.randint(5, 30) * MIN
        w.tr(ins, p, ts, w.ext_person(18, 30), a, "loan_money_out", stop=True)
    else:
        total = 0
        for k in range(2):
            a = w.money(80_000, 280_000, 5000)
            w.loan(
                ins,
                p,
                t,
                w.mfos[(i + k) % len(w.mfos)],
                a,
                "online",
                "loan_despite_optout",
                stop=True,
            )
            total += a
            t += rng.randint(8, 25) * MIN
        w.tr(ins, p, t, rng.choice([w.wallet(), w.card()]), total, "loan_money_out", stop=True)
    w.commit(ins)


def sc_stopcredit_lifted(w: World, i: int) -> None:
    """Stop-credit lifted by the fraudster (or by the coached victim), then loans in hours."""
    rng = w.rng
    variants = ["lifted_after_takeover", "victim_coached_to_lift", "night_lift_then_mfo_burst"]
    v = variants[i % len(variants)]
    ins = w.inst("stopcredit_lifted_by_fraudster", i, v, True)
    p = w.take(lambda q: q.age >= 25)
    d = rng.randint(0, 2)
    if rng.random() < 0.6:
        ts = w.at(0, rng.randint(0, 9), rng.randint(0, 59))
        w.cev(ins, p, ts, "loan_optout_set", "victim_optout_set")
        d = max(d, 1) if rng.random() < 0.5 else d
    t = w.at(d, rng.randint(10, 19), rng.randint(0, 59))
    if ins.recs and t <= ins.recs[-1].t:
        t = ins.recs[-1].t + rng.randint(3, 10) * HOUR
    fdev = w.device()
    dev = p.device
    if v == "lifted_after_takeover":
        w.code(ins, p, t, "1414", role="harvested_code")
        w.code(ins, p, t + rng.randint(3, 10) * MIN, "egov", role="harvested_code")
        t += rng.randint(15, 40) * MIN
        w.cev(ins, p, t, "loan_optout_lifted", "optout_lifted_by_fraudster")
        t += rng.randint(10, 60) * MIN
        w.login(ins, p, t, fdev, new=True, role="fraudster_login")
        if rng.random() < 0.6:
            w.cev(ins, p, t + 4 * MIN, "phone_changed", "takeover_phone_changed")
        dev = fdev
    elif v == "victim_coached_to_lift":
        w.code(ins, p, t, "egov", role="optout_lift_code")
        t += rng.randint(3, 12) * MIN
        w.cev(ins, p, t, "loan_optout_lifted", "optout_lifted_coached")
    else:
        t = w.at(d, 23, rng.randint(10, 50))
        w.code(ins, p, t - 4 * MIN, "1414", role="harvested_code")
        w.cev(ins, p, t, "loan_optout_lifted", "optout_lifted_by_fraudster")
        w.login(ins, p, t + rng.randint(5, 15) * MIN, fdev, new=True, role="fraudster_login")
        dev = fdev
    t += rng.randint(30, 150) * MIN
    total = 0
    n = 3 if v == "night_lift_then_mfo_burst" else rng.randint(1, 2)
    for k in range(n):
        lender = (
            w.mfos[(i + k) % len(w.mfos)]
            if (v == "night_lift_then_mfo_burst" or k)
            else rng.choice(w.banks)
        )
        a = (
            w.money(90_000, 300_000, 5000)
            if lender[0] == "mfo"
            else w.money(400_000, 1_500_000, 10_000)
        )
        w.loan(ins, p, t, lender, a, "online", "loan_after_lift", stop=True)
        total += a
        t += rng.randint(6, 25) * MIN
    dests = [w.card(), w.ext_person(18, 30), w.crypto_addr()]
    left = total
    while left > 0:
        a = min(left, w.money(100_000, 700_000, 1000))
        w.tr(ins, p, t, rng.choice(dests), a, "loan_money_out", stop=True, dev=dev)
        left -= a
        t += rng.randint(2, 20) * MIN
    w.commit(ins)


def sc_multi_lender_burst(w: World, i: int) -> None:
    """Several lenders in an hour, money moved out."""
    rng = w.rng
    variants = ["three_to_five_mfos", "two_banks_and_mfo", "spread_over_two_hours_sent_after_each"]
    v = variants[i % len(variants)]
    ins = w.inst("multi_lender_burst", i, v, True)
    p = w.take(lambda q: q.age >= 21)
    d = rng.randint(0, 3)
    t = w.at(d, rng.randint(9, 21), rng.randint(0, 59))
    if v == "three_to_five_mfos":
        lenders = rng.sample(w.mfos, rng.randint(3, 5))
        gap = (8, 15)
    elif v == "two_banks_and_mfo":
        lenders = [*rng.sample(w.banks, 2), rng.choice(w.mfos)]
        gap = (10, 25)
    else:
        lenders = rng.sample(w.mfos, 2) + rng.sample(w.banks, 2)
        rng.shuffle(lenders)
        gap = (20, 40)
    dest = w.ext_person(18, 28) if rng.random() < 0.5 else w.card()
    total = 0
    for lender in lenders:
        a = (
            w.money(60_000, 300_000, 5000)
            if lender[0] == "mfo"
            else w.money(300_000, T150 - 5000, 5000)
        )
        w.loan(ins, p, t, lender, a, "online", "burst_loan", stop=True, first=rng.random() < 0.4)
        total += a
        if v == "spread_over_two_hours_sent_after_each":
            w.tr(ins, p, t + rng.randint(3, 12) * MIN, dest, a, "loan_money_out", stop=True)
        t += rng.randint(*gap) * MIN
    if v != "spread_over_two_hours_sent_after_each":
        second = w.card()
        a1 = int(total * rng.uniform(0.5, 0.8)) // 1000 * 1000
        w.tr(ins, p, t, dest, a1, "loan_money_out", stop=True)
        w.tr(ins, p, t + rng.randint(3, 25) * MIN, second, total - a1, "loan_money_out", stop=True)
    w.commit(ins)


def sc_velocity(w: World, i: int) -> None:
    """A taken-over account drained in many small transfers to many new beneficiaries."""
    rng = w.rng
    variants = ["cards_burst_mobile", "wallets_burst", "ibans_many_banks_web"]
    v = variants[i % len(variants)]
    ins = w.inst("velocity_new_beneficiaries", i, v, True)
    p = w.take(lambda q: q.age >= 22)
    d = rng.randint(0, 3)
    t = w.at(d, rng.randint(0, 23), rng.randint(0, 59))
    fdev = w.device()
    ch = "web" if v == "ibans_many_banks_web" else "mobile"
    if rng.random() < 0.6:
        w.code(ins, p, t, rng.choice(["1414", "bank"]), role="harvested_code")
        t += rng.randint(5, 30) * MIN
    if rng.random() < 0.5:
        w.cev(ins, p, t, "password_reset", "takeover_password_reset")
        t += rng.randint(1, 5) * MIN
    dev = fdev if ch == "mobile" else w.browser()
    w.login(ins, p, t, dev, new=True, role="fraudster_login")
    n = rng.randint(7, 14)
    for _ in range(n):
        t += rng.randint(25, 150) * 1000
        if v == "cards_burst_mobile":
            rc = w.card()
        elif v == "wallets_burst":
            rc = w.wallet()
        else:
            rc = w.ext_person(18, 40)
        w.tr(
            ins, p, t, rc, w.money(20_000, 95_000, 500), "burst_transfer", stop=True, ch=ch, dev=dev
        )
    w.commit(ins)


SCAMS: list[tuple[str, Callable[[World, int], None], str]] = [
    (
        "egov_code_takeover",
        sc_egov_code_takeover,
        "1414/eGov code harvested by a fake tax inspector/courier; new-device login, phone change, "
        "loans, drain",
    ),
    (
        "safe_account",
        sc_safe_account,
        "fake bank/police/KNB security service; victim moves savings or loans to a 'safe account' "
        "(person, cards, wallets, branch, two days)",
    ),
    (
        "loan_then_drain",
        sc_loan_then_drain,
        "victim talked into a 'counter-loan' (bank, MFO, card limit, just under cooling "
        "thresholds) and sends it on",
    ),
    (
        "dropper_mule",
        sc_dropper_mule,
        "dropper accounts at our bank: fan-in from victims (partly invisible), fast forwarding to "
        "crypto, abroad, ATM, another mule",
    ),
    (
        "known_dropper",
        sc_known_dropper,
        "payments to an account (IBAN, card, our-bank mule) that a victim already reported",
    ),
    (
        "marketplace_prepayment",
        sc_marketplace_prepayment,
        "fake sellers: OLX prepayment, fake Nauryz tour, used-car deposit, escalating "
        "customs/insurance fees",
    ),
    (
        "fake_investment",
        sc_fake_investment,
        "fake broker/crypto/national-company platforms: escalating payments, loans to invest, "
        "withdrawal fees",
    ),
    (
        "repeat_victim_recovery",
        sc_repeat_victim,
        "past victim (fraud_reported) hit again by 'we will recover your money' lawyers/AFC; "
        "big repeat loss",
    ),
    (
        "stopcredit_breach",
        sc_stopcredit_breach,
        "loans approved despite a Stop-credit the victim set in the window",
    ),
    (
        "stopcredit_lifted_by_fraudster",
        sc_stopcredit_lifted,
        "Stop-credit lifted via harvested eGov codes or by the coached victim, loans within hours, "
        "drain",
    ),
    (
        "multi_lender_burst",
        sc_multi_lender_burst,
        "several banks/MFOs lend within one or two hours; money sent on",
    ),
    (
        "velocity_new_beneficiaries",
        sc_velocity,
        "takeover drain in 7-14 small transfers to different cards/wallets/IBANs in minutes",
    ),
]


# --------------------------------------------------------------------------------------
# Honest look-alikes
# --------------------------------------------------------------------------------------


def lk_nauryz_gift_round(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("nauryz_gift_round", i, "relatives", False)
    p = w.take(lambda q: q.age >= 35 and q.kind != "student", 35, 70)
    t = w.at(1, rng.randint(7, 11), rng.randint(0, 59))
    w.login(ins, p, t, p.device)
    rel = list(p.family) + [w.ext_person(5, 30) for _ in range(rng.randint(4, 10))]
    rng.shuffle(rel)
    for c in rel:
        t += rng.randint(40, 400) * 1000
        w.tr(
            ins,
            p,
            t,
            c,
            rng.choice([5000, 10000, 10000, 15000, 20000, 25000, 30000, 50000]),
            "nauryz_gift",
        )
    w.commit(ins)


def lk_funeral_collection(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("funeral_as_collection", i, "condolences_then_vendors", False)
    p = w.take(lambda q: q.age >= 30, 30, 65)
    t = w.at(rng.randint(0, 1), rng.randint(7, 12), rng.randint(0, 59))
    for _ in range(rng.randint(4, 9)):
        q = w.anyone((p,))
        w.tr(
            ins,
            q,
            t + rng.randint(0, 600) * MIN,
            p.cp(),
            rng.choice([5000, 10000, 10000, 20000, 30000, 50000, 100000]),
            "condolence_money",
        )
    t += rng.randint(3, 8) * HOUR
    w.tr(ins, p, t, w.biz("ritual"), w.money(150_000, 450_000, 1000), "funeral_service")
    w.tr(
        ins,
        p,
        t + rng.randint(20, 120) * MIN,
        w.ext_person(35, 70, cid_known=False),
        w.money(350_000, 800_000, 10_000),
        "livestock_for_as",
    )
    w.tr(
        ins,
        p,
        t + rng.randint(3, 10) * HOUR,
        w.biz("restaurant"),
        w.money(400_000, 1_800_000, 10_000),
        "as_beru_cafe",
    )
    w.tr(
        ins,
        p,
        t + rng.randint(4, 12) * HOUR,
        w.biz("mosque"),
        w.money(20_000, 100_000, 1000),
        "mosque_sadaqa",
    )
    w.commit(ins)


def lk_migrant_remittance(w: World, i: int) -> None:
    rng = w.rng
    variants = ["uzbek_worker_sends_home", "son_in_russia_rub", "kyrgyz_worker_card"]
    v = variants[i % len(variants)]
    ins = w.inst("migrant_family_money", i, v, False)
    if v == "son_in_russia_rub":
        p = w.take(lambda q: q.age >= 45, 45, 70)
        dest = w.foreign_account("RU")
        t = w.daytime(rng.randint(0, 3))
        for _ in range(rng.randint(1, 2)):
            w.tr(ins, p, t, dest, w.money(15_000, 80_000, 500), "money_to_son_russia", cur="RUB")
            t += rng.randint(6, 30) * HOUR
    else:
        cc = "UZ" if v == "uzbek_worker_sends_home" else "KG"
        p = w.take(lambda q: 20 <= q.age <= 40 and q.kind == "worker", 20, 40, "worker")
        t = w.at(0, rng.randint(12, 20), rng.randint(0, 59))
        share = p.income * rng.uniform(0.55, 0.85)
        if rng.random() < 0.5:
            w.tr(ins, p, t, w.biz("remit"), int(share * 0.6) // 1000 * 1000, "remittance_service")
            w.tr(
                ins,
                p,
                t + rng.randint(1, 48) * HOUR,
                w.foreign_account(cc),
                int(share * 0.4) // 1000 * 1000,
                "money_home_card",
            )
        else:
            w.tr(ins, p, t, w.foreign_account(cc), int(share) // 1000 * 1000, "money_home_card")
        if rng.random() < 0.5:
            w.tr(
                ins,
                p,
                t + rng.randint(24, 60) * HOUR,
                w.foreign_account(cc),
                w.money(20_000, 80_000, 1000),
                "nauryz_money_to_mother",
            )
    w.commit(ins)


def lk_instagram_shop(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("instagram_shop_owner", i, "buyers_pay_personal_account", False)
    p = w.take(lambda q: 20 <= q.age <= 38, 20, 38, "self")
    t = w.at(0, 9, 0)
    for _ in range(rng.randint(4, 10)):
        q = w.anyone((p,))
        w.tr(
            ins,
            q,
            t + rng.randint(0, 60 * 60) * MIN // 20,
            p.cp(),
            w.money(6_000, 45_000, 500),
            "buyer_payment",
        )
    ts = w.at(rng.randint(1, 3), rng.randint(10, 18), rng.randint(0, 59))
    w.tr(ins, p, ts, w.biz("wholesale"), w.money(150_000, 600_000, 1000), "supplier_restock")
    w.tr(
        ins,
        p,
        ts + rng.randint(30, 300) * MIN,
        w.biz("courier"),
        w.money(8_000, 40_000, 100),
        "delivery_service",
    )
    if p.usd and rng.random() < 0.5:
        w.tr(
            ins,
            p,
            ts + 6 * HOUR,
            w.foreign_iban("TR"),
            w.money(100, 900),
            "supplier_abroad",
            cur="USD",
        )
    w.commit(ins)


def lk_taxi_driver(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("taxi_driver", i, "fares_by_transfer", False)
    p = w.take(lambda q: 23 <= q.age <= 58 and q.male, 23, 58, "self")
    park_owner = w.ext_person(35, 60)
    for d in range(4):
        for _ in range(rng.randint(2, 5)):
            q = w.anyone((p,))
            w.tr(ins, q, w.daytime(d), p.cp(), w.money(800, 5000, 50), "taxi_fare_to_driver")
        t = w.daytime(d, 20, 23.5)
        w.tr(
            ins,
            p,
            t - rng.randint(60, 300) * MIN,
            w.biz("fuel"),
            rng.choice([8000, 10000, 12000, 15000]),
            "fuel",
        )
        w.tr(ins, p, t, park_owner, rng.choice([9000, 10000, 12000]), "car_rent_to_park_owner")
    w.commit(ins)


def lk_student_new_landlord(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("student_new_landlord", i, "deposit_and_rent", False)
    p = w.take(lambda q: q.age <= 23, 18, 22, "student")
    t = w.daytime(rng.randint(0, 3), 10, 20)
    ll = w.ext_person(40, 75, cid_known=rng.random() < 0.6)
    rent = w.money(90_000, 200_000, 5000)
    if rng.random() < 0.6:
        w.tr(ins, p, t, ll, rent * 2, "deposit_plus_first_month")
    else:
        w.tr(ins, p, t, ll, rent, "deposit")
        w.tr(ins, p, t + rng.randint(5, 40) * MIN, ll, rent, "first_month_rent")
    if rng.random() < 0.5:
        w.tr(
            ins,
            p,
            t + rng.randint(1, 6) * HOUR,
            w.biz("realtor") if rng.random() < 0.5 else w.ext_person(25, 45),
            rent // 2,
            "realtor_fee",
        )
    w.commit(ins)


def lk_used_car(w: World, i: int) -> None:
    rng = w.rng
    variants = ["advance_then_rest", "deposit_closed_pay_in_branch", "auto_loan_branch"]
    v = variants[i % len(variants)]
    ins = w.inst("used_car_purchase", i, v, False)
    p = w.take(lambda q: 25 <= q.age <= 62 and q.kind in ("worker", "self"), 25, 62, "worker")
    seller = w.ext_person(25, 65)
    price = w.money(2_500_000, 9_000_000, 50_000)
    t = w.daytime(rng.randint(0, 1), 10, 18)
    if v == "advance_then_rest":
        adv = w.money(100_000, 500_000, 50_000)
        w.tr(ins, p, t, seller, adv, "car_advance")
        w.tr(
            ins,
            p,
            t + rng.randint(18, 40) * HOUR,
            seller,
            price - adv,
            "car_rest_payment",
            acct=p.dep if p.dep else None,
            ch=rng.choice(["mobile", "branch"]),
        )
    elif v == "deposit_closed_pay_in_branch":
        if p.dep:
            w.tr(ins, p, t, p.cp(), price, "deposit_closed", acct=p.dep, ch="branch")
        w.tr(ins, p, t + rng.randint(5, 40) * MIN, seller, price, "car_full_payment", ch="branch")
    else:
        a = int(price * 0.7) // 10_000 * 10_000
        w.loan(
            ins,
            p,
            t,
            rng.choice(w.banks),
            a,
            "branch",
            "auto_loan",
            product="auto",
            secured=True,
            disb=seller.account if rng.random() < 0.5 else "own",
        )
        w.tr(ins, p, t + rng.randint(30, 180) * MIN, seller, price - a, "car_own_share")
        w.tr(
            ins,
            p,
            t + rng.randint(1, 3) * DAY // 2,
            w.biz("notary"),
            w.money(15_000, 40_000, 500),
            "car_registration_fee",
        )
    w.commit(ins)


def lk_builder_in_parts(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("builder_in_parts", i, "brigade_and_materials", False)
    p = w.take(lambda q: q.age >= 30, 30, 70)
    foreman = w.ext_person(28, 55, cid_known=rng.random() < 0.5) if rng.random() < 0.7 else w.card()
    t = w.daytime(0, 9, 18)
    w.tr(ins, p, t, w.biz("building"), w.money(200_000, 1_200_000, 1000), "building_materials")
    for _ in range(rng.randint(2, 3)):
        t += rng.randint(6, 20) * HOUR
        w.tr(ins, p, t, foreman, w.money(150_000, 600_000, 10_000), "builder_stage_payment")
    w.commit(ins)


def lk_own_savings_move(w: World, i: int) -> None:
    rng = w.rng
    variants = ["to_own_account_other_bank", "to_own_otbasy_deposit", "to_own_broker_account"]
    v = variants[i % len(variants)]
    ins = w.inst("own_savings_move", i, v, False)
    p = w.take(lambda q: q.age >= 28 and q.dep is not None, 28, 75)
    t = w.daytime(rng.randint(0, 3), 9, 22)
    amt = w.money(1_000_000, 12_000_000, 10_000)
    if v == "to_own_account_other_bank":
        bic, code = w.other_bank()
        dest = CP(w.kz_acct(code), bic, "person", p.id)
    elif v == "to_own_otbasy_deposit":
        dest = CP(w.kz_acct("250"), "HCSKKZKA", "person", p.id)
    else:
        dest = w.biz("broker_kz")
    if p.dep and rng.random() < 0.7:
        w.tr(ins, p, t, p.cp(), amt, "deposit_closed", acct=p.dep)
        t += rng.randint(2, 30) * MIN
    if rng.random() < 0.5:
        w.tr(ins, p, t, dest, amt, "move_to_own_account")
    else:
        a = amt // 2 // 1000 * 1000
        w.tr(ins, p, t, dest, a, "move_to_own_account")
        w.tr(ins, p, t + rng.randint(3, 30) * MIN, dest, amt - a, "move_to_own_account")
    w.commit(ins)


def lk_toi_wedding(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("toi_wedding", i, "collect_and_pay_vendors", False)
    p = w.take(lambda q: q.age >= 40, 40, 65)
    dt = rng.randint(1, 2)
    for _ in range(rng.randint(5, 10)):
        q = w.anyone((p,))
        w.tr(
            ins,
            q,
            w.daytime(rng.randint(0, dt)),
            p.cp(),
            rng.choice([10000, 20000, 30000, 50000, 100000]),
            "toi_gift_money",
        )
    t = w.at(dt, rng.randint(10, 15), rng.randint(0, 59))
    w.tr(ins, p, t, w.biz("restaurant"), w.money(1_200_000, 4_000_000, 10_000), "restaurant_toi")
    w.tr(
        ins,
        p,
        t + rng.randint(20, 200) * MIN,
        w.ext_person(25, 50),
        w.money(250_000, 800_000, 10_000),
        "tamada_fee",
    )
    w.tr(
        ins,
        p,
        t + rng.randint(30, 300) * MIN,
        w.ext_person(22, 45),
        w.money(100_000, 300_000, 10_000),
        "photographer",
    )
    w.tr(
        ins,
        p,
        t + rng.randint(60, 400) * MIN,
        w.ext_person(20, 45, cid_known=False),
        w.money(150_000, 500_000, 10_000),
        "musicians",
    )
    w.commit(ins)


def lk_pensioner_grandchildren(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("pensioner_grandchildren", i, "gifts_and_topups", False)
    p = w.take(lambda q: q.age >= 65, 65, 86, "pensioner")
    t = w.at(rng.randint(1, 2), rng.randint(9, 13), rng.randint(0, 59))
    ch = "branch" if rng.random() < 0.3 else "mobile"
    if ch == "mobile":
        w.login(ins, p, t - MIN, p.device)
    for _ in range(rng.randint(4, 8)):
        t += rng.randint(60, 900) * 1000
        c = w.ext_person(14, 26) if rng.random() < 0.7 else w.card()
        w.tr(ins, p, t, c, rng.choice([5000, 5000, 10000, 10000, 20000]), "grandchild_gift", ch=ch)
    if ch == "mobile":
        for _ in range(rng.randint(1, 3)):
            t += rng.randint(60, 300) * 1000
            w.tr(
                ins, p, t, w.biz("topup"), rng.choice([1000, 2000, 3000]), "grandchild_phone_topup"
            )
    w.commit(ins)


def lk_past_victim_normal(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("past_victim_normal_life", i, "reported_then_ordinary", False)
    p = w.take(lambda q: q.age >= 25)
    t = w.at(0, rng.randint(8, 15), rng.randint(0, 59))
    w.cev(
        ins,
        p,
        t,
        "fraud_reported",
        "report_of_old_case",
        account=w.card().account if rng.random() < 0.4 else None,
    )
    if rng.random() < 0.5:
        w.code(ins, p, t + 30 * MIN, "egov")
        w.cev(ins, p, t + 33 * MIN, "loan_optout_set", "protective_optout")
    nd = w.device()
    tt = t + rng.randint(3, 20) * HOUR
    w.code(ins, p, tt - 2 * MIN, "bank", role="new_device_code")
    w.login(ins, p, tt, nd, new=True, role="login_new_phone")
    p.device = nd
    for _ in range(rng.randint(3, 6)):
        tt += rng.randint(1, 12) * HOUR
        w.tr(
            ins,
            p,
            tt,
            rng.choice([w.biz("grocery"), w.biz("pharmacy"), w.biz("cafe"), *p.family]),
            w.money(2_000, 40_000),
            "ordinary_payment",
        )
    w.tr(
        ins,
        p,
        tt + rng.randint(1, 5) * HOUR,
        w.ext_person(25, 55, cid_known=False),
        w.money(8_000, 35_000, 1000),
        "plumber_new_beneficiary",
    )
    w.commit(ins)


def lk_licensed_crypto(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("licensed_crypto_buyer", i, "aifc_exchange", False)
    p = w.take(lambda q: 20 <= q.age <= 40, 20, 40, "worker")
    ex = w.biz("crypto_kz")
    t = w.daytime(0, 10, 23)
    for _ in range(rng.randint(2, 4)):
        w.tr(
            ins,
            p,
            t,
            ex,
            w.money(30_000, 600_000, 1000),
            "buy_crypto_licensed",
            ch=rng.choice(["mobile", "web"]),
        )
        t += rng.randint(5, 30) * HOUR
    w.commit(ins)


def lk_honest_online_loan(w: World, i: int) -> None:
    rng = w.rng
    variants = ["bank_loan_furniture", "mfo_loan_repair", "card_limit_gifts"]
    v = variants[i % len(variants)]
    ins = w.inst("honest_online_loan_spend", i, v, False)
    p = w.take(lambda q: 22 <= q.age <= 60)
    t = w.daytime(rng.randint(0, 1), 9, 21)
    w.code(ins, p, t - rng.randint(5, 20) * MIN, "1414", role="credit_bureau_consent_code")
    if v == "bank_loan_furniture":
        lend = rng.choice(w.banks)
        a = w.money(700_000, 2_500_000, 10_000)
        rec = w.loan(ins, p, t, lend, a, "online", "honest_loan", first=False)
        rt = w.maybe_reconfirm(ins, p, rec, 0.85, after=rng.randint(8 * 60, 26 * 60) * MIN)
        ts = (rt or t + 25 * HOUR) + rng.randint(20, 200) * MIN
        w.tr(ins, p, ts, w.biz("furniture"), int(a * 0.7) // 1000 * 1000, "furniture_purchase")
        w.tr(
            ins,
            p,
            ts + rng.randint(2, 8) * HOUR,
            w.ext_person(25, 60, cid_known=False),
            w.money(20_000, 60_000, 1000),
            "assembly_worker",
        )
    elif v == "mfo_loan_repair":
        a = w.money(80_000, 300_000, 5000)
        w.loan(ins, p, t, rng.choice(w.mfos), a, "online", "honest_loan")
        w.tr(
            ins,
            p,
            t + rng.randint(30, 180) * MIN,
            w.biz("building"),
            int(a * 0.6),
            "repair_materials",
        )
        w.tr(
            ins,
            p,
            t + rng.randint(4, 10) * HOUR,
            w.ext_person(25, 55),
            int(a * 0.3) // 1000 * 1000,
            "repair_master",
        )
    else:
        a = w.money(150_000, 600_000, 10_000)
        w.loan(ins, p, t, rng.choice(w.banks[:3]), a, "online", "honest_loan", product="card_limit")
        ts = t + rng.randint(20, 120) * MIN
        for c in rng.sample(p.family, min(len(p.family), 3)):
            w.tr(ins, p, ts, c, w.money(10_000, 50_000, 1000), "nauryz_gift")
            ts += rng.randint(2, 20) * MIN
        w.tr(ins, p, ts + HOUR, w.biz("electronics"), int(a * 0.5), "gift_purchase")
    w.commit(ins)


def lk_new_phone(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("new_phone_normal_payments", i, "new_device_new_sim", False)
    p = w.take(lambda q: q.age >= 18)
    t = w.daytime(rng.randint(0, 2), 10, 20)
    nd = w.device()
    w.code(ins, p, t - 2 * MIN, "bank", role="new_device_code")
    if rng.random() < 0.5:
        w.cev(ins, p, t - MIN, "password_reset", "password_reset_forgot")
    w.login(ins, p, t, nd, new=True, role="login_new_phone")
    p.device = nd
    if rng.random() < 0.5:
        w.code(ins, p, t + 5 * MIN, "bank", role="phone_change_code")
        w.cev(ins, p, t + 6 * MIN, "phone_changed", "new_sim_number")
    tt = t + rng.randint(10, 90) * MIN
    w.tr(ins, p, tt, w.biz("electronics"), w.money(80_000, 450_000, 1000), "phone_shop_payment")
    w.tr(
        ins,
        p,
        tt + rng.randint(1, 5) * HOUR,
        w.ext_person(20, 50, cid_known=False),
        w.money(5_000, 60_000, 1000),
        "new_beneficiary_ordinary",
    )
    w.tr(
        ins,
        p,
        tt + rng.randint(5, 20) * HOUR,
        w.biz("topup"),
        rng.choice([2000, 3000, 5000]),
        "phone_topup",
    )
    w.commit(ins)


def lk_stopcredit_lift_branch(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("stopcredit_lift_branch_loan", i, "lift_then_branch_days_later", False)
    p = w.take(lambda q: 25 <= q.age <= 62)
    t = w.at(0, rng.randint(8, 12), rng.randint(0, 59))
    if rng.random() < 0.4:
        w.cev(ins, p, t - rng.randint(1, 3) * HOUR, "loan_optout_set", "optout_existing")
    w.code(ins, p, t, "egov", role="egov_service_code")
    w.cev(ins, p, t + rng.randint(2, 6) * MIN, "loan_optout_lifted", "optout_lifted_by_owner")
    tl = w.at(rng.randint(2, 3), rng.randint(10, 16), rng.randint(0, 59))
    a = w.money(800_000, 5_000_000, 10_000)
    w.loan(ins, p, tl, rng.choice(w.banks), a, "branch", "branch_loan", first=rng.random() < 0.5)
    w.tr(
        ins,
        p,
        tl + rng.randint(30, 240) * MIN,
        w.biz(rng.choice(["clinic", "furniture", "education"])),
        int(a * rng.uniform(0.6, 1.0)) // 1000 * 1000,
        "planned_purchase",
        ch=rng.choice(["mobile", "branch"]),
    )
    w.commit(ins)


def lk_holiday_travel(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("holiday_travel_abroad", i, "tour_flights_hotel", False)
    p = w.take(lambda q: 25 <= q.age <= 60 and q.income > 300_000, 25, 60, "worker")
    t = w.at(0, rng.randint(8, 22), rng.randint(0, 59))
    w.tr(ins, p, t, w.biz("tour"), w.money(400_000, 1_800_000, 1000), "tour_operator")
    w.tr(
        ins,
        p,
        t + rng.randint(10, 90) * MIN,
        w.biz("air"),
        w.money(60_000, 300_000, 100),
        "flights",
    )
    cc = rng.choice(["TR", "AE", "GE"])
    hotel = w.foreign_iban(cc)
    if p.usd:
        w.tr(
            ins,
            p,
            t + rng.randint(2, 30) * HOUR,
            hotel,
            w.money(150, 1500),
            "hotel_abroad",
            cur="USD",
        )
    else:
        w.tr(
            ins,
            p,
            t + rng.randint(2, 30) * HOUR,
            hotel,
            w.money(80_000, 700_000, 100),
            "hotel_abroad",
        )
    w.commit(ins)


def lk_charity_collection(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("charity_surgery_collection", i, "collect_then_clinic_abroad", False)
    p = w.take(lambda q: 25 <= q.age <= 50, 25, 50)
    for _ in range(rng.randint(5, 10)):
        q = w.anyone((p,))
        w.tr(
            ins,
            q,
            w.daytime(rng.randint(0, 2)),
            p.cp(),
            rng.choice([1000, 2000, 5000, 5000, 10000, 20000, 50000]),
            "charity_donation",
        )
    t = w.at(3, rng.randint(9, 16), rng.randint(0, 59))
    cc = rng.choice(["TR", "KR", "CZ"])
    clinic = w.foreign_iban(cc)
    if p.usd and rng.random() < 0.6:
        w.tr(ins, p, t, clinic, w.money(4_000, 20_000, 10), "clinic_abroad_payment", cur="USD")
    else:
        w.tr(
            ins,
            p,
            t,
            clinic,
            w.money(2_000_000, 9_000_000, 10_000),
            "clinic_abroad_payment",
            ch=rng.choice(["web", "branch"]),
        )
    w.commit(ins)


def lk_goods_installments(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("holiday_goods_installments", i, "two_lenders_one_store", False)
    p = w.take(lambda q: 22 <= q.age <= 60)
    t = w.daytime(rng.randint(0, 3), 11, 20)
    store = w.biz("electronics")
    lenders = rng.sample(w.banks, 2) + ([rng.choice(w.mfos)] if rng.random() < 0.3 else [])
    for lend in lenders:
        w.loan(
            ins,
            p,
            t,
            lend,
            w.money(90_000, 700_000, 100),
            "online",
            "goods_loan",
            product="goods",
            disb=store.account,
        )
        t += rng.randint(5, 25) * MIN
    w.tr(ins, p, t + rng.randint(2, 10) * MIN, store, w.money(20_000, 120_000), "store_remainder")
    w.commit(ins)


def lk_small_business_bonus(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("small_business_holiday_bonus", i, "bonuses_to_staff", False)
    b = Biz(w.bin(), w.kz_acct(BANK_CODE), f"cafe-{i}", "cafe", own=True, web=w.browser())
    w.known[b.id] = set()
    staff = [w.ext_person(18, 55) for _ in range(rng.randint(8, 15))]
    for c in staff[: len(staff) // 3]:
        w.known[b.id].add(c.account)
    t = w.at(0, rng.randint(15, 19), rng.randint(0, 59))
    w.login(ins, b, t - 2 * MIN, b.web)
    for c in staff:
        t += rng.randint(30, 120) * 1000
        w.tr(
            ins,
            b,
            t,
            c,
            rng.choice([20000, 25000, 30000, 50000]),
            "holiday_bonus",
            ch="web",
            dev=b.web,
        )
    w.tr(
        ins,
        b,
        t + HOUR,
        w.biz("wholesale"),
        w.money(300_000, 2_000_000, 100),
        "supplier_payment",
        ch="web",
        dev=b.web,
    )
    w.commit(ins)


def lk_tuition_abroad(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("parent_tuition_abroad", i, "university_and_dormitory", False)
    p = w.take(lambda q: 42 <= q.age <= 62, 42, 62, "worker")
    t = w.daytime(0, 9, 18)
    cc = rng.choice(["RU", "RU", "CZ", "KR"])
    uni = (
        w.foreign_iban(cc)
        if cc != "RU"
        else CP("40503810" + w.digits(12), rng.choice(FOREIGN_BANKS["RU"]), "business", None, "RU")
    )
    if cc == "RU":
        w.tr(
            ins,
            p,
            t,
            uni,
            w.money(150_000, 450_000, 100),
            "university_tuition",
            cur="RUB",
            ch=rng.choice(["web", "branch"]),
        )
        w.tr(
            ins,
            p,
            t + rng.randint(1, 30) * HOUR,
            w.foreign_account("RU"),
            w.money(20_000, 60_000, 100),
            "money_to_student_child",
            cur="RUB",
        )
    else:
        cur = "USD" if p.usd else "KZT"
        amt = w.money(3_000, 9_000, 10) if cur == "USD" else w.money(1_500_000, 4_500_000, 1000)
        w.tr(ins, p, t, uni, amt, "university_tuition", cur=cur, ch=rng.choice(["web", "branch"]))
    w.commit(ins)


def lk_egov_daily(w: World, i: int) -> None:
    rng = w.rng
    ins = w.inst("egov_services_new_laptop", i, "codes_then_state_fees", False)
    p = w.take(lambda q: q.age >= 20)
    t = w.daytime(0, 9, 18)
    w.code(ins, p, t, "1414", role="egov_service_code")
    w.code(
        ins, p, t + rng.randint(2, 15) * MIN, rng.choice(["egov", "1414"]), role="egov_service_code"
    )
    br = w.browser()
    w.login(ins, p, t + rng.randint(16, 30) * MIN, br, new=True, role="login_new_laptop")
    tt = t + rng.randint(31, 45) * MIN
    w.tr(ins, p, tt, w.treasury, w.money(1_000, 30_000, 1), "state_fee", ch="web", dev=br)
    if rng.random() < 0.6:
        w.tr(
            ins,
            p,
            tt + rng.randint(2, 20) * MIN,
            w.treasury,
            w.money(5_000, 60_000, 1),
            "fine_or_tax",
            ch="web",
            dev=br,
        )
    if rng.random() < 0.5:
        w.tr(
            ins,
            p,
            tt + rng.randint(1, 20) * HOUR,
            w.biz("notary"),
            w.money(5_000, 40_000, 500),
            "notary_fee",
        )
    w.commit(ins)


LOOKALIKES: list[tuple[str, Callable[[World, int], None], str]] = [
    (
        "nauryz_gift_round",
        lk_nauryz_gift_round,
        "Nauryz morning: 6-16 gifts to relatives, many new beneficiaries",
    ),
    (
        "funeral_as_collection",
        lk_funeral_collection,
        "condolence money from many, then ritual service, livestock, as-beru cafe",
    ),
    (
        "migrant_family_money",
        lk_migrant_remittance,
        "migrants send wages home (UZ/KG cards, remittance services), parents send RUB to Russia",
    ),
    (
        "instagram_shop_owner",
        lk_instagram_shop,
        "many buyers pay a personal account; restock and delivery paid later",
    ),
    (
        "taxi_driver",
        lk_taxi_driver,
        "passengers pay the driver by transfer daily; fuel and car rent",
    ),
    (
        "student_new_landlord",
        lk_student_new_landlord,
        "young student pays a new landlord deposit + rent (+ realtor)",
    ),
    (
        "used_car_purchase",
        lk_used_car,
        "advance then rest, deposit closed and paid in branch, auto loan in branch",
    ),
    ("builder_in_parts", lk_builder_in_parts, "materials then a brigade paid in stages"),
    (
        "own_savings_move",
        lk_own_savings_move,
        "millions moved to one's own account at another bank, Otbasy or a broker",
    ),
    (
        "toi_wedding",
        lk_toi_wedding,
        "toi gift money collected, restaurant/tamada/photographer/musicians paid",
    ),
    (
        "pensioner_grandchildren",
        lk_pensioner_grandchildren,
        "pensioner sends small gifts to many grandchildren, tops up phones",
    ),
    (
        "past_victim_normal_life",
        lk_past_victim_normal,
        "fraud report of an old case, new phone, ordinary spending",
    ),
    ("licensed_crypto_buyer", lk_licensed_crypto, "repeated purchases on a licensed AIFC exchange"),
    (
        "honest_online_loan_spend",
        lk_honest_online_loan,
        "1414 bureau consent, online loan, reconfirmation, real purchases",
    ),
    (
        "new_phone_normal_payments",
        lk_new_phone,
        "new phone (and SIM): new-device login, phone change, ordinary payments",
    ),
    (
        "stopcredit_lift_branch_loan",
        lk_stopcredit_lift_branch,
        "Stop-credit lifted by its owner, branch loan days later",
    ),
    ("holiday_travel_abroad", lk_holiday_travel, "tour operator, flights, hotel abroad (USD)"),
    (
        "charity_surgery_collection",
        lk_charity_collection,
        "donations from many, then a large payment to a clinic abroad",
    ),
    (
        "holiday_goods_installments",
        lk_goods_installments,
        "goods loans from two or three lenders in one store visit",
    ),
    (
        "small_business_holiday_bonus",
        lk_small_business_bonus,
        "a cafe pays holiday bonuses to 8-15 staff in minutes",
    ),
    (
        "parent_tuition_abroad",
        lk_tuition_abroad,
        "tuition to a university in Russia/Czechia/Korea, money to the student",
    ),
    (
        "egov_services_new_laptop",
        lk_egov_daily,
        "1414/eGov codes, new-browser login, state fees and fines",
    ),
]


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------


def build(seed: int, n_persons: int) -> World:
    w = World(seed, n_persons)
    for _ in range(n_persons):
        w.new_person()
    w.link_world()
    w.free = [p for p in w.persons if not p.quiet]
    n_scam = max(3, round(8 * n_persons / 800))
    n_look = max(2, round(6 * n_persons / 800))
    for _, fn, _ in SCAMS:
        for i in range(n_scam):
            fn(w, i)
    for _, fn, _ in LOOKALIKES:
        for i in range(n_look):
            fn(w, i)
    new_customers(w)
    everyday(w)
    return w


def write(w: World, seed: int, out: str) -> dict[str, Any]:
    recs = w.finalize()
    os.makedirs(out, exist_ok=True)
    ev_path = os.path.join(out, f"{seed}.jsonl")
    lb_path = os.path.join(out, f"{seed}.labels.jsonl")
    counts = {"transfers": 0, "loans": 0, "customer_events": 0}
    fraud = stop = 0
    with (
        open(ev_path, "w", encoding="utf-8", newline="\n") as fe,
        open(lb_path, "w", encoding="utf-8", newline="\n") as fl,
    ):
        for r in recs:
            fe.write(
                json.dumps(
                    {"topic": r.topic, "event": r.ev}, ensure_ascii=False, separators=(",", ":")
                )
                + "\n"
            )
            lab = {"event_id": r.ev["event_id"], "event_type": r.ev["type"]}
            lab.update(r.label)
            fl.write(json.dumps(lab, ensure_ascii=False, separators=(",", ":")) + "\n")
            counts[r.topic] += 1
            fraud += r.label["is_fraud"]
            stop += r.label["should_stop"]
    return {
        "events": len(recs),
        "counts": counts,
        "fraud": fraud,
        "stop": stop,
        "paths": (ev_path, lb_path),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="population4.py", description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--persons", type=int, default=800)
    a = ap.parse_args(argv)
    if a.persons < 200:
        ap.error("--persons must be at least 200")
    w = build(a.seed, a.persons)
    s = write(w, a.seed, a.out)
    scams = {k: len(v) for k, v in w.instances.items() if w.kinds[k] == "scam"}
    looks = {k: len(v) for k, v in w.instances.items() if w.kinds[k] == "lookalike"}
    c = s["counts"]
    print(
        f"population4 seed={a.seed} persons={a.persons} bank={BANK_BIC}/{BANK_CODE} "
        "2026-03-20..23 (+05:00)"
    )
    print(
        f"events {s['events']}: transfers {c['transfers']}, loans {c['loans']}, "
        f"customer_events {c['customer_events']}"
    )
    print(f"fraud events {s['fraud']}, should_stop {s['stop']}")
    print(
        f"scam instances {sum(scams.values())} in {len(scams)} scenarios: "
        + ", ".join(f"{k}={v}" for k, v in scams.items())
    )
    print(
        f"look-alike instances {sum(looks.values())} in {len(looks)} scenarios: "
        + ", ".join(f"{k}={v}" for k, v in looks.items())
    )
    print(f"wrote {s['paths'][0]} and {s['paths'][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
