#!/usr/bin/env python3
"""Independent test population for the fraud screener (standard library only).

This is a second, independently written population of bank traffic, kept apart from the
screener's own generator (``screener.traffic``). It was written from the public contract
(CONTRACT.md §2) and the field notes (DOMAIN.md §2-§5) only, without reading the
screener's rules, so that a backtest on it checks that detection generalises beyond the
traffic the rules were tuned on. It holds:

* ordinary customers: salaries and pensions (transfers from employer / pension-fund BIN
  customers), purchases, bills, phone top-ups, family and friends, own deposits, and the
  occasional loan of ordinary life;
* honest look-alikes of fraud: sole traders, toi hosts collecting gifts, used-car
  purchases, giveaway payouts, new landlords, student allowances, remittances abroad,
  crypto purchases, bill splits, evening second-hand buys, honest online loans, new
  phones, past victims behaving normally, stop-credit holders, MFO refinance jugglers,
  charity collections and more;
* the scams of DOMAIN §2, each with several variants: 1414 / eGov SMS-code takeover in
  the evening, "safe account", loan-then-drain, dropper (mule) accounts and a known
  dropper, marketplace prepayment, investment scam, repeat victims, loans despite a
  stop-credit, multi-lender bursts and velocity bursts.

Writes, for one seed, a bank's event stream over a few days in Almaty time (+05:00):

  <out>/<seed>.jsonl          {"topic": "transfers"|"loans"|"customer_events", "event": {...}}
  <out>/<seed>.labels.jsonl   one label per event (transfers, loans and customer events)

The bank ("our bank", code 601, BIC HSBKKZKX) sees only what its own customers do: their
outgoing transfers, loan approvals from the credit-bureau feed (any lender), and customer
events. Money that mules receive from other banks' customers is not visible as events but
is forwarded all the same, as it would be.

The output depends only on the arguments: the same seed gives byte-identical files.

Run it (from the repository root; pass --out, the default is this directory) and
backtest it offline:

  python tests/independent/population.py --seed 105 --out /tmp/indep
  .venv/bin/screener backtest /tmp/indep/105.jsonl --labels /tmp/indep/105.labels.jsonl

Options: --customers (default 700, at least 200), --days (default 3),
--min-scam-instances, --scam-share, --lookalike-instances; see --help.
tests/unit/test_independent_population.py generates a small population in-process and
checks that it is valid at the boundary, labelled and reproducible.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
from collections import Counter, defaultdict
from functools import partial

TZ = dt.timezone(dt.timedelta(hours=5))
START = dt.datetime(2026, 3, 9, tzinfo=TZ)  # Monday (the 8 March holiday moved to it)
HOLIDAYS = {dt.date(2026, 3, 9)}

# --------------------------------------------------------------------------- identifiers

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_check_digit(first11: str) -> int | None:
    """Check digit of an IIN/BIN (DOMAIN.md §5); None when the number cannot be valid."""
    s = sum(int(c) * w for c, w in zip(first11, _W1, strict=False)) % 11
    if s == 10:
        s = sum(int(c) * w for c, w in zip(first11, _W2, strict=False)) % 11
        if s == 10:
            return None
    return s


def iin_valid(x: str) -> bool:
    if len(x) != 12 or not x.isdigit():
        return False
    c = iin_check_digit(x[:11])
    return c is not None and c == int(x[11])


def iban_check(country: str, bban: str) -> str:
    s = bban + country + "00"
    num = "".join(str(int(ch, 36)) for ch in s)
    return f"{98 - int(num) % 97:02d}"


def make_iban(country: str, bban: str) -> str:
    return country + iban_check(country, bban) + bban


def iban_valid(x: str) -> bool:
    s = x[4:] + x[:4]
    return int("".join(str(int(ch, 36)) for ch in s)) % 97 == 1


# --------------------------------------------------------------------------- banks, lenders

OUR_CODE, OUR_BIC = "601", "HSBKKZKX"
# code, BIC, weight as the bank of an outside person, account style
OTHER_BANKS = [
    ("722", "CASPKZKA", 34, "S"),
    ("856", "KCJBKZKX", 8, "9"),
    ("996", "IRTYKZKA", 7, "9"),
    ("998", "TSESKZKA", 6, "9"),
    ("948", "EURIKZKA", 5, "9"),
    ("551", "KSNVKZKA", 7, "9"),
    ("826", "ALFAKZKA", 3, "9"),
    ("886", "HCSKKZKA", 4, "9"),
    ("914", "BRKEKZKA", 4, "9"),
    ("849", "NURSKZKX", 2, "9"),
    ("432", "SHBKKZKA", 1, "9"),
]
BANK_LENDERS = [  # BIC, loan id prefix, weight online
    ("CASPKZKA", "KSP", 30),
    ("HSBKKZKX", "HB", 14),
    ("HCSKKZKA", "HC", 12),
    ("KCJBKZKX", "BCC", 8),
    ("IRTYKZKA", "FB", 7),
    ("TSESKZKA", "JS", 6),
    ("EURIKZKA", "EUB", 6),
    ("KSNVKZKA", "FRB", 8),
    ("BRKEKZKA", "BRK", 3),
    ("ALFAKZKA", "ALF", 3),
]
MFO_NAMES = [
    "KMF",
    "Solva",
    "Kredit24",
    "Zaimer",
    "Moneyman",
    "OneCredit",
    "Koke",
    "Robocash",
    "TengeBai",
    "Shinhan Finance",
    "Arnur Credit",
    "Creditplus",
]
FOREIGN_BIC = {
    "RU": ["SABRRUMM", "TICSRUMM", "ALFARUMM"],
    "KG": ["KICBKG22", "DEMIKG22"],
    "UZ": ["NBFAUZ2X", "KACHUZ22"],
    "TR": ["TCZBTR2A", "ISBKTRIS", "AKBKTRIS"],
    "GE": ["BAGAGE22", "TBCBGE22"],
    "AE": ["EBILAEAD", "NBADAEAA"],
    "CY": ["BCYPCY2N", "HEBACY2N"],
    "GB": ["REVOGB21", "BUKBGB22"],
    "LT": ["REVOLT21"],
    "EE": ["LHVBEE22"],
    "DE": ["DEUTDEFF"],
    "KR": ["KOEXKRSE"],
}
IBAN_FORMATS = {  # country: list of ("d"|"a"|"U", count) for the BBAN
    "TR": [("d", 5), ("0", 1), ("d", 16)],
    "GE": [("U", 2), ("d", 16)],
    "AE": [("d", 19)],
    "CY": [("d", 8), ("d", 16)],
    "GB": [("U", 4), ("d", 14)],
    "LT": [("d", 16)],
    "EE": [("d", 16)],
    "DE": [("d", 18)],
}
HOURS = [
    1,
    0.5,
    0.3,
    0.2,
    0.2,
    0.4,
    1,
    2.5,
    4,
    5,
    6,
    6.5,
    7,
    7,
    6.5,
    6,
    6,
    6.5,
    7.5,
    8,
    8,
    7,
    5,
    2.5,
]


class Recv:
    """A receiver as the sender's bank sees it."""

    __slots__ = ("account", "bank", "cid", "country", "kind", "mule", "person")

    def __init__(
        self, account, bank=None, country="KZ", kind="person", cid=None, mule=None, person=None
    ):
        self.account, self.bank, self.country, self.kind = account, bank, country, kind
        self.cid, self.mule, self.person = cid, mule, person


class Person:
    """A person customer of our bank."""

    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.family: list[Recv] = []
        self.friends: list[Recv] = []
        self.shops: list[Recv] = []
        self.billers: list[Recv] = []
        self.active_from = START
        self.tag = None  # (scenario, instance) for honest look-alike actors
        self.role = "ordinary"  # ordinary | lookalike | victim | mule
        self.everyday = True

    @property
    def recv(self) -> Recv:
        return Recv(self.iban, OUR_BIC, "KZ", "person", self.iin, person=self)


# --------------------------------------------------------------------------- generator


