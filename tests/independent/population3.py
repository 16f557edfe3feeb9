#!/usr/bin/env python3
"""Independent synthetic population no. 3 for the fraud screener (test tool).

What it is
    A labelled, synthetic population of three days of traffic at one Kazakh bank
    ("our bank": Halyk-like, IBAN bank code 601, BIC HSBKKZKX), written to test
    whether the screener's rules generalise beyond the traffic they were tuned on.
    About 800 ordinary persons live their everyday lives (salaries, pensions,
    shops, bills, rent, family, own deposits, ordinary loans, receivers at other
    banks and abroad), plus a handful of business customers (payroll, pensions).
    On top of that: every scheme of DOMAIN.md section 2, 8 instances each with
    their own variants, and honest look-alikes (things honest people do that a
    naive rule set would hold).

How it was written
    From the public contract only: /work/shared/CONTRACT.md, /work/shared/DOMAIN.md,
    the seed news articles in /work/shared/seeds/ and the JSON schemas in schemas/.
    The author did not read the screener's rules, its generator, its configuration,
    its detection notes or the other test populations; the behaviour of customers,
    fraudsters and mules is this author's own reading of the domain.

Determinism
    random.Random(seed) is the only source of randomness; every id (IIN, BIN,
    IBAN, event id, loan id, device id, token) is derived from it, so a seed
    always gives byte-identical files. Standard library only.

Output
    DIR/<seed>.jsonl         one {"topic": T, "event": E} per line, T in
                             transfers | loans | customer_events, ascending
                             occurred_at (by instant; offsets vary by producer)
    DIR/<seed>.labels.jsonl  one {"event_id", "scenario", "instance", "role",
                             "is_fraud", "should_stop"} per event; everyday
                             traffic is labelled scenario "everyday".
    is_fraud is true on every event of a scam instance; should_stop is true on
    every payment or loan that moves money towards the fraudsters (victims'
    payments to mules, loans taken under the fraudsters' direction, mules'
    forwarding). Instance labels read "<scenario>-<nn>-<variant>".
    A summary of counts is printed to stderr.

Usage
    python tests/independent/population3.py --seed 301 --out /tmp/pop3
    python tests/independent/population3.py --seed 302 --out /tmp/pop3 --persons 800
"""

import argparse
import json
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone

TZ = timezone(timedelta(hours=5))
START = datetime(2026, 6, 1, 0, 0, 0, tzinfo=TZ)
DAYS = 3
END = DAYS * 86400
MIN = 60
HOUR = 3600
DAY = 86400
MRP = 4325

# ------------------------------------------------------------------ identifiers

OUR_CODE, OUR_BIC = "601", "HSBKKZKX"
# other Kazakh banks: code, BIC, account letter, weight as a receiver bank
BANKS = [
    ("722", "CASPKZKA", "S", 40),  # the big retail/marketplace bank
    ("965", "IRTYKZKA", "F", 8),
    ("826", "KCJBKZKX", "K", 8),
    ("998", "TSESKZKA", "J", 6),
    ("551", "KSNVKZKA", "B", 7),
    ("948", "EURIKZKA", "E", 4),
    ("886", "INLMKZKA", "H", 5),
    ("914", "BRKEKZKA", "R", 4),
    ("821", "KINCKZKA", "C", 3),
    ("849", "NURSKZKX", "N", 2),
]
BANK_BY_BIC = {b[1]: b for b in BANKS}

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _check_digit(d11):
    s = sum((i + 1) * d for i, d in enumerate(d11)) % 11
    if s == 10:
        w = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        s = sum(wi * d for wi, d in zip(w, d11, strict=False)) % 11
        if s == 10:
            return None
    return s


def iin_valid(s):
    if len(s) != 12 or not s.isdigit():
        return False
    c = _check_digit([int(x) for x in s[:11]])
    return c is not None and c == int(s[11])


def iban_of(country, bban):
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(num) % 97:02d}{bban}"


def iban_valid(s):
    r = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in r)) % 97 == 1


def fmt_ts(t, style="local"):
    dt = START + timedelta(seconds=t)
    if style == "utc_ms":
        u = dt.astimezone(UTC)
        return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}Z"
    if style == "local_ms":
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+05:00"
    return dt.replace(microsecond=0).isoformat()


class Rx:
    """A receiver as the sender's bank sees it."""

    __slots__ = ("account", "bic", "cid", "country", "kind", "owner")

    def __init__(self, account, bic=None, country="KZ", kind="person", cid=None, owner=None):
        self.account, self.bic, self.country = account, bic, country
        self.kind, self.cid, self.owner = kind, cid, owner


class Person:
    def __init__(self):
        self.known = set()
        self.inbound = []  # (t, amount) for mules
        self.family, self.shops = [], []


HOURS_W = [
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
    5.5,
    6,
    6.5,
    6,
    5.5,
    5.5,
    6,
    6.5,
    7,
    7.5,
    7,
    6,
    4,
    2.5,
]