class Gen:
    def __init__(
        self, seed: int, n: int, days: int, min_scam: int, lookalikes: int | None, scam_share: float
    ):
        self.rng = random.Random(seed)
        self.seed, self.n, self.days = seed, n, days
        self.end = START + dt.timedelta(days=days)
        self.items: list = []  # [dt, seq, topic, event, label, meta]
        self.seq = 0
        self.used_ids: set[str] = set()
        self.used_accounts: set[str] = set()
        self.used_iins: set[str] = set()
        self.known_pre: dict[str, set] = defaultdict(set)
        self.instances: dict[str, list[str]] = defaultdict(list)
        self.involved: dict[str, set] = defaultdict(set)  # scenario -> customer ids
        # ~1.25 customers per scam instance; 11 scam scenarios
        share_based = round(scam_share * n / 1.25 / 11)
        self.n_scam = max(min_scam, share_based)
        self.n_look = lookalikes if lookalikes is not None else max(5, round(n / 120))

    # ---------------------------------------------------------------- random helpers
    def ln(self, median: float, sigma: float, lo: float = 0, hi: float = 1e12) -> float:
        return min(hi, max(lo, self.rng.lognormvariate(math.log(median), sigma)))

    def nice(self, x: float, step: int) -> int:
        return max(step, round(x / step) * step)

    def pick_w(self, pairs):
        r = self.rng.random() * sum(w for _, w in pairs)
        for v, w in pairs:
            r -= w
            if r <= 0:
                return v
        return pairs[-1][0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def hexid(self, bits: int = 64) -> str:
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"

    def uuid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        h = h[:12] + "4" + h[13:16] + "89ab"[int(h[16], 16) % 4] + h[17:]
        u = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        while u in self.used_ids:
            return self.uuid()
        self.used_ids.add(u)
        return u

    def poisson(self, lam: float) -> int:
        lim, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p < lim:
                return k
            k += 1

    def device(self, kind: str = "mobile") -> str:
        if kind == "web":
            return "web-" + self.hexid(64)
        return self.rng.choice(["and-", "and-", "ios-"]) + self.hexid(64)

    # ---------------------------------------------------------------- time helpers
    def day(self, d: int) -> dt.datetime:
        return START + dt.timedelta(days=d)

    def at(self, d: int, h0: float, h1: float) -> dt.datetime:
        return self.day(d) + dt.timedelta(seconds=self.rng.uniform(h0 * 3600, h1 * 3600))

    def when(self, h0: float, h1: float, dur_h: float = 3.0, day: int | None = None):
        d = self.rng.randrange(self.days) if day is None else min(day, self.days - 1)
        t = self.at(d, h0, h1)
        if t + dt.timedelta(hours=dur_h) > self.end:
            t = self.end - dt.timedelta(hours=dur_h) - dt.timedelta(minutes=self.rng.uniform(5, 60))
        return max(t, START + dt.timedelta(minutes=5))

    def typical_time(self, d: int) -> dt.datetime:
        h = self.pick_w(list(enumerate(HOURS)))
        return self.day(d) + dt.timedelta(hours=h, seconds=self.rng.uniform(0, 3599))

    def gap(self, a: float, b: float) -> dt.timedelta:
        """A random gap of a..b minutes (at least one second)."""
        return dt.timedelta(seconds=max(1, self.rng.uniform(a * 60, b * 60)))

    # ---------------------------------------------------------------- identifiers
    def iin(self, birth: dt.date, female: bool) -> str:
        base = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (1 if female else 0)
        while True:
            first = f"{birth:%y%m%d}{base}{self.rng.randrange(10000):04d}"
            c = iin_check_digit(first)
            if c is not None and first + str(c) not in self.used_iins:
                self.used_iins.add(first + str(c))
                return first + str(c)

    def bin(self, year: int | None = None, kind: str = "4") -> str:
        while True:
            y = year or self.rng.randint(1995, 2024)
            first = (
                f"{y % 100:02d}{self.rng.randint(1, 12):02d}{kind}0{self.rng.randrange(100000):05d}"
            )
            c = iin_check_digit(first)
            if c is not None and first + str(c) not in self.used_iins:
                self.used_iins.add(first + str(c))
                return first + str(c)

    def kz_account(self, code: str, style: str) -> str:
        while True:
            if style == "9":
                acct = f"{self.rng.randrange(10**13):013d}"
            else:
                acct = style + f"{self.rng.randrange(10**12):012d}"
            iban = make_iban("KZ", code + acct)
            if iban not in self.used_accounts:
                self.used_accounts.add(iban)
                return iban

    def our_account(self, deposit: bool = False) -> str:
        return self.kz_account(OUR_CODE, "D" if deposit else "A")

    def other_bank(self):
        b = self.pick_w([(b, b[2]) for b in OTHER_BANKS])
        return b

    def ext_kz_account(self):
        code, bic, _, style = self.other_bank()
        return self.kz_account(code, style), bic

    def foreign_iban(self, country: str) -> str:
        parts = []
        for kind, k in IBAN_FORMATS[country]:
            if kind == "d":
                parts.append("".join(str(self.rng.randrange(10)) for _ in range(k)))
            elif kind == "U":
                parts.append(
                    "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(k))
                )
            else:
                parts.append("0" * k)
        return make_iban(country, "".join(parts))

    def card_token(self) -> str:
        return "ct_" + self.hexid(96)

    def birth_for_age(self, lo: int, hi: int) -> dt.date:
        age = self.rng.randint(lo, hi)
        start = dt.date(START.year - age - 1, START.month, START.day) + dt.timedelta(days=1)
        return start + dt.timedelta(days=self.rng.randrange(364))

    # ---------------------------------------------------------------- receivers
    def ext_person(self, iin_known: float = 0.7, age: tuple[int, int] = (18, 75)) -> Recv:
        if self.chance(0.65):
            acct, bic = self.ext_kz_account()
            cid = (
                self.iin(self.birth_for_age(*age), self.chance(0.5))
                if self.chance(iin_known)
                else None
            )
            return Recv(acct, bic, "KZ", "person", cid)
        return Recv(
            self.card_token(), self.other_bank()[1] if self.chance(0.6) else None, "KZ", "person"
        )

    def business(self, name: str, kind: str = "business", ours: float = 0.3) -> Recv:
        if self.chance(ours):
            acct, bic = self.our_account(), OUR_BIC
        else:
            acct, bic = self.ext_kz_account()
        return Recv(acct, bic, "KZ", kind, self.bin())

    def foreign_person(self, country: str) -> Recv:
        if country in IBAN_FORMATS and self.chance(0.6):
            acct = self.foreign_iban(country)
        elif country in ("RU", "UZ") and self.chance(0.4):
            acct = (
                "40817810" if country == "RU" else "22618000"
            ) + f"{self.rng.randrange(10**12):012d}"
        else:
            acct = self.card_token()
        bic = (
            self.rng.choice(FOREIGN_BIC[country])
            if country in FOREIGN_BIC and self.chance(0.7)
            else None
        )
        return Recv(acct, bic, country, "person")

    # ---------------------------------------------------------------- emission
    def _push(self, t, topic, ev, label, meta=None):
        if t >= self.end or t < START:
            return None
        self.seq += 1
        ev["occurred_at"] = t.isoformat(timespec="seconds")
        self.items.append([t, self.seq, topic, ev, label, meta or {}])
        return ev

    def lab(self, scenario, instance, role, fraud=False, stop=False):
        return {
            "scenario": scenario,
            "instance": instance,
            "role": role,
            "is_fraud": fraud,
            "should_stop": stop,
        }

    def fraud_labeller(self, scenario, instance):
        """Labels of one scam instance: ``L(role, stop=False)``, always ``is_fraud``."""

        def label(role, stop=False):
            return self.lab(scenario, instance, role, True, stop)

        return label

    def transfer(
        self,
        t,
        sender,
        recv: Recv,
        amount: float,
        label,
        *,
        channel="mobile",
        device=None,
        known=False,
        sender_account=None,
        currency="KZT",
        cents=False,
    ):
        """Emit a transfer made by `sender` (Person or org dict)."""
        if t >= self.end or t < START:
            return None
        cid = sender.iin if isinstance(sender, Person) else sender["bin"]
        acct = sender_account or (sender.iban if isinstance(sender, Person) else sender["iban"])
        amt = round(amount, 2) if cents else round(amount)
        if amt <= 0:
            amt = 1
        ev = {
            "event_id": self.uuid(),
            "type": "transfer",
            "occurred_at": None,
            "customer_id": cid,
            "sender_account": acct,
            "receiver_account": recv.account,
            "amount": f"{amt:.2f}",
        }
        if currency != "KZT" or self.chance(0.5):
            ev["currency"] = currency
        ev["channel"] = channel
        if recv.bank:
            ev["receiver_bank"] = recv.bank
        if recv.country != "KZ" or self.chance(0.7):
            ev["receiver_country"] = recv.country
        if recv.kind != "unknown" and self.chance(0.97):
            ev["receiver_kind"] = recv.kind
        elif recv.kind == "unknown" and self.chance(0.5):
            ev["receiver_kind"] = "unknown"
        if recv.cid:
            ev["receiver_customer_id"] = recv.cid
        if channel in ("mobile", "web") and isinstance(sender, Person):
            ev["device_id"] = device or (
                sender.web_device if channel == "web" and sender.web_device else sender.device
            )
        elif channel == "api" and device:
            ev["device_id"] = device
        if known:
            self.known_pre[cid].add(recv.account)
        meta = {"omit_nb": self.chance(0.03)}
        r = self._push(t, "transfers", ev, label, meta)
        if r is not None and recv.mule is not None:
            recv.mule.inbox.append((t, amt))
        if r is not None and label and isinstance(sender, Person) and label["is_fraud"]:
            self.involved[label["scenario"]].add(cid)
        return r

    def loan(
        self,
        t,
        p: Person,
        amount: float,
        label,
        *,
        lender=None,
        kind=None,
        channel="online",
        product=None,
        secured=None,
        signed_before_min=None,
        disb=None,
        first=None,
        ipv=None,
    ):
        if kind is None:
            kind = "mfo" if self.chance(0.45) else "bank"
        if lender is None:
            lender = self.lender(kind)
        ev = {
            "event_id": self.uuid(),
            "type": "loan_approval",
            "occurred_at": None,
            "customer_id": p.iin,
            "loan_id": f"{lender[1]}-{t:%y%m}-{self.rng.randrange(10**8):08d}",
            "amount": f"{round(amount):.2f}",
        }
        if self.chance(0.4):
            ev["currency"] = "KZT"
        ev["lender_kind"] = kind
        if self.chance(0.95):
            ev["lender_id"] = lender[0]
        ev["channel"] = channel
        if product is not None or self.chance(0.5):
            ev["product"] = product or "consumer"
        if secured is not None:
            ev["secured"] = secured
        if signed_before_min is None:
            signed_before_min = (
                self.rng.uniform(0.5, 6) if channel == "online" else self.rng.uniform(5, 40)
            )
        if self.chance(0.85):
            ev["contract_signed_at"] = (t - dt.timedelta(minutes=signed_before_min)).isoformat(
                timespec="seconds"
            )
        if disb is not None or self.chance(0.85):
            ev["disbursement_account"] = disb or p.iban
        if first is not None:
            ev["first_loan"] = first
        elif self.chance(0.6):
            ev["first_loan"] = self.chance(0.35)
        if ipv is not None:
            ev["in_person_verified"] = ipv
        elif channel == "branch":
            ev["in_person_verified"] = True
        elif self.chance(0.5):
            ev["in_person_verified"] = False
        r = self._push(t, "loans", ev, label)
        if r is not None and label and label["is_fraud"]:
            self.involved[label["scenario"]].add(p.iin)
        return r

    def cev(self, t, p: Person, typ: str, label=None, **extra):
        ev = {"event_id": self.uuid(), "type": typ, "occurred_at": None, "customer_id": p.iin}
        ev.update(extra)
        return self._push(t, "customer_events", ev, label)

    def login(self, t, p: Person, label=None, new=False, device=None, web=False):
        d = device or (p.web_device if web and p.web_device else p.device)
        return self.cev(t, p, "login", label, new_device=new, device_id=d)

    def lender(self, kind: str):
        if kind == "bank":
            b = self.pick_w([(b, b[2]) for b in BANK_LENDERS])
            return (b[0], b[1])
        return self.rng.choice(self.mfos)

    def lenders_distinct(self, k: int, mfo_share: float = 0.5):
        out, seen = [], set()
        while len(out) < k:
            kind = "mfo" if self.chance(mfo_share) else "bank"
            lend = self.lender(kind)
            if lend[0] in seen:
                continue
            seen.add(lend[0])
            out.append((kind, lend))
        return out

    # ---------------------------------------------------------------- population
    def build(self):
        rng = self.rng
        self.mfos = [(self.bin(), n.upper().replace(" ", "")[:4]) for n in MFO_NAMES]
        # businesses
        shop_names = 70
        self.shops = [self.business("shop", ours=0.35) for _ in range(shop_names)]
        self.billers = [self.business("biller", ours=0.2) for _ in range(14)]
        self.services = [self.business("svc", kind="payment_service", ours=0.1) for _ in range(6)]
        self.restaurants = [self.business("restaurant") for _ in range(25)]
        self.clinics = [self.business("clinic") for _ in range(8)]
        self.suppliers = [self.business("supplier", ours=0.25) for _ in range(30)]
        self.mfo_repay = [
            Recv(self.ext_kz_account()[0], None, "KZ", "business", m[0]) for m in self.mfos
        ]
        for r in self.mfo_repay:
            r.bank = self.other_bank()[1]
        # crypto exchanges: KZ (AIFC) ones by IBAN, foreign ones through card gateways
        self.exchanges = []
        for _ in range(4):
            acct, bic = self.ext_kz_account()
            self.exchanges.append(Recv(acct, bic, "KZ", "crypto_exchange", self.bin(kind="4")))
        for c in ("LT", "AE", "SC", "KY"):
            self.exchanges.append(Recv(self.card_token(), None, c, "crypto_exchange"))
        self.remit_services = [
            Recv("PS" + f"{rng.randrange(10**10):010d}", None, "KZ", "payment_service", self.bin())
            for _ in range(3)
        ]
        # employers and the pension payer are BIN customers of our bank
        self.employers = []
        for _ in range(max(8, self.n // 30)):
            self.employers.append(
                {
                    "bin": self.bin(),
                    "iban": self.our_account(),
                    "payday": self.pick_w(
                        [(5, 2), (10, 5), (9, 1), (11, 1), (15, 2), (20, 1), (25, 2), (28, 1)]
                    ),
                    "staff": [],
                }
            )
        self.pension_payer = {"bin": self.bin(1998), "iban": self.our_account()}
        self.university = {"bin": self.bin(1996), "iban": self.our_account()}
        # persons
        ages = [
            (18, 22, 9),
            (23, 29, 16),
            (30, 39, 22),
            (40, 49, 18),
            (50, 59, 15),
            (60, 69, 12),
            (70, 80, 8),
        ]
        self.people: list[Person] = []
        for _ in range(self.n):
            lo, hi = self.pick_w([((a, b), w) for a, b, w in ages])
            female = self.chance(0.52)
            birth = self.birth_for_age(lo, hi)
            age = (START.date() - birth).days // 365
            age = START.year - birth.year - ((START.month, START.day) < (birth.month, birth.day))
            pens_age = 61 if female else 63
            if age >= pens_age:
                seg = "pensioner" if self.chance(0.85) else "worker"
            elif age <= 22 and self.chance(0.7):
                seg = "student"
            else:
                seg = self.pick_w([("worker", 75), ("self", 15), ("none", 10)])
            p = Person(
                iin=self.iin(birth, female),
                birth=birth,
                female=female,
                age=age,
                seg=seg,
                iban=self.our_account(),
                dep_iban=self.our_account(True) if self.chance(0.4) else None,
                device=self.device(),
                web_device=self.device("web") if self.chance(0.25) else None,
            )
            p.income = {
                "worker": self.nice(self.ln(320000, 0.5, 85000, 3e6), 1000),
                "pensioner": self.nice(self.ln(140000, 0.3, 60000, 500000), 1),
                "student": 0,
                "self": 0,
                "none": 0,
            }[seg]
            p.balance = self.ln(max(p.income, 120000) * 0.8, 1.0, 5000, 3e7)
            p.deposit = self.ln(1500000, 1.2, 100000, 8e7) if p.dep_iban else 0
            p.web_share = 0.35 if p.web_device else 0.0
            if seg == "worker":
                rng.choice(self.employers)["staff"].append(p)
                p.employer = True
            if seg == "pensioner":
                p.pension_day = rng.randint(1, 25)
            self.people.append(p)
        rng.shuffle(self.people)
        # social ties
        for p in self.people:
            for _ in range(rng.randint(2, 4)):
                if self.chance(0.5):
                    q = rng.choice(self.people)
                    if q is not p:
                        p.family.append(q.recv)
                        continue
                p.family.append(self.ext_person())
            for _ in range(rng.randint(1, 5)):
                if self.chance(0.45):
                    q = rng.choice(self.people)
                    if q is not p:
                        p.friends.append(q.recv)
                        continue
                p.friends.append(self.ext_person(0.5))
            p.shops = rng.sample(self.shops, rng.randint(5, 10))
            p.billers = rng.sample(self.billers, rng.randint(2, 4))
        self.free = list(self.people)

    def take(self, pred=lambda p: True, role="lookalike"):
        """Pick an unassigned person matching pred (or any unassigned one)."""
        for i, p in enumerate(self.free):
            if pred(p):
                self.free.pop(i)
                p.role = role
                return p
        p = self.free.pop(0)
        p.role = role
        return p

    def set_seg(self, p: Person, seg: str):
        if p.seg == "worker" and seg != "worker":
            for e in self.employers:
                if p in e["staff"]:
                    e["staff"].remove(p)
        p.seg = seg

    def daytime_after(self, t, lo_h: float, hi_h: float):
        """A time lo_h..hi_h hours after t, moved out of the night (00-08) and inside the window."""
        t2 = t + dt.timedelta(hours=self.rng.uniform(lo_h, hi_h))
        if t2.hour < 8:
            t2 = t2.replace(hour=self.rng.randint(8, 11), minute=self.rng.randrange(60))
        if t2 >= self.end - dt.timedelta(minutes=30) or t2 <= t:
            t2 = t + self.gap(15, 60)
        return t2

    def payers(self, k: int, exclude=()):
        """k distinct ordinary customers to act as payers (buyers, guests, friends)."""
        pool = [p for p in self.people if p.role in ("ordinary", "lookalike") and p not in exclude]
        return self.rng.sample(pool, min(k, len(pool)))

    def new_instance(self, scenario: str) -> str:
        inst = f"{scenario}-{len(self.instances[scenario]) + 1:02d}"
        self.instances[scenario].append(inst)
        return inst

    # ---------------------------------------------------------------- everyday life
    def everyday_all(self):
        for p in self.people:
            if p.everyday:
                self.everyday(p)
        for e in self.employers:
            for d in range(self.days):
                day = self.day(d)
                # a payday on a holiday is paid on the working day before it (outside this window)
                if day.day == e["payday"] and day.date() not in HOLIDAYS:
                    t = self.at(d, 9, 12.5)
                    for emp in e["staff"]:
                        t += dt.timedelta(seconds=self.rng.randint(1, 20))
                        lab = self.lab(*(emp.tag or ("everyday", "everyday")), "salary")
                        self.transfer(t, e, emp.recv, emp.income, lab, channel="api", known=True)
        for p in self.people:
            if p.seg == "pensioner":
                for d in range(self.days):
                    if self.day(d).day == p.pension_day and self.day(d).date() not in HOLIDAYS:
                        lab = self.lab(*(p.tag or ("everyday", "everyday")), "pension")
                        self.transfer(
                            self.at(d, 7, 11),
                            self.pension_payer,
                            p.recv,
                            p.income,
                            lab,
                            channel="api",
                            known=True,
                        )

    def everyday(self, p: Person):
        rng = self.rng
        scen, inst = p.tag or ("everyday", "everyday")
        rate = {"student": 1.6, "worker": 1.9, "pensioner": 0.8, "self": 2.0, "none": 1.2}[p.seg]
        for d in range(self.days):
            holiday = self.day(d).date() in HOLIDAYS
            for _ in range(self.poisson(rate * (0.85 if holiday else 1.0))):
                t = self.typical_time(d)
                if t < p.active_from:
                    continue
                r = rng.random()
                old = p.age >= 65
                if r < (0.1 if old else 0.03):
                    channel = "branch" if not holiday else "atm"
                elif r < (0.14 if old else 0.06):
                    channel = "atm"
                elif rng.random() < p.web_share:
                    channel = "web"
                else:
                    channel = "mobile"
                if channel in ("mobile", "web"):
                    if self.chance(0.9):
                        self.login(t, p, self.lab(scen, inst, "login"), web=channel == "web")
                    if self.chance(0.7 if channel == "web" else 0.06):
                        self.cev(
                            t + dt.timedelta(seconds=rng.randint(2, 30)),
                            p,
                            "sms_code_sent",
                            self.lab(scen, inst, "sms_code"),
                            source="bank",
                        )
                    if self.chance(0.004):
                        self.cev(
                            t - self.gap(1, 3),
                            p,
                            "password_reset",
                            self.lab(scen, inst, "password_reset"),
                        )
                n_tx = (
                    self.pick_w([(0, 25), (1, 45), (2, 20), (3, 10)])
                    if channel in ("mobile", "web")
                    else 1
                )
                for _ in range(n_tx):
                    t += self.gap(0.3, 6)
                    self.everyday_tx(t, p, channel, scen, inst)
            # loans of ordinary life, a few per thousand customers a day
            if self.chance(0.004) and not holiday:
                t = self.at(d, 9.5, 18)
                prod = self.pick_w(
                    [("consumer", 6), ("auto", 1), ("mortgage", 1), ("refinancing", 1)]
                )
                amt = self.nice(
                    self.ln(1200000 if prod == "consumer" else 6000000, 0.6, 200000, 6e7), 10000
                )
                self.loan(
                    t,
                    p,
                    amt,
                    self.lab(scen, inst, "loan_branch"),
                    kind="bank",
                    channel="branch",
                    product=prod,
                    secured=prod in ("auto", "mortgage"),
                )
            if self.chance(0.006):
                t = self.typical_time(d)
                if t >= p.active_from:
                    if self.chance(0.6):
                        self.cev(
                            t - self.gap(2, 6),
                            p,
                            "sms_code_sent",
                            self.lab(scen, inst, "sms_code"),
                            source=rng.choice(["1414", "egov"]),
                        )
                    kind = "mfo" if self.chance(0.4) else "bank"
                    amt = self.nice(
                        self.ln(90000 if kind == "mfo" else 400000, 0.7, 10000, 3e6), 1000
                    )
                    self.loan(t, p, amt, self.lab(scen, inst, "loan_online"), kind=kind)
            if self.chance(0.004):
                t = self.typical_time(d)
                if t >= p.active_from:
                    prod = rng.choice(["goods", "goods", "card_limit"])
                    amt = self.nice(self.ln(250000, 0.7, 30000, 1.5e6), 1000)
                    self.loan(
                        t, p, amt, self.lab(scen, inst, "loan_" + prod), kind="bank", product=prod
                    )

    def everyday_tx(self, t, p: Person, channel: str, scen: str, inst: str):
        rng = self.rng
        kinds = [
            ("purchase", 40),
            ("bill", 10),
            ("family", 14),
            ("friend", 10),
            ("topup", 8),
            ("p2p_new", 8),
            ("new_shop", 5),
        ]
        if p.dep_iban:
            kinds.append(("to_deposit", 3))
            kinds.append(("from_deposit", 1.5))
        if channel in ("branch", "atm"):
            kinds = [("bill", 5), ("family", 5), ("purchase", 1), ("topup", 2)]
        k = self.pick_w(kinds)
        lab = self.lab(scen, inst, k)
        if k == "purchase":
            self.transfer(
                t,
                p,
                rng.choice(p.shops),
                self.ln(5000, 0.9, 150, 400000),
                lab,
                channel=channel,
                known=True,
            )
        elif k == "new_shop":
            self.transfer(
                t, p, rng.choice(self.shops), self.ln(7000, 1.0, 200, 600000), lab, channel=channel
            )
        elif k == "bill":
            self.transfer(
                t,
                p,
                rng.choice(p.billers),
                self.ln(8000, 0.6, 500, 120000),
                lab,
                channel=channel,
                known=True,
            )
        elif k == "family":
            self.transfer(
                t,
                p,
                rng.choice(p.family),
                self.nice(self.ln(20000, 0.9, 1000, 800000), 1000),
                lab,
                channel=channel,
                known=True,
            )
        elif k == "friend":
            if p.friends:
                self.transfer(
                    t,
                    p,
                    rng.choice(p.friends),
                    self.nice(self.ln(6000, 0.8, 300, 200000), 500),
                    lab,
                    channel=channel,
                    known=True,
                )
        elif k == "topup":
            self.transfer(
                t,
                p,
                rng.choice(self.services),
                rng.choice([500, 1000, 1000, 2000, 3000, 5000]),
                lab,
                channel=channel,
                known=True,
            )
        elif k == "p2p_new":
            if self.chance(0.4):
                q = rng.choice(self.recv_pool)
                recv = q.recv if q is not p else self.ext_person()
            else:
                recv = self.ext_person()
            self.transfer(
                t, p, recv, self.nice(self.ln(6000, 1.0, 300, 300000), 100), lab, channel=channel
            )
        elif k == "to_deposit":
            self.transfer(
                t,
                p,
                Recv(p.dep_iban, OUR_BIC, "KZ", "person", p.iin),
                self.nice(self.ln(50000, 0.9, 5000, 3e6), 1000),
                lab,
                channel=channel,
                known=True,
            )
        elif k == "from_deposit":
            self.transfer(
                t,
                p,
                Recv(p.iban, OUR_BIC, "KZ", "person", p.iin),
                self.nice(self.ln(60000, 0.9, 5000, 3e6), 1000),
                lab,
                channel=channel,
                known=True,
                sender_account=p.dep_iban,
            )

    # ================================================================ honest look-alikes
    def la_sole_trader(self):
        s = "sole_trader"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 25 <= q.age <= 60 and q.seg in ("self", "worker", "none"))
            self.set_seg(p, "self")
            p.tag = (s, inst)
            regulars = self.payers(8, exclude=(p,))
            ticket = self.ln(9000, 0.4, 3000, 25000)
            for d in range(self.days):
                nb = self.rng.randint(15, 35)
                buyers = self.payers(nb, exclude=(p,))
                for i, b in enumerate(buyers):
                    repeat = i < len(regulars) and self.chance(0.25)
                    b = regulars[i] if repeat else b
                    t = self.at(d, 9, 21.5)
                    if self.chance(0.5):
                        self.login(t - self.gap(0.2, 2), b, self.lab(s, inst, "buyer_login"))
                    amt = self.nice(self.ln(ticket, 0.7, 2000, 60000), 100)
                    self.transfer(
                        t, b, p.recv, amt, self.lab(s, inst, "buyer_payment"), known=repeat
                    )
                for _ in range(self.rng.randint(1, 3)):
                    t = self.at(d, 10, 19)
                    sup = self.rng.choice(self.suppliers)
                    self.login(t - self.gap(0.5, 3), p, self.lab(s, inst, "login"))
                    self.transfer(
                        t,
                        p,
                        sup,
                        self.nice(self.ln(180000, 0.7, 30000, 1.5e6), 100),
                        self.lab(s, inst, "supplies"),
                        known=self.chance(0.7),
                        channel=self.rng.choice(["mobile", "mobile", "web"]),
                    )
                if self.chance(0.5):
                    self.transfer(
                        self.at(d, 19, 23),
                        p,
                        self.rng.choice(p.family),
                        self.nice(self.ln(40000, 0.7, 5000, 500000), 1000),
                        self.lab(s, inst, "family"),
                        known=True,
                    )
                if self.chance(0.35):
                    self.transfer(
                        self.at(d, 12, 22),
                        p,
                        self.ext_person(),
                        self.nice(self.ln(45000, 0.8, 5000, 400000), 500),
                        self.lab(s, inst, "private_purchase"),
                    )
                if self.chance(0.3):
                    acct, bic = self.ext_kz_account() if not hasattr(p, "own_ext") else p.own_ext
                    p.own_ext = (acct, bic)
                    self.transfer(
                        self.at(d, 20, 23.5),
                        p,
                        Recv(acct, bic, "KZ", "person", p.iin),
                        self.nice(self.ln(250000, 0.6, 50000, 2e6), 1000),
                        self.lab(s, inst, "own_other_bank"),
                        known=self.chance(0.8),
                    )

    def la_toi_host(self):
        s = "toi_host"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 28 <= q.age <= 70)
            p.tag = (s, inst)
            d = self.rng.randrange(self.days)
            guests = self.payers(self.rng.randint(30, 150), exclude=(p,))
            for g in guests:
                t = self.at(d, 16, 24) if self.chance(0.85) else self.at(d, 9, 16)
                amt = self.pick_w(
                    [
                        (10000, 20),
                        (15000, 8),
                        (20000, 25),
                        (25000, 5),
                        (30000, 12),
                        (50000, 18),
                        (70000, 2),
                        (100000, 8),
                    ]
                )
                self.transfer(
                    t, g, p.recv, amt, self.lab(s, inst, "guest_gift"), known=self.chance(0.3)
                )
            t_pay = self.at(d + 1, 10, 15) if d + 1 < self.days else self.at(d, 23.0, 23.9)
            rest = self.rng.choice(self.restaurants)
            self.login(t_pay - self.gap(1, 5), p, self.lab(s, inst, "login"))
            total = sum(1 for _ in guests) * 30000
            self.transfer(
                t_pay,
                p,
                rest,
                self.nice(self.ln(max(1e6, total * 0.9), 0.3, 800000, 8e6), 1000),
                self.lab(s, inst, "restaurant"),
                known=self.chance(0.4),
            )
            for role in ("toastmaster", "singer", "photographer"):
                if self.chance(0.6):
                    self.transfer(
                        t_pay + self.gap(2, 30),
                        p,
                        self.ext_person(0.8),
                        self.nice(self.ln(250000, 0.5, 80000, 1e6), 10000),
                        self.lab(s, inst, role),
                    )
            if self.chance(0.5):
                self.transfer(
                    t_pay + self.gap(30, 120),
                    p,
                    self.rng.choice(p.family),
                    self.nice(self.ln(300000, 0.6, 50000, 2e6), 10000),
                    self.lab(s, inst, "family"),
                    known=True,
                )

    def la_used_car(self):
        s = "used_car_purchase"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 23 <= q.age <= 65)
            p.tag = (s, inst)
            t = self.when(10, 18, 4)
            price = self.nice(self.ln(4500000, 0.5, 1200000, 2e7), 50000)
            v = self.rng.random()
            self.login(t - self.gap(2, 10), p, self.lab(s, inst, "login"))
            if v < 0.35:
                if not p.dep_iban:
                    p.dep_iban = self.our_account(True)
                self.transfer(
                    t - self.gap(10, 60),
                    p,
                    Recv(p.iban, OUR_BIC, "KZ", "person", p.iin),
                    price,
                    self.lab(s, inst, "deposit_close"),
                    sender_account=p.dep_iban,
                    known=True,
                )
            elif v < 0.6:
                branch = self.chance(0.5)
                self.loan(
                    t - self.gap(60, 240) if branch else t - self.gap(20, 90),
                    p,
                    self.nice(price * self.rng.uniform(0.5, 0.9), 10000),
                    self.lab(s, inst, "car_loan"),
                    kind="bank",
                    channel="branch" if branch else "online",
                    product=self.rng.choice(["auto", "consumer"]),
                    secured=branch,
                )
            if self.chance(0.8):  # sellers are paid by IBAN with their IIN, as a car sale is
                acct, bic = self.ext_kz_account()
                seller = Recv(
                    acct,
                    bic,
                    "KZ",
                    "person",
                    self.iin(self.birth_for_age(25, 70), self.chance(0.3)),
                )
            else:
                seller = self.rng.choice(self.recv_pool).recv
            channel = "branch" if self.chance(0.25) else "mobile"
            if self.chance(0.4):
                adv = self.nice(price * self.rng.uniform(0.05, 0.2), 10000)
                t_adv = t - dt.timedelta(hours=self.rng.uniform(2, 20))
                if t_adv.hour < 8:
                    t_adv = t_adv.replace(hour=self.rng.randint(9, 12))
                self.transfer(
                    min(t_adv, t - self.gap(30, 90)),
                    p,
                    seller,
                    adv,
                    self.lab(s, inst, "car_advance"),
                )
                price -= adv
            if self.chance(0.3):
                part = self.nice(price * self.rng.uniform(0.4, 0.6), 10000)
                self.transfer(t, p, seller, part, self.lab(s, inst, "car_payment"), channel=channel)
                self.transfer(
                    t + self.gap(1, 10),
                    p,
                    seller,
                    price - part,
                    self.lab(s, inst, "car_payment"),
                    channel=channel,
                )
            else:
                self.transfer(
                    t, p, seller, price, self.lab(s, inst, "car_payment"), channel=channel
                )
            if self.chance(0.4):
                self.transfer(
                    t + self.gap(30, 180),
                    p,
                    self.rng.choice(self.shops),
                    self.nice(self.ln(15000, 0.5), 100),
                    self.lab(s, inst, "registration_fee"),
                )

    def la_student(self):
        s = "student_allowance"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 18 <= q.age <= 22)
            self.set_seg(p, "student")
            p.tag = (s, inst)
            parents = [
                self.take(lambda q: 38 <= q.age <= 62, role="ordinary")
                for _ in range(self.rng.randint(1, 2))
            ]
            for par in parents:
                par.role = "ordinary"
                for d in self.rng.sample(range(self.days), self.rng.randint(1, min(2, self.days))):
                    self.transfer(
                        self.typical_time(d),
                        par,
                        p.recv,
                        self.nice(self.ln(40000, 0.6, 5000, 250000), 1000),
                        self.lab(s, inst, "parent_payment"),
                        known=True,
                    )
            if self.chance(0.5):
                self.transfer(
                    self.at(0, 9, 12),
                    self.university,
                    p.recv,
                    self.rng.choice([38000, 52000, 84000]),
                    self.lab(s, inst, "stipend"),
                    channel="api",
                    known=True,
                )
            for _ in range(self.rng.randint(3, 9)):
                t = self.typical_time(self.rng.randrange(self.days))
                friend = (
                    self.rng.choice(p.friends)
                    if p.friends and self.chance(0.6)
                    else (
                        self.rng.choice(self.recv_pool).recv
                        if self.chance(0.5)
                        else self.ext_person(0.4, (18, 24))
                    )
                )
                self.transfer(
                    t,
                    p,
                    friend,
                    self.nice(self.ln(4000, 0.8, 500, 40000), 100),
                    self.lab(s, inst, "friend_payment"),
                    known=friend in p.friends,
                )
            if self.chance(0.5):
                self.transfer(
                    self.at(self.rng.randrange(self.days), 10, 20),
                    p,
                    self.ext_person(0.9, (30, 70)),
                    self.nice(self.ln(60000, 0.3, 25000, 150000), 1000),
                    self.lab(s, inst, "rent"),
                    known=True,
                )

    def la_remittance(self):
        s = "remittance_abroad"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 22 <= q.age <= 65)
            p.tag = (s, inst)
            country = self.pick_w([("RU", 4), ("KG", 3), ("UZ", 3), ("TR", 2)])
            kin = [self.foreign_person(country) for _ in range(self.rng.randint(1, 2))]
            via_service = self.chance(0.35)
            for _ in range(self.rng.randint(1, 3)):
                t = self.typical_time(self.rng.randrange(self.days))
                k = self.rng.choice(kin)
                cur, amt = "KZT", self.nice(self.ln(70000, 0.6, 15000, 600000), 1000)
                if self.chance(0.15):
                    cur = "RUB" if country == "RU" else "USD"
                    amt = self.nice(amt / (0.2 if cur == "RUB" else 510), 10)
                if via_service:
                    r = self.rng.choice(self.remit_services)
                    r = Recv(r.account, r.bank, country, "payment_service", r.cid)
                else:
                    r = k
                self.transfer(
                    t, p, r, amt, self.lab(s, inst, "remittance"), known=True, currency=cur
                )

    def la_crypto(self):
        s = "crypto_purchase"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 19 <= q.age <= 55)
            p.tag = (s, inst)
            ex = self.rng.choice(self.exchanges)
            first = self.chance(0.4)
            for _ in range(self.rng.randint(1, 3)):
                t = self.typical_time(self.rng.randrange(self.days))
                if self.chance(0.2):
                    r = self.ext_person(0.3)
                    self.transfer(
                        t,
                        p,
                        r,
                        self.nice(self.ln(60000, 0.9, 5000, 1.5e6), 100),
                        self.lab(s, inst, "p2p_buy"),
                    )
                else:
                    self.transfer(
                        t,
                        p,
                        ex,
                        self.nice(self.ln(60000, 1.0, 5000, 1.5e6), 100),
                        self.lab(s, inst, "exchange_buy"),
                        known=not first,
                    )

    def la_own_move(self):
        s = "own_account_move"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: q.age >= 25)
            p.tag = (s, inst)
            t = self.when(9, 21, 2)
            amt = self.nice(self.ln(2000000, 0.8, 300000, 3e7), 10000)
            self.login(t - self.gap(1, 5), p, self.lab(s, inst, "login"))
            if self.chance(0.5):
                if not p.dep_iban:
                    p.dep_iban = self.our_account(True)
                self.transfer(
                    t - self.gap(1, 4),
                    p,
                    Recv(p.iban, OUR_BIC, "KZ", "person", p.iin),
                    amt,
                    self.lab(s, inst, "deposit_close"),
                    sender_account=p.dep_iban,
                    known=True,
                )
            acct, bic = self.ext_kz_account()
            new = self.chance(0.5)
            if self.chance(0.3):
                part = self.nice(amt * 0.5, 10000)
                self.transfer(
                    t,
                    p,
                    Recv(acct, bic, "KZ", "person", p.iin),
                    part,
                    self.lab(s, inst, "own_transfer"),
                    known=not new,
                )
                self.transfer(
                    t + self.gap(1, 20),
                    p,
                    Recv(acct, bic, "KZ", "person", p.iin),
                    amt - part,
                    self.lab(s, inst, "own_transfer"),
                    known=not new,
                )
            else:
                self.transfer(
                    t,
                    p,
                    Recv(acct, bic, "KZ", "person", p.iin),
                    amt,
                    self.lab(s, inst, "own_transfer"),
                    known=not new,
                    channel=self.rng.choice(["mobile", "mobile", "web"]),
                )

    def la_landlord(self):
        s = "new_landlord"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 20 <= q.age <= 50)
            p.tag = (s, inst)
            t = self.when(10, 20, 1)
            ll = (
                self.ext_person(0.85, (30, 75))
                if self.chance(0.85)
                else self.rng.choice(self.recv_pool).recv
            )
            rent = self.nice(self.ln(220000, 0.4, 80000, 900000), 5000)
            self.transfer(t, p, ll, rent, self.lab(s, inst, "rent_payment"))
            if self.chance(0.5):
                self.transfer(t + self.gap(1, 15), p, ll, rent, self.lab(s, inst, "rent_deposit"))
            if self.chance(0.35):
                self.transfer(
                    t + self.gap(5, 60),
                    p,
                    self.ext_person(0.5) if self.chance(0.6) else self.rng.choice(self.shops),
                    self.nice(rent * 0.5, 1000),
                    self.lab(s, inst, "realtor_fee"),
                )

    def la_bill_split(self):
        s = "bill_split"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 19 <= q.age <= 50)
            p.tag = (s, inst)
            t = self.when(19, 22.5, 3)
            if self.chance(0.6):
                friends = self.payers(self.rng.randint(3, 12), exclude=(p,))
                bill = self.nice(self.ln(15000, 0.4, 5000, 40000), 100) * (len(friends) + 1)
                self.transfer(
                    t, p, self.rng.choice(self.restaurants), bill, self.lab(s, inst, "restaurant")
                )
                for f in friends:
                    share = self.nice(bill / (len(friends) + 1) * self.rng.uniform(0.8, 1.2), 100)
                    self.transfer(
                        t + self.gap(1, 120),
                        f,
                        p.recv,
                        share,
                        self.lab(s, inst, "friend_share"),
                        known=self.chance(0.4),
                    )
            else:
                friend = self.rng.choice(p.friends) if p.friends else self.ext_person()
                for _ in range(self.rng.randint(4, 10)):
                    t += self.gap(3, 25)
                    self.transfer(
                        t,
                        p,
                        friend,
                        self.nice(self.ln(4000, 0.6, 500, 20000), 100),
                        self.lab(s, inst, "small_payment"),
                        known=friend in p.friends,
                    )

    def la_secondhand(self):
        s = "secondhand_evening"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 20 <= q.age <= 60)
            p.tag = (s, inst)
            t = self.when(18, 21, 4)
            for _ in range(self.rng.randint(3, 7)):
                t += self.gap(5, 50)
                self.transfer(
                    t,
                    p,
                    self.ext_person(0.5),
                    self.nice(self.ln(15000, 0.9, 3000, 80000), 500),
                    self.lab(s, inst, "seller_payment"),
                )

    def la_online_loan(self):
        s = "honest_online_loan"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 21 <= q.age <= 65)
            p.tag = (s, inst)
            t = self.when(8, 22, 4)
            new_dev = self.chance(0.15)
            dev = self.device() if new_dev else None
            self.login(t - self.gap(5, 15), p, self.lab(s, inst, "login"), new=new_dev, device=dev)
            if new_dev:
                p.device = dev
            self.cev(
                t - self.gap(3, 5),
                p,
                "sms_code_sent",
                self.lab(s, inst, "sms_code"),
                source=self.rng.choice(["1414", "1414", "egov"]),
            )
            self.cev(
                t - self.gap(0.5, 2),
                p,
                "sms_code_sent",
                self.lab(s, inst, "sms_code"),
                source="bank",
            )
            kind = "mfo" if self.chance(0.35) else "bank"
            amt = self.nice(self.ln(120000 if kind == "mfo" else 700000, 0.7, 20000, 4e6), 1000)
            self.loan(t, p, amt, self.lab(s, inst, "loan"), kind=kind)
            if self.chance(0.6):
                r = self.pick_w(
                    [
                        (self.rng.choice(self.shops), 3),
                        (self.rng.choice(self.clinics), 1),
                        (self.ext_person(0.8), 2),
                        (self.rng.choice(p.family), 1),
                    ]
                )
                self.transfer(
                    t + self.gap(20, 300),
                    p,
                    r,
                    self.nice(amt * self.rng.uniform(0.3, 0.95), 1000),
                    self.lab(s, inst, "spend"),
                    device=dev,
                    known=r in p.family,
                )

    def la_new_device(self):
        s = "new_phone"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take()
            p.tag = (s, inst)
            t = self.when(9, 21, 3)
            dev = self.device()
            if self.chance(0.3):
                self.cev(
                    t - self.gap(5, 30), p, "phone_changed", self.lab(s, inst, "phone_changed")
                )
            if self.chance(0.4):
                self.cev(
                    t - self.gap(1, 4), p, "password_reset", self.lab(s, inst, "password_reset")
                )
            self.login(t, p, self.lab(s, inst, "login"), new=True, device=dev)
            p.device = dev
            for _ in range(self.rng.randint(1, 3)):
                t += self.gap(2, 40)
                r = self.rng.choice(p.shops + p.family)
                self.transfer(
                    t,
                    p,
                    r,
                    self.nice(self.ln(12000, 0.8, 500, 300000), 100),
                    self.lab(s, inst, "payment"),
                    device=dev,
                    known=True,
                )
            if self.chance(0.5):
                self.transfer(
                    t + self.gap(5, 60),
                    p,
                    self.ext_person(),
                    self.nice(self.ln(20000, 0.8), 500),
                    self.lab(s, inst, "new_person_payment"),
                    device=dev,
                )

    def la_past_victim(self):
        s = "past_victim_normal"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: q.age >= 25)
            p.tag = (s, inst)
            t = self.at(0, 9, 17)
            extra = {"account": p.iban} if self.chance(0.4) else {}
            if self.chance(0.3):
                extra = {"account": self.ext_kz_account()[0]}
            self.cev(t, p, "fraud_reported", self.lab(s, inst, "fraud_reported"), **extra)
            if self.chance(0.5):
                self.transfer(
                    self.typical_time(self.rng.randrange(self.days)),
                    p,
                    self.ext_person(),
                    self.nice(self.ln(25000, 0.8), 500),
                    self.lab(s, inst, "new_person_payment"),
                )

    def la_stopcredit(self):
        s = "stopcredit_honest"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: q.age >= 21)
            p.tag = (s, inst)
            t = self.when(9, 20, 10)
            if self.chance(0.5):
                self.cev(t, p, "loan_optout_set", self.lab(s, inst, "optout_set"))
            else:
                self.cev(t, p, "loan_optout_lifted", self.lab(s, inst, "optout_lifted"))
                t2 = t + dt.timedelta(hours=self.rng.uniform(1, 8))
                branch = self.chance(0.6)
                amt = self.nice(self.ln(2500000 if branch else 500000, 0.6, 100000, 3e7), 10000)
                self.loan(
                    t2,
                    p,
                    amt,
                    self.lab(s, inst, "loan"),
                    kind="bank",
                    channel="branch" if branch else "online",
                    product=self.rng.choice(["mortgage", "auto", "consumer"])
                    if branch
                    else "consumer",
                )

    def la_mfo_juggler(self):
        s = "mfo_refinance_juggler"
        for _ in range(self.n_look):
            inst = self.new_instance(s)
            p = self.take(lambda q: 23 <= q.age <= 60)
            p.tag = (s, inst)
            t = self.when(9, 20, 4)
            for kind, lend in self.lenders_distinct(self.rng.randint(2, 3), mfo_share=0.9):
                t += self.gap(10, 80)
                amt = self.nice(self.ln(70000, 0.5, 15000, 300000), 1000)
                self.loan(t, p, amt, self.lab(s, inst, "loan"), kind=kind, lender=lend, first=False)
                rep = self.rng.choice(self.mfo_repay)
                self.transfer(
                    t + self.gap(5, 40),
                    p,
                    rep,
                    self.nice(amt * self.rng.uniform(0.8, 1.1), 100),
                    self.lab(s, inst, "mfo_repayment"),
                    known=True,
                )

    def la_charity(self):
        s = "charity_collection"
        for _ in range(max(3, self.n_look // 2)):
            inst = self.new_instance(s)
            p = self.take(lambda q: 25 <= q.age <= 60)
            p.tag = (s, inst)
            t0 = self.when(9, 14, 30)
            donors = self.payers(self.rng.randint(20, 80), exclude=(p,))
            last = t0
            for dn in donors:
                t = t0 + dt.timedelta(hours=self.rng.uniform(0, 30))
                last = max(last, t)
                self.transfer(
                    t,
                    dn,
                    p.recv,
                    self.nice(self.ln(5000, 0.9, 500, 100000), 100),
                    self.lab(s, inst, "donation"),
                )
            total = len(donors) * 8000
            if self.chance(0.5):
                c = self.rng.choice(["TR", "DE", "KR"])
                clinic = Recv(
                    self.foreign_iban(c) if c in IBAN_FORMATS else self.card_token(),
                    self.rng.choice(FOREIGN_BIC[c]),
                    c,
                    "business",
                )
                self.transfer(
                    last + self.gap(20, 120),
                    p,
                    clinic,
                    round(total / 510, 2),
                    self.lab(s, inst, "clinic_payment"),
                    currency="USD",
                    cents=True,
                )
            else:
                self.transfer(
                    last + self.gap(20, 120),
                    p,
                    self.rng.choice(self.clinics),
                    total,
                    self.lab(s, inst, "clinic_payment"),
                )

    def la_giveaway(self):
        s = "giveaway_payouts"
        for _ in range(max(3, self.n_look // 2)):
            inst = self.new_instance(s)
            p = self.take(lambda q: 20 <= q.age <= 40)
            p.tag = (s, inst)
            t = self.when(12, 21, 2)
            self.login(t - self.gap(1, 3), p, self.lab(s, inst, "login"))
            prize = self.rng.choice([5000, 10000, 20000, 50000])
            for _ in range(self.rng.randint(20, 40)):
                t += self.gap(0.2, 1.5)
                r = (
                    self.rng.choice(self.recv_pool).recv
                    if self.chance(0.4)
                    else self.ext_person(0.2)
                )
                self.transfer(t, p, r, prize, self.lab(s, inst, "prize_payout"))

    # ================================================================ scams
    def ext_mule(self) -> Recv:
        """A mule account at another bank (reused across victims now and then)."""
        if self.ext_mules and self.chance(0.35):
            return self.rng.choice(self.ext_mules)
        if self.chance(0.6):
            acct, bic = self.ext_kz_account()
            cid = (
                self.iin(self.birth_for_age(18, 30), self.chance(0.4)) if self.chance(0.7) else None
            )
            r = Recv(acct, bic, "KZ", "person", cid)
        else:
            r = Recv(
                self.card_token(),
                self.other_bank()[1] if self.chance(0.5) else None,
                "KZ",
                self.rng.choice(["person", "person", "unknown"]),
            )
        self.ext_mules.append(r)
        return r

    def scam_receiver(self, t) -> Recv:
        """Where a scammer tells the victim to send money: our mule or another bank's."""
        ours = [m for m in self.mules if m.active_from < t - dt.timedelta(minutes=10)]
        if ours and self.chance(0.3):
            m = self.rng.choice(ours)
            return Recv(m.mule_account, OUR_BIC, "KZ", "person", m.iin, mule=m)
        return self.ext_mule()

    def drain(
        self,
        t,
        p,
        total,
        label_fn,
        *,
        n=None,
        receivers=None,
        device=None,
        channel="mobile",
        gap=(1, 25),
    ):
        """Victim's money out in n chunks to 1..3 new receivers; returns time of the last."""
        n = n or self.pick_w([(1, 35), (2, 30), (3, 20), (4, 15)])
        receivers = receivers or [
            self.scam_receiver(t) for _ in range(self.rng.randint(1, min(3, n)))
        ]
        weights = [self.rng.uniform(0.5, 1.5) for _ in range(n)]
        left = total
        for i in range(n):
            amt = left if i == n - 1 else self.nice(total * weights[i] / sum(weights), 1000)
            amt = min(amt, left)
            if amt <= 0:
                break
            left -= amt
            t += self.gap(*gap)
            self.transfer(
                t, p, receivers[i % len(receivers)], amt, label_fn(), channel=channel, device=device
            )
        return t

    def victim(self, lo=18, hi=80):
        return self.take(lambda q: lo <= q.age <= hi, role="victim")

    def sc_dropper_setup(self):
        """Create the mule accounts of our bank first, so that other scams can pay into them."""
        s = "dropper_mule"
        self.mules = []
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            young = self.chance(0.7)
            m = self.take(
                (lambda q: 18 <= q.age <= 24) if young else (lambda q: 25 <= q.age <= 45),
                role="mule",
            )
            m.inst, m.inbox = inst, []
            m.variant = self.pick_w([("new_customer", 35), ("new_account", 25), ("rented_old", 40)])
            m.fwd_policy = self.pick_w([("crypto", 40), ("abroad", 30), ("mule", 20), ("mix", 10)])
            t_open = self.when(8, 20, 14, day=self.rng.randrange(max(1, self.days - 1)))
            if m.variant == "new_customer":
                m.active_from = t_open
                m.mule_account = m.iban
                self.cev(
                    t_open,
                    m,
                    "account_opened",
                    self.lab(s, inst, "account_opened", True),
                    account=m.iban,
                )
                if self.chance(0.6):
                    self.login(
                        t_open + self.gap(5, 60), m, self.lab(s, inst, "login", True), new=True
                    )
            elif m.variant == "new_account":
                m.mule_account = self.our_account()
                m.active_from = t_open
                self.cev(
                    t_open,
                    m,
                    "account_opened",
                    self.lab(s, inst, "account_opened", True),
                    account=m.mule_account,
                )
            else:
                m.mule_account = m.iban
                m.active_from = t_open
            m.fwd_device = None
            if m.variant != "new_customer" and self.chance(0.6):
                m.fwd_device = self.device()  # the buyer of the account works from his phone
                self.login(
                    t_open + self.gap(1, 30),
                    m,
                    self.lab(s, inst, "login", True),
                    new=True,
                    device=m.fwd_device,
                )
            elif m.variant == "new_customer":
                m.fwd_device = m.device
            m.everyday = m.variant != "new_customer"
            m.active_from = t_open + dt.timedelta(minutes=30)
            self.mules.append(m)
            self.involved[s].add(m.iin)
        # dedicated victims who pay the mules (told it is a seller or a "safe account")
        for m in self.mules:
            for _ in range(self.rng.randint(1, 2)):
                v = self.victim(18, 75)
                t = self.daytime_after(m.active_from, 0.2, 8)
                lab = partial(self.lab, s, m.inst, "victim_payment", True, True)
                self.login(t - self.gap(1, 8), v, self.lab(s, m.inst, "victim_login", True))
                amt = self.nice(self.ln(150000, 1.0, 15000, 3e6), 1000)
                r = Recv(m.mule_account, OUR_BIC, "KZ", "person", m.iin, mule=m)
                self.drain(t, v, amt, lab, n=self.rng.choice([1, 1, 2]), receivers=[r])

    def sc_dropper_forward(self):
        """Mules forward 90-99 % of what came in (also from other banks) within minutes/hours."""
        s = "dropper_mule"
        for idx, m in enumerate(self.mules):
            inbox = sorted(m.inbox)
            if not inbox:
                continue
            # money from other banks' victims: invisible here, but forwarded too
            span_end = inbox[-1][0] + dt.timedelta(hours=2)
            for _ in range(self.rng.randint(0, 4)):
                t = m.active_from + (span_end - m.active_from) * self.rng.random()
                inbox.append((t, self.nice(self.ln(120000, 0.9, 10000, 2e6), 1000)))
            inbox.sort()
            pending, fwd_at, events = 0.0, None, []
            for t, amt in inbox:
                if fwd_at is not None and t > fwd_at:
                    events.append((fwd_at, pending))
                    pending, fwd_at = 0.0, None
                pending += amt
                if fwd_at is None:
                    fwd_at = t + self.gap(3, 70)
            if pending:
                events.append((fwd_at, pending))
            later = [q for q in self.mules[idx + 1 :]]
            dests_used: list[Recv] = []
            for t, amt in events:
                out = self.nice(amt * self.rng.uniform(0.90, 0.99), 100)
                chunks = 1 if out < 800000 else self.rng.randint(1, 3)
                for c in range(chunks):
                    part = out if chunks == 1 else self.nice(out / chunks, 100)
                    pol = (
                        m.fwd_policy
                        if m.fwd_policy != "mix"
                        else self.rng.choice(["crypto", "abroad", "mule"])
                    )
                    if dests_used and self.chance(0.5):
                        dest = self.rng.choice(dests_used)
                    elif pol == "crypto":
                        dest = (
                            self.rng.choice(self.exchanges)
                            if self.chance(0.8)
                            else self.ext_person(0.2)
                        )
                        if dest.kind == "person":
                            dest = Recv(
                                dest.account, dest.bank, "KZ", "person", dest.cid
                            )  # P2P seller
                    elif pol == "abroad":
                        dest = self.foreign_person(
                            self.rng.choice(["RU", "KG", "UZ", "GE", "AE", "TR"])
                        )
                        if self.chance(0.3):
                            dest.kind = "unknown"
                    else:
                        cand = [q for q in later if q.active_from < t]
                        if cand and self.chance(0.6):
                            q = self.rng.choice(cand)
                            dest = Recv(q.mule_account, OUR_BIC, "KZ", "person", q.iin, mule=q)
                        else:
                            dest = self.ext_mule()
                    dests_used.append(dest)
                    ch = "web" if self.chance(0.15) else "mobile"
                    self.transfer(
                        t + dt.timedelta(seconds=c * self.rng.randint(20, 240)),
                        m,
                        dest,
                        part,
                        self.lab(s, m.inst, "mule_forward", True, True),
                        sender_account=m.mule_account,
                        device=m.fwd_device,
                        channel=ch,
                    )

    def sc_1414(self):
        s = "sms1414_evening"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(28, 75)
            L = self.fraud_labeller(s, inst)
            t = self.when(16.5, 21.5, 4)
            self.cev(
                t, p, "sms_code_sent", L("sms_code"), source="1414" if self.chance(0.7) else "egov"
            )
            if self.chance(0.4):
                t += self.gap(2, 10)
                self.cev(
                    t,
                    p,
                    "sms_code_sent",
                    L("sms_code"),
                    source=self.rng.choice(["1414", "egov", "bank"]),
                )
            new_dev = self.chance(0.65)
            dev = self.device() if new_dev else p.device
            t += self.gap(3, 25)
            if new_dev and self.chance(0.3):
                self.cev(t - self.gap(0.5, 2), p, "password_reset", L("password_reset"))
            if new_dev and self.chance(0.15):
                self.cev(t - self.gap(2, 5), p, "phone_changed", L("phone_changed"))
            self.login(t, p, L("login"), new=new_dev, device=dev)
            if self.chance(0.25):  # first the balance itself
                t += self.gap(3, 15)
                bal = self.nice(p.balance * self.rng.uniform(0.7, 1.0), 1000)
                t = self.drain(t, p, bal, partial(L, "victim_payment", True), n=1, device=dev)
            total = 0
            entrepreneur = self.chance(0.2)
            for kind, lend in self.lenders_distinct(self.pick_w([(1, 50), (2, 35), (3, 15)])):
                t += self.gap(5, 45)
                if kind == "bank":
                    amt = self.nice(
                        self.ln(3500000 if entrepreneur else 1200000, 0.6, 200000, 9e6), 10000
                    )
                else:
                    amt = self.nice(self.ln(200000, 0.6, 30000, 800000), 1000)
                total += amt
                disb = self.ext_mule().account if self.chance(0.08) else None
                self.loan(
                    t,
                    p,
                    amt,
                    L("loan_in_victims_name", True),
                    kind=kind,
                    lender=lend,
                    product="business" if entrepreneur and kind == "bank" else None,
                    disb=disb,
                )
            t += self.gap(5, 40)
            out = self.nice(
                (total + p.balance * self.rng.uniform(0, 0.5)) * self.rng.uniform(0.8, 1.0), 1000
            )
            self.drain(
                t,
                p,
                out,
                partial(L, "victim_payment", True),
                device=dev,
                channel="web" if self.chance(0.15) else "mobile",
            )

    def sc_safe_account(self):
        s = "safe_account"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(40, 80)
            L = self.fraud_labeller(s, inst)
            t = self.when(10, 19, 6)
            new_dev = self.chance(0.2)
            dev = self.device() if new_dev else None
            channel = self.pick_w([("mobile", 70), ("branch", 15), ("web", 10), ("atm", 5)])
            if channel in ("mobile", "web"):
                self.login(t, p, L("login"), new=new_dev, device=dev, web=channel == "web")
                if self.chance(0.5):
                    self.cev(t + self.gap(0.3, 1), p, "sms_code_sent", L("sms_code"), source="bank")
            if self.chance(0.6):
                if not p.dep_iban:
                    p.dep_iban = self.our_account(True)
                    p.deposit = self.ln(2500000, 1.0, 300000, 6e7)
                amount = self.nice(p.deposit, 100)
                t += self.gap(2, 10)
                self.transfer(
                    t,
                    p,
                    Recv(p.iban, OUR_BIC, "KZ", "person", p.iin),
                    amount,
                    L("own_deposit_close"),
                    sender_account=p.dep_iban,
                    known=True,
                    channel=channel if channel != "atm" else "mobile",
                    device=dev,
                )
                amount = self.nice(amount + p.balance * self.rng.uniform(0, 0.8), 1000)
            else:
                amount = self.nice(p.balance * self.rng.uniform(0.7, 1.0), 1000)
            n = self.pick_w([(1, 40), (2, 20), (3, 20), (4, 10), (6, 10)])
            recs = [self.scam_receiver(t) for _ in range(self.rng.randint(1, min(3, n)))]
            if n > 2 and self.days > 1 and self.chance(0.2):  # "protection" continues next day
                first = self.nice(amount * 0.5, 1000)
                self.drain(
                    t,
                    p,
                    first,
                    partial(L, "victim_payment", True),
                    n=n // 2,
                    receivers=recs,
                    device=dev,
                    channel=channel,
                    gap=(2, 40),
                )
                t2 = t + dt.timedelta(hours=self.rng.uniform(14, 20))
                self.drain(
                    t2,
                    p,
                    amount - first,
                    partial(L, "victim_payment", True),
                    n=n - n // 2,
                    receivers=recs,
                    device=dev,
                    channel=channel,
                    gap=(2, 40),
                )
            else:
                self.drain(
                    t,
                    p,
                    amount,
                    partial(L, "victim_payment", True),
                    n=n,
                    receivers=recs,
                    device=dev,
                    channel=channel,
                    gap=(2, 40),
                )

    def sc_loan_drain(self):
        s = "loan_then_drain"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(21, 75)
            L = self.fraud_labeller(s, inst)
            t = self.when(9, 21, 4)
            v = self.pick_w([("counter_loan", 45), ("takeover", 35), ("mfo_card", 20)])
            dev = None
            if v == "takeover":
                if self.chance(0.5):
                    self.cev(t - self.gap(5, 20), p, "phone_changed", L("phone_changed"))
                self.cev(t - self.gap(1, 4), p, "password_reset", L("password_reset"))
                dev = self.device()
                self.login(t, p, L("login"), new=True, device=dev)
            else:
                self.login(t, p, L("login"))
            t += self.gap(3, 20)
            if v == "mfo_card":
                amt = self.nice(self.ln(150000, 0.6, 30000, 600000), 1000)
                self.loan(
                    t,
                    p,
                    amt,
                    L("loan_in_victims_name", True),
                    kind="mfo",
                    disb=self.card_token() if self.chance(0.3) else None,
                )
            else:
                prod = "card_limit" if self.chance(0.2) else None
                amt = self.nice(self.ln(900000, 0.7, 150000, 5e6), 10000)
                self.loan(t, p, amt, L("loan_in_victims_name", True), kind="bank", product=prod)
            t += self.gap(5, 90)
            out = self.nice(amt * self.rng.uniform(0.85, 1.0), 1000)
            recs = None
            if self.chance(0.2):
                recs = [self.rng.choice(self.exchanges)]
            self.drain(
                t,
                p,
                out,
                partial(L, "victim_payment", True),
                receivers=recs,
                device=dev,
                n=self.rng.randint(1, 3),
            )

    def sc_known_dropper(self):
        s = "known_dropper"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            L = self.fraud_labeller(s, inst)
            t0 = self.when(8, 14, 28, day=0)
            if self.mules and self.chance(0.3):
                cand = [m for m in self.mules if m.active_from < t0]
                m = self.rng.choice(cand) if cand else None
            else:
                m = None
            x = (
                Recv(m.mule_account, OUR_BIC, "KZ", "person", m.iin, mule=m)
                if m
                else self.ext_mule()
            )
            reporter = self.victim(25, 75)
            v = self.rng.random()
            if v < 0.5:
                self.transfer(
                    t0,
                    reporter,
                    x,
                    self.nice(self.ln(200000, 0.8, 20000, 2e6), 1000),
                    L("earlier_victim_payment", True),
                )
                t_rep = t0 + dt.timedelta(hours=self.rng.uniform(0.5, 6))
            else:
                t_rep = t0
            acct = x.account if v < 0.85 else reporter.iban
            self.cev(t_rep, reporter, "fraud_reported", L("fraud_reported"), account=acct)
            self.involved[s].add(reporter.iin)
            for _ in range(self.rng.choice([1, 1, 2])):
                vic = self.victim(18, 75)
                t = self.daytime_after(t_rep, 2, 40)
                self.login(t - self.gap(1, 5), vic, L("victim_login"))
                amt = self.nice(self.ln(120000, 1.0, 10000, 2e6), 1000)
                self.drain(
                    t,
                    vic,
                    amt,
                    partial(L, "victim_payment", True),
                    n=self.rng.choice([1, 1, 2]),
                    receivers=[x],
                )

    def sc_marketplace(self):
        s = "marketplace_prepayment"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(18, 65)
            L = self.fraud_labeller(s, inst)
            t = self.when(9, 22.5, 3)
            what = self.pick_w(
                [
                    ("phone", 3),
                    ("rent_prepay", 2),
                    ("car_deposit", 1),
                    ("tickets", 2),
                    ("furniture", 2),
                ]
            )
            med = {
                "phone": 120000,
                "rent_prepay": 150000,
                "car_deposit": 400000,
                "tickets": 60000,
                "furniture": 90000,
            }[what]
            rec = self.scam_receiver(t)
            self.login(t - self.gap(1, 5), p, L("victim_login"))
            amt = self.nice(self.ln(med, 0.5, 10000, 1.5e6), 500)
            self.transfer(t, p, rec, amt, L("prepayment", True))
            k = self.pick_w([(0, 55), (1, 30), (2, 15)])
            for _ in range(k):  # "delivery", "insurance", "refundable deposit"
                t += self.gap(10, 120)
                r2 = rec if self.chance(0.6) else self.scam_receiver(t)
                self.transfer(
                    t,
                    p,
                    r2,
                    self.nice(amt * self.rng.uniform(0.15, 0.6), 500),
                    L("extra_fee", True),
                )

    def investment_dest(self, kind, broker):
        """Where an investment-scam victim pays: the "broker", a crypto exchange or a mule."""
        if kind == "broker":
            return broker
        if kind == "crypto":
            return self.rng.choice(self.exchanges)
        return self.ext_mule()

    def sc_investment(self):
        s = "investment_scam"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(25, 68)
            L = self.fraud_labeller(s, inst)
            broker_c = self.rng.choice(["CY", "GB", "AE", "LT", "EE"])
            broker = Recv(
                self.foreign_iban(broker_c),
                self.rng.choice(FOREIGN_BIC[broker_c]),
                broker_c,
                self.rng.choice(["business", "unknown"]),
            )
            dest_kind = self.pick_w([("broker", 35), ("crypto", 40), ("mule", 25)])

            usd = dest_kind == "broker" and self.chance(0.4)
            t = self.when(10, 20, 30 if self.days > 1 else 4, day=0)
            if self.days > 1 and self.chance(0.5):  # small "test" deposit that shows profit
                self.transfer(
                    t,
                    p,
                    self.investment_dest(dest_kind, broker),
                    self.nice(self.ln(40000, 0.4, 10000, 100000), 1000)
                    if not usd
                    else self.nice(self.ln(100, 0.3), 10),
                    L("test_investment", True),
                    currency="USD" if usd else "KZT",
                )
                t += dt.timedelta(hours=self.rng.uniform(18, 28))
                if t > self.end - dt.timedelta(hours=3):
                    t = self.end - dt.timedelta(hours=3)
            self.login(t, p, L("login"))
            total = 0
            if self.chance(0.8):
                for kind, lend in self.lenders_distinct(
                    self.pick_w([(1, 50), (2, 35), (3, 15)]), mfo_share=0.4
                ):
                    t += self.gap(5, 60)
                    amt = self.nice(
                        self.ln(1000000 if kind == "bank" else 200000, 0.6, 30000, 5e6), 10000
                    )
                    total += amt
                    self.loan(t, p, amt, L("loan_for_investment", True), kind=kind, lender=lend)
            elif p.dep_iban:
                t += self.gap(2, 10)
                total = self.nice(p.deposit, 100)
                self.transfer(
                    t,
                    p,
                    Recv(p.iban, OUR_BIC, "KZ", "person", p.iin),
                    total,
                    L("own_deposit_close"),
                    sender_account=p.dep_iban,
                    known=True,
                )
            total = self.nice(total + p.balance * self.rng.uniform(0.2, 0.8), 1000)
            t += self.gap(10, 120)
            n = self.rng.randint(1, 4)
            for _ in range(n):
                amt = self.nice(total / n * self.rng.uniform(0.6, 1.4), 1000)
                cur = "KZT"
                if usd:
                    cur, amt = "USD", round(amt / 505.0, 2)
                self.transfer(
                    t,
                    p,
                    self.investment_dest(dest_kind, broker),
                    amt,
                    L("broker_payment", True),
                    currency=cur,
                    cents=usd,
                )
                t += self.gap(3, 40)

    def sc_repeat(self):
        s = "repeat_victim"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(30, 80)
            L = self.fraud_labeller(s, inst)
            t0 = self.at(0, 8, 13)
            extra = self.pick_w(
                [({}, 3), ({"account": p.iban}, 3), ({"account": self.ext_mule().account}, 2)]
            )
            self.cev(t0, p, "fraud_reported", L("fraud_reported"), **extra)
            t = self.when(10, 20, 5, day=self.rng.randint(1, max(1, self.days - 1)))
            if t < t0 + dt.timedelta(hours=2):
                t = t0 + dt.timedelta(hours=self.rng.uniform(3, 6))
            v = self.pick_w(
                [("recovery_fee", 35), ("safe_account", 30), ("loan_drain", 20), ("sms1414", 15)]
            )
            dev = None
            if v == "sms1414":
                self.cev(t - self.gap(10, 30), p, "sms_code_sent", L("sms_code"), source="1414")
                dev = self.device()
                self.login(t - self.gap(1, 8), p, L("login"), new=True, device=dev)
            else:
                self.login(t - self.gap(1, 8), p, L("login"))
            if v == "recovery_fee":
                lawyer = (
                    self.ext_mule()
                    if self.chance(0.6)
                    else Recv(self.ext_kz_account()[0], None, "KZ", "business", self.bin())
                )
                for _ in range(self.rng.randint(1, 3)):
                    self.transfer(
                        t,
                        p,
                        lawyer,
                        self.nice(self.ln(150000, 0.7, 30000, 1.5e6), 1000),
                        L("recovery_fee", True),
                    )
                    t = self.daytime_after(t, 0.5, 5)
            elif v == "safe_account":
                amt = self.nice(
                    max(p.balance, 200000) * self.rng.uniform(0.7, 1.0) + p.deposit, 1000
                )
                if p.dep_iban and p.deposit:
                    self.transfer(
                        t,
                        p,
                        Recv(p.iban, OUR_BIC, "KZ", "person", p.iin),
                        self.nice(p.deposit, 100),
                        L("own_deposit_close"),
                        sender_account=p.dep_iban,
                        known=True,
                    )
                self.drain(t + self.gap(2, 10), p, amt, partial(L, "victim_payment", True))
            else:
                total = 0
                for kind, lend in self.lenders_distinct(self.rng.randint(1, 2)):
                    t += self.gap(5, 30)
                    amt = self.nice(
                        self.ln(800000 if kind == "bank" else 150000, 0.6, 30000, 5e6), 1000
                    )
                    total += amt
                    self.loan(t, p, amt, L("loan_in_victims_name", True), kind=kind, lender=lend)
                self.drain(
                    t + self.gap(5, 40),
                    p,
                    self.nice(total * self.rng.uniform(0.85, 1.0), 1000),
                    partial(L, "victim_payment", True),
                    device=dev,
                )

    def sc_stopcredit(self):
        s = "stopcredit_loan"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(25, 80)
            L = self.fraud_labeller(s, inst)
            v = self.pick_w([("despite_optout", 45), ("lifted_by_scammer", 35), ("just_set", 20)])
            t_set = self.at(0, 8, 16) if v != "just_set" else None
            t = self.when(12, 22, 4, day=self.rng.randint(min(1, self.days - 1), self.days - 1))
            if v == "just_set":
                t_set = t - self.gap(30, 180)
            if t_set >= t:
                t = t_set + dt.timedelta(hours=2)
            self.cev(t_set, p, "loan_optout_set", L("optout_set"))
            new_dev = self.chance(0.6)
            dev = self.device() if new_dev else None
            if self.chance(0.7):
                self.cev(
                    t - self.gap(15, 40),
                    p,
                    "sms_code_sent",
                    L("sms_code"),
                    source=self.rng.choice(["1414", "egov"]),
                )
            self.login(t - self.gap(5, 14), p, L("login"), new=new_dev, device=dev)
            if v == "lifted_by_scammer":
                self.cev(t - self.gap(1, 4), p, "loan_optout_lifted", L("optout_lifted"))
            total = 0
            for kind, lend in self.lenders_distinct(self.rng.randint(1, 2), mfo_share=0.6):
                t += self.gap(2, 30)
                amt = self.nice(
                    self.ln(700000 if kind == "bank" else 180000, 0.6, 30000, 4e6), 1000
                )
                total += amt
                self.loan(t, p, amt, L("loan_in_victims_name", True), kind=kind, lender=lend)
            self.drain(
                t + self.gap(5, 60),
                p,
                self.nice(total * self.rng.uniform(0.85, 1.0), 1000),
                partial(L, "victim_payment", True),
                device=dev,
            )

    def sc_multi_lender(self):
        s = "multi_lender_burst"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(21, 75)
            L = self.fraud_labeller(s, inst)
            t = self.when(9, 22, 4)
            new_dev = self.chance(0.55)
            dev = self.device() if new_dev else None
            if self.chance(0.5):
                self.cev(
                    t - self.gap(5, 20),
                    p,
                    "sms_code_sent",
                    L("sms_code"),
                    source=self.rng.choice(["1414", "egov"]),
                )
            self.login(t, p, L("login"), new=new_dev, device=dev)
            k = self.pick_w([(2, 25), (3, 35), (4, 25), (5, 15)])
            total = 0
            for kind, lend in self.lenders_distinct(k, mfo_share=0.65):
                t += self.gap(3, 60 / k)
                amt = self.nice(
                    self.ln(600000 if kind == "bank" else 150000, 0.6, 20000, 3e6), 1000
                )
                total += amt
                self.loan(t, p, amt, L("loan_in_victims_name", True), kind=kind, lender=lend)
            recs = None
            if self.chance(0.3):
                recs = [self.rng.choice(self.exchanges), self.scam_receiver(t)]
            elif self.chance(0.2):
                recs = [self.foreign_person(self.rng.choice(["RU", "KG", "GE"]))]
            self.drain(
                t + self.gap(5, 60),
                p,
                self.nice(total * self.rng.uniform(0.85, 1.0), 1000),
                partial(L, "victim_payment", True),
                receivers=recs,
                device=dev,
                n=self.rng.randint(1, 4),
            )

    def sc_velocity(self):
        s = "velocity_burst"
        for _ in range(self.n_scam):
            inst = self.new_instance(s)
            p = self.victim(20, 75)
            L = self.fraud_labeller(s, inst)
            t = self.when(0, 24, 2)
            takeover = self.chance(0.7)
            dev = self.device() if takeover else None
            if takeover and self.chance(0.5):
                self.cev(t - self.gap(1, 5), p, "password_reset", L("password_reset"))
            self.login(t, p, L("login"), new=takeover, device=dev)
            budget = p.balance
            if self.chance(0.4):
                t += self.gap(2, 10)
                amt = self.nice(self.ln(500000, 0.6, 100000, 3e6), 10000)
                self.loan(
                    t,
                    p,
                    amt,
                    L("loan_in_victims_name", True),
                    kind=self.rng.choice(["bank", "mfo"]),
                )
                budget += amt
            k = self.rng.randint(20, 40)
            minutes = self.rng.uniform(3, 15)
            each = max(5000, min(150000, budget / k))
            channel = self.pick_w([("mobile", 6), ("web", 3), ("api", 1)])
            for _ in range(k):
                t += dt.timedelta(seconds=max(2, self.rng.uniform(0.3, 1.7) * minutes * 60 / k))
                r = (
                    Recv(
                        self.card_token(),
                        self.other_bank()[1] if self.chance(0.3) else None,
                        "KZ",
                        self.rng.choice(["person", "person", "unknown"]),
                    )
                    if self.chance(0.8)
                    else self.ext_mule()
                )
                self.transfer(
                    t,
                    p,
                    r,
                    self.nice(each * self.rng.uniform(0.6, 1.3), 100),
                    L("burst_payment", True),
                    device=dev,
                    channel=channel,
                )

    # ---------------------------------------------------------------- run
    def run(self):
        self.build()
        self.ext_mules: list[Recv] = []
        self.sc_dropper_setup()
        fresh = {m.iban for m in self.mules if m.variant == "new_customer"}
        for p in self.people:
            p.family = [r for r in p.family if r.account not in fresh]
            p.friends = [r for r in p.friends if r.account not in fresh]
        self.recv_pool = [p for p in self.people if p.iban not in fresh]
        for f in (
            self.sc_1414,
            self.sc_safe_account,
            self.sc_loan_drain,
            self.sc_known_dropper,
            self.sc_marketplace,
            self.sc_investment,
            self.sc_repeat,
            self.sc_stopcredit,
            self.sc_multi_lender,
            self.sc_velocity,
        ):
            f()
        for f in (
            self.la_sole_trader,
            self.la_toi_host,
            self.la_used_car,
            self.la_student,
            self.la_remittance,
            self.la_crypto,
            self.la_own_move,
            self.la_landlord,
            self.la_bill_split,
            self.la_secondhand,
            self.la_online_loan,
            self.la_new_device,
            self.la_past_victim,
            self.la_stopcredit,
            self.la_mfo_juggler,
            self.la_charity,
            self.la_giveaway,
        ):
            f()
        self.everyday_all()
        self.sc_dropper_forward()
        self.finish()

    def finish(self):
        self.items.sort(key=lambda it: (it[0], it[1]))
        seen: dict[str, set] = defaultdict(set)
        for _, _, topic, ev, _, meta in self.items:
            if topic != "transfers":
                continue
            cid, acct = ev["customer_id"], ev["receiver_account"]
            new = acct not in self.known_pre[cid] and acct not in seen[cid]
            seen[cid].add(acct)
            if not meta.get("omit_nb"):
                ev["new_beneficiary"] = new
            # keep a stable key order: new_beneficiary before device_id
            if "device_id" in ev:
                ev["device_id"] = ev.pop("device_id")

    def write(self, out_dir: str):
        os.makedirs(out_dir, exist_ok=True)
        ev_path = os.path.join(out_dir, f"{self.seed}.jsonl")
        lab_path = os.path.join(out_dir, f"{self.seed}.labels.jsonl")
        role = {"transfers": "transfers", "loans": "loans", "customer_events": "customer_events"}
        etype = {"transfers": "transfer", "loans": "loan_approval"}
        with (
            open(ev_path, "w", encoding="utf-8") as fe,
            open(lab_path, "w", encoding="utf-8") as fl,
        ):
            for _, _, topic, ev, label, _ in self.items:
                fe.write(json.dumps({"topic": role[topic], "event": ev}, ensure_ascii=False) + "\n")
                lab = label or self.lab("everyday", "everyday", "other")
                fl.write(
                    json.dumps(
                        {
                            "event_id": ev["event_id"],
                            "event_type": etype.get(topic, ev["type"]),
                            **lab,
                        }
                    )
                    + "\n"
                )
        return ev_path, lab_path

    def summary(self) -> str:
        c = Counter(it[2] for it in self.items)
        people = {p.iin for p in self.people}
        scam_customers = set()
        for ids in self.involved.values():
            scam_customers |= ids & people
        scams = [
            "sms1414_evening",
            "safe_account",
            "loan_then_drain",
            "dropper_mule",
            "known_dropper",
            "marketplace_prepayment",
            "investment_scam",
            "repeat_victim",
            "stopcredit_loan",
            "multi_lender_burst",
            "velocity_burst",
        ]
        stop = sum(1 for it in self.items if it[4] and it[4]["should_stop"])
        lines = [
            f"seed {self.seed}: {len(self.people)} person customers, "
            f"{len(self.employers) + 2} BIN senders, {self.days} days",
            f"events: {c['transfers']} transfers, {c['loans']} loans, "
            f"{c['customer_events']} customer events; {stop} should_stop",
            f"customers in scams (victims, mules): {len(scam_customers)} "
            f"({100 * len(scam_customers) / len(self.people):.1f} %)",
            "scam instances: " + ", ".join(f"{s} {len(self.instances[s])}" for s in scams),
            "look-alike instances: "
            + ", ".join(f"{s} {len(v)}" for s, v in self.instances.items() if s not in scams),
        ]
        return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--customers", type=int, default=700)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--out", default=".", help="directory for <seed>.jsonl and <seed>.labels.jsonl")
    ap.add_argument(
        "--min-scam-instances",
        type=int,
        default=8,
        help="at least this many instances of every scam scenario (default 8)",
    )
    ap.add_argument(
        "--scam-share",
        type=float,
        default=0.05,
        help="target share of customers in scams; wins over the minimum when larger",
    )
    ap.add_argument(
        "--lookalike-instances",
        type=int,
        default=None,
        help="instances of each honest look-alike (default max(5, customers/120))",
    )
    a = ap.parse_args(argv)
    if a.days < 1 or a.customers < 200:
        ap.error("need --days >= 1 and --customers >= 200")
    g = Gen(a.seed, a.customers, a.days, a.min_scam_instances, a.lookalike_instances, a.scam_share)
    g.run()
    ev, lab = g.write(a.out)
    print(g.summary(), file=sys.stderr)
    print(ev)
    print(lab)


if __name__ == "__main__":
    main()