class Gen:
    def __init__(self, seed, n_persons=800):
        self.seed = seed
        self.r = random.Random(seed)
        self.n_persons = n_persons
        self.rows = []  # (t, seq, topic, event)
        self.labels = {}
        self.seq = 0
        self.ids = set()
        self.iins = set()
        self.accounts = set()
        self.used = set()  # principals of scams / look-alikes
        self.summary = Counter()
        self.instances = defaultdict(set)
        self.switches = []  # (customer_id, time, old device, new device): a phone replaced

    # ------------------------------------------------------------ basic random
    def u(self, a, b):
        return self.r.uniform(a, b)

    def ri(self, a, b):
        return self.r.randint(a, b)

    def p(self, x):
        return self.r.random() < x

    def ch(self, seq):
        return self.r.choice(seq)

    def logn(self, median, sigma, lo=None, hi=None):
        v = median * math.exp(self.r.gauss(0, sigma))
        if lo is not None:
            v = max(lo, v)
        if hi is not None:
            v = min(hi, v)
        return v

    def hexid(self, n):
        return "".join(self.ch("0123456789abcdef") for _ in range(n))

    def uuid(self):
        h = self.hexid(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

    def day_time(self, day, lo=0, hi=24):
        hrs = list(range(lo, hi))
        h = self.r.choices(hrs, weights=[HOURS_W[x] for x in hrs])[0]
        return day * DAY + h * HOUR + self.ri(0, 3599)

    # ------------------------------------------------------------ identifiers
    def iin(self, age=None, male=None, birth=None):
        while True:
            if birth is None:
                a = age if age is not None else self.ri(18, 80)
                b = START.date() - timedelta(days=int(a * 365.25) + self.ri(1, 360))
            else:
                b = birth
            m = self.p(0.5) if male is None else male
            cent = (3 if b.year < 2000 else 5) + (0 if m else 1)
            d = [int(x) for x in b.strftime("%y%m%d")] + [cent] + [self.ri(0, 9) for _ in range(4)]
            c = _check_digit(d)
            if c is None:
                continue
            s = "".join(map(str, d)) + str(c)
            if s not in self.iins:
                self.iins.add(s)
                return s, b, m

    def bin(self):
        while True:
            yy = self.ri(0, 25)
            d = (
                [int(x) for x in f"{yy:02d}{self.ri(1, 12):02d}"]
                + [self.ch([4, 4, 4, 5, 6]), self.ri(0, 3)]
                + [self.ri(0, 9) for _ in range(5)]
            )
            c = _check_digit(d)
            if c is None:
                continue
            s = "".join(map(str, d)) + str(c)
            if s not in self.iins:
                self.iins.add(s)
                return s

    def kz_iban(self, code=None, letter=None):
        if code is None:
            b = self.r.choices(BANKS, weights=[x[3] for x in BANKS])[0]
            code, letter = b[0], b[2]
        while True:
            if letter is None:
                body = "".join(str(self.ri(0, 9)) for _ in range(13))
            else:
                body = letter + "".join(str(self.ri(0, 9)) for _ in range(12))
            s = iban_of("KZ", code + body)
            if s not in self.accounts:
                self.accounts.add(s)
                return s

    def our_iban(self):
        return self.kz_iban(OUR_CODE, self.ch("AAAAB"))

    def other_bank(self):
        return self.r.choices(BANKS, weights=[x[3] for x in BANKS])[0]

    def token(self):
        return "tkn_" + "".join(self.ch(B58) for _ in range(22))

    def wallet(self):
        return "T" + "".join(self.ch(B58) for _ in range(33))

    def device(self, web=False):
        if web:
            return "web-" + self.hexid(20)
        return self.ch(["ios-", "and-", "and-"]) + self.hexid(16)

    def foreign_account(self, cc):
        """(account, bic) of a foreign bank account for a country."""
        if cc == "RU":
            return (
                "".join(str(self.ri(0, 9)) for _ in range(20)),
                self.ch(["SABRRUMM", "TICSRUMM", "ALFARUMM"]),
            )
        if cc == "KG":
            return (
                "".join(str(self.ri(0, 9)) for _ in range(16)),
                self.ch(["KICBKG22", "DEMIKG22"]),
            )
        if cc == "UZ":
            return (
                "".join(str(self.ri(0, 9)) for _ in range(20)),
                self.ch(["NBFAUZ2X", "KAPBUZ22"]),
            )
        if cc == "CN":
            return (
                "".join(str(self.ri(0, 9)) for _ in range(19)),
                self.ch(["BKCHCNBJ", "ICBKCNBJ"]),
            )
        if cc == "KR":
            return (
                "".join(str(self.ri(0, 9)) for _ in range(14)),
                self.ch(["KOEXKRSE", "HVBKKRSE"]),
            )
        if cc == "US":
            return ("".join(str(self.ri(0, 9)) for _ in range(12)), "CHASUS33")
        spec = {
            "TR": ("TCZBTR2A", "00010" + "0" + "%016d"),
            "GE": ("BAGAGE22", "BG" + "%016d"),
            "AE": ("EBILAEAD", "026" + "%016d"),
            "DE": ("DEUTDEFF", "%018d"),
            "CY": ("BCYPCY2N", "00200128" + "%016d"),
            "GB": ("BARCGB22", "BARC" + "%014d"),
            "LT": ("REVOLT21", "32500" + "%011d"),
            "CZ": ("KOMBCZPP", "0100" + "%016d"),
            "IL": ("LUMIILIT", "010800" + "%013d"),
            "SC": ("MCBLSCSC", "MCBL01" + "%018d" + "SCR"),
        }
        bic, pat = spec.get(cc, ("DEUTDEFF", "%018d"))
        n = pat.count("%")
        width = int(pat.split("%")[1][:3].rstrip("d")) if n else 0
        bban = pat % self.ri(0, 10**width - 1) if n else pat
        return iban_of(cc, bban), bic

    # ------------------------------------------------------------ emit
    def _eid(self, style):
        while True:
            if style == "core":
                e = "trx-" + self.hexid(16)
            elif style == "cev":
                e = "evt-" + self.hexid(16)
            elif style == "api":
                e = "PAY" + "".join(str(self.ri(0, 9)) for _ in range(14))
            else:
                e = self.uuid()
            if e not in self.ids:
                self.ids.add(e)
                return e

    def _label(self, eid, lab):
        if lab is None:
            lab = ("everyday", "everyday", "customer", False, False)
        sc, inst, role, fr, stop = lab
        self.labels[eid] = {
            "event_id": eid,
            "scenario": sc,
            "instance": inst,
            "role": role,
            "is_fraud": fr,
            "should_stop": stop,
        }

    def _push(self, t, topic, ev, lab):
        if t < 0 or t >= END:
            self.ids.discard(ev["event_id"])
            return None
        self.seq += 1
        self.rows.append((t, self.seq, topic, ev))
        self._label(ev["event_id"], lab)
        return ev["event_id"]

    def amount(self, x, whole=True, number=False):
        if whole:
            v = max(1, int(round(x)))
            if number:
                return v
            return str(v)
        v = round(max(x, 0.01), 2)
        if number:
            return int(v) if v == int(v) else v
        return f"{v:.2f}"

    def transfer(
        self,
        t,
        s,
        rx,
        amt,
        lab=None,
        channel=None,
        device="auto",
        account=None,
        currency="KZT",
        new=None,
        whole=True,
    ):
        """s: Person or business sender; rx: Rx. Returns event id or None."""
        if channel is None:
            channel = s.channel_pref() if hasattr(s, "channel_pref") else "mobile"
        acct = account or s.acct
        ev = {"event_id": None, "type": "transfer"}
        nulls = channel == "web" and self.p(0.35)  # the web producer sends explicit nulls
        ts_style = "local_ms" if channel == "api" else "local"
        ev["event_id"] = self._eid("api" if channel == "api" else "core")
        ev["occurred_at"] = fmt_ts(t, ts_style)
        ev["customer_id"] = s.cid
        ev["sender_account"] = acct
        ev["receiver_account"] = rx.account
        as_number = (channel == "web" and self.p(0.6)) or (channel == "atm" and self.p(0.5))
        ev["amount"] = self.amount(amt, whole=whole and currency == "KZT", number=as_number)
        if currency != "KZT" or self.p(0.45):
            ev["currency"] = currency
        elif nulls:
            ev["currency"] = None
        ev["channel"] = channel
        if rx.bic and (rx.country != "KZ" or self.p(0.8)):
            ev["receiver_bank"] = rx.bic
        elif nulls:
            ev["receiver_bank"] = None
        if rx.country != "KZ":
            if self.p(0.95):
                ev["receiver_country"] = rx.country
        elif self.p(0.35):
            ev["receiver_country"] = "KZ"
        if rx.kind and self.p(0.8 if rx.kind != "unknown" else 0.3):
            ev["receiver_kind"] = rx.kind
        elif nulls:
            ev["receiver_kind"] = None
        if rx.cid:
            ours = rx.account.startswith("KZ") and rx.account[4:7] == OUR_CODE
            if self.p(0.85 if ours else 0.3):
                ev["receiver_customer_id"] = rx.cid
        key = rx.account
        if new is None:
            new = key not in s.known
        s.known.add(key)
        if channel != "api" and self.p(0.85):
            ev["new_beneficiary"] = new
        elif nulls:
            ev["new_beneficiary"] = None
        if channel in ("mobile", "web"):
            if device == "auto":
                device = s.web if channel == "web" else s.phone
            if device and self.p(0.93):
                ev["device_id"] = device
            elif nulls:
                ev["device_id"] = None
        eid = self._push(t, "transfers", ev, lab)
        if eid and lab and lab[3] and rx.owner is not None and getattr(rx.owner, "is_mule", False):
            rx.owner.inbound.append((t, float(amt) * (510 if currency == "USD" else 1)))
        return eid

    def cev(self, t, s, typ, lab=None, **extra):
        ev = {
            "event_id": self._eid("cev"),
            "type": typ,
            "occurred_at": fmt_ts(t),
            "customer_id": s.cid,
        }
        ev.update(extra)
        return self._push(t, "customer_events", ev, lab)

    def login(self, t, s, device=None, new=False, lab=None):
        device = device or s.phone
        extra = {"new_device": new}
        if device and self.p(0.95):
            extra["device_id"] = device
        return self.cev(t, s, "login", lab, **extra)

    def sms(self, t, s, source, lab=None):
        src = source
        if source == "1414" and self.p(0.2):
            src = 1414
        return self.cev(t, s, "sms_code_sent", lab, source=src)

    def loan(
        self,
        t,
        s,
        amt,
        lender,
        lab=None,
        channel="online",
        product=None,
        secured=None,
        first=None,
        in_person=None,
        disb="auto",
        signed_before=None,
    ):
        """lender: dict(kind, id, prefix, ours). Returns (event id, loan id)."""
        ours = lender.get("ours", False)
        ev = {"event_id": self._eid("core" if ours else "uuid"), "type": "loan_approval"}
        style = "local" if ours else "utc_ms"
        if not ours:
            t = t + self.ri(0, 999) / 1000
        ev["occurred_at"] = fmt_ts(t, style)
        ev["customer_id"] = s.cid
        loan_id = lender["prefix"] + "".join(
            str(self.ri(0, 9)) for _ in range(lender.get("digits", 9))
        )
        ev["loan_id"] = loan_id
        ev["amount"] = self.amount(amt, number=not ours and self.p(0.5))
        if self.p(0.3):
            ev["currency"] = "KZT"
        ev["lender_kind"] = lender["kind"]
        if self.p(0.85):
            ev["lender_id"] = lender["id"]
        ev["channel"] = channel
        if product is not None and (product != "consumer" or self.p(0.4)):
            ev["product"] = product
        elif product is None and self.p(0.3):
            ev["product"] = "consumer"
        if secured is not None:
            ev["secured"] = secured
        elif self.p(0.25):
            ev["secured"] = False
        if signed_before is None:
            signed_before = self.u(20, 600) if channel == "online" else self.u(300, 2400)
        if self.p(0.65):
            ev["contract_signed_at"] = fmt_ts(t - signed_before, style)
        if disb == "auto":
            disb = s.acct if (ours or self.p(0.55)) else None
        if disb:
            ev["disbursement_account"] = disb
        if first is not None and self.p(0.8):
            ev["first_loan"] = first
        if in_person is None:
            in_person = True if channel == "branch" else None
        if in_person is not None and self.p(0.9):
            ev["in_person_verified"] = in_person
        elif channel == "online" and self.p(0.3):
            ev["in_person_verified"] = False
        return self._push(t, "loans", ev, lab), loan_id

    # ------------------------------------------------------------ world
    def build_world(self):
        r = self.r
        # businesses: shops, utilities, services, lenders, exchanges
        cats = {
            "grocery": 40,
            "pharmacy": 10,
            "cafe": 20,
            "clothes": 12,
            "electronics": 8,
            "fuel": 10,
            "taxi_service": 3,
            "furniture": 5,
            "clinic": 8,
            "education": 6,
            "auto_service": 6,
            "building": 8,
            "tour": 5,
            "restaurant_hall": 6,
            "cake": 4,
            "funeral": 2,
            "telecom": 4,
            "utility": 8,
            "insurance": 3,
            "marketplace": 3,
        }
        self.biz = defaultdict(list)
        for cat, n in cats.items():
            for _ in range(n):
                ours = self.p(0.25)
                if ours:
                    acct, bic = self.our_iban(), OUR_BIC
                else:
                    b = self.other_bank()
                    acct, bic = self.kz_iban(b[0], b[2]), b[1]
                kind = "payment_service" if cat in ("telecom", "marketplace") else "business"
                self.biz[cat].append(Rx(acct, bic, "KZ", kind, self.bin()))
        self.lenders_bank = [
            {"kind": "bank", "id": OUR_BIC, "prefix": "HB-LN-", "ours": True},
            {"kind": "bank", "id": "CASPKZKA", "prefix": "KSP", "digits": 10},
            {"kind": "bank", "id": "INLMKZKA", "prefix": "HC-26-"},
            {"kind": "bank", "id": "EURIKZKA", "prefix": "EUB/"},
            {"kind": "bank", "id": "IRTYKZKA", "prefix": "FB-"},
            {"kind": "bank", "id": "KCJBKZKX", "prefix": "BCC-"},
            {"kind": "bank", "id": "KSNVKZKA", "prefix": "FRB"},
            {"kind": "bank", "id": "BRKEKZKA", "prefix": "BRK-"},
        ]
        self.lenders_mfo = [
            {"kind": "mfo", "id": self.bin(), "prefix": p, "digits": d}
            for p, d in [
                ("MC", 8),
                ("ZM-", 7),
                ("SLV", 9),
                ("K24-", 6),
                ("OKF", 8),
                ("RBC-", 8),
                ("KMF/", 7),
            ]
        ]
        # repayment accounts of banks (loan repayments to other banks)
        self.bank_repay = []
        for b in BANKS[:8]:
            self.bank_repay.append(Rx(self.kz_iban(b[0], b[2]), b[1], "KZ", "business", self.bin()))
        # known, regulated crypto exchanges (AIFC)
        self.exchanges = []
        for _ in range(3):
            b = self.ch(BANKS[:5])
            self.exchanges.append(
                Rx(self.kz_iban(b[0], b[2]), b[1], "KZ", "crypto_exchange", self.bin())
            )
        # employers at our bank, the pension payer
        self.employers = []
        for i in range(7):
            e = Person()
            e.cid, e.acct, e.phone, e.web = self.bin(), self.our_iban(), None, None
            e.pay_day = i % 3
            e.pay_t = e.pay_day * DAY + self.ri(9, 15) * HOUR + self.ri(0, 3599)
            e.staff = []
            self.employers.append(e)
        self.gcvp = Person()
        self.gcvp.cid, self.gcvp.acct, self.gcvp.phone, self.gcvp.web = (
            self.bin(),
            self.our_iban(),
            None,
            None,
        )
        # persons
        bands = [(18, 24, 12), (25, 34, 22), (35, 44, 20), (45, 54, 16), (55, 64, 15), (65, 86, 15)]
        self.people = []
        for _ in range(self.n_persons):
            lo, hi, _w = r.choices(bands, weights=[b[2] for b in bands])[0]
            age = self.ri(lo, hi - 1)
            p = Person()
            p.cid, p.birth, p.male = self.iin(age)
            p.age = age
            p.acct = self.our_iban()
            p.deposit = self.our_iban() if self.p(0.25 + 0.004 * age) else None
            p.phone = self.device()
            p.web = self.device(web=True) if self.p(0.25) else None
            p.digital = self.p(0.95 if age < 55 else (0.8 if age < 65 else 0.55))
            if age <= 23 and self.p(0.6):
                p.persona = "student"
            elif age >= (63 if p.male else 61) and self.p(0.88):
                p.persona = "pensioner"
            else:
                p.persona = r.choices(["employed", "self_employed", "home"], weights=[72, 14, 14])[
                    0
                ]
            inc = {
                "student": 40000,
                "pensioner": 150000,
                "employed": 380000,
                "self_employed": 450000,
                "home": 60000,
            }[p.persona]
            p.income = self.logn(inc, 0.45, 20000)
            p.savings = (
                self.logn(p.income * (2 + age / 12), 0.9, 10000)
                if p.deposit
                else self.logn(p.income * 0.6, 0.8, 3000)
            )
            p.balance = self.logn(p.income * 0.8, 0.6, 2000)
            p.renter = 21 <= age <= 45 and self.p(0.25)
            p.repays = self.p(0.35) and age < 70
            p.lo_hour = self.ch([7, 8, 9, 10]) if age > 50 else self.ch([8, 9, 10, 11])
            p.is_mule = False
            p.channel_pref = (
                lambda q: (lambda: ("web" if (q.web and self.p(0.25)) else "mobile"))
            )(p)
            p.known.add(p.acct)
            if p.deposit:
                p.known.add(p.deposit)
            self.people.append(p)
        for p in self.people:
            if p.persona == "employed" and self.p(0.4):
                e = self.ch(self.employers)
                e.staff.append(p)
        # family and regulars
        for p in self.people:
            for _ in range(self.ri(1, 4)):
                if self.p(0.45):
                    q = self.ch(self.people)
                    if q is p:
                        continue
                    rx = Rx(q.acct, OUR_BIC, "KZ", "person", q.cid, q)
                else:
                    rx = self.ext_person()
                p.family.append(rx)
                p.known.add(rx.account)
            p.shops = [
                self.ch(self.biz[c])
                for c in ("grocery", "grocery", "pharmacy", "cafe", "fuel")
                if self.p(0.8)
            ]
            p.utilities = r.sample(self.biz["utility"], self.ri(1, 3))
            p.telecom = self.ch(self.biz["telecom"])
            for rx in p.shops + p.utilities + [p.telecom]:
                p.known.add(rx.account)
            if p.renter:
                p.landlord = self.ext_person(age=self.ri(35, 70))
                p.known.add(p.landlord.account)
            if p.repays:
                p.repay_rx = self.ch(self.bank_repay)
                p.known.add(p.repay_rx.account)
            p.own_other = None
            if self.p(0.35):
                b = self.other_bank()
                p.own_other = Rx(self.kz_iban(b[0], b[2]), b[1], "KZ", "person", p.cid)
                p.known.add(p.own_other.account)
        self.build_ring()

    def ext_person(self, age=None, young=False, token=None, bank=None):
        if young:
            age = self.ri(18, 24)
        cid, _, _ = self.iin(age if age is not None else self.ri(19, 70))
        if token is None:
            token = self.p(0.3)
        if token:
            return Rx(self.token(), None, "KZ", "person", cid)
        b = bank or self.other_bank()
        return Rx(self.kz_iban(b[0], b[2]), b[1], "KZ", "person", cid)

    def build_ring(self):
        """The fraudsters' receiving side outside our bank."""
        self.ext_mules = [self.ext_person(young=self.p(0.7), token=False) for _ in range(14)]
        self.ext_mules += [self.ext_person(age=self.ri(25, 45), token=False) for _ in range(4)]
        self.mule_tokens = [self.ext_person(young=True, token=True) for _ in range(8)]
        for m in self.mule_tokens:
            m.kind = self.ch(["person", "unknown"])
        self.wallets = [Rx(self.wallet(), None, "KZ", "crypto_exchange") for _ in range(8)]
        self.ps_wallets = [
            Rx(
                self.ch(["wp:", "ewallet:", "pay:"])
                + "77"
                + "".join(str(self.ri(0, 9)) for _ in range(9)),
                None,
                "KZ",
                "payment_service",
            )
            for _ in range(5)
        ]
        self.fake_cos = [
            Rx(
                *(lambda b: (self.kz_iban(b[0], b[2]), b[1]))(self.other_bank()),
                "KZ",
                "business",
                self.bin(),
            )
            for _ in range(5)
        ]
        self.brokers = []
        for cc in ("CY", "GB", "SC", "AE", "LT"):
            a, bic = self.foreign_account(cc)
            self.brokers.append(Rx(a, bic, cc, self.ch(["business", "unknown", "payment_service"])))
        self.foreign_mules = []
        for cc in ("RU", "KG", "GE", "AE", "TR", "UZ"):
            a, bic = self.foreign_account(cc)
            self.foreign_mules.append(Rx(a, bic, cc, self.ch(["person", "unknown"])))
        self.our_mules = []  # filled by the dropper scenario
        self.fraud_devices = [self.device() for _ in range(5)] + [
            self.device(web=True) for _ in range(2)
        ]

    def ring_rx(self, kind="ext"):
        if kind == "ours" and self.our_mules:
            m = self.ch(self.our_mules)
            return Rx(m.drop_acct, OUR_BIC, "KZ", "person", m.cid, m)
        if kind == "token":
            return self.ch(self.mule_tokens)
        if kind == "wallet":
            return self.ch(self.wallets)
        if kind == "ps":
            return self.ch(self.ps_wallets)
        if kind == "foreign":
            return self.ch(self.foreign_mules)
        return self.ch(self.ext_mules)

    def fraud_device(self, web=False):
        # a ring re-uses its phones across victims now and then
        if self.p(0.35):
            return self.ch([d for d in self.fraud_devices if d.startswith("web-") == web])
        return self.device(web=web)

    def pick(self, pred=lambda p: True, reserve=True):
        cands = [p for p in self.people if p.cid not in self.used and pred(p)]
        if not cands:
            cands = [p for p in self.people if p.cid not in self.used]
        p = self.ch(cands)
        if reserve:
            self.used.add(p.cid)
        return p

    def payers(self, k, pred=lambda p: True, exclude=()):
        ex = set(exclude)
        cands = [p for p in self.people if p.cid not in ex and p.digital and pred(p)]
        if len(cands) < k:
            cands = [p for p in self.people if p.cid not in ex and p.digital]
        return self.r.sample(cands, k)

    # ------------------------------------------------------------ everyday
    def everyday(self):
        for e in self.employers:
            for q in e.staff:
                self.transfer(
                    e.pay_t + self.ri(0, 300),
                    e,
                    Rx(q.acct, OUR_BIC, "KZ", "person", q.cid, q),
                    q.income * self.u(0.97, 1.03),
                    ("everyday", "everyday", "employer", False, False),
                    channel="api",
                    whole=False,
                    new=False,
                )
            # a few staff at other banks
            for _ in range(self.ri(2, 12)):
                rx = self.ext_person(age=self.ri(22, 60), token=False)
                self.transfer(
                    e.pay_t + self.ri(0, 300),
                    e,
                    rx,
                    self.logn(350000, 0.4, 90000),
                    ("everyday", "everyday", "employer", False, False),
                    channel="api",
                    whole=False,
                    new=False,
                )
        pens = [p for p in self.people if p.persona == "pensioner"]
        for i, q in enumerate(pens):
            t = (i % 3) * DAY + 8 * HOUR + self.ri(0, 5 * HOUR)
            self.transfer(
                t,
                self.gcvp,
                Rx(q.acct, OUR_BIC, "KZ", "person", q.cid, q),
                q.income,
                ("everyday", "everyday", "pension_payer", False, False),
                channel="api",
                whole=False,
                new=False,
            )
        for p in self.people:
            p.util_day = self.ri(0, 2) if self.p(0.6) else None
            p.rent_day = self.ri(0, 2) if p.renter else None
            p.repay_day = self.ri(0, 2) if p.repays and self.p(0.6) else None
            for d in range(DAYS):
                self.person_day(p, d)
        # ordinary loans
        n_loans = int(self.n_persons * DAYS * 0.012) + self.ri(0, 6)
        for _ in range(n_loans):
            self.ordinary_loan(self.ch(self.people))

    def person_day(self, p, d):
        r = self.r
        acts = []
        k = r.choices([0, 1, 2, 3, 4], weights=[30, 33, 22, 10, 5])[0]
        if p.persona == "pensioner":
            k = max(0, k - 1)
        if not p.digital:
            k = 1 if self.p(0.1) else 0
        for _ in range(k):
            if p.shops and self.p(0.75):
                rx = self.ch(p.shops)
            else:
                rx = self.ch(
                    self.biz[
                        self.ch(
                            [
                                "grocery",
                                "cafe",
                                "clothes",
                                "pharmacy",
                                "fuel",
                                "electronics",
                                "building",
                            ]
                        )
                    ]
                )
            acts.append((rx, self.logn(5500, 0.8, 300, 250000), None))
        if p.family and self.p(0.22):
            acts.append((self.ch(p.family), self.logn(20000, 0.8, 1000, 400000), None))
        if self.p(0.05):  # paying a private person for a service or a second-hand item
            acts.append((self.ext_person(), self.logn(18000, 0.9, 1500, 300000), None))
        if p.util_day == d:
            for u in p.utilities:
                acts.append((u, self.logn(14000, 0.5, 2000, 90000), None))
        if self.p(0.1):
            acts.append((p.telecom, self.ch([1000, 2000, 2000, 3000, 5000]), None))
        if p.rent_day == d:
            acts.append((p.landlord, self.logn(170000, 0.35, 70000, 500000), None))
        if p.repay_day == d:
            acts.append((p.repay_rx, self.logn(45000, 0.6, 8000, 400000), None))
        if p.deposit and self.p(0.04):
            acts.append(
                (
                    Rx(p.deposit, OUR_BIC, "KZ", "person", p.cid),
                    self.logn(p.income * 0.2, 0.6, 5000),
                    "dep",
                )
            )
        if p.own_other and self.p(0.07):
            acts.append((p.own_other, self.logn(30000, 0.8, 2000, 600000), None))
        if self.p(0.004):
            cc = self.ch(["RU", "KG", "UZ", "TR"])
            a, bic = self.foreign_account(cc)
            acts.append((Rx(a, bic, cc, "person"), self.logn(40000, 0.6, 5000), None))
        if not acts:
            if p.digital and self.p(0.35):
                self.login(self.day_time(d, p.lo_hour, 23), p)
            if self.p(0.012):
                self.sms(self.day_time(d, 9, 20), p, self.ch(["1414", "egov", "1414"]))
            return
        # group into sessions
        n_sess = min(len(acts), self.ri(1, 3))
        starts = sorted(self.day_time(d, p.lo_hour, 24) for _ in range(n_sess))
        r.shuffle(acts)
        for i, (rx, amt, tag) in enumerate(acts):
            t0 = starts[i % n_sess]
            t = t0 + 40 + (i // n_sess) * self.ri(30, 400)
            if p.digital:
                if i < n_sess and self.p(0.7):
                    self.login(t0, p, device=p.phone)
                ch = p.channel_pref()
                if tag is None and self.p(0.02):
                    ch = "atm"
            else:
                ch = self.ch(["branch", "branch", "branch", "atm"])
            new = rx.account not in p.known
            if new and ch in ("mobile", "web") and self.p(0.25):
                self.sms(t - 20, p, "bank")
            self.transfer(t, p, rx, amt, channel=ch)
        if self.p(0.012):
            self.sms(self.day_time(d, 9, 20), p, self.ch(["1414", "egov", "1414"]))

    def ordinary_loan(self, p, lab=None, t=None):
        if t is None:
            t = self.day_time(self.ri(0, 2), 9, 22)
        kind = self.r.choices(
            [
                "goods",
                "card_limit",
                "mfo_small",
                "bank_online",
                "branch",
                "auto",
                "mortgage",
                "refin",
            ],
            weights=[22, 14, 18, 18, 12, 6, 4, 6],
        )[0]
        if kind == "goods":
            self.loan(
                t,
                p,
                self.logn(180000, 0.6, 30000, 1500000),
                self.ch(self.lenders_bank[:3]),
                lab,
                product="goods",
                disb=self.ch(self.biz["electronics"] + self.biz["furniture"]).account
                if self.p(0.5)
                else None,
            )
        elif kind == "card_limit":
            self.loan(
                t,
                p,
                self.ch([50000, 100000, 150000, 200000, 300000, 500000]),
                self.lenders_bank[0],
                lab,
                product="card_limit",
            )
        elif kind == "mfo_small":
            self.loan(
                t,
                p,
                self.logn(60000, 0.5, 10000, 250000),
                self.ch(self.lenders_mfo),
                lab,
                first=self.p(0.3),
            )
        elif kind == "bank_online":
            lid = self.loan(
                t,
                p,
                self.logn(500000, 0.6, 100000, 3000000),
                self.ch(self.lenders_bank),
                lab,
                product="consumer",
                first=False,
            )[1]
            if self.p(0.5):
                self.cev(t + DAY + self.ri(600, 20000), p, "loan_reconfirmed", lab, loan_id=lid)
        elif kind == "branch":
            self.loan(
                t,
                p,
                self.logn(1200000, 0.6, 200000, 8000000),
                self.ch(self.lenders_bank),
                lab,
                channel="branch",
                first=self.p(0.2),
            )
        elif kind == "auto":
            self.loan(
                t,
                p,
                self.logn(7000000, 0.4, 2500000),
                self.ch(self.lenders_bank),
                lab,
                channel="branch",
                product="auto",
                secured=True,
            )
        elif kind == "mortgage":
            self.loan(
                t,
                p,
                self.logn(18000000, 0.4, 6000000),
                self.ch(self.lenders_bank[:5]),
                lab,
                channel="branch",
                product="mortgage",
                secured=True,
            )
        else:
            self.loan(
                t,
                p,
                self.logn(900000, 0.5, 200000),
                self.lenders_bank[0],
                lab,
                product="refinancing",
            )

    # ------------------------------------------------------------ labels
    def L(self, sc, n, var, role, fraud, stop):
        inst = f"{sc}-{n:02d}-{var}"
        self.instances[sc].add(inst)
        return (sc, inst, role, fraud, stop)


# ======================================================================= scams


def chunks(g, total, k, jitter=0.25):
    w = [g.u(1 - jitter, 1 + jitter) for _ in range(k)]
    s = sum(w)
    return [total * x / s for x in w]


def roundish(g, x, step=1000):
    if g.p(0.6):
        return max(step, round(x / step) * step)
    return x


def sc_dropper(g):
    variants = [
        "crypto_wallet_fast",
        "abroad_batches",
        "chain_to_second_mule",
        "atm_to_cards",
        "known_exchange",
        "daily_batch_cut",
        "older_mule_marketplace",
        "ewallet_split",
    ]
    g.mule_plans = []
    for n, var in enumerate(variants, 1):
        young = var != "older_mule_marketplace"
        m = g.pick(lambda p: (18 <= p.age <= 24) if young else (26 <= p.age <= 33))
        m.is_mule = True
        m.variant, m.n = var, n
        m.cut = g.u(0.01, 0.10)
        lab = lambda role, stop, _n=n, _v=var: g.L("dropper", _n, _v, role, True, stop)
        m.lab = lab
        # a young drop account opened in the window (or earlier, unseen)
        if var != "older_mule_marketplace" and g.p(0.7):
            t_open = g.day_time(0, 9, 20) - g.ri(0, 5 * HOUR)
            t_open = max(60, t_open)
            m.drop_acct = g.our_iban()
            g.cev(t_open, m, "account_opened", lab("mule", False), account=m.drop_acct)
            m.t_ready = t_open + g.ri(20 * MIN, 3 * HOUR)
        else:
            m.drop_acct = m.acct
            m.t_ready = g.ri(0, 6 * HOUR)
        m.known.add(m.drop_acct)
        # account rented out: the curator logs in from his own phone
        m.curator = None
        if var in (
            "crypto_wallet_fast",
            "abroad_batches",
            "ewallet_split",
            "daily_batch_cut",
            "chain_to_second_mule",
        ) or g.p(0.4):
            m.curator = g.fraud_device(web=var == "abroad_batches" and g.p(0.5))
            g.login(
                m.t_ready + g.ri(60, 1800), m, device=m.curator, new=True, lab=lab("mule", False)
            )
        # victims at our bank paying the drop account (fan-in)
        k = g.ri(3, 6) if var != "older_mule_marketplace" else g.ri(7, 11)
        victims = g.payers(k, exclude=[m.cid] + list(g.used))
        span = g.ri(4, 40) * HOUR
        for v in victims:
            t = m.t_ready + g.ri(30 * MIN, span)
            amt = g.logn(45000 if var == "older_mule_marketplace" else 150000, 0.7, 5000, 900000)
            g.transfer(
                t,
                v,
                Rx(m.drop_acct, OUR_BIC, "KZ", "person", m.cid, m),
                roundish(g, amt),
                lab("victim_payer", True),
            )
        # money from other banks' customers the screener never sees
        m.hidden = [
            (m.t_ready + g.ri(10 * MIN, span), g.logn(120000, 0.8, 10000, 1500000))
            for _ in range(g.ri(1, 6))
        ]
        g.our_mules.append(m)
        g.mule_plans.append(m)
        if var == "chain_to_second_mule":
            m2 = g.pick(lambda p: 18 <= p.age <= 25)
            m2.is_mule, m2.variant, m2.n, m2.cut = True, "second_mule_to_crypto", n, g.u(0.02, 0.06)
            m2.lab = lambda role, stop, _n=n, _v=var: g.L(
                "dropper", _n, _v, "second_" + role if role != "victim_payer" else role, True, stop
            )
            m2.drop_acct, m2.t_ready, m2.curator, m2.hidden = m2.acct, 0, g.fraud_device(), []
            g.login(
                m.t_ready + g.ri(600, 3600),
                m2,
                device=m2.curator,
                new=True,
                lab=m2.lab("mule", False),
            )
            m.next_mule = m2
            g.mule_plans.append(m2)


def forward_mules(g):
    """After all scenarios ran: every mule forwards what came in."""
    for m in g.mule_plans:
        ins = sorted(m.inbound + m.hidden)
        if not ins:
            continue
        var = m.variant
        lab = m.lab
        # group inbound into forwarding batches
        batches = []
        if var in ("crypto_wallet_fast", "atm_to_cards", "second_mule_to_crypto", "ewallet_split"):
            batches = [(t + g.ri(4 * MIN, 45 * MIN), a) for t, a in ins]
        elif var == "daily_batch_cut":
            per = defaultdict(float)
            for t, a in ins:
                per[int(t // DAY)] += a
            batches = [(d * DAY + g.ri(21 * HOUR, 23 * HOUR + 50 * MIN), a) for d, a in per.items()]
        else:
            cur, cur_t = 0.0, None
            for t, a in ins:
                if cur_t is not None and t - cur_t > 2 * HOUR:
                    batches.append((cur_t + g.ri(10 * MIN, 70 * MIN), cur))
                    cur = 0.0
                cur += a
                cur_t = t
            batches.append((cur_t + g.ri(10 * MIN, 70 * MIN), cur))
        logged = False
        for t, a in batches:
            out = a * (1 - m.cut)
            dev = m.curator or m.phone
            if m.curator and not logged:
                logged = True
            elif g.p(0.3):
                g.login(t - g.ri(30, 300), m, device=dev, new=False, lab=lab("mule", False))
            if var == "crypto_wallet_fast" or var == "second_mule_to_crypto":
                g.transfer(
                    t,
                    m,
                    g.ring_rx("wallet"),
                    out,
                    lab("mule", True),
                    channel="mobile",
                    device=dev,
                    account=m.drop_acct,
                )
            elif var == "abroad_batches":
                rx = g.ring_rx("foreign")
                if g.p(0.5):
                    g.transfer(
                        t,
                        m,
                        rx,
                        round(out / g.u(505, 520), 2),
                        lab("mule", True),
                        channel=g.ch(["mobile", "web"]),
                        device=dev,
                        account=m.drop_acct,
                        currency="USD",
                        whole=False,
                    )
                else:
                    g.transfer(t, m, rx, out, lab("mule", True), device=dev, account=m.drop_acct)
            elif var == "chain_to_second_mule":
                m2 = m.next_mule
                g.transfer(
                    t,
                    m,
                    Rx(m2.acct, OUR_BIC, "KZ", "person", m2.cid, m2),
                    roundish(g, out, 500),
                    lab("mule", True),
                    device=dev,
                    account=m.drop_acct,
                )
                # the second mule forwards in its own turn (it comes later in mule_plans)
            elif var == "atm_to_cards":
                for part in chunks(g, out, g.ri(1, 3)):
                    g.transfer(
                        t,
                        m,
                        g.ring_rx("token"),
                        roundish(g, part, 100),
                        lab("mule", True),
                        channel="atm",
                        account=m.drop_acct,
                    )
                    t += g.ri(60, 400)
            elif var == "known_exchange":
                g.transfer(
                    t,
                    m,
                    g.ch(g.exchanges),
                    roundish(g, out, 5000),
                    lab("mule", True),
                    device=dev,
                    account=m.drop_acct,
                )
            elif var == "daily_batch_cut":
                g.transfer(
                    t,
                    m,
                    g.ring_rx(g.ch(["wallet", "foreign", "ext"])),
                    out,
                    lab("mule", True),
                    device=dev,
                    account=m.drop_acct,
                )
            elif var == "older_mule_marketplace":
                for part in chunks(g, out, g.ri(1, 3)):
                    g.transfer(
                        t,
                        m,
                        g.ring_rx("ext"),
                        roundish(g, part),
                        lab("mule", True),
                        device=dev,
                        account=m.drop_acct,
                    )
                    t += g.ri(120, 900)
            elif var == "ewallet_split":
                for part in chunks(g, out, g.ri(2, 4), 0.4):
                    g.transfer(
                        t,
                        m,
                        g.ring_rx("ps"),
                        part,
                        lab("mule", True),
                        device=dev,
                        account=m.drop_acct,
                        whole=g.p(0.5),
                    )
                    t += g.ri(30, 240)
        # the cut is spent like anyone spends money
        if m.cut * sum(a for _, a in ins) > 5000 and g.p(0.7):
            t = batches[-1][0] + g.ri(HOUR, 6 * HOUR)
            g.transfer(
                t,
                m,
                g.ch(g.biz["electronics"] + g.biz["clothes"] + g.biz["cafe"]),
                m.cut * sum(a for _, a in ins) * g.u(0.3, 0.9),
                None,
                device=m.phone,
                account=m.drop_acct,
            )


def sc_sms1414(g):
    variants = [
        "classic_one_loan",
        "several_lenders_chunks",
        "own_device_to_our_mule",
        "entrepreneur_seed",
        "stopcredit_lifted_mfo",
        "reconfirmed_next_day",
        "egov_web_deposit_loan",
        "cancelled_midway",
    ]
    for n, var in enumerate(variants, 1):
        L = lambda role, stop: g.L("sms_1414", n, var, role, True, stop)
        if var == "entrepreneur_seed":
            v = g.pick(lambda p: p.persona == "self_employed" and 30 <= p.age <= 60 and p.digital)
        else:
            v = g.pick(lambda p: 28 <= p.age <= 78 and p.digital)
        day = g.ri(0, 1) if var == "reconfirmed_next_day" else g.ri(0, 2)
        t = day * DAY + g.ri(10, 19) * HOUR + g.ri(0, 3599)
        if var == "reconfirmed_next_day":
            t = day * DAY + g.ri(19, 21) * HOUR + g.ri(0, 3599)
        g.sms(
            t,
            v,
            "egov" if var in ("several_lenders_chunks", "egov_web_deposit_loan") else "1414",
            L("victim", False),
        )
        if g.p(0.3):
            g.sms(t + g.ri(60, 400), v, "1414", L("victim", False))
        t += g.ri(4 * MIN, 25 * MIN)
        web = var == "egov_web_deposit_loan"
        own = var in ("own_device_to_our_mule", "entrepreneur_seed")
        dev = (
            (v.web or g.device(web=True))
            if (own and web)
            else (v.phone if own else g.fraud_device(web=web))
        )
        ch = "web" if web else "mobile"
        if var == "stopcredit_lifted_mfo":
            g.cev(t, v, "loan_optout_lifted", L("victim", False))
            t += g.ri(3 * MIN, 10 * MIN)
            g.cev(t, v, "phone_changed", L("victim", False))
            t += g.ri(2 * MIN, 8 * MIN)
        elif g.p(0.25) and not own:
            g.cev(t, v, "password_reset", L("victim", False))
            t += g.ri(60, 300)
        g.login(t, v, device=dev, new=not own, lab=L("victim", False))
        bal = v.balance + g.u(0.2, 0.6) * v.savings * (0 if v.deposit else 1)
        if var == "classic_one_loan":
            t += g.ri(8 * MIN, 30 * MIN)
            lam = roundish(g, g.logn(1200000, 0.5, 600000, 4000000), 10000)
            g.loan(t, v, lam, g.ch(g.lenders_bank), L("victim", True), first=g.p(0.5))
            t += g.ri(5 * MIN, 40 * MIN)
            g.transfer(
                t,
                v,
                g.ring_rx("ext"),
                roundish(g, lam + bal * g.u(0.5, 0.9)),
                L("victim", True),
                channel=ch,
                device=dev,
            )
            if g.p(0.5):
                g.cev(t + g.ri(3 * HOUR, 20 * HOUR), v, "fraud_reported", L("victim", False))
        elif var == "several_lenders_chunks":
            total = 0
            lenders = [g.ch(g.lenders_bank[1:])] + g.r.sample(g.lenders_mfo, g.ri(1, 2))
            for le in lenders:
                t += g.ri(4 * MIN, 18 * MIN)
                a = roundish(
                    g,
                    g.logn(1500000 if le["kind"] == "bank" else 250000, 0.4, 80000, 5000000),
                    5000,
                )
                total += a
                g.loan(t, v, a, le, L("victim", True), first=g.p(0.4), disb=v.acct)
            rxs = [g.ring_rx("ext"), g.ring_rx("token"), g.ring_rx("ext")][: g.ri(2, 3)]
            for part in chunks(g, total + bal * 0.8, g.ri(3, 5)):
                t += g.ri(3 * MIN, 25 * MIN)
                g.transfer(
                    t, v, g.ch(rxs), roundish(g, part), L("victim", True), channel=ch, device=dev
                )
        elif var == "own_device_to_our_mule":
            t += g.ri(10 * MIN, 40 * MIN)
            lam = roundish(g, g.logn(700000, 0.4, 300000, 2000000), 10000)
            g.loan(t, v, lam, g.ch(g.lenders_bank), L("victim", True), first=False)
            t += g.ri(10 * MIN, 50 * MIN)
            g.sms(t - 30, v, "bank", L("victim", False))
            g.transfer(
                t,
                v,
                g.ring_rx("ours"),
                roundish(g, lam * g.u(0.9, 1.0)),
                L("victim", True),
                device=dev,
            )
        elif var == "entrepreneur_seed":
            t += g.ri(40 * MIN, 2 * HOUR)
            g.transfer(t, v, (rx := g.ring_rx("ext")), 1800000, L("victim", True), device=dev)
            t += g.ri(60 * MIN, 2 * HOUR)
            g.loan(
                t,
                v,
                9000000,
                g.ch(g.lenders_bank[1:]),
                L("victim", True),
                product="business",
                first=g.p(0.5),
                disb=v.acct,
            )
            t += g.ri(10 * MIN, 30 * MIN)
            for part in [5000000, 4000000] if g.p(0.5) else [9000000]:
                g.transfer(
                    t, v, rx if g.p(0.6) else g.ring_rx("ext"), part, L("victim", True), device=dev
                )
                t += g.ri(3 * MIN, 10 * MIN)
            g.cev(
                t + g.ri(40 * MIN, 3 * HOUR),
                v,
                "fraud_reported",
                L("victim", False),
                account=rx.account,
            )
        elif var == "stopcredit_lifted_mfo":
            total = 0
            for le in g.r.sample(g.lenders_mfo, g.ri(2, 3)):
                t += g.ri(3 * MIN, 15 * MIN)
                a = roundish(g, g.logn(280000, 0.35, 100000, 600000), 5000)
                total += a
                g.loan(t, v, a, le, L("victim", True), first=g.p(0.6), disb=v.acct)
            t += g.ri(5 * MIN, 20 * MIN)
            g.transfer(
                t,
                v,
                g.ring_rx("wallet"),
                roundish(g, total * g.u(0.6, 0.8)),
                L("victim", True),
                device=dev,
            )
            t += g.ri(2 * MIN, 10 * MIN)
            g.transfer(
                t,
                v,
                g.ring_rx("token"),
                roundish(g, total * g.u(0.15, 0.3)),
                L("victim", True),
                device=dev,
            )
        elif var == "reconfirmed_next_day":
            t += g.ri(10 * MIN, 30 * MIN)
            lam = roundish(g, g.logn(2500000, 0.3, 1200000, 5000000), 50000)
            _, lid = g.loan(
                t,
                v,
                lam,
                g.ch(g.lenders_bank),
                L("victim", True),
                first=g.p(0.3),
                disb=v.acct,
                signed_before=g.ri(60, 300),
            )
            t += DAY + g.ri(5 * MIN, 90 * MIN)
            g.cev(t, v, "loan_reconfirmed", L("victim", False), loan_id=lid)
            t += g.ri(20 * MIN, 2 * HOUR)
            g.login(t - 120, v, device=dev, new=False, lab=L("victim", False))
            rx1, rx2 = g.ring_rx("ext"), g.ring_rx(g.ch(["foreign", "ext"]))
            g.transfer(t, v, rx1, roundish(g, lam * g.u(0.5, 0.6)), L("victim", True), device=dev)
            g.transfer(
                t + g.ri(5 * MIN, 30 * MIN),
                v,
                rx2,
                roundish(g, lam * g.u(0.35, 0.45)),
                L("victim", True),
                device=dev,
            )
        elif var == "egov_web_deposit_loan":
            if v.deposit:
                t += g.ri(3 * MIN, 10 * MIN)
                g.transfer(
                    t,
                    v,
                    Rx(v.acct, OUR_BIC, "KZ", "person", v.cid),
                    v.savings * g.u(0.8, 1),
                    L("victim_own_move", False),
                    channel="web",
                    device=dev,
                    account=v.deposit,
                    whole=False,
                )
            t += g.ri(5 * MIN, 20 * MIN)
            lam = roundish(g, g.logn(1000000, 0.5, 400000, 3000000), 10000)
            g.loan(t, v, lam, g.ch(g.lenders_bank), L("victim", True), first=g.p(0.5))
            rx = g.ring_rx("ext")
            for part in chunks(g, lam + (v.savings * 0.9 if v.deposit else bal * 0.6), g.ri(3, 4)):
                t += g.ri(2 * MIN, 15 * MIN)
                g.transfer(
                    t, v, rx, roundish(g, part), L("victim", True), channel="web", device=dev
                )
        elif var == "cancelled_midway":
            t += g.ri(5 * MIN, 20 * MIN)
            a1 = roundish(g, g.logn(800000, 0.3, 400000, 2000000), 10000)
            g.loan(t, v, a1, g.ch(g.lenders_bank), L("victim", True))
            t += g.ri(3 * MIN, 12 * MIN)
            a2 = roundish(g, g.logn(300000, 0.3, 100000, 600000), 5000)
            _, lid2 = g.loan(t, v, a2, g.ch(g.lenders_mfo), L("victim", True), first=True)
            t += g.ri(5 * MIN, 20 * MIN)
            rx = g.ring_rx("ext")
            g.transfer(t, v, rx, a1, L("victim", True), device=dev)
            t += g.ri(40 * MIN, 2 * HOUR)
            g.cev(t, v, "loan_cancelled", L("victim", False), loan_id=lid2)
            g.cev(
                t + g.ri(5 * MIN, 30 * MIN),
                v,
                "fraud_reported",
                L("victim", False),
                **({"account": rx.account} if g.p(0.7) else {}),
            )


def sc_safe_account(g):
    variants = [
        "deposit_one_go",
        "chunks_same_receiver",
        "chunks_many_receivers",
        "branch_loan_first",
        "branch_transfer",
        "online_loans_first",
        "to_our_bank_mule",
        "two_days_wallets_cards",
    ]
    for n, var in enumerate(variants, 1):
        L = lambda role, stop: g.L("safe_account", n, var, role, True, stop)
        need_dep = var in ("deposit_one_go", "branch_transfer", "chunks_same_receiver")
        v = g.pick(
            lambda p: 35 <= p.age <= 82
            and (p.deposit is not None or not need_dep)
            and (p.digital or var == "branch_transfer")
            and p.savings + p.balance > 600000
        )
        day = g.ri(0, 1) if var == "two_days_wallets_cards" else g.ri(0, 2)
        t = day * DAY + g.ri(9, 18) * HOUR + g.ri(0, 3599)
        money = v.savings if v.deposit else v.savings + v.balance
        if v.deposit and var not in ("branch_loan_first", "online_loans_first"):
            ch = "branch" if var == "branch_transfer" else "mobile"
            if ch == "mobile":
                g.login(t - g.ri(60, 600), v, lab=L("victim", False))
            g.transfer(
                t,
                v,
                Rx(v.acct, OUR_BIC, "KZ", "person", v.cid),
                v.savings * g.u(0.85, 1),
                L("victim_own_move", False),
                channel=ch,
                account=v.deposit,
                whole=False,
            )
            t += g.ri(3 * MIN, 30 * MIN)
        if var == "deposit_one_go":
            g.sms(t - 40, v, "bank", L("victim", False))
            g.transfer(
                t, v, g.ring_rx("ext"), roundish(g, money * g.u(0.8, 0.95)), L("victim", True)
            )
        elif var == "chunks_same_receiver":
            rx = g.ring_rx("ext")
            for part in chunks(g, money * g.u(0.8, 0.95), g.ri(3, 6)):
                g.transfer(t, v, rx, roundish(g, part), L("victim", True))
                t += g.ri(10 * MIN, 40 * MIN)
        elif var == "chunks_many_receivers":
            rxs = [g.ring_rx("ext"), g.ring_rx("ext"), g.ring_rx("token")]
            for i, part in enumerate(chunks(g, money * g.u(0.7, 0.95), g.ri(3, 5))):
                g.transfer(t, v, rxs[i % 3], roundish(g, part), L("victim", True))
                t += g.ri(5 * MIN, 30 * MIN)
        elif var == "branch_loan_first":
            lam = roundish(g, g.logn(2000000, 0.4, 700000, 6000000), 50000)
            g.loan(
                t,
                v,
                lam,
                g.ch(g.lenders_bank),
                L("victim", True),
                channel="branch",
                first=g.p(0.4),
                in_person=True,
            )
            t += g.ri(40 * MIN, 2 * HOUR)
            g.login(t - g.ri(60, 300), v, lab=L("victim", False))
            g.transfer(
                t, v, g.ring_rx("ext"), roundish(g, lam + v.balance * 0.5), L("victim", True)
            )
        elif var == "branch_transfer":
            g.transfer(
                t,
                v,
                g.ring_rx("ext"),
                roundish(g, money * g.u(0.85, 0.98)),
                L("victim", True),
                channel="branch",
            )
        elif var == "online_loans_first":
            g.login(t - g.ri(60, 300), v, lab=L("victim", False))
            total = 0
            for le in [g.ch(g.lenders_bank), g.ch(g.lenders_mfo)]:
                a = roundish(
                    g, g.logn(900000 if le["kind"] == "bank" else 200000, 0.4, 60000, 3000000), 5000
                )
                total += a
                g.loan(t, v, a, le, L("victim", True), first=g.p(0.3), disb=v.acct)
                t += g.ri(5 * MIN, 25 * MIN)
            g.transfer(
                t,
                v,
                g.ring_rx(g.ch(["ext", "token"])),
                roundish(g, total + v.balance * 0.7),
                L("victim", True),
            )
        elif var == "to_our_bank_mule":
            rx = g.ring_rx("ours")
            for part in chunks(g, min(money * 0.9, 3000000), g.ri(1, 3)):
                g.transfer(t, v, rx, roundish(g, part), L("victim", True))
                t += g.ri(5 * MIN, 20 * MIN)
        elif var == "two_days_wallets_cards":
            rx = g.ring_rx("ps")
            part1 = money * g.u(0.3, 0.5)
            for part in chunks(g, part1, 2):
                g.transfer(t, v, rx, part, L("victim", True), whole=False)
                t += g.ri(5 * MIN, 20 * MIN)
            t = (
                (day + 1) * DAY + g.ri(0, 3) * HOUR + g.ri(0, 3599)
            )  # the night after: "verification"
            g.login(t - 100, v, lab=L("victim", False))
            for part in chunks(g, money * g.u(0.3, 0.45), g.ri(2, 3)):
                g.transfer(t, v, g.ring_rx("token"), roundish(g, part), L("victim", True))
                t += g.ri(3 * MIN, 15 * MIN)
        if g.p(0.4):
            g.cev(t + g.ri(2 * HOUR, 20 * HOUR), v, "fraud_reported", L("victim", False))


def sc_marketplace(g):
    variants = [
        "phone_prepay_card",
        "car_part_plus_delivery",
        "fake_rental_deposit",
        "puppy_plus_certificate",
        "tour_fake_company",
        "seller_is_our_mule",
        "fake_safe_deal_link",
        "wholesale_abroad",
    ]
    for n, var in enumerate(variants, 1):
        L = lambda role, stop: g.L("marketplace_prepayment", n, var, role, True, stop)
        v = g.pick(lambda p: 19 <= p.age <= 65 and p.digital)
        t = g.day_time(g.ri(0, 2), 9, 23)
        pays = []
        if var == "phone_prepay_card":
            pays = [(g.ring_rx("token"), roundish(g, g.u(120000, 450000), 5000))]
        elif var == "car_part_plus_delivery":
            rx = g.ring_rx("ext")
            pays = [(rx, roundish(g, g.u(60000, 300000))), (rx, g.ch([8000, 12000, 15000, 25000]))]
        elif var == "fake_rental_deposit":
            rx = g.ring_rx("ext")
            r_ = roundish(g, g.u(120000, 300000), 10000)
            pays = [(rx, r_)] + ([(rx, r_)] if g.p(0.6) else [])
        elif var == "puppy_plus_certificate":
            rx = g.ring_rx(g.ch(["ext", "token"]))
            pays = [
                (rx, roundish(g, g.u(50000, 200000))),
                (rx, g.ch([15000, 20000, 30000])),
                (rx, g.ch([25000, 40000])),
            ][: g.ri(2, 3)]
        elif var == "tour_fake_company":
            pays = [(g.ch(g.fake_cos), roundish(g, g.u(250000, 1200000), 10000))]
        elif var == "seller_is_our_mule":
            pays = [(g.ring_rx("ours"), roundish(g, g.u(40000, 350000)))]
        elif var == "fake_safe_deal_link":
            pays = [(g.ring_rx("ps"), g.u(30000, 250000))]
        elif var == "wholesale_abroad":
            cc = g.ch(["KG", "CN", "UZ"])
            a, bic = g.foreign_account(cc)
            pays = [
                (
                    Rx(a, bic, cc, g.ch(["business", "unknown"])),
                    roundish(g, g.u(500000, 1800000), 10000),
                )
            ]
        if g.p(0.5):
            g.login(t - g.ri(60, 900), v, lab=L("victim", False))
        for i, (rx, a) in enumerate(pays):
            if i == 0 and g.p(0.3):
                g.sms(t - 30, v, "bank", L("victim", False))
            cur = "KZT"
            if var == "wholesale_abroad" and g.p(0.5):
                a, cur = round(a / g.u(505, 520), 2), "USD"
            g.transfer(
                t,
                v,
                rx,
                a,
                L("victim", True),
                currency=cur,
                whole=cur == "KZT" and var != "fake_safe_deal_link",
            )
            t += g.ri(20 * MIN, 5 * HOUR)
        if g.p(0.5):
            g.cev(
                t + g.ri(3 * HOUR, 30 * HOUR),
                v,
                "fraud_reported",
                L("victim", False),
                **({"account": pays[0][0].account} if g.p(0.6) else {}),
            )


def sc_investment(g):
    variants = [
        "small_then_big_crypto",
        "mfo_loan_to_foreign_broker",
        "loans_over_two_days_crypto",
        "via_known_exchange",
        "national_company_manager",
        "pensioner_deposit_chunks",
        "card_limit_young_crypto",
        "withdrawal_fees_escalating",
    ]
    for n, var in enumerate(variants, 1):
        L = lambda role, stop: g.L("fake_investment", n, var, role, True, stop)
        if var == "pensioner_deposit_chunks":
            v = g.pick(lambda p: p.persona == "pensioner" and p.deposit is not None and p.digital)
        elif var == "card_limit_young_crypto":
            v = g.pick(lambda p: 19 <= p.age <= 26 and p.digital)
        else:
            v = g.pick(lambda p: 24 <= p.age <= 60 and p.digital and p.savings > 150000)
        day = (
            0
            if var
            in ("small_then_big_crypto", "loans_over_two_days_crypto", "withdrawal_fees_escalating")
            else g.ri(0, 2)
        )
        t = g.day_time(day, 10, 22)
        dev = v.phone
        if var == "small_then_big_crypto":
            w = g.ring_rx("wallet")
            g.transfer(t, v, w, g.ch([20000, 30000, 50000]), L("victim", True))
            t = g.day_time(g.ri(1, 2), 10, 22)
            g.login(t - 200, v, lab=L("victim", False))
            g.transfer(
                t,
                v,
                w,
                roundish(g, (v.savings + v.balance) * g.u(0.5, 0.8), 10000),
                L("victim", True),
            )
        elif var == "mfo_loan_to_foreign_broker":
            a = roundish(g, g.u(150000, 450000), 5000)
            g.loan(t, v, a, g.ch(g.lenders_mfo), L("victim", True), first=g.p(0.5), disb=v.acct)
            t += g.ri(20 * MIN, 3 * HOUR)
            rx = g.ch(g.brokers)
            if g.p(0.5):
                g.transfer(
                    t,
                    v,
                    rx,
                    round(a / g.u(505, 520), 2),
                    L("victim", True),
                    currency="USD",
                    whole=False,
                )
            else:
                g.transfer(t, v, rx, a, L("victim", True))
        elif var == "loans_over_two_days_crypto":
            w = g.ring_rx("wallet")
            for d in (day, day + 1):
                t = g.day_time(d, 10, 21)
                le = g.ch(g.lenders_bank) if d == day else g.ch(g.lenders_mfo)
                a = roundish(
                    g, g.u(500000, 1500000) if le["kind"] == "bank" else g.u(150000, 350000), 10000
                )
                g.loan(t, v, a, le, L("victim", True), first=False, disb=v.acct)
                t += g.ri(15 * MIN, 2 * HOUR)
                g.transfer(t, v, w, a, L("victim", True))
        elif var == "via_known_exchange":
            ex = g.ch(g.exchanges)
            for a in [g.u(50000, 100000), g.u(300000, 900000)]:
                g.transfer(t, v, ex, roundish(g, a, 5000), L("victim", True))
                t += g.ri(3 * HOUR, 20 * HOUR)
        elif var == "national_company_manager":
            rx = g.ring_rx("ext")
            for a in [g.u(90000, 150000), g.u(200000, 600000)][: g.ri(1, 2)]:
                g.transfer(t, v, rx, roundish(g, a, 1000), L("victim", True))
                t += g.ri(2 * HOUR, 26 * HOUR)
        elif var == "pensioner_deposit_chunks":
            g.transfer(
                t,
                v,
                Rx(v.acct, OUR_BIC, "KZ", "person", v.cid),
                v.savings * g.u(0.6, 0.9),
                L("victim_own_move", False),
                account=v.deposit,
                whole=False,
            )
            rx = g.ch(g.brokers)
            for part in chunks(g, v.savings * g.u(0.5, 0.8), g.ri(2, 4)):
                t += g.ri(10 * MIN, 3 * HOUR)
                g.transfer(
                    t,
                    v,
                    rx,
                    roundish(g, part),
                    L("victim", True),
                    channel=g.ch(["mobile", "web"]) if v.web else "mobile",
                )
        elif var == "card_limit_young_crypto":
            a = g.ch([150000, 200000, 300000, 500000])
            g.loan(t, v, a, g.lenders_bank[0], L("victim", True), product="card_limit")
            t += g.ri(5 * MIN, 60 * MIN)
            g.transfer(t, v, g.ring_rx("wallet"), a * g.u(0.9, 1), L("victim", True))
        elif var == "withdrawal_fees_escalating":
            amt = g.u(15000, 30000)
            for i in range(g.ri(3, 5)):
                g.transfer(
                    t,
                    v,
                    g.ring_rx(g.ch(["ext", "token", "ps"])),
                    roundish(g, amt, 500),
                    L("victim", True),
                )
                amt *= g.u(2, 3)
                t += g.ri(3 * HOUR, 14 * HOUR)
        if g.p(0.3):
            g.cev(min(t + g.ri(HOUR, 10 * HOUR), END - 60), v, "fraud_reported", L("victim", False))


def sc_repeat(g):
    variants = [
        "reported_then_safe_account",
        "recovery_lawyers_fee",
        "wealthy_big_chunks",
        "sms1414_again",
        "no_report_in_feed_investment",
        "marketplace_then_police_refund",
        "optout_protected_deposit_to_mule",
        "elderly_branch_atm",
    ]
    for n, var in enumerate(variants, 1):
        L = lambda role, stop: g.L("repeat_victim", n, var, role, True, stop)
        if var == "wealthy_big_chunks":
            v = g.pick(lambda p: 45 <= p.age <= 75 and p.deposit is not None and p.digital)
            v.savings = g.u(60e6, 120e6)
        elif var == "elderly_branch_atm":
            v = g.pick(lambda p: p.age >= 66 and p.savings + p.balance > 400000)
        else:
            v = g.pick(lambda p: 30 <= p.age <= 75 and p.digital and p.savings + p.balance > 400000)
        t = g.day_time(0, 8, 12)
        if var == "marketplace_then_police_refund":
            rx0 = g.ring_rx("token")
            g.transfer(t, v, rx0, roundish(g, g.u(40000, 200000)), L("victim", True))
            g.cev(
                t + g.ri(2 * HOUR, 8 * HOUR),
                v,
                "fraud_reported",
                L("victim", False),
                account=rx0.account,
            )
        elif var != "no_report_in_feed_investment":
            extra = {"account": g.ring_rx("ext").account} if g.p(0.4) else {}
            g.cev(t, v, "fraud_reported", L("victim", False), **extra)
        if var == "optout_protected_deposit_to_mule":
            g.cev(t + g.ri(HOUR, 5 * HOUR), v, "loan_optout_set", L("victim", False))
        t = g.day_time(g.ri(1, 2), 10, 21)
        money = v.savings + v.balance
        if var == "reported_then_safe_account":
            if v.deposit:
                g.transfer(
                    t,
                    v,
                    Rx(v.acct, OUR_BIC, "KZ", "person", v.cid),
                    v.savings,
                    L("victim_own_move", False),
                    account=v.deposit,
                    whole=False,
                )
                t += g.ri(5 * MIN, 30 * MIN)
            g.transfer(
                t, v, g.ring_rx("ext"), roundish(g, money * g.u(0.7, 0.95)), L("victim", True)
            )
        elif var == "recovery_lawyers_fee":
            rx = g.ring_rx("ext")
            for a in [g.u(30000, 60000), g.u(80000, 200000), g.u(150000, 300000)][: g.ri(2, 3)]:
                g.transfer(
                    t,
                    v,
                    rx if g.p(0.6) else g.ring_rx("token"),
                    roundish(g, a, 1000),
                    L("victim", True),
                )
                t += g.ri(2 * HOUR, 10 * HOUR)
        elif var == "wealthy_big_chunks":
            g.transfer(
                t,
                v,
                Rx(v.acct, OUR_BIC, "KZ", "person", v.cid),
                v.savings * 0.95,
                L("victim_own_move", False),
                account=v.deposit,
                channel="web" if v.web else "mobile",
                whole=False,
            )
            rxs = [g.ring_rx("ext"), g.ring_rx("ext"), g.ring_rx("foreign")]
            for part in chunks(g, v.savings * g.u(0.75, 0.9), g.ri(5, 9)):
                t += g.ri(8 * MIN, 50 * MIN)
                g.transfer(t, v, g.ch(rxs), roundish(g, part, 100000), L("victim", True))
        elif var == "sms1414_again":
            g.sms(t, v, "1414", L("victim", False))
            t += g.ri(5 * MIN, 20 * MIN)
            dev = g.fraud_device()
            g.login(t, v, device=dev, new=True, lab=L("victim", False))
            t += g.ri(5 * MIN, 20 * MIN)
            a = roundish(g, g.u(600000, 2500000), 10000)
            g.loan(t, v, a, g.ch(g.lenders_bank), L("victim", True))
            t += g.ri(10 * MIN, 40 * MIN)
            g.transfer(
                t,
                v,
                g.ring_rx("ext"),
                roundish(g, a + v.balance * 0.7),
                L("victim", True),
                device=dev,
            )
        elif var == "no_report_in_feed_investment":
            w = g.ring_rx("wallet")
            for a in [g.u(100000, 300000), money * g.u(0.4, 0.6)]:
                g.transfer(t, v, w, roundish(g, a), L("victim", True))
                t += g.ri(4 * HOUR, 18 * HOUR)
        elif var == "marketplace_then_police_refund":
            t = g.day_time(2, 10, 20)
            g.login(t - 300, v, device=v.phone, lab=L("victim", False))
            g.transfer(
                t,
                v,
                g.ring_rx(g.ch(["ext", "ours"])),
                roundish(g, money * g.u(0.5, 0.8)),
                L("victim", True),
            )
        elif var == "optout_protected_deposit_to_mule":
            src = v.deposit or v.acct
            g.transfer(
                t,
                v,
                g.ring_rx("ours"),
                roundish(g, min(money * g.u(0.5, 0.8), 2500000)),
                L("victim", True),
                account=src,
            )
        elif var == "elderly_branch_atm":
            g.transfer(
                t,
                v,
                g.ring_rx("ext"),
                roundish(g, money * g.u(0.6, 0.9)),
                L("victim", True),
                channel="branch",
            )
            t += g.ri(HOUR, 4 * HOUR)
            g.transfer(
                t,
                v,
                g.ring_rx("token"),
                roundish(g, v.balance * g.u(0.5, 0.9), 100),
                L("victim", True),
                channel="atm",
            )


# ======================================================================= look-alikes


def la(g, sc, n, var, role):
    return g.L(sc, n, var, role, False, False)


def lk_sole_trader(g, count=10):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "instagram_shop_young",
                "market_stall_supplier",
                "import_from_china",
                "taxi_driver",
                "home_bakery",
            ]
        )
        L = lambda role: la(g, "sole_trader_buyers", n, var, role)
        young = var in ("instagram_shop_young", "taxi_driver")
        s = g.pick(lambda p: (20 <= p.age <= 27) if young else (28 <= p.age <= 58))
        day = g.ri(0, 2)
        k = g.ri(12, 30) if var == "taxi_driver" else g.ri(5, 15)
        buyers = g.payers(k, exclude=[s.cid])
        total = 0
        ts = []
        for b in buyers:
            d = day if g.p(0.7) else g.ri(0, 2)
            t = g.day_time(d, 7 if var == "taxi_driver" else 9, 24)
            a = g.u(1200, 4500) if var == "taxi_driver" else g.logn(14000, 0.7, 2000, 150000)
            a = roundish(g, a, 100)
            total += a
            ts.append(t)
            g.transfer(
                t,
                b,
                Rx(s.acct, OUR_BIC, "KZ", "person", s.cid, s),
                a,
                L("buyer"),
                new=(None if g.p(0.6) else False),
            )
        hidden = total * g.u(1, 3)  # buyers at other banks
        t = max(ts) + g.ri(30 * MIN, 12 * HOUR)
        if var == "import_from_china":
            a, bic = g.foreign_account("CN")
            rx = Rx(a, bic, "CN", "business")
            g.transfer(
                t,
                s,
                rx,
                round((total + hidden) * g.u(0.6, 0.85) / g.u(505, 520), 2),
                L("seller"),
                currency="USD",
                whole=False,
            )
        elif var == "taxi_driver":
            g.transfer(t, s, g.ch(g.biz["fuel"]), g.u(8000, 20000), L("seller"))
            g.transfer(
                t + g.ri(HOUR, 5 * HOUR),
                s,
                g.ext_person(age=g.ri(30, 60)),
                g.ch([70000, 90000, 120000]),
                L("seller"),
            )
        else:
            sup = g.ch(g.biz["clothes"] + g.biz["grocery"] + g.biz["building"])
            for part in chunks(g, (total + hidden) * g.u(0.5, 0.9), g.ri(1, 2)):
                g.transfer(t, s, sup, part, L("seller"))
                t += g.ri(HOUR, 8 * HOUR)


def lk_toi(g, count=5):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "wedding_host_pays_vendors",
                "kudalyk_gifts_to_deposit",
                "sundet_toi",
                "wedding_gift_to_parents",
            ]
        )
        L = lambda role: la(g, "toi_gifts", n, var, role)
        h = g.pick(lambda p: 35 <= p.age <= 65)
        day = g.ri(0, 1)
        guests = g.payers(g.ri(10, 25), exclude=[h.cid])
        hrx = Rx(h.acct, OUR_BIC, "KZ", "person", h.cid, h)
        total = 0
        for gu in guests:
            t = day * DAY + g.ri(17, 23) * HOUR + g.ri(0, 3599)
            a = g.ch([5000, 10000, 10000, 20000, 20000, 30000, 50000, 100000])
            total += a
            g.transfer(t, gu, hrx, a, L("guest"))
        t = (day + 1) * DAY + g.ri(10, 16) * HOUR
        if var in ("wedding_host_pays_vendors", "sundet_toi"):
            g.login(t - 200, h, lab=L("host"))
            g.transfer(
                t,
                h,
                g.ch(g.biz["restaurant_hall"]),
                roundish(g, g.u(1500000, 5000000), 10000),
                L("host"),
            )
            for _ in range(g.ri(1, 3)):
                t += g.ri(10 * MIN, 3 * HOUR)
                g.transfer(
                    t,
                    h,
                    g.ext_person(age=g.ri(25, 50)),
                    g.ch([150000, 200000, 300000, 450000, 600000]),
                    L("host"),
                )
            if g.p(0.5):
                g.transfer(
                    t + g.ri(600, 7200), h, g.ch(g.biz["cake"]), g.u(30000, 90000), L("host")
                )
        elif var == "kudalyk_gifts_to_deposit":
            dep = h.deposit or g.our_iban()
            if not h.deposit:
                g.cev(t - 3600, h, "account_opened", L("host"), account=dep)
                h.deposit = dep
            g.transfer(
                t,
                h,
                Rx(dep, OUR_BIC, "KZ", "person", h.cid),
                total * g.u(1.5, 3),
                L("host"),
                whole=False,
            )
        else:
            g.transfer(
                t,
                h,
                g.ext_person(age=g.ri(45, 70)),
                roundish(g, total * g.u(1.2, 2.5), 10000),
                L("host"),
            )


def lk_used_car(g, count=5):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "savings_one_payment",
                "two_chunks_daily_limit",
                "auto_loan_plus_savings",
                "branch_payment",
                "egov_reregistration",
            ]
        )
        L = lambda role: la(g, "used_car_purchase", n, var, role)
        b = g.pick(lambda p: 25 <= p.age <= 62 and p.digital)
        price = roundish(g, g.u(2500000, 9000000), 50000)
        t = g.day_time(g.ri(0, 2), 10, 18)
        seller = g.ext_person(age=g.ri(25, 65), token=False)
        if var == "auto_loan_plus_savings":
            g.loan(
                t - g.ri(HOUR, 3 * HOUR),
                b,
                price * 0.6,
                g.ch(g.lenders_bank),
                L("buyer"),
                channel="branch",
                product="auto",
                secured=True,
            )
        if b.deposit and var != "auto_loan_plus_savings":
            g.transfer(
                t - g.ri(10 * MIN, 2 * HOUR),
                b,
                Rx(b.acct, OUR_BIC, "KZ", "person", b.cid),
                price * g.u(0.9, 1.1),
                L("buyer"),
                account=b.deposit,
                whole=False,
            )
        if var == "egov_reregistration":
            g.sms(t - g.ri(5 * MIN, 20 * MIN), b, "1414", L("buyer"))
        if var == "two_chunks_daily_limit":
            g.transfer(t, b, seller, price / 2, L("buyer"))
            g.transfer(t + DAY - g.ri(0, 4 * HOUR), b, seller, price / 2, L("buyer"))
        else:
            g.transfer(
                t,
                b,
                seller,
                price,
                L("buyer"),
                channel="branch" if var == "branch_payment" else None,
            )
        if g.p(0.6):
            g.transfer(
                t + g.ri(HOUR, 20 * HOUR),
                b,
                g.ch(g.biz["insurance"]),
                g.u(15000, 40000),
                L("buyer"),
            )


def lk_landlord(g, count=6):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "deposit_plus_rent_one_go",
                "deposit_then_rent",
                "with_realtor_fee",
                "landlord_at_our_bank",
            ]
        )
        L = lambda role: la(g, "new_landlord", n, var, role)
        tnt = g.pick(lambda p: 20 <= p.age <= 42 and p.digital)
        if var == "landlord_at_our_bank":
            q = g.ch([x for x in g.people if x.age > 40])
            rx = Rx(q.acct, OUR_BIC, "KZ", "person", q.cid, q)
        else:
            rx = g.ext_person(age=g.ri(35, 70))
        rent = roundish(g, g.u(130000, 400000), 10000)
        t = g.day_time(g.ri(0, 2), 9, 21)
        if var == "deposit_plus_rent_one_go":
            g.transfer(t, tnt, rx, 2 * rent, L("tenant"))
        else:
            g.transfer(t, tnt, rx, rent, L("tenant"))
            g.transfer(t + g.ri(5 * MIN, 5 * HOUR), tnt, rx, rent, L("tenant"))
        if var == "with_realtor_fee":
            g.transfer(
                t + g.ri(5 * MIN, 2 * HOUR),
                tnt,
                g.ext_person(age=g.ri(25, 50)),
                rent * 0.5,
                L("tenant"),
            )


def lk_blogger(g, count=2):
    for n in range(1, count + 1):
        var = g.ch(["instagram_giveaway", "tiktok_quiz_prizes"])
        L = lambda role: la(g, "blogger_giveaway", n, var, role)
        b = g.pick(lambda p: 21 <= p.age <= 35 and p.digital)
        t = g.day_time(g.ri(0, 2), 19, 23)
        g.login(t - 120, b, lab=L("blogger"))
        k = g.ri(15, 40)
        for _ in range(k):
            if g.p(0.25):
                q = g.ch(g.people)
                rx = Rx(q.acct, OUR_BIC, "KZ", "person", q.cid, q)
            else:
                rx = g.ext_person(young=g.p(0.5))
            g.transfer(t, b, rx, g.ch([2000, 5000, 5000, 10000, 10000, 20000, 50000]), L("blogger"))
            t += g.ri(20, 240)


def lk_own_other_bank(g, count=8):
    for n in range(1, count + 1):
        var = g.ch(
            ["better_deposit_rate", "closing_deposit_moving", "chunks_under_limit", "web_large"]
        )
        L = lambda role: la(g, "own_account_other_bank", n, var, role)
        c = g.pick(lambda p: 30 <= p.age <= 75 and p.savings > 800000 and p.digital)
        b = g.other_bank()
        rx = Rx(g.kz_iban(b[0], b[2]), b[1], "KZ", "person", c.cid)
        t = g.day_time(g.ri(0, 2), 9, 22)
        total = c.savings * g.u(0.7, 1)
        if c.deposit:
            g.transfer(
                t - g.ri(60, 3600),
                c,
                Rx(c.acct, OUR_BIC, "KZ", "person", c.cid),
                total,
                L("customer"),
                account=c.deposit,
                whole=False,
            )
        if var == "chunks_under_limit":
            for part in chunks(g, total, g.ri(2, 4)):
                g.transfer(t, c, rx, roundish(g, part, 10000), L("customer"))
                t += g.ri(2 * MIN, 30 * MIN)
        else:
            g.transfer(
                t,
                c,
                rx,
                total,
                L("customer"),
                channel="web" if var == "web_large" and c.web else None,
                whole=False,
            )


def lk_crypto(g, count=6):
    for n in range(1, count + 1):
        var = g.ch(["regular_dca", "first_purchase_big", "after_salary", "young_small"])
        L = lambda role: la(g, "crypto_known_exchange", n, var, role)
        c = g.pick(lambda p: (18 <= p.age <= 25) if var == "young_small" else (23 <= p.age <= 50))
        ex = g.ch(g.exchanges)
        if var != "first_purchase_big":
            c.known.add(ex.account)
        for d in range(3):
            if var == "first_purchase_big" and d > 0:
                break
            if var != "regular_dca" and g.p(0.5) and d > 0:
                continue
            t = g.day_time(d, 9, 24)
            a = {
                "regular_dca": g.ch([20000, 50000, 100000]),
                "first_purchase_big": g.u(400000, 1500000),
                "after_salary": c.income * g.u(0.1, 0.3),
                "young_small": g.u(5000, 30000),
            }[var]
            g.transfer(t, c, ex, roundish(g, a, 1000), L("customer"))


def lk_family_abroad(g, count=8):
    for n in range(1, count + 1):
        cc = g.ch(["RU", "RU", "KG", "UZ", "TR", "KR", "DE", "CZ", "US"])
        var = f"to_{cc.lower()}_" + g.ch(["student_child", "parents", "sibling_worker"])
        L = lambda role: la(g, "family_abroad", n, var, role)
        c = g.pick(lambda p: 35 <= p.age <= 70)
        a, bic = g.foreign_account(cc)
        rx = Rx(a if g.p(0.8) else g.token(), bic, cc, "person")
        if g.p(0.75):
            c.known.add(rx.account)
        for _ in range(g.ri(1, 2)):
            t = g.day_time(g.ri(0, 2), 9, 23)
            amt = g.logn(150000, 0.6, 20000, 1500000)
            cur = "KZT"
            if cc in ("US", "DE", "CZ", "KR") and g.p(0.6):
                cur = "USD" if cc in ("US", "KR") else "EUR"
                amt = round(amt / (510 if cur == "USD" else 555), 2)
            elif cc == "RU" and g.p(0.4):
                cur, amt = "RUB", round(amt / 6.4, 2)
            g.transfer(
                t,
                c,
                rx,
                amt,
                L("customer"),
                currency=cur,
                whole=cur == "KZT",
                channel=None if c.digital else "branch",
            )


def lk_new_phone(g, count=8):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "upgraded_phone",
                "lost_phone_new_sim",
                "reinstalled_app_password_reset",
                "new_phone_big_purchase",
            ]
        )
        L = lambda role: la(g, "new_phone_then_payments", n, var, role)
        c = g.pick(lambda p: 20 <= p.age <= 70 and p.digital)
        t = g.day_time(g.ri(0, 2), 9, 21)
        if var == "lost_phone_new_sim":
            g.cev(t, c, "phone_changed", L("customer"))
            t += g.ri(5 * MIN, 2 * HOUR)
        if var in ("lost_phone_new_sim", "reinstalled_app_password_reset"):
            g.sms(t - 60, c, "bank", L("customer"))
            g.cev(t, c, "password_reset", L("customer"))
            t += g.ri(60, 600)
        old, c.phone = c.phone, g.device()
        g.switches.append((c.cid, t, old, c.phone))
        g.login(t, c, device=c.phone, new=True, lab=L("customer"))
        for _ in range(g.ri(2, 5)):
            t += g.ri(2 * MIN, 3 * HOUR)
            rx = g.ch(c.family + c.shops) if (c.family or c.shops) else g.ch(g.biz["grocery"])
            g.transfer(t, c, rx, g.logn(15000, 0.8, 500, 200000), L("customer"))
        if var == "new_phone_big_purchase":
            g.transfer(
                t + g.ri(10 * MIN, 2 * HOUR),
                c,
                g.ch(g.biz["electronics"] + g.biz["furniture"]),
                g.u(300000, 900000),
                L("customer"),
            )


def lk_past_victim(g, count=5):
    for n in range(1, count + 1):
        var = g.ch(["reported_last_month", "reported_with_account", "optout_after_report"])
        L = lambda role: la(g, "past_victim_normal", n, var, role)
        c = g.pick(lambda p: 30 <= p.age <= 75 and p.digital)
        t = g.day_time(0, 8, 12)
        g.cev(
            t,
            c,
            "fraud_reported",
            L("customer"),
            **(
                {"account": g.ext_person(young=True).account}
                if var == "reported_with_account"
                else {}
            ),
        )
        if var == "optout_after_report":
            g.cev(t + g.ri(HOUR, 4 * HOUR), c, "loan_optout_set", L("customer"))
        for _ in range(g.ri(3, 6)):
            t2 = g.day_time(g.ri(0, 2), 9, 22)
            if g.p(0.3):
                rx = g.ext_person()
            else:
                rx = g.ch(c.family + c.shops + c.utilities)
            g.transfer(t2, c, rx, g.logn(15000, 0.9, 500, 150000), L("customer"))


def lk_students(g, count=6):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "group_trip_to_tour_agency",
                "dorm_fee_forwarded",
                "birthday_gift_collection",
                "exam_notes_sales",
            ]
        )
        L = lambda role: la(g, "student_collections", n, var, role)
        s = g.pick(lambda p: 18 <= p.age <= 22 and p.digital)
        mates = g.payers(g.ri(6, 20), pred=lambda p: p.age <= 26, exclude=[s.cid])
        day = g.ri(0, 1)
        total = 0
        last = 0
        for m_ in mates:
            t = g.day_time(day, 10, 24)
            a = {
                "group_trip_to_tour_agency": g.ch([15000, 20000, 25000]),
                "dorm_fee_forwarded": g.ch([35000, 40000]),
                "birthday_gift_collection": g.ch([2000, 3000, 5000]),
                "exam_notes_sales": g.ch([1500, 2000, 3000]),
            }[var]
            total += a
            last = max(last, t)
            g.transfer(t, m_, Rx(s.acct, OUR_BIC, "KZ", "person", s.cid, s), a, L("classmate"))
        t = last + g.ri(HOUR, 20 * HOUR)
        if var == "group_trip_to_tour_agency":
            g.transfer(t, s, g.ch(g.biz["tour"]), total, L("organiser"))
        elif var == "dorm_fee_forwarded":
            g.transfer(t, s, g.ch(g.biz["education"]), total, L("organiser"))
        elif var == "birthday_gift_collection":
            g.transfer(
                t,
                s,
                g.ch(g.biz["electronics"] + g.biz["clothes"]),
                total * g.u(0.9, 1),
                L("organiser"),
            )
        else:
            g.transfer(t, s, g.ch(g.exchanges), total * g.u(0.3, 0.6), L("organiser"))


def lk_charity(g, count=2):
    for n in range(1, count + 1):
        var = g.ch(["child_surgery_abroad", "fire_victims_family"])
        L = lambda role: la(g, "charity_collection", n, var, role)
        c = g.pick(lambda p: 28 <= p.age <= 55 and p.digital)
        donors = g.payers(g.ri(20, 40), exclude=[c.cid])
        total = 0
        last = 0
        for dn in donors:
            t = g.day_time(g.ri(0, 1), 8, 24)
            a = g.ch([1000, 2000, 3000, 5000, 5000, 10000, 20000])
            total += a
            last = max(last, t)
            g.transfer(t, dn, Rx(c.acct, OUR_BIC, "KZ", "person", c.cid, c), a, L("donor"))
        t = last + g.ri(2 * HOUR, 20 * HOUR)
        if var == "child_surgery_abroad":
            cc = g.ch(["TR", "KR", "DE", "IL"])
            a, bic = g.foreign_account(cc)
            g.transfer(
                t,
                c,
                Rx(a, bic, cc, "business"),
                round((total * g.u(5, 15)) / 510, 2),
                L("collector"),
                currency="USD",
                whole=False,
            )
        else:
            g.transfer(t, c, g.ext_person(age=g.ri(30, 60)), total * g.u(1, 3), L("collector"))


def lk_stop_credit(g, count=4):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "lifted_branch_loan",
                "lifted_online_reconfirmed",
                "lifted_loan_then_set_again",
                "lifted_goods_loan",
            ]
        )
        L = lambda role: la(g, "stop_credit_lifted_properly", n, var, role)
        c = g.pick(lambda p: 25 <= p.age <= 60 and p.digital)
        t = g.day_time(0, 9, 13)
        g.cev(t, c, "loan_optout_lifted", L("customer"))
        t += g.ri(3 * HOUR, 20 * HOUR)
        if var == "lifted_branch_loan" or var == "lifted_loan_then_set_again":
            a = roundish(g, g.u(500000, 3000000), 50000)
            g.loan(t, c, a, g.ch(g.lenders_bank), L("customer"), channel="branch", first=g.p(0.5))
        elif var == "lifted_online_reconfirmed":
            a = roundish(g, g.u(700000, 2000000), 50000)
            _, lid = g.loan(t, c, a, g.ch(g.lenders_bank), L("customer"), first=False, disb=c.acct)
            t += DAY + g.ri(10 * MIN, 5 * HOUR)
            g.cev(t, c, "loan_reconfirmed", L("customer"), loan_id=lid)
        else:
            a = roundish(g, g.u(150000, 800000), 1000)
            g.loan(t, c, a, g.ch(g.lenders_bank[:3]), L("customer"), product="goods")
            if var == "lifted_goods_loan":
                continue
        t += g.ri(30 * MIN, 4 * HOUR)
        g.transfer(
            t,
            c,
            g.ch(g.biz["furniture"] + g.biz["auto_service"] + g.biz["clinic"] + g.biz["building"]),
            a * g.u(0.7, 1),
            L("customer"),
        )
        if var == "lifted_loan_then_set_again":
            g.cev(t + g.ri(HOUR, 10 * HOUR), c, "loan_optout_set", L("customer"))


def lk_online_loan(g, count=8):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "bank_loan_furniture",
                "mfo_loan_private_seller",
                "reconfirmed_then_tuition",
                "young_borrower_laptop",
                "clinic_treatment",
                "two_mfo_small_bills",
            ]
        )
        L = lambda role: la(g, "honest_online_loan_purchase", n, var, role)
        c = g.pick(
            lambda p: (19 <= p.age <= 22) if var == "young_borrower_laptop" else (23 <= p.age <= 64)
        )
        t = g.day_time(g.ri(0, 1), 9, 21)
        if var == "two_mfo_small_bills":
            for le in g.r.sample(g.lenders_mfo, 2):
                a = roundish(g, g.u(30000, 120000), 1000)
                g.loan(t, c, a, le, L("borrower"), first=g.p(0.5))
                t += g.ri(20 * MIN, 3 * HOUR)
                g.transfer(
                    t,
                    c,
                    g.ch(c.utilities + [c.repay_rx] if c.repays else c.utilities),
                    a * g.u(0.6, 1),
                    L("borrower"),
                )
            continue
        lender = g.ch(g.lenders_mfo) if var == "mfo_loan_private_seller" else g.ch(g.lenders_bank)
        a = roundish(
            g,
            {
                "bank_loan_furniture": g.u(300000, 1200000),
                "mfo_loan_private_seller": g.u(80000, 300000),
                "reconfirmed_then_tuition": g.u(700000, 1800000),
                "young_borrower_laptop": g.u(250000, 600000),
                "clinic_treatment": g.u(200000, 900000),
            }[var],
            5000,
        )
        _, lid = g.loan(t, c, a, lender, L("borrower"), first=g.p(0.4), disb=c.acct)
        if var == "reconfirmed_then_tuition":
            t += DAY + g.ri(5 * MIN, 4 * HOUR)
            g.cev(t, c, "loan_reconfirmed", L("borrower"), loan_id=lid)
        t += g.ri(20 * MIN, 6 * HOUR)
        rx = {
            "bank_loan_furniture": g.ch(g.biz["furniture"]),
            "mfo_loan_private_seller": g.ext_person(),
            "reconfirmed_then_tuition": g.ch(g.biz["education"]),
            "young_borrower_laptop": g.ch(g.biz["electronics"]),
            "clinic_treatment": g.ch(g.biz["clinic"]),
        }[var]
        g.transfer(t, c, rx, a * g.u(0.8, 1), L("borrower"))


def lk_egov_property(g, count=4):
    for n in range(1, count + 1):
        var = g.ch(
            [
                "mortgage_down_payment_to_seller",
                "savings_flat_purchase",
                "new_phone_notary_deal",
                "land_plot_purchase",
            ]
        )
        L = lambda role: la(g, "egov_property_deal", n, var, role)
        c = g.pick(lambda p: 27 <= p.age <= 60 and p.digital)
        t = g.day_time(g.ri(0, 2), 9, 16)
        g.sms(t, c, "1414", L("buyer"))
        if g.p(0.5):
            g.sms(t + g.ri(60, 900), c, "egov", L("buyer"))
        t += g.ri(10 * MIN, 90 * MIN)
        if var == "new_phone_notary_deal":
            old, c.phone = c.phone, g.device()
            g.switches.append((c.cid, t, old, c.phone))
            g.login(t, c, device=c.phone, new=True, lab=L("buyer"))
            t += g.ri(5 * MIN, 30 * MIN)
        seller = g.ext_person(age=g.ri(30, 75), token=False)
        price = roundish(
            g, g.u(8e6, 30e6) if var != "land_plot_purchase" else g.u(2e6, 6e6), 100000
        )
        own = price
        if var == "mortgage_down_payment_to_seller":
            g.loan(
                t,
                c,
                price * 0.8,
                g.ch(g.lenders_bank[:5]),
                L("buyer"),
                channel="branch",
                product="mortgage",
                secured=True,
            )
            own = price * 0.2
            t += g.ri(HOUR, 3 * HOUR)
        if c.deposit:
            g.transfer(
                t - 300,
                c,
                Rx(c.acct, OUR_BIC, "KZ", "person", c.cid),
                own,
                L("buyer"),
                account=c.deposit,
                whole=False,
            )
        g.transfer(t, c, seller, price, L("buyer"), channel="branch" if g.p(0.4) else None)


def lk_kassa(g, count=3):
    for n in range(1, count + 1):
        var = g.ch(["monthly_kassa_recipient_buys", "kassa_recipient_to_deposit"])
        L = lambda role: la(g, "kassa_savings_circle", n, var, role)
        rcp = g.pick(lambda p: 28 <= p.age <= 58 and p.digital)
        members = g.payers(g.ri(8, 12), exclude=[rcp.cid])
        fee = g.ch([30000, 50000, 50000, 100000])
        day = g.ri(0, 1)
        for m_ in members:
            m_.known.add(rcp.acct)
            g.transfer(
                g.day_time(day, 9, 23),
                m_,
                Rx(rcp.acct, OUR_BIC, "KZ", "person", rcp.cid, rcp),
                fee,
                L("member"),
            )
        t = g.day_time(day + 1, 10, 20)
        total = fee * len(members)
        if var == "monthly_kassa_recipient_buys":
            g.transfer(
                t,
                rcp,
                g.ch(g.biz["furniture"] + g.biz["electronics"] + g.biz["building"]),
                total * g.u(0.8, 1.1),
                L("recipient"),
            )
        else:
            dep = rcp.deposit or rcp.acct
            g.transfer(t, rcp, Rx(dep, OUR_BIC, "KZ", "person", rcp.cid), total, L("recipient"))


def lk_refinance(g, count=4):
    for n in range(1, count + 1):
        var = g.ch(["bank_loan_pays_other_bank", "consolidation_pays_mfos", "pensioner_refinance"])
        L = lambda role: la(g, "refinance_payoff", n, var, role)
        c = g.pick(
            lambda p: (p.persona == "pensioner" and p.age < 72)
            if var == "pensioner_refinance"
            else (25 <= p.age <= 60)
        )
        t = g.day_time(g.ri(0, 2), 9, 18)
        a = roundish(g, g.u(500000, 3500000), 10000)
        g.loan(
            t,
            c,
            a,
            g.ch(g.lenders_bank),
            L("borrower"),
            product=g.ch(["refinancing", "consumer"]),
            disb=c.acct,
        )
        t += g.ri(15 * MIN, 3 * HOUR)
        if var == "consolidation_pays_mfos":
            for part in chunks(g, a, g.ri(2, 3)):
                rx = Rx(g.kz_iban(), None, "KZ", "business", g.ch(g.lenders_mfo)["id"])
                g.transfer(t, c, rx, part, L("borrower"))
                t += g.ri(2 * MIN, 20 * MIN)
        else:
            g.transfer(t, c, g.ch(g.bank_repay), a, L("borrower"))


def lk_grandparent(g, count=4):
    for n in range(1, count + 1):
        var = g.ch(
            ["tuition_for_grandchild", "wedding_gift_grandchild", "deposit_to_grandchild_branch"]
        )
        L = lambda role: la(g, "grandparent_gift", n, var, role)
        c = g.pick(lambda p: p.age >= 64)
        gc = g.ext_person(young=True, token=False)
        t = g.day_time(g.ri(0, 2), 9, 19)
        a = roundish(g, g.u(400000, 2500000), 10000)
        ch = "branch" if (var == "deposit_to_grandchild_branch" or not c.digital) else "mobile"
        if c.deposit:
            g.transfer(
                t - g.ri(300, 3000),
                c,
                Rx(c.acct, OUR_BIC, "KZ", "person", c.cid),
                a,
                L("grandparent"),
                account=c.deposit,
                channel=ch,
                whole=False,
            )
        g.transfer(t, c, gc, a, L("grandparent"), channel=ch)


def lk_renovation(g, count=3):
    for n in range(1, count + 1):
        var = g.ch(["brigade_daily_chunks", "materials_and_brigade"])
        L = lambda role: la(g, "renovation_chunks", n, var, role)
        c = g.pick(lambda p: 30 <= p.age <= 65 and p.digital)
        foreman = g.ext_person(age=g.ri(30, 55), token=g.p(0.3))
        for d in range(g.ri(0, 1), 3):
            t = g.day_time(d, 8, 20)
            for part in chunks(g, g.u(300000, 900000), g.ri(1, 2)):
                g.transfer(t, c, foreman, roundish(g, part, 5000), L("customer"))
                t += g.ri(10 * MIN, 5 * HOUR)
            if var == "materials_and_brigade" and g.p(0.6):
                g.transfer(t + 600, c, g.ch(g.biz["building"]), g.u(50000, 400000), L("customer"))


# ======================================================================= main


def generate(seed, n_persons=800):
    g = Gen(seed, n_persons)
    g.build_world()
    g.everyday()
    sc_dropper(g)  # first: the other schemes may pay these mules
    sc_sms1414(g)
    sc_safe_account(g)
    sc_marketplace(g)
    sc_investment(g)
    sc_repeat(g)
    lk_sole_trader(g, 10)
    lk_toi(g, 5)
    lk_used_car(g, 5)
    lk_landlord(g, 6)
    lk_blogger(g, 2)
    lk_own_other_bank(g, 8)
    lk_crypto(g, 6)
    lk_family_abroad(g, 8)
    lk_new_phone(g, 8)
    lk_past_victim(g, 5)
    lk_students(g, 6)
    lk_charity(g, 2)
    lk_stop_credit(g, 4)
    lk_online_loan(g, 8)
    lk_egov_property(g, 4)
    lk_kassa(g, 3)
    lk_refinance(g, 4)
    lk_grandparent(g, 4)
    lk_renovation(g, 3)
    forward_mules(g)
    # after a phone is replaced, the everyday traffic generated earlier moves to the new one
    sw = {cid: (t, old, new) for cid, t, old, new in g.switches}
    for t, _s, _topic, ev in g.rows:
        x = sw.get(ev["customer_id"])
        if x and t > x[0] and ev.get("device_id") == x[1]:
            ev["device_id"] = x[2]
    g.rows.sort(key=lambda x: (x[0], x[1]))
    return g


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--persons", type=int, default=800)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    g = generate(a.seed, a.persons)
    os.makedirs(a.out, exist_ok=True)
    ev_path = os.path.join(a.out, f"{a.seed}.jsonl")
    lb_path = os.path.join(a.out, f"{a.seed}.labels.jsonl")
    topics = Counter()
    with open(ev_path, "w", encoding="utf-8") as f, open(lb_path, "w", encoding="utf-8") as fl:
        for _t, _s, topic, ev in g.rows:
            topics[topic] += 1
            f.write(
                json.dumps({"topic": topic, "event": ev}, ensure_ascii=False, separators=(",", ":"))
                + "\n"
            )
            fl.write(
                json.dumps(g.labels[ev["event_id"]], ensure_ascii=False, separators=(",", ":"))
                + "\n"
            )
    per = Counter()
    fraud = Counter()
    for _t, _s, _topic, ev in g.rows:
        lab = g.labels[ev["event_id"]]
        per[lab["scenario"]] += 1
        fraud[lab["scenario"]] += lab["should_stop"]
    print(
        f"seed {a.seed}: {len(g.rows)} events {dict(topics)} in {time.perf_counter() - t0:.2f}s",
        file=sys.stderr,
    )
    for sc in sorted(per):
        print(
            f"  {sc:32s} instances={len(g.instances.get(sc, ())) or '-':>3} events={per[sc]:6d} should_stop={fraud[sc]}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
