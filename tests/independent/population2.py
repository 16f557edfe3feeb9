#!/usr/bin/env python3
"""Independent labelled synthetic population #2 for the transaction fraud screener.

Written only from the public contract (CONTRACT.md), the domain notes (DOMAIN.md), the seed
news articles and the input JSON schemas; it has never seen the screener's rules or the
project's own generators, so it tests whether the rules generalise.

Usage:
    python tests/independent/population2.py --seed S --out DIR

Writes
    DIR/S.jsonl         one {"topic": T, "event": E} per line, T in transfers|loans|customer_events,
                        in event-time order (occurred_at ascending)
    DIR/S.labels.jsonl  one {"event_id", "scenario", "instance", "role", "is_fraud", "should_stop"}
                        per labelled event; unlabelled events are everyday traffic.

Population: about 900 ordinary persons at the bank "ours" (plus about 30 business customers),
receivers at other banks and abroad, four days from 2026-04-13 00:00 Asia/Almaty (+05:00).
Scams (is_fraud true, 8 instances each; should_stop true on every payment or loan moving money
towards the fraudsters) and honest look-alikes (is_fraud false, should_stop false).

Standard library only; deterministic for a seed (random.Random(seed) is the only source of
randomness; ids are derived from it).
"""

import argparse
import json
import math
import os
import random
import uuid
from datetime import date, datetime, timedelta, timezone

TZ = timezone(timedelta(hours=5))
T0 = datetime(2026, 4, 13, 0, 0, 0, tzinfo=TZ)
DAYS = 4
T_END = T0 + timedelta(days=DAYS)
REF_DAY = date(2026, 4, 13)

MRP_2026 = 4325
MRP75, MRP150, MRP255 = 75 * MRP_2026, 150 * MRP_2026, 255 * MRP_2026

N_PERSONS = 900

DROP = object()  # override value: remove the field

# Kazakh banks: (key, 3-digit IBAN bank code, BIC, account prefix letters)
BANKS = [
    ("ours", "856", "KCJBKZKX", "0K"),
    ("halyk", "601", "HSBKKZKX", "ABC"),
    ("kaspi", "722", "CASPKZKA", "SC"),
    ("forte", "965", "IRTYKZKA", "0AB"),
    ("jusan", "998", "TSESKZKA", "0BC"),
    ("freedom", "551", "KSNVKZKA", "0"),
    ("eurasian", "948", "EURIKZKA", "0AS"),
    ("homecredit", "886", "INLMKZKA", "0"),
    ("bereke", "914", "BRKEKZKA", "0AB"),
    ("rbk", "821", "KINCKZKA", "0KZ"),
]
BANK = {b[0]: b for b in BANKS}
OTHER_BANKS = [b[0] for b in BANKS if b[0] != "ours"]
OTHER_BANK_W = [30, 34, 8, 6, 6, 4, 4, 4, 4]  # halyk, kaspi, ...
OURS_BIC = BANK["ours"][2]

FOREIGN_BANKS = {
    # country: (bic, iban spec or None for card/account only)
    "RU": ["SABRRUMM", "TICSRUMM", "ALFARUMM"],
    "UZ": ["NBFAUZ2X", "KAPBUZ22"],
    "KG": ["DEMIKG22", "KICBKG22"],
    "TR": ["TCZBTR2A", "ISBKTRIS", "AKBKTRIS"],
    "GE": ["BAGAGE22", "TBCBGE22"],
    "AE": ["EBILAEAD", "NBADAEAA"],
    "CY": ["BCYPCY2N", "HEBACY2N"],
    "GB": ["REVOGB21", "MYMBGB2L"],
    "LT": ["REVOLT21", "CBVILT2X"],
    "DE": ["DEUTDEFF", "COBADEFF"],
    "KR": ["HNBNKRSE", "KOEXKRSE"],
    "US": ["CHASUS33", "BOFAUS3N"],
    "CN": ["ICBKCNBJ", "BKCHCNBJ"],
}

HOUR_W = [
    0.6,
    0.3,
    0.15,
    0.1,
    0.1,
    0.2,
    0.8,
    2.5,
    5,
    7,
    8,
    8.5,
    9,
    8.5,
    8,
    8,
    8,
    9,
    10,
    10,
    9,
    7,
    4,
    1.8,
]

W1 = list(range(1, 12))
W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


# --------------------------------------------------------------------------- identifiers


def iin_check_digit(d11):
    s = sum(int(c) * w for c, w in zip(d11, W1, strict=False)) % 11
    if s == 10:
        s = sum(int(c) * w for c, w in zip(d11, W2, strict=False)) % 11
        if s == 10:
            return None
    return s


def iin_valid(x):
    if not (isinstance(x, str) and len(x) == 12 and x.isdigit()):
        return False
    cd = iin_check_digit(x[:11])
    return cd is not None and cd == int(x[11])


def iban_check(country, bban):
    num = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return 98 - int(num) % 97


def iban_valid(x):
    s = x[4:] + x[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in s)) % 97 == 1
    except ValueError:
        return False


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def poisson(r, lam):
    if lam <= 0:
        return 0
    L, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= r.random()
        if p <= L:
            return k
        k += 1


class Cust:
    """A customer of the bank 'ours' (person or business)."""

    def __init__(self, cid):
        self.cid = cid
        self.business = False
        self.birth = None
        self.age = None
        self.male = None
        self.segment = None
        self.iban = None
        self.deposit = None
        self.accounts = []
        self.devices = []
        self.web_device = None
        self.contacts = []
        self.billers = []
        self.merchants = []
        self.activity = 1.0
        self.savings = 0
        self.income = 0
        self.employer = None
        self.reserved = None
        self.busy = []
        self.crowd_ok = True
        self.optout = False
        self.channel_w = (85, 10, 3, 2)  # mobile, web, branch, atm
        self.ext_accounts = {}
        self.is_ip = False

    def is_busy(self, t):
        for a, b in self.busy:
            if a <= t <= b:
                return True
        return False


# --------------------------------------------------------------------------- generator


class Pop:
    def __init__(self, seed):
        self.seed = seed
        self.r = random.Random(seed)
        self.out = []  # (dt, seq, topic, event, label)
        self.seq = 0
        self.used_ids = set()
        self.used_accounts = set()
        self.known = {}  # customer id -> {account: True} (payees paid before)
        self.loan_seq = 0
        self.labels_count = 0

    # ----------------------------------------------------------------- basic random helpers
    def hexs(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def uid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def choice_w(self, items, weights):
        return self.r.choices(items, weights=weights, k=1)[0]

    def birth_for_age(self, lo, hi):
        age = self.r.randint(lo, hi)
        # born between (REF - age - 1 year, REF - age]
        end = date(REF_DAY.year - age, REF_DAY.month, REF_DAY.day)
        start = date(REF_DAY.year - age - 1, REF_DAY.month, REF_DAY.day) + timedelta(days=1)
        d = start + timedelta(days=self.r.randrange((end - start).days + 1))
        return d

    def new_iin(self, lo=18, hi=80, male=None):
        if male is None:
            male = self.r.random() < 0.48
        b = self.birth_for_age(lo, hi)
        c = {18: 1, 19: 3, 20: 5}[b.year // 100] + (0 if male else 1)
        while True:
            d11 = b.strftime("%y%m%d") + str(c) + "%04d" % self.r.randrange(10000)
            cd = iin_check_digit(d11)
            if cd is None:
                continue
            x = d11 + str(cd)
            if x in self.used_ids:
                continue
            self.used_ids.add(x)
            return x, b, male

    def new_bin(self, y0=1996, y1=2025, kind_digit=None):
        while True:
            y = self.r.randint(y0, y1)
            m = self.r.randint(1, 12)
            k = kind_digit or self.choice_w(["4", "5", "6"], [85, 5, 10])
            d11 = (
                "%02d%02d" % (y % 100, m)
                + k
                + self.choice_w("0123", [80, 10, 5, 5])
                + "%05d" % self.r.randrange(100000)
            )
            cd = iin_check_digit(d11)
            if cd is None:
                continue
            x = d11 + str(cd)
            if x in self.used_ids:
                continue
            self.used_ids.add(x)
            return x

    def new_kz_iban(self, bank_key):
        _, code, _, pref = BANK[bank_key]
        while True:
            p = self.r.choice(pref)
            body = p + "".join(self.r.choice("0123456789") for _ in range(12))
            if self.r.random() < 0.15 and p != "0":
                body = (
                    p
                    + "%03d" % self.r.randrange(1000)
                    + "".join(self.r.choice("0123456789") for _ in range(9))
                )
            bban = code + body
            x = "KZ%02d%s" % (iban_check("KZ", bban), bban)
            if x not in self.used_accounts:
                self.used_accounts.add(x)
                return x

    def new_foreign_iban(self, country):
        digits = lambda n: "".join(self.r.choice("0123456789") for _ in range(n))
        letters = lambda n: "".join(self.r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(n))
        if country == "TR":
            bban = digits(5) + "0" + digits(16)
        elif country == "GE":
            bban = self.r.choice(["BG", "TB"]) + digits(16)
        elif country == "AE":
            bban = digits(3) + digits(16)
        elif country == "CY":
            bban = digits(8) + digits(16)
        elif country == "GB":
            bban = letters(4) + digits(14)
        elif country == "LT":
            bban = digits(16)
        elif country == "DE":
            bban = digits(18)
        else:
            return None
        x = "%s%02d%s" % (country, iban_check(country, bban), bban)
        self.used_accounts.add(x)
        return x

    def card_token(self):
        return self.r.choice(["tok_", "ctk_", "crd-"]) + self.hexs(self.r.choice([24, 32]))

    def wallet_addr(self):
        k = self.r.random()
        b58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
        if k < 0.55:
            return "T" + "".join(self.r.choice(b58) for _ in range(33))
        if k < 0.85:
            return "0x" + self.hexs(40)
        return "bc1q" + "".join(
            self.r.choice("023456789acdefghjklmnpqrstuvwxyz") for _ in range(38)
        )

    def ewallet(self):
        return (
            self.r.choice(["ew:", "wallet:", "W"])
            + "77"
            + "".join(self.r.choice("0123456789") for _ in range(9))
        )

    def device(self, kind=None):
        kind = kind or self.choice_w(["and", "ios", "web"], [58, 34, 8])
        if kind == "and":
            return self.hexs(16)
        if kind == "ios":
            return self.uid().upper()
        return "web-" + self.hexs(24)

    # ----------------------------------------------------------------- parties
    def party_person_ext(self, lo=18, hi=80, bank=None, token=False, cid=None):
        if cid is None:
            cid, _, _ = self.new_iin(lo, hi)
        bank = bank or self.choice_w(OTHER_BANKS, OTHER_BANK_W)
        if token:
            return {
                "account": self.card_token(),
                "bic": BANK[bank][2] if self.r.random() < 0.5 else None,
                "country": "KZ",
                "kind": "person",
                "cid": cid,
                "ours": False,
                "token": True,
            }
        return {
            "account": self.new_kz_iban(bank),
            "bic": BANK[bank][2],
            "country": "KZ",
            "kind": "person",
            "cid": cid,
            "ours": False,
            "token": False,
        }

    def party_of(self, c, account=None):
        """Receiver party for an account of our customer c."""
        return {
            "account": account or c.iban,
            "bic": OURS_BIC,
            "country": "KZ",
            "kind": "business" if c.business else "person",
            "cid": c.cid,
            "ours": True,
            "token": False,
        }

    def party_business(self, bank=None, bin_=None, kind="business"):
        bank = bank or self.choice_w([b[0] for b in BANKS], [12] + OTHER_BANK_W)
        return {
            "account": self.new_kz_iban(bank),
            "bic": BANK[bank][2],
            "country": "KZ",
            "kind": kind,
            "cid": bin_ or self.new_bin(),
            "ours": bank == "ours",
            "token": False,
        }

    def party_foreign(self, country, kind="person", token=None):
        bic = self.r.choice(FOREIGN_BANKS[country])
        acc = None
        if not token:
            acc = self.new_foreign_iban(country)
        if acc is None:
            if country == "RU" and not token and self.r.random() < 0.5:
                acc = "40817810" + "".join(self.r.choice("0123456789") for _ in range(12))
            elif country in ("KG", "UZ") and not token and self.r.random() < 0.5:
                acc = "".join(
                    self.r.choice("0123456789") for _ in range(16 if country == "KG" else 20)
                )
            else:
                acc = self.card_token()
                bic = bic if self.r.random() < 0.4 else None
        return {
            "account": acc,
            "bic": bic,
            "country": country,
            "kind": kind,
            "cid": None,
            "ours": False,
            "token": acc.startswith(("tok_", "ctk_", "crd-")),
        }

    def party_crypto_wallet(self, kind="crypto_exchange", country=None):
        return {
            "account": self.wallet_addr(),
            "bic": None,
            "country": country,
            "kind": kind,
            "cid": None,
            "ours": False,
            "token": True,
        }

    def party_ewallet(self, kind="payment_service", country="KZ"):
        return {
            "account": self.ewallet(),
            "bic": None,
            "country": country,
            "kind": kind,
            "cid": None,
            "ours": False,
            "token": True,
        }

    # ----------------------------------------------------------------- time helpers
    def at(self, day, hour, minute=0, second=0):
        return T0 + timedelta(days=day, hours=hour, minutes=minute, seconds=second)

    def at_h(self, day, h_float):
        return T0 + timedelta(days=day, seconds=int(h_float * 3600))

    def rand_time(self, day, lo=0.0, hi=24.0, weights=True):
        if weights:
            hours = [h for h in range(24) if lo <= h < hi] or [int(lo)]
            h = self.choice_w(hours, [HOUR_W[x] for x in hours])
            sec = h * 3600 + self.r.randrange(3600)
            sec = max(int(lo * 3600), min(int(hi * 3600) - 1, sec))
        else:
            sec = self.r.randrange(int(lo * 3600), int(hi * 3600))
        return T0 + timedelta(days=day, seconds=sec)

    @staticmethod
    def mins(a, b=None):
        return timedelta(minutes=a)

    def rmin(self, lo, hi):
        return timedelta(seconds=self.r.randint(int(lo * 60), int(hi * 60)))

    def fmt_ts(self, dt):
        if dt.microsecond:
            return dt.isoformat(timespec="milliseconds")
        return dt.isoformat(timespec="seconds")

    def fmt_amount(self, cents, style=None):
        cents = int(cents)
        if cents <= 0:
            cents = 100
        style = style or self.choice_w(["int_str", "dec_str", "int_num", "num"], [55, 27, 12, 6])
        if cents % 100 and style in ("int_str", "int_num"):
            style = "dec_str" if style == "int_str" else "num"
        if style == "int_str":
            return str(cents // 100)
        if style == "dec_str":
            s = "%d.%02d" % (cents // 100, cents % 100)
            if cents % 100 and cents % 10 == 0 and self.r.random() < 0.3:
                s = s[:-1]
            return s
        if style == "int_num":
            return cents // 100
        v = round(cents / 100.0, 2)
        return int(v) if v == int(v) and self.r.random() < 0.5 else v

    def kzt(self, lo, hi, round_to=None, cents_p=0.0):
        v = self.r.uniform(lo, hi)
        if round_to is None:
            round_to = 1000 if v > 50000 else (100 if v > 2000 else 10)
        v = max(round_to, int(v / round_to) * round_to)
        c = v * 100
        if self.r.random() < cents_p:
            c += self.r.randrange(1, 100)
        return c

    # ----------------------------------------------------------------- emission
    def emit(self, dt, topic, ev, label=None):
        # A login just before the first day, or a scenario late on the last day spilling into
        # the next morning: still the past, and the screener takes any past time.
        assert T0 - timedelta(days=1) <= dt < T_END + timedelta(days=1), (dt, ev)
        ev["occurred_at"] = self.fmt_ts(dt)
        self.seq += 1
        self.out.append([dt, self.seq, topic, ev, label])
        return ev

    def lab(self, scenario, instance, role, fraud, stop=False):
        return {
            "scenario": scenario,
            "instance": instance,
            "role": role,
            "is_fraud": fraud,
            "should_stop": bool(stop),
        }

    def maybe(self, p):
        return self.r.random() < p

    def know(self, c, account):
        self.known.setdefault(c.cid, {})[account] = True

    def transfer(
        self,
        dt,
        c,
        rcv,
        cents,
        channel="mobile",
        device=None,
        sender=None,
        label=None,
        currency="KZT",
        nb="auto",
        over=None,
        details=None,
    ):
        ev = {
            "event_id": self.event_id("t"),
            "type": "transfer",
            "occurred_at": None,
            "customer_id": c.cid,
            "sender_account": sender or c.iban,
            "receiver_account": rcv["account"],
            "amount": self.fmt_amount(cents),
        }
        if currency != "KZT" or self.maybe(0.82):
            ev["currency"] = currency
        ev["channel"] = channel
        if rcv.get("bic") and self.maybe(0.9):
            ev["receiver_bank"] = rcv["bic"]
        ctry = rcv.get("country")
        if ctry and ctry != "KZ":
            if self.maybe(0.88):
                ev["receiver_country"] = ctry
        elif ctry == "KZ" and self.maybe(0.55):
            ev["receiver_country"] = "KZ"
        if self.maybe(0.86):
            ev["receiver_kind"] = rcv.get("kind") or "unknown"
        elif rcv.get("token") and self.maybe(0.3):
            ev["receiver_kind"] = "unknown"
        if rcv.get("cid"):
            p = 0.6 if rcv.get("ours") else (0.0 if rcv.get("token") else 0.4)
            if rcv.get("kind") == "business":
                p = max(p, 0.5)
            if self.maybe(p):
                ev["receiver_customer_id"] = rcv["cid"]
        if channel in ("mobile", "web", "api"):
            dev = (
                device
                if device is not None
                else (
                    c.web_device
                    if channel == "web" and c.web_device
                    else (c.devices[0] if c.devices else None)
                )
            )
            if dev and self.maybe(0.93):
                ev["device_id"] = dev
        elif channel == "atm" and self.maybe(0.4):
            ev["device_id"] = "ATM-%05d" % self.r.randrange(1, 40000)
        if details and self.maybe(0.22):
            ev["payment_details"] = details
        if self.maybe(0.01):  # a bank that sends explicit nulls for unknown optional fields
            for k in ("receiver_bank", "receiver_customer_id", "device_id"):
                if k not in ev:
                    ev[k] = None
        ev["_nb"] = nb
        if over:
            for k, v in over.items():
                if v is DROP:
                    ev.pop(k, None)
                else:
                    ev[k] = v
        return self.emit(dt, "transfers", ev, label)

    def event_id(self, kind):
        u = self.uid()
        if kind == "l" and self.maybe(0.35):
            return "gkb-" + u
        return u

    def cevent(self, dt, c, typ, label=None, **fields):
        ev = {
            "event_id": self.event_id("c"),
            "type": typ,
            "occurred_at": None,
            "customer_id": c.cid,
        }
        for k, v in fields.items():
            if v is DROP:
                continue
            ev[k] = v
        return self.emit(dt, "customer_events", ev, label)

    def login(self, dt, c, device=None, new=False, label=None, dev_p=0.9):
        dev = device or (c.devices[0] if c.devices else self.device())
        f = {"new_device": bool(new)}
        if self.maybe(dev_p):
            f["device_id"] = dev
        return self.cevent(dt, c, "login", label, **f)

    def sms(self, dt, c, source="bank", label=None):
        if source == "1414" and self.maybe(0.12):
            source = 1414
        return self.cevent(dt, c, "sms_code_sent", label, source=source)

    def loan(
        self,
        dt,
        c,
        cents,
        lender,
        channel="online",
        product=None,
        secured=None,
        disb="auto",
        first=None,
        ipv=None,
        label=None,
        over=None,
        signed=None,
    ):
        self.loan_seq += 1
        lid = "%s-%s-%06d%s" % (
            lender["prefix"],
            "26",
            self.r.randrange(1000000),
            self.hexs(2).upper(),
        )
        ev = {
            "event_id": self.event_id("l"),
            "type": "loan_approval",
            "occurred_at": None,
            "customer_id": c.cid,
            "loan_id": lid,
            "amount": self.fmt_amount(cents),
        }
        if self.maybe(0.75):
            ev["currency"] = "KZT"
        ev["lender_kind"] = lender["kind"]
        if self.maybe(0.8):
            ev["lender_id"] = (
                lender["bic"] if (lender.get("bic") and self.maybe(0.7)) else lender["bin"]
            )
        ev["channel"] = channel
        if product is not None:
            ev["product"] = product
        elif self.maybe(0.45):
            ev["product"] = "consumer"
        if secured is not None:
            ev["secured"] = secured
        elif self.maybe(0.35):
            ev["secured"] = False
        if signed is not None:
            ev["contract_signed_at"] = self.fmt_ts(signed)
        elif self.maybe(0.6):
            ev["contract_signed_at"] = self.fmt_ts(dt - timedelta(seconds=self.r.randint(0, 150)))
        if disb == "auto":
            if lender["key"] == "ours":
                disb = c.iban
            elif lender["kind"] == "mfo":
                disb = c.iban if self.maybe(0.6) else self.card_token()
            else:
                disb = c.ext_accounts.setdefault(lender["key"], self.new_kz_iban(lender["key"]))
        if disb and self.maybe(0.72):
            ev["disbursement_account"] = disb
        if first is not None and self.maybe(0.85):
            ev["first_loan"] = first
        elif first is None and self.maybe(0.3):
            ev["first_loan"] = False
        if ipv is not None and self.maybe(0.8):
            ev["in_person_verified"] = ipv
        elif ipv is None:
            if channel == "branch" and self.maybe(0.8):
                ev["in_person_verified"] = True
            elif channel == "online" and self.maybe(0.4):
                ev["in_person_verified"] = False
        if over:
            for k, v in over.items():
                if v is DROP:
                    ev.pop(k, None)
                else:
                    ev[k] = v
        if "gkb-" in ev["event_id"] and self.maybe(0.5):
            dt = dt + timedelta(microseconds=self.r.randrange(1, 1000) * 1000)
        return self.emit(dt, "loans", ev, label)

    # ----------------------------------------------------------------- population
    def build(self):
        r = self.r
        # lenders
        self.lenders = []
        for key in [
            "ours",
            "halyk",
            "kaspi",
            "homecredit",
            "eurasian",
            "forte",
            "freedom",
            "jusan",
            "bereke",
        ]:
            self.lenders.append(
                {
                    "key": key,
                    "kind": "bank",
                    "bic": BANK[key][2],
                    "bin": self.new_bin(1993, 2008),
                    "prefix": {
                        "ours": "CC",
                        "halyk": "HB",
                        "kaspi": "KSP",
                        "homecredit": "HCB",
                        "eurasian": "EUB",
                        "forte": "FB",
                        "freedom": "FRB",
                        "jusan": "JSN",
                        "bereke": "BRK",
                    }[key],
                }
            )
        for i, pfx in enumerate(
            ["KMF", "SLV", "KRD", "ZAI", "MGN", "ONL", "TEN", "VIV", "SMR", "QAR"]
        ):
            self.lenders.append(
                {
                    "key": "mfo%d" % i,
                    "kind": "mfo",
                    "bic": None,
                    "bin": self.new_bin(2012, 2023),
                    "prefix": pfx,
                }
            )
        self.banks_l = [l for l in self.lenders if l["kind"] == "bank"]
        self.mfos_l = [l for l in self.lenders if l["kind"] == "mfo"]
        self.lender_by_key = {l["key"]: l for l in self.lenders}

        # merchants & utilities
        cats = [
            ("grocery", 18, 800, 25000),
            ("pharmacy", 6, 500, 15000),
            ("fuel", 5, 3000, 25000),
            ("cafe", 10, 1500, 20000),
            ("clothing", 7, 5000, 80000),
            ("electronics", 5, 10000, 450000),
            ("online_shop", 8, 2000, 90000),
            ("taxi_delivery", 4, 800, 6000),
            ("education", 3, 15000, 120000),
            ("furniture", 3, 30000, 600000),
            ("clinic", 3, 5000, 60000),
            ("telecom", 4, 1000, 10000),
        ]
        self.merchants = []
        for cat, n, lo, hi in cats:
            for _ in range(n):
                p = self.party_business()
                p.update({"cat": cat, "lo": lo, "hi": hi})
                self.merchants.append(p)
        self.utilities = []
        for name, lo, hi in [
            ("alseco", 5000, 38000),
            ("water", 1500, 9000),
            ("power", 4000, 25000),
            ("gas", 1500, 15000),
            ("kt_internet", 4500, 12000),
            ("erc", 6000, 40000),
            ("heating", 6000, 35000),
            ("osi", 3000, 15000),
        ]:
            p = self.party_business(
                bank=self.choice_w(["halyk", "ours", "forte", "kaspi"], [5, 2, 1, 1])
            )
            p.update({"cat": name, "lo": lo, "hi": hi})
            self.utilities.append(p)
        self.restaurants = []
        for _ in range(10):
            p = self.party_business()
            p.update({"cat": "restaurant"})
            self.restaurants.append(p)
        self.car_dealers = [self.party_business() for _ in range(3)]
        # known, licensed crypto exchanges (AIFC), paid through their KZ accounts
        self.kz_exchanges = []
        for bank in ["halyk", "forte", "freedom", "bereke"]:
            p = self.party_business(bank=bank, kind="crypto_exchange")
            self.kz_exchanges.append(p)
        self.pay_services = []
        for _ in range(6):
            p = self.party_business(kind="payment_service")
            self.pay_services.append(p)
        self.treasury = {
            "account": self.new_kz_iban("halyk"),
            "bic": "KKMFKZ2A",
            "country": "KZ",
            "kind": "business",
            "cid": self.new_bin(1999, 2005),
            "ours": False,
            "token": False,
        }

        # external persons (receivers at other banks)
        self.ext_people = [self.party_person_ext(token=self.maybe(0.18)) for _ in range(650)]

        # our persons
        self.persons = []
        for i in range(N_PERSONS):
            seg = self.choice_w(
                ["worker", "pensioner", "student", "self_employed", "homemaker"], [58, 17, 9, 11, 5]
            )
            if seg == "pensioner":
                lo, hi = 61, 80
            elif seg == "student":
                lo, hi = 18, 23
            else:
                lo, hi = 22, 62
            cid, b, male = self.new_iin(lo, hi)
            c = Cust(cid)
            c.birth, c.male, c.age, c.segment = b, male, age_on(b, REF_DAY), seg
            c.iban = self.new_kz_iban("ours")
            c.accounts = [c.iban]
            if self.maybe(0.38 if seg != "student" else 0.08):
                c.deposit = self.new_kz_iban("ours")
                c.accounts.append(c.deposit)
            nd = 1 if self.maybe(0.75) else 2
            c.devices = [self.device(self.choice_w(["and", "ios"], [62, 38])) for _ in range(nd)]
            if self.maybe(0.25):
                c.web_device = self.device("web")
            c.activity = self.choice_w([0.4, 1.0, 2.0, 3.2], [20, 40, 30, 10])
            if seg == "pensioner":
                c.activity *= 0.6
                c.channel_w = (60, 5, 30, 5)
            if c.age >= 65:
                c.channel_w = (50, 3, 42, 5)
            inc = {
                "worker": (180000, 900000),
                "pensioner": (70000, 260000),
                "student": (30000, 150000),
                "self_employed": (150000, 1500000),
                "homemaker": (40000, 200000),
            }[seg]
            c.income = int(r.uniform(*inc) / 1000) * 1000
            sav = math.exp(r.gauss(math.log(max(c.income, 50000) * 2.0), 1.1))
            if c.deposit:
                sav *= 3
            c.savings = int(min(sav, 60_000_000) / 1000) * 1000 + 5000
            c.is_ip = seg == "self_employed" and self.maybe(0.6)
            self.persons.append(c)
        self.by_cid = {c.cid: c for c in self.persons}

        # relatives/friends: half at ours
        for c in self.persons:
            n = self.r.randint(2, 6)
            for _ in range(n):
                if self.maybe(0.45):
                    o = self.r.choice(self.persons)
                    if o is c:
                        continue
                    p = self.party_of(o)
                else:
                    p = self.r.choice(self.ext_people)
                c.contacts.append(p)
                self.know(c, p["account"])
            c.billers = (
                self.r.sample(self.utilities, self.r.randint(1, 4))
                if c.segment != "student"
                else self.r.sample(self.utilities, self.r.randint(0, 1))
            )
            c.merchants = self.r.sample(self.merchants, self.r.randint(4, 10))
            for p in c.billers + c.merchants:
                self.know(c, p["account"])
            for a in c.accounts:
                self.know(c, a)

        # business customers of ours
        self.companies = []
        for i in range(30):
            bin_ = self.new_bin(1998, 2024, kind_digit="4")
            c = Cust(bin_)
            c.business = True
            c.segment = "company"
            c.iban = self.new_kz_iban("ours")
            c.accounts = [c.iban]
            c.devices = [self.device("web")]
            c.web_device = c.devices[0]
            c.suppliers = [self.party_business() for _ in range(self.r.randint(2, 6))]
            for p in c.suppliers:
                self.know(c, p["account"])
            c.staff = []
            c.payday = None
            self.companies.append(c)
            self.by_cid[c.cid] = c
        # the pension payer (State Corporation) pays pensions through us
        self.pension_payer = Cust(self.new_bin(2002, 2002, kind_digit="4"))
        self.pension_payer.business = True
        self.pension_payer.iban = self.new_kz_iban("ours")
        self.pension_payer.devices = ["api-gcvp-gateway-01"]
        self.pension_payer.staff = []
        self.by_cid[self.pension_payer.cid] = self.pension_payer

        # employers for workers at ours (first 14 companies are everyday employers)
        self.everyday_employers = self.companies[:14]
        for c in self.persons:
            if c.segment == "worker" and self.maybe(0.45):
                e = self.r.choice(self.everyday_employers)
                c.employer = e
                e.staff.append(c)
            if c.segment == "pensioner":
                self.pension_payer.staff.append(c)
        for i, e in enumerate(self.everyday_employers):
            e.payday = self.r.choice([None, None, 0, 2, 3, 3])  # 15th is day 2
            for s in e.staff:
                self.know(e, s.iban)
        for s in self.pension_payer.staff:
            self.know(self.pension_payer, s.iban)

    # ----------------------------------------------------------------- selection
    def pick(self, n, pred, tag):
        cands = [c for c in self.persons if c.reserved is None and pred(c)]
        self.r.shuffle(cands)
        if len(cands) < n:
            raise RuntimeError("not enough candidates for %s" % tag)
        sel = cands[:n]
        for c in sel:
            c.reserved = tag
            c.crowd_ok = False
        return sel

    def crowd(self, n, exclude=()):
        ex = {id(x) for x in exclude}
        cands = [c for c in self.persons if c.crowd_ok and id(c) not in ex]
        return self.r.sample(cands, min(n, len(cands)))

    def busy(self, c, a, b):
        c.busy.append((a, b))

    def chan(self, c):
        return self.choice_w(["mobile", "web", "branch", "atm"], c.channel_w)

    # ----------------------------------------------------------------- fraud receivers
    def mule_ext(self, lo=18, hi=25, token=None):
        if token is None:
            token = self.maybe(0.3)
        return self.party_person_ext(lo, hi, token=token)

    def fraud_out(self, kinds=None):
        """A destination controlled by fraudsters."""
        k = self.r.choice(kinds or ["mule", "mule", "crypto", "foreign", "ewallet", "card"])
        if k == "mule":
            return self.mule_ext(18, 27)
        if k == "crypto":
            return self.party_crypto_wallet(
                kind=self.choice_w(["crypto_exchange", "unknown"], [70, 30])
            )
        if k == "kzx":
            return self.r.choice(self.kz_exchanges)
        if k == "foreign":
            ctry = self.r.choice(["GE", "AE", "TR", "CY", "KG", "UZ", "RU"])
            return self.party_foreign(
                ctry, kind=self.choice_w(["person", "business", "unknown"], [50, 30, 20])
            )
        if k == "ewallet":
            return self.party_ewallet()
        if k == "card":
            p = self.party_person_ext(18, 30, token=True)
            p["kind"] = "unknown"
            return p
        raise ValueError(k)

    def share_c(self, cents, share, round_kzt=1000):
        """share of an amount in tiyn, rounded down to round_kzt tenge, returned in tiyn"""
        return max(round_kzt, int(cents * share / 100 / round_kzt) * round_kzt) * 100

    def split(self, total, n, jitter=0.35, round_to=1000):
        ws = [1 + self.r.uniform(-jitter, jitter) for _ in range(n)]
        s = sum(ws)
        parts = [max(round_to, int(total * w / s / round_to) * round_to) for w in ws]
        return parts

    # ================================================================= SCAMS
    def sc_code_harvest(self):
        S = "code_harvest_takeover_loans"
        victims = self.pick(
            8,
            lambda c: 24 <= c.age <= 72 and c.segment in ("worker", "self_employed", "pensioner"),
            S,
        )
        ents = [c for c in self.persons if c.reserved is None and c.is_ip and c.savings > 1_500_000]
        if ents:
            victims[0].reserved = None
            victims[0].crowd_ok = True
            victims[0] = ents[0]
            ents[0].reserved = S
            ents[0].crowd_ok = False
        days = [1, 0, 1, 2, 2, 3, 3, 1]
        plans = [
            # seed-like entrepreneur: tax inspector, code, CSC call, business loan 9M + 1.8M transfer
            dict(
                codes=["1414"],
                gap=(25, 50),
                takeover=["password_reset"],
                newdev=True,
                loans=[("bank", "business", 9_000_000, 9_000_000, "ours")],
                out=[("mule", 1.0, "bal")],
            ),
            dict(
                codes=["1414", "1414"],
                gap=(3, 10),
                takeover=["phone_changed", "password_reset"],
                newdev=True,
                loans=[
                    ("bank", None, 1_500_000, 3_500_000, "ours"),
                    ("mfo", None, 150_000, 300_000, None),
                ],
                out=[("crypto", 0.6, "loans"), ("mule", 0.4, "loans")],
            ),
            dict(
                codes=["egov"],
                gap=(60, 130),
                takeover=["password_reset"],
                newdev=True,
                loans=[("bank", None, 700_000, 1_200_000, "other")],
                out=[("ewallet", 0.9, "bal")],
                open_acct=False,
            ),
            dict(
                codes=["1414"],
                gap=(5, 15),
                takeover=[],
                newdev=True,
                devid_missing=True,
                loans=[
                    ("mfo", None, 120_000, 310_000, None),
                    ("mfo", None, 100_000, 300_000, None),
                ],
                out=[("card", 1.0, "loans")],
            ),
            dict(
                codes=["1414", "egov"],
                gap=(8, 20),
                takeover=["phone_changed"],
                newdev=True,
                open_acct=True,
                loans=[("bank", None, 2_000_000, 4_000_000, "ours")],
                out=[("foreign", 0.5, "loans"), ("crypto", 0.45, "loans")],
            ),
            dict(
                codes=["1414"],
                gap=(10, 25),
                takeover=["password_reset"],
                newdev=False,
                loans=[("bank", "card_limit", 300_000, 600_000, "ours")],
                out=[("mule", 0.95, "loans+bal")],
            ),
            dict(
                codes=["egov", "1414", "1414"],
                gap=(4, 12),
                takeover=["password_reset", "phone_changed"],
                newdev=True,
                loans=[
                    ("bank", None, 600_000, 640_000, "ours"),
                    ("mfo", None, 200_000, 320_000, None),
                    ("bank", None, 500_000, 1_500_000, "other"),
                ],
                out=[("mule", 0.5, "loans"), ("mule", 0.3, "loans")],
            ),
            dict(
                codes=["1414"],
                gap=(15, 40),
                takeover=["password_reset"],
                newdev=True,
                web=True,
                loans=[("bank", None, 3_000_000, 6_000_000, "ours")],
                out=[("crypto", 0.5, "loans"), ("crypto", 0.5, "loans")],
            ),
        ]
        for k, (c, plan, day) in enumerate(zip(victims, plans, days, strict=False), 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            t = self.at_h(day, self.r.uniform(17.5, 20.8))
            self.busy(c, t - timedelta(minutes=30), t + timedelta(hours=14))
            for src in plan["codes"]:
                self.sms(t, c, src, L("sms_code_" + src))
                t += self.rmin(1, 6)
            t += self.rmin(*plan["gap"])
            for step in plan["takeover"]:
                self.cevent(t, c, step, L(step))
                if step == "password_reset":
                    t += self.rmin(0.3, 1.5)
                    self.sms(t, c, "bank", L("sms_code_bank"))
                t += self.rmin(1, 4)
            fdev = self.device(
                "web" if plan.get("web") else self.choice_w(["and", "ios"], [60, 40])
            )
            if not plan["newdev"]:
                fdev = c.devices[
                    0
                ]  # victim's own phone, remote-access app installed on the caller's orders
            self.login(
                t,
                c,
                fdev,
                new=plan["newdev"],
                label=L("takeover_login"),
                dev_p=0.0 if plan.get("devid_missing") else 0.95,
            )
            t += self.rmin(1, 5)
            disb_acct = c.iban
            if plan.get("open_acct"):
                disb_acct = self.new_kz_iban("ours")
                self.cevent(t, c, "account_opened", L("account_opened"), account=disb_acct)
                self.know(c, disb_acct)
                t += self.rmin(1, 4)
            to_ours = 0
            for kind, prod, lo, hi, where in plan["loans"]:
                if kind == "bank":
                    lender = (
                        self.lender_by_key["ours"]
                        if where == "ours"
                        else self.r.choice(self.banks_l[1:])
                    )
                else:
                    lender = self.r.choice(self.mfos_l)
                amt = self.kzt(lo, hi, 10000)
                disb = disb_acct if (lender["key"] == "ours" or kind == "mfo") else "auto"
                self.loan(
                    t,
                    c,
                    amt,
                    lender,
                    "online",
                    product=prod,
                    disb=disb,
                    first=self.maybe(0.6),
                    ipv=False,
                    label=L("loan_in_victims_name", True),
                )
                if disb == disb_acct:
                    to_ours += amt
                t += self.rmin(2, 12)
            bal = min(c.savings * 100, self.kzt(200_000, 2_500_000))
            if k == 1:
                bal = 1_800_000 * 100
            dev = fdev
            ch = "web" if plan.get("web") else "mobile"
            t += self.rmin(0.5, 20)
            for kind, share, base in plan["out"]:
                total = {"bal": bal, "loans": to_ours, "loans+bal": to_ours + bal}[base]
                if total <= 0:
                    total = bal
                amt = max(50_000 * 100, self.share_c(total, share)) if k != 1 else total
                rcv = self.fraud_out([kind])
                sender = (
                    disb_acct if (plan.get("open_acct") and base.startswith("loans")) else c.iban
                )
                self.transfer(
                    t,
                    c,
                    rcv,
                    amt,
                    ch,
                    device=dev,
                    sender=sender,
                    label=L("transfer_to_fraudster", True),
                    details=self.r.choice(["Перевод", "Возврат долга", None]),
                )
                t += self.rmin(1, 15)

    def sc_safe_account(self):
        S = "safe_account_transfer"
        victims = self.pick(
            8, lambda c: c.age >= 40 and c.savings >= 300_000 and c.segment != "student", S
        )
        victims.sort(key=lambda c: -c.savings)
        days = [1, 2, 3, 1, 2, 3, 0, 2]
        plans = [
            dict(dep=True, parts=[0.5, 0.45], rcv="mule_ours_cid", ch="mobile", hours=(11, 16)),
            dict(dep=True, parts=[0.92], rcv="mule", ch="branch", hours=(10, 13)),
            dict(
                dep=False,
                parts=[0.35, 0.35, 0.25],
                rcv="mule_multi",
                ch="mobile",
                hours=(13, 19),
                spread=(10, 40),
            ),
            dict(dep=True, parts=[0.6], nextday=[0.35], rcv="mule", ch="mobile", hours=(15, 19)),
            dict(dep=False, parts=[0.8], rcv="card", ch="mobile", hours=(9, 12), sms=True),
            dict(dep=True, parts=[0.97], rcv="ewallet", ch="web", hours=(18, 21)),
            dict(
                dep=False, parts=[0.75], rcv="mule_known_kind_missing", ch="mobile", hours=(19, 22)
            ),
            dict(
                dep=False,
                parts=[0.45, 0.5],
                rcv="mule",
                ch="mobile",
                hours=(12, 17),
                sms=True,
                spread=(2, 6),
            ),
        ]
        self.r.shuffle(plans)
        mules_ours = [c for c in self.persons if c.reserved is None and 18 <= c.age <= 24]
        for k, (c, plan, day) in enumerate(zip(victims, plans, days, strict=False), 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            t = self.at_h(day, self.r.uniform(*plan["hours"]))
            self.busy(
                c, t - timedelta(minutes=20), t + timedelta(hours=30 if plan.get("nextday") else 10)
            )
            bal = c.savings * 100
            if plan["ch"] in ("mobile", "web"):
                self.login(
                    t,
                    c,
                    c.web_device if plan["ch"] == "web" and c.web_device else None,
                    label=L("victim_login"),
                )
                t += self.rmin(0.5, 3)
            sender = c.iban
            if plan["dep"] and c.deposit:
                self.transfer(
                    t,
                    c,
                    self.party_of(c, c.iban),
                    bal,
                    plan["ch"] if plan["ch"] != "branch" else "branch",
                    sender=c.deposit,
                    label=L("deposit_to_current"),
                    details="Перевод собственных средств",
                    over={"receiver_customer_id": c.cid} if self.maybe(0.7) else None,
                )
                t += self.rmin(2, 15)
            rk = plan["rcv"]
            if rk == "mule_ours_cid":
                m = mules_ours.pop()
                m.reserved = S + "_mule"
                m.crowd_ok = False
                rcvs = [self.party_of(m)]
            elif rk == "mule_multi":
                rcvs = [self.mule_ext(), self.mule_ext(), self.mule_ext()]
            elif rk == "card":
                rcvs = [self.fraud_out(["card"])]
            elif rk == "ewallet":
                rcvs = [self.fraud_out(["ewallet"])]
            elif rk == "mule_known_kind_missing":
                rcvs = [self.mule_ext(19, 23, token=False)]
            else:
                rcvs = [self.mule_ext(18, 26)]
            for i, share in enumerate(plan["parts"]):
                rcv = rcvs[i % len(rcvs)]
                if plan.get("sms"):
                    self.sms(t - self.rmin(0.2, 1), c, "bank", L("sms_code_bank"))
                over = {}
                if rk == "mule_known_kind_missing":
                    over = {
                        "receiver_kind": DROP,
                        "receiver_customer_id": rcv["cid"],
                        "new_beneficiary": DROP,
                    }
                if rk == "mule_ours_cid":
                    over = {"receiver_customer_id": rcv["cid"]}
                self.transfer(
                    t,
                    c,
                    rcv,
                    self.share_c(bal, share),
                    plan["ch"],
                    label=L("transfer_to_safe_account", True),
                    over=over or None,
                    details=self.r.choice([None, "Перевод", "Пополнение счёта"]),
                    nb=DROP if rk == "mule_known_kind_missing" else "auto",
                )
                t += self.rmin(*(plan.get("spread") or (3, 20)))
            for share in plan.get("nextday", []):
                t2 = t + timedelta(hours=self.r.uniform(14, 19))
                self.login(t2, c, label=L("victim_login"))
                self.transfer(
                    t2 + self.rmin(1, 4),
                    c,
                    rcvs[0],
                    self.share_c(bal, share),
                    "mobile",
                    label=L("transfer_to_safe_account", True),
                )

    def sc_safe_account_loan(self):
        S = "safe_account_with_loan"
        victims = self.pick(
            8,
            lambda c: 26 <= c.age <= 70
            and c.segment in ("worker", "self_employed", "pensioner", "homemaker"),
            S,
        )
        days = [0, 1, 1, 2, 2, 3, 1, 2]
        plans = [
            dict(
                code=True,
                loans=[("bank", "ours", None, 1_500_000, 3_000_000, "online")],
                parts=[(0.98, "loan+bal")],
                rcv="mule",
            ),
            dict(
                code=False,
                loans=[("bank", "ours", None, 800_000, 1_000_000, "branch")],
                parts=[(1.0, "loan")],
                rcv="mule",
                branch=True,
            ),
            dict(
                code=True,
                loans=[("bank", "ours", "card_limit", 400_000, 640_000, "online")],
                parts=[(0.95, "loan")],
                rcv="card",
            ),
            dict(
                code=False,
                loans=[("bank", "ours", None, 2_000_000, 5_000_000, "online")],
                reconfirm=True,
                parts=[(0.5, "loan"), (0.5, "loan")],
                rcv="mule",
            ),
            dict(
                code=True,
                loans=[
                    ("mfo", None, None, 200_000, 320_000, "online"),
                    ("bank", "ours", None, 600_000, 640_000, "online"),
                ],
                parts=[(0.9, "loan+bal")],
                rcv="crypto",
            ),
            dict(
                code=False,
                dep=True,
                loans=[("bank", "ours", None, 1_000_000, 2_500_000, "online")],
                parts=[(0.6, "loan+bal"), (0.4, "loan+bal")],
                rcv="mule_ours",
            ),
            dict(
                code=True,
                loans=[("bank", "ours", None, 3_000_000, 7_000_000, "online")],
                reconfirm=True,
                parts=[(0.97, "loan")],
                rcv="foreign",
            ),
            dict(
                code=False,
                loans=[("bank", "ours", None, 650_000, 900_000, "online")],
                parts=[(0.7, "loan"), (0.25, "loan")],
                rcv="ewallet",
                slow=True,
            ),
        ]
        mules_ours = [c for c in self.persons if c.reserved is None and 19 <= c.age <= 25]
        for k, (c, plan, day) in enumerate(zip(victims, plans, days, strict=False), 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            t = self.at_h(day, self.r.uniform(10, 20.5))
            self.busy(
                c,
                t - timedelta(minutes=20),
                t + timedelta(hours=36 if plan.get("reconfirm") else 12),
            )
            if plan["code"]:
                self.sms(t, c, self.r.choice(["1414", "1414", "egov"]), L("sms_code_1414"))
                t += self.rmin(10, 45)
            if not plan.get("branch"):
                self.login(t, c, label=L("victim_login"))
                t += self.rmin(1, 6)
            bal = min(c.savings, self.kzt(100_000, 1_500_000) // 100) * 100
            if plan.get("dep") and c.deposit:
                self.transfer(
                    t,
                    c,
                    self.party_of(c),
                    bal,
                    "mobile",
                    sender=c.deposit,
                    label=L("deposit_to_current"),
                )
                t += self.rmin(2, 10)
            loan_total = 0
            loan_ids = []
            for kind, where, prod, lo, hi, ch in plan["loans"]:
                lender = (
                    self.lender_by_key["ours"] if where == "ours" else self.r.choice(self.mfos_l)
                )
                amt = self.kzt(lo, hi, 10000)
                ev = self.loan(
                    t,
                    c,
                    amt,
                    lender,
                    ch,
                    product=prod,
                    disb=c.iban,
                    first=self.maybe(0.5),
                    ipv=(ch == "branch"),
                    label=L("loan_by_victim_under_instruction", True),
                )
                loan_ids.append(ev["loan_id"])
                loan_total += amt
                t += self.rmin(3, 25) if ch == "online" else self.rmin(25, 50)
            if plan.get("reconfirm"):
                t += timedelta(hours=self.r.uniform(24.05, 26))
                for lid in loan_ids:
                    self.cevent(t, c, "loan_reconfirmed", L("loan_reconfirmed"), loan_id=lid)
                t += self.rmin(2, 20)
                self.login(t, c, label=L("victim_login"))
                t += self.rmin(1, 3)
            if plan["rcv"] == "mule_ours":
                m = mules_ours.pop()
                m.reserved = S + "_mule"
                m.crowd_ok = False
                rcv = self.party_of(m)
            else:
                rcv = self.fraud_out([plan["rcv"]])
            for share, base in plan["parts"]:
                total = loan_total + (bal if "bal" in base else 0)
                amt = self.share_c(total, share)
                ch = "branch" if plan.get("branch") else "mobile"
                self.transfer(t, c, rcv, amt, ch, label=L("transfer_to_safe_account", True))
                t += self.rmin(40, 150) if plan.get("slow") else self.rmin(2, 15)

    def sc_mules(self):
        S = "mule_fan_in_forward"
        mules = self.pick(7, lambda c: 18 <= c.age <= 24, S) + self.pick(
            1, lambda c: 30 <= c.age <= 45, S
        )
        self.mule_accounts = []
        days = [0, 0, 1, 1, 2, 2, 3, 1]
        dests = [
            ["crypto"],
            ["foreign"],
            ["crypto", "crypto"],
            ["kzx"],
            ["card_foreign"],
            ["ewallet", "crypto"],
            ["foreign_usd"],
            ["mule", "mule"],
        ]
        for k, (m, day) in enumerate(zip(mules, days, strict=False), 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            start = self.at_h(day, self.r.uniform(9, 14))
            self.busy(m, start - timedelta(hours=2), T_END)
            acct = m.iban
            if k in (1, 2, 4, 5, 7):
                acct = self.new_kz_iban("ours")
                self.cevent(
                    start - self.rmin(60, 200),
                    m,
                    "account_opened",
                    L("mule_account_opened"),
                    account=acct,
                )
                self.know(m, acct)
            hdev = self.device()
            handler = k not in (3, 8)
            if handler:
                self.login(
                    start - self.rmin(10, 50), m, hdev, new=True, label=L("mule_handler_login")
                )
            nv = self.r.randint(3, 7)
            vics = self.pick(nv, lambda c: c.segment != "company", S + "_victim")
            times = sorted(
                start + timedelta(seconds=self.r.randint(0, int(3600 * self.r.uniform(1.5, 6))))
                for _ in vics
            )
            mrcv = self.party_of(m, acct)
            received = []
            for v, tv in zip(vics, times, strict=False):
                if tv >= T_END - timedelta(minutes=5):
                    tv = T_END - timedelta(minutes=self.r.randint(90, 200))
                amt = self.kzt(15_000, 450_000, 1000)
                self.busy(v, tv - timedelta(minutes=10), tv + timedelta(minutes=30))
                self.login(tv - self.rmin(1, 6), v, label=self.lab(S, inst, "victim_login", True))
                self.transfer(
                    tv,
                    v,
                    mrcv,
                    amt,
                    "mobile",
                    label=L("victim_payment", True),
                    details=self.r.choice([None, "Оплата", "За товар", "Предоплата", "Долг"]),
                )
                received.append((tv, amt))
            received.sort()
            # forward in 1-3 chunks, each after some receipts
            nchunks = self.r.randint(1, min(3, len(received)))
            idx = sorted(self.r.sample(range(1, len(received)), nchunks - 1)) + [len(received)]
            prev = 0
            extra = self.r.choice([0, 0, 1]) * self.kzt(
                50_000, 400_000, 1000
            )  # money from other banks' victims
            for j, i in enumerate(idx):
                chunk = sum(a for _, a in received[prev:i])
                if j == len(idx) - 1:
                    chunk += extra
                tl = received[i - 1][0]
                tf = tl + self.rmin(4, 80)
                if tf >= T_END:
                    tf = T_END - timedelta(seconds=self.r.randint(30, 120))
                cut = self.r.uniform(0.01, 0.10)
                amt = int(chunk * (1 - cut) / 100000) * 100000 or 100000
                dk = dests[k - 1][j % len(dests[k - 1])]
                cur = "KZT"
                if dk == "card_foreign":
                    rcv = self.party_foreign(
                        self.r.choice(["KG", "UZ", "RU"]), kind="person", token=True
                    )
                elif dk == "foreign_usd":
                    rcv = self.party_foreign(self.r.choice(["AE", "GE", "TR"]), kind="business")
                    cur = "USD"
                    amt = int(amt / 100 / 470 * 100)
                elif dk == "mule":
                    rcv = self.mule_ext(18, 23, token=False)
                else:
                    rcv = self.fraud_out([dk])
                if handler and self.maybe(0.5):
                    self.login(
                        tf - self.rmin(0.5, 3), m, hdev, new=False, label=L("mule_handler_login")
                    )
                self.transfer(
                    tf,
                    m,
                    rcv,
                    amt,
                    "mobile",
                    device=hdev if handler else m.devices[0],
                    sender=acct,
                    currency=cur,
                    label=L("mule_forward", True),
                )
                prev = i
            self.mule_accounts.append(
                {"mule": m, "acct": acct, "inst": inst, "day": day, "last": received[-1][0]}
            )

    def sc_known_dropper(self):
        S = "known_dropper_payment"
        variants = [
            "reported_after_payment",
            "reported_after_payment",
            "reported_ours_forwarding",
            "holder_known_reported",
            "seen_as_mule",
            "seen_as_mule",
            "second_payment_same_victim",
            "report_formatted",
        ]
        for k, var in enumerate(variants, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            dropper_c = None
            t_open = T0
            if var in ("reported_after_payment", "report_formatted", "second_payment_same_victim"):
                D = self.mule_ext(
                    18, 26, token=self.maybe(0.25) if var == "reported_after_payment" else False
                )
            elif var in ("reported_ours_forwarding", "holder_known_reported"):
                dropper_c = self.pick(1, lambda c: 18 <= c.age <= 25, S + "_dropper")[0]
                acct = self.new_kz_iban("ours")
                t_open = self.at_h(0, self.r.uniform(9, 12))
                self.cevent(
                    t_open, dropper_c, "account_opened", L("dropper_account_opened"), account=acct
                )
                self.know(dropper_c, acct)
                self.busy(dropper_c, t_open, T_END)
                D = self.party_of(dropper_c, acct)
            else:
                cands = [x for x in self.mule_accounts if x["day"] <= 1 and not x.get("reused")]
                mx = cands[0]
                mx["reused"] = True
                D = self.party_of(mx["mule"], mx["acct"])
                t_known = mx["last"] + self.rmin(30, 90)
            fdev = self.device()

            def forward(tp, amt):
                if dropper_c is None:
                    return
                tf = tp + self.rmin(8, 60)
                if tf >= T_END:
                    tf = T_END - timedelta(seconds=self.r.randint(20, 90))
                self.transfer(
                    tf,
                    dropper_c,
                    self.fraud_out(["crypto", "foreign", "card"]),
                    self.share_c(amt, 0.95, 1000),
                    "mobile",
                    sender=D["account"],
                    device=fdev,
                    label=L("dropper_forward", True),
                )

            # the moment the account becomes known: a victim's payment and report, or the mule traffic
            if var in (
                "reported_after_payment",
                "reported_ours_forwarding",
                "report_formatted",
                "second_payment_same_victim",
            ):
                e = self.pick(1, lambda c: c.segment != "company", S + "_early")[0]
                t_early = max(
                    self.at_h(self.r.choice([0, 1]), self.r.uniform(10, 19)),
                    t_open + self.rmin(60, 180),
                )
                self.busy(e, t_early - timedelta(minutes=10), t_early + timedelta(hours=30))
                self.login(t_early - self.rmin(1, 4), e, label=L("victim_login"))
                amt = self.kzt(30_000, 600_000, 1000)
                self.transfer(t_early, e, D, amt, "mobile", label=L("earlier_victim_payment", True))
                forward(t_early, amt)
                t_rep = t_early + timedelta(hours=self.r.uniform(1.5, 20))
                acc = D["account"]
                if var == "report_formatted":
                    acc = " ".join(
                        acc[i : i + 4] for i in range(0, len(acc), 4)
                    )  # as typed by the call centre
                self.cevent(t_rep, e, "fraud_reported", L("victim_report"), account=acc)
                t_known = t_rep
            elif var == "holder_known_reported":
                e = self.pick(1, lambda c: c.segment != "company", S + "_early")[0]
                t_rep = self.at_h(1, self.r.uniform(9, 12))
                # the holder's own use of the account proves whose it is; the reporter paid it before the window
                self.transfer(
                    t_rep - timedelta(hours=self.r.uniform(3, 12)),
                    dropper_c,
                    self.r.choice(self.merchants),
                    self.kzt(2000, 9000),
                    "mobile",
                    sender=D["account"],
                    label=L("dropper_own_spending"),
                )
                self.cevent(t_rep, e, "fraud_reported", L("victim_report"), account=D["account"])
                t_known = t_rep

            def later_time():
                t = self.at_h(self.r.choice([2, 3]), self.r.uniform(9, 22))
                if t <= t_known:
                    t = t_known + self.rmin(60, 600)
                if t >= T_END - timedelta(minutes=70):
                    t = T_END - self.rmin(70, 150)
                return t

            if var == "second_payment_same_victim":
                x = self.pick(1, lambda c: c.segment != "company", S + "_victim")[0]
                tx = self.at_h(1, self.r.uniform(8, 12))
                self.busy(x, tx - timedelta(minutes=10), T_END)
                self.transfer(
                    tx,
                    x,
                    D,
                    self.kzt(40_000, 160_000, 1000),
                    "mobile",
                    label=L("victim_first_payment", True),
                    details="Предоплата",
                )
                t2 = later_time()
                self.login(t2 - self.rmin(1, 3), x, label=L("victim_login"))
                self.transfer(
                    t2,
                    x,
                    D,
                    self.kzt(15_000, 90_000, 500),
                    "mobile",
                    label=L("victim_payment_known_dropper", True),
                    details=self.r.choice(["Доставка", "Страховка груза", None]),
                )
            n_later = self.r.randint(1, 3)
            for j in range(n_later):
                v = self.pick(1, lambda c: c.segment != "company", S + "_victim")[0]
                tv = later_time()
                self.busy(v, tv - timedelta(minutes=10), tv + timedelta(minutes=40))
                amt = self.choice_w(
                    [
                        self.kzt(8_000, 60_000, 500),
                        self.kzt(60_000, 300_000, 1000),
                        self.kzt(300_000, 900_000, 5000),
                    ],
                    [40, 45, 15],
                )
                self.transfer(
                    tv,
                    v,
                    D,
                    amt,
                    self.choice_w(["mobile", "web"], [85, 15]),
                    label=L("victim_payment_known_dropper", True),
                )
                forward(tv, amt)

    def sc_marketplace(self):
        S = "marketplace_prepayment"
        victims = self.pick(8, lambda c: 18 <= c.age <= 65 and c.segment != "company", S)
        shared = self.mule_ext(19, 24, token=False)
        seller_ours = self.pick(1, lambda c: 18 <= c.age <= 23, S + "_seller")[0]
        items = [
            ("телефон", 90_000, 250_000),
            ("запчасти", 40_000, 180_000),
            ("щенок", 60_000, 200_000),
            ("аренда квартиры", 100_000, 300_000),
            ("билеты", 30_000, 120_000),
            ("шины", 60_000, 220_000),
            ("ноутбук", 150_000, 400_000),
            ("мебель", 50_000, 200_000),
        ]
        for k, c in enumerate(victims, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            item, lo, hi = items[k - 1]
            if k <= 3:
                rcv = shared
                day = 1 if k < 3 else 2
            elif k == 4:
                rcv = self.party_of(seller_ours)
                day = 2
            else:
                rcv = self.mule_ext(18, 30, token=k in (5, 7))
                day = self.r.choice([0, 1, 2, 3])
            t = self.at_h(day, self.r.uniform(10, 21))
            self.busy(c, t - timedelta(minutes=15), t + timedelta(hours=4))
            self.login(t - self.rmin(1, 5), c, label=L("victim_login"))
            amt = self.kzt(lo, hi, 1000)
            if k == 6:
                amt = self.kzt(lo * 0.3, lo * 0.6, 1000)  # "half now" prepayment, small
            self.transfer(
                t,
                c,
                rcv,
                amt,
                "mobile",
                label=L("prepayment", True),
                details="Предоплата за " + item,
            )
            if k in (1, 3, 5, 7, 8):
                t2 = t + self.rmin(20, 140)
                self.transfer(
                    t2,
                    c,
                    rcv,
                    self.kzt(8_000, 60_000, 500),
                    "mobile",
                    label=L("delivery_fee", True),
                    details=self.r.choice(["Доставка", "Страховка", None]),
                )
                if k == 7:
                    self.transfer(
                        t2 + self.rmin(15, 60),
                        c,
                        self.fraud_out(["card"]),
                        self.kzt(20_000, 80_000, 1000),
                        "mobile",
                        label=L("customs_fee", True),
                        details="Растаможка",
                    )
            if k == 4:
                tf = t + self.rmin(6, 30)
                self.transfer(
                    tf,
                    seller_ours,
                    self.fraud_out(["crypto"]),
                    int(amt * 0.93 / 100000) * 100000,
                    "mobile",
                    device=seller_ours.devices[0],
                    label=L("seller_forward", True),
                )
                self.busy(seller_ours, tf - timedelta(hours=1), tf + timedelta(hours=1))

    def sc_investment(self):
        S = "fake_investment_broker"
        victims = self.pick(
            8,
            lambda c: 25 <= c.age <= 68 and c.segment in ("worker", "self_employed", "pensioner"),
            S,
        )
        plans = [
            dict(
                broker="crypto",
                steps=[(0, 50_000), (1, 400_000), (2, "loan")],
                loan=("bank", 1_000_000, 2_500_000),
            ),
            dict(broker="foreign_CY", steps=[(0, 100_000), (2, 1_500_000)], usd=True),
            dict(broker="kzx", steps=[(0, 30_000), (1, 60_000), (2, 150_000), (3, 400_000)]),
            dict(
                broker="ewallet",
                steps=[(1, 20_000), (2, "loan"), (3, 300_000)],
                loan=("mfo", 150_000, 300_000),
            ),
            dict(
                broker="mule",
                steps=[(0, 200_000), (1, "dep"), (2, "loan")],
                loan=("bank", 2_000_000, 4_000_000),
            ),
            dict(broker="foreign_AE", steps=[(1, 250_000), (3, 900_000)]),
            dict(
                broker="crypto",
                steps=[(0, 15_000), (0, 15_000), (1, 45_000), (2, 120_000), (3, 250_000)],
            ),
            dict(
                broker="crypto2",
                steps=[(1, 80_000), (2, "loan"), (2, "loan2")],
                loan=("bank", 600_000, 1_100_000),
                loan2=("mfo", 200_000, 320_000),
            ),
        ]
        for k, (c, plan) in enumerate(zip(victims, plans, strict=False), 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            b = plan["broker"]
            if b == "foreign_CY":
                rcvs = [self.party_foreign("CY", kind="business")]
            elif b == "foreign_AE":
                rcvs = [self.party_foreign("AE", kind="business")]
            elif b == "crypto2":
                rcvs = [self.party_crypto_wallet(), self.party_crypto_wallet("unknown")]
            else:
                rcvs = [self.fraud_out([b])]
            pending_loan = 0
            first_day = plan["steps"][0][0]
            self.busy(
                c, self.at(first_day, 0), T_END
            )  # caller on messengers for days: no everyday noise
            self._plain_life(c, first_day, 3)
            for i, (day, what) in enumerate(plan["steps"]):
                t = self.at_h(day, self.r.uniform(9.5, 20.5))
                if i and t <= self._last_t:
                    t = self._last_t + self.rmin(30, 120)
                if t >= T_END:
                    t = T_END - self.rmin(5, 30)
                self.login(t - self.rmin(1, 4), c, label=L("victim_login"))
                rcv = rcvs[i % len(rcvs)]
                if what == "dep":
                    amt = c.savings * 100
                    src = c.deposit or c.iban
                    if c.deposit:
                        self.transfer(
                            t,
                            c,
                            self.party_of(c),
                            amt,
                            "mobile",
                            sender=src,
                            label=L("deposit_to_current"),
                        )
                        t += self.rmin(3, 20)
                    self.transfer(
                        t, c, rcv, self.share_c(amt, 0.9), "mobile", label=L("invest_payment", True)
                    )
                elif what in ("loan", "loan2"):
                    kind, lo, hi = plan[what]
                    lender = self.r.choice(self.banks_l if kind == "bank" else self.mfos_l)
                    amt = self.kzt(lo, hi, 10000)
                    disb = c.iban if (lender["key"] == "ours" or kind == "mfo") else "auto"
                    self.loan(
                        t,
                        c,
                        amt,
                        lender,
                        "online",
                        disb=disb,
                        first=self.maybe(0.5),
                        label=L("loan_to_invest", True),
                    )
                    t += self.rmin(20, 180) if what == "loan" else self.rmin(5, 30)
                    if t >= T_END:
                        t = T_END - self.rmin(1, 4)
                    pending_loan += amt
                    if what == "loan" and "loan2" in plan:
                        self._last_t = t
                        continue
                    self.transfer(
                        t,
                        c,
                        rcv,
                        self.share_c(pending_loan, 0.97),
                        "mobile",
                        label=L("invest_payment", True),
                        details=self.r.choice([None, "Пополнение"]),
                    )
                    pending_loan = 0
                else:
                    amt = self.kzt(what * 0.8, what * 1.2, 1000)
                    cur = "KZT"
                    if plan.get("usd"):
                        cur = "USD"
                        amt = int(amt / 100 / 505) * 100
                    self.transfer(
                        t,
                        c,
                        rcv,
                        amt,
                        self.choice_w(["mobile", "web"], [75, 25]),
                        currency=cur,
                        label=L("invest_payment", True),
                    )
                self._last_t = t

    def _plain_life(self, c, d0, d1):
        """Ordinary payments for a reserved customer whose everyday traffic is suppressed."""
        for day in range(d0, d1 + 1):
            for _ in range(self.r.randint(0, 2)):
                t = self.rand_time(day, 8, 22)
                m = self.r.choice(c.merchants)
                self.transfer(t, c, m, self.kzt(m["lo"], min(m["hi"], 40000)), "mobile")

    def sc_repeat_victim(self):
        S = "repeat_victim_recovery"
        victims = self.pick(
            8, lambda c: 30 <= c.age <= 78 and c.savings >= 200_000 and c.segment != "company", S
        )
        victims.sort(key=lambda c: -c.savings)
        plans = [
            "big_second_safe_account",
            "loss_in_window",
            "loss_in_window",
            "loss_in_window",
            "prior_report_recovery",
            "prior_report_recovery",
            "loss_in_window_loan",
            "prior_report_small",
        ]
        for k, (c, plan) in enumerate(zip(victims, plans, strict=False), 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            if plan == "big_second_safe_account":
                # the seed: lost 200M before; reports; approached again with a "safe account" weeks later
                c.savings = max(c.savings, self.r.randint(60, 95) * 1_000_000)
                if not c.deposit:
                    c.deposit = self.new_kz_iban("ours")
                    self.know(c, c.deposit)
                t = self.at_h(0, self.r.uniform(9, 11))
                self.cevent(t, c, "fraud_reported", L("prior_fraud_report"), account=DROP)
                t = self.at_h(2, self.r.uniform(11, 15))
                self.busy(c, t - timedelta(hours=1), t + timedelta(hours=30))
                self.transfer(
                    t,
                    c,
                    self.party_of(c),
                    c.savings * 100,
                    "branch",
                    sender=c.deposit,
                    label=L("deposit_to_current"),
                )
                t += self.rmin(30, 90)
                rcv = self.party_business(bank=self.r.choice(OTHER_BANKS))
                rcv["kind"] = "business"
                self.login(t, c, label=L("victim_login"))
                self.transfer(
                    t + self.rmin(1, 3),
                    c,
                    rcv,
                    int(c.savings * 0.45 / 1000) * 1000 * 100,
                    "mobile",
                    label=L("second_loss_transfer", True),
                )
                t += timedelta(hours=self.r.uniform(18, 22))
                self.login(t, c, label=L("victim_login"))
                self.transfer(
                    t + self.rmin(1, 3),
                    c,
                    rcv,
                    int(c.savings * 0.5 / 1000) * 1000 * 100,
                    "mobile",
                    label=L("second_loss_transfer", True),
                )
                continue
            if plan.startswith("loss_in_window"):
                t = self.at_h(self.r.choice([0, 1]), self.r.uniform(10, 19))
                self.busy(c, t - timedelta(minutes=20), t + timedelta(hours=3))
                first = self.fraud_out(["mule", "card", "crypto"])
                self.login(t - self.rmin(1, 4), c, label=L("victim_login"))
                amt = min(c.savings * 100, self.kzt(80_000, 1_500_000, 1000))
                self.transfer(t, c, first, amt, "mobile", label=L("first_loss_payment", True))
                t_rep = t + timedelta(hours=self.r.uniform(2, 16))
                self.cevent(
                    t_rep,
                    c,
                    "fraud_reported",
                    L("fraud_report"),
                    account=first["account"] if self.maybe(0.75) else DROP,
                )
                tr = max(t_rep + timedelta(hours=self.r.uniform(20, 40)), self.at_h(2, 9))
            else:
                t_rep = self.at_h(0, self.r.uniform(8.5, 12))
                self.cevent(
                    t_rep,
                    c,
                    "fraud_reported",
                    L("prior_fraud_report"),
                    account=self.fraud_out(["mule"])["account"] if self.maybe(0.5) else DROP,
                )
                tr = self.at_h(self.r.choice([1, 2, 3]), self.r.uniform(10, 18))
            if tr >= T_END - timedelta(hours=3):
                tr = T_END - timedelta(hours=self.r.uniform(3, 6))
            self.busy(c, tr - timedelta(minutes=20), tr + timedelta(hours=6))
            # "recovery": lawyer / Anti-Fraud center / Interpol asks for a fee to return the money
            rec = self.fraud_out(["mule", "ewallet", "foreign", "card"])
            self.login(tr - self.rmin(1, 5), c, label=L("victim_login"))
            if plan == "loss_in_window_loan":
                lender = self.r.choice(self.mfos_l)
                la = self.kzt(150_000, 300_000, 10000)
                self.loan(tr, c, la, lender, "online", disb=c.iban, label=L("recovery_loan", True))
                tr += self.rmin(10, 40)
            nfees = 1 if plan == "prior_report_small" else self.r.randint(1, 3)
            for j in range(nfees):
                if plan == "prior_report_small":
                    fee = self.kzt(15_000, 45_000, 500)
                else:
                    fee = self.kzt(30_000, 450_000, 1000)
                self.transfer(
                    tr,
                    c,
                    rec,
                    fee,
                    "mobile",
                    label=L("recovery_fee", True),
                    details=self.r.choice(
                        [None, "Госпошлина", "Комиссия за возврат", "Услуги юриста"]
                    ),
                )
                tr += self.rmin(25, 120)
                if tr >= T_END:
                    break

    def sc_velocity(self):
        S = "velocity_burst_new_payees"
        victims = self.pick(8, lambda c: 20 <= c.age <= 70 and c.segment != "company", S)
        plans = [
            dict(n=(10, 16), gap=(0.3, 1.5), amt=(20_000, 150_000), takeover=True),
            dict(n=(6, 9), gap=(1, 4), amt=(49_000, 49_999), takeover=True, same_amt=True),
            dict(n=(12, 20), gap=(0.2, 0.8), amt=(9_000, 30_000), takeover=True, cards=True),
            dict(
                n=(5, 6), gap=(10, 22), amt=(30_000, 60_000), takeover=False
            ),  # slow, own phone (remote access)
            dict(n=(7, 10), gap=(0.5, 2), amt=(50_000, 200_000), takeover=False, web=True),
            dict(n=(8, 12), gap=(1, 3), amt=(15_000, 99_000), takeover=True, mixed_known=True),
            dict(n=(6, 8), gap=(2, 6), amt=(100_000, 300_000), takeover=True, code=True),
            dict(n=(9, 14), gap=(0.4, 1.2), amt=(5_000, 25_000), takeover=False, cards=True),
        ]
        for k, (c, plan) in enumerate(zip(victims, plans, strict=False), 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            day = self.r.choice([1, 2, 3]) if k != 8 else 0
            t = self.at_h(day, self.r.uniform(7, 22))
            self.busy(c, t - timedelta(minutes=30), t + timedelta(hours=5))
            dev = c.devices[0]
            if plan.get("code"):
                self.sms(t, c, "1414", L("sms_code_1414"))
                t += self.rmin(5, 20)
            if plan["takeover"]:
                dev = self.device()
                if self.maybe(0.6):
                    self.cevent(t, c, "password_reset", L("password_reset"))
                    t += self.rmin(0.5, 2)
                self.login(t, c, dev, new=True, label=L("takeover_login"))
            else:
                if plan.get("web") and c.web_device:
                    dev = c.web_device
                self.login(t, c, dev, label=L("victim_login"))
            t += self.rmin(1, 4)
            n = self.r.randint(*plan["n"])
            same = self.kzt(*plan["amt"], 1) if plan.get("same_amt") else None
            burst_rcvs = []
            for i in range(n):
                if plan.get("mixed_known") and i % 4 == 3 and burst_rcvs:
                    rcv = self.r.choice(
                        burst_rcvs
                    )  # pays a mule of this burst again: not new any more
                elif plan.get("cards"):
                    rcv = self.fraud_out(["card"])
                else:
                    rcv = self.fraud_out(["mule", "mule", "card", "ewallet"])
                burst_rcvs.append(rcv)
                amt = same if same else self.kzt(*plan["amt"])
                self.transfer(
                    t,
                    c,
                    rcv,
                    amt,
                    "web" if plan.get("web") else "mobile",
                    device=dev,
                    label=L("burst_transfer", True),
                )
                t += self.rmin(*plan["gap"])
                if t >= T_END:
                    break

    def sc_multi_lender(self):
        S = "multi_lender_loan_burst"
        victims = self.pick(
            8,
            lambda c: 21 <= c.age <= 66
            and c.segment in ("worker", "self_employed", "homemaker", "pensioner"),
            S,
        )
        for k, c in enumerate(victims, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            day = [0, 1, 1, 2, 2, 3, 3, 2][k - 1]
            t = self.at_h(day, self.r.uniform(18, 21.5))
            self.busy(c, t - timedelta(minutes=30), t + timedelta(hours=14))
            takeover = k in (1, 3, 5, 7)
            dev = c.devices[0]
            if takeover:
                self.sms(t, c, "1414", L("sms_code_1414"))
                t += self.rmin(3, 15)
                dev = self.device()
                self.login(t, c, dev, new=True, label=L("takeover_login"))
            else:
                self.login(t, c, label=L("victim_login"))
            t += self.rmin(2, 6)
            nloans = self.r.randint(3, 7)
            span = self.r.uniform(20, 120) if k != 8 else self.r.uniform(150, 200)
            lenders = self.r.sample(self.banks_l, self.r.randint(1, 3)) + self.r.sample(
                self.mfos_l, nloans
            )
            lenders = lenders[:nloans]
            self.r.shuffle(lenders)
            total_ours = 0
            for i, ld in enumerate(lenders):
                if ld["kind"] == "mfo":
                    amt = self.kzt(40_000, 320_000, 5000)
                else:
                    amt = (
                        self.kzt(200_000, 640_000, 10000)
                        if self.maybe(0.75)
                        else self.kzt(700_000, 1_500_000, 10000)
                    )
                if self.maybe(0.6):
                    self.sms(t - self.rmin(0.5, 2), c, "1414", L("sms_code_1414_consent"))
                disb = (
                    c.iban
                    if (ld["key"] == "ours" or (ld["kind"] == "mfo" and self.maybe(0.7)))
                    else "auto"
                )
                self.loan(
                    t,
                    c,
                    amt,
                    ld,
                    "online",
                    disb=disb,
                    first=self.maybe(0.5),
                    product=self.choice_w(
                        [None, "consumer", "card_limit"],
                        [60, 30, 10 if ld["kind"] == "bank" else 0],
                    ),
                    label=L("loan_in_burst", True),
                )
                if disb == c.iban:
                    total_ours += amt
                t += timedelta(seconds=int(span * 60 / nloans * self.r.uniform(0.5, 1.5)))
            if k in (2, 6):
                continue  # money paid to cards at other banks; nothing more visible here
            t += self.rmin(3, 40)
            parts = self.split(
                max(total_ours, 100_000 * 100) // 100, self.r.randint(1, 3), round_to=1000
            )
            for p in parts:
                if t >= T_END:
                    break
                self.transfer(
                    t,
                    c,
                    self.fraud_out(),
                    p * 100,
                    "mobile",
                    device=dev,
                    label=L("cash_out_transfer", True),
                )
                t += self.rmin(1, 10)

    def sc_stop_credit(self):
        S = "loan_despite_stop_credit"
        victims = self.pick(8, lambda c: 20 <= c.age <= 75 and c.segment != "company", S)
        plans = [
            dict(gap_h=(48, 70), loans=[("mfo", None, 50_000, 90_000, "online")], out=True),
            dict(
                gap_h=(20, 30),
                loans=[("bank", None, 800_000, 1_500_000, "online")],
                out=True,
                takeover=True,
            ),
            dict(gap_h=(30, 60), loans=[("bank", None, 1_500_000, 3_000_000, "branch")], out=False),
            dict(gap_h=(5, 10), loans=[("bank", "goods", 200_000, 450_000, "online")], out=False),
            dict(
                gap_h=(1, 3),
                loans=[("bank", "card_limit", 150_000, 300_000, "online")],
                out=True,
                code=True,
            ),
            dict(
                gap_h=(40, 70),
                loans=[
                    ("mfo", None, 100_000, 250_000, "online"),
                    ("mfo", None, 60_000, 200_000, "online"),
                ],
                out=True,
                takeover=True,
            ),
            dict(
                gap_h=(60, 80),
                loans=[("bank", None, 500_000, 640_000, "online")],
                out=True,
                code=True,
            ),
            dict(
                gap_h=(12, 24),
                loans=[("bank", "auto", 3_000_000, 6_000_000, "branch")],
                out=False,
                secured=True,
            ),
        ]
        for k, (c, plan) in enumerate(zip(victims, plans, strict=False), 1):
            inst = "%s#%d" % (S, k)
            L = lambda role, stop=False: self.lab(S, inst, role, True, stop)
            gap = self.r.uniform(*plan["gap_h"])
            latest_start = (T_END - T0).total_seconds() / 3600 - gap - 4
            start_h = self.r.uniform(0.5, max(1.0, latest_start))
            t_set = T0 + timedelta(seconds=int(start_h * 3600))
            if t_set.hour < 7:
                t_set = t_set.replace(hour=self.r.randint(8, 11))
            self.cevent(t_set, c, "loan_optout_set", L("stop_credit_registered"))
            c.optout = True
            t = t_set + timedelta(hours=gap)
            if t.hour < 8:
                t = t.replace(
                    hour=self.r.randint(10, 16)
                    if plan["loans"][0][4] == "branch"
                    else self.r.randint(8, 22)
                )
            if t >= T_END - timedelta(hours=1):
                t = T_END - timedelta(hours=self.r.uniform(2, 3))
            self.busy(c, t - timedelta(minutes=40), t + timedelta(hours=3))
            dev = c.devices[0]
            if plan.get("code"):
                self.sms(t - self.rmin(10, 30), c, "1414", L("sms_code_1414"))
            if plan.get("takeover"):
                dev = self.device()
                self.login(t - self.rmin(3, 9), c, dev, new=True, label=L("takeover_login"))
            lt = 0
            for kind, prod, lo, hi, ch in plan["loans"]:
                lender = self.r.choice(self.banks_l if kind == "bank" else self.mfos_l)
                amt = self.kzt(lo, hi, 5000)
                disb = c.iban if (lender["key"] == "ours" or kind == "mfo") else "auto"
                self.loan(
                    t,
                    c,
                    amt,
                    lender,
                    ch,
                    product=prod,
                    secured=plan.get("secured"),
                    disb=disb,
                    ipv=(ch == "branch"),
                    label=L("loan_despite_optout", True),
                )
                if disb == c.iban:
                    lt += amt
                t += self.rmin(5, 25)
            if plan["out"] and t < T_END - timedelta(minutes=30):
                self.transfer(
                    t,
                    c,
                    self.fraud_out(),
                    max(lt, 50_000 * 100) * 95 // 100 // 100000 * 100000,
                    "mobile",
                    device=dev,
                    label=L("transfer_to_fraudster", True),
                )

    # ================================================================= HONEST LOOK-ALIKES
    def lk_shop_owner(self):
        S = "honest_shop_owner_personal_account"
        owners = self.pick(
            8,
            lambda c: 21 <= c.age <= 60 and c.segment in ("self_employed", "worker", "homemaker"),
            S,
        )
        for k, o in enumerate(owners, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            repeat_buyers = self.crowd(self.r.randint(8, 20), exclude=[o])
            for b in repeat_buyers:
                self.know(b, o.iban)
            supplier = self.party_business()
            if self.maybe(0.6):
                self.know(o, supplier["account"])
            days = sorted(self.r.sample(range(DAYS), self.r.randint(2, 3)))
            for day in days:
                n = self.r.randint(20, 40)
                buyers = self.crowd(n, exclude=[o])
                income = 0
                for i, b in enumerate(buyers):
                    if self.maybe(0.3):
                        b = self.r.choice(repeat_buyers)
                    t = self.rand_time(day, 9, 21)
                    amt = self.kzt(500, 25_000, 10 if self.maybe(0.5) else 100)
                    income += amt
                    self.transfer(
                        t,
                        b,
                        self.party_of(o),
                        amt,
                        "mobile",
                        label=L("buyer_payment"),
                        details=self.r.choice([None, "За товар", "Оплата", "Спасибо"]),
                    )
                t = self.at_h(day, self.r.uniform(19.5, 22.5))
                self.login(t, o, label=L("owner_login"))
                self.transfer(
                    t + self.rmin(1, 4),
                    o,
                    supplier,
                    int(income * self.r.uniform(0.6, 0.95) / 100000) * 100000,
                    "mobile",
                    label=L("supplier_payment"),
                    details="Оплата за товар по накладной",
                )

    def lk_toi(self):
        S = "honest_toi_gifts"
        hosts = self.pick(6, lambda c: 28 <= c.age <= 70 and c.segment != "student", S)
        for k, h in enumerate(hosts, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            day = self.r.choice([0, 1, 2])
            rest = self.r.choice(self.restaurants)
            guests = self.crowd(self.r.randint(50, 150), exclude=[h])
            for g in guests:
                if self.maybe(0.5):
                    self.know(g, h.iban)
                t = (
                    self.at_h(day, self.r.uniform(15, 23.9))
                    if self.maybe(0.8)
                    else self.at_h(day + 1, self.r.uniform(8, 14))
                )
                amt = (
                    self.choice_w(
                        [5_000, 10_000, 15_000, 20_000, 30_000, 50_000, 100_000],
                        [10, 30, 15, 20, 12, 10, 3],
                    )
                    * 100
                )
                self.transfer(
                    t,
                    g,
                    self.party_of(h),
                    amt,
                    "mobile",
                    label=L("guest_gift"),
                    details=self.r.choice(
                        [None, "Той құтты болсын!", "Поздравляем!", "Құттықтаймыз"]
                    ),
                )
            t = self.at_h(day + 1, self.r.uniform(11, 17))
            self.login(t, h, label=L("host_login"))
            self.transfer(
                t + self.rmin(1, 5),
                h,
                rest,
                self.kzt(1_500_000, 5_000_000, 10000),
                "mobile",
                label=L("restaurant_payment"),
                details="Оплата банкета по договору",
            )
            if self.maybe(0.6):
                self.transfer(
                    t + self.rmin(10, 60),
                    h,
                    self.r.choice(self.ext_people),
                    self.kzt(100_000, 300_000, 5000),
                    "mobile",
                    label=L("tamada_payment"),
                    details="Тамада",
                )

    def lk_family_abroad(self):
        S = "honest_family_abroad"
        senders = self.pick(8, lambda c: 22 <= c.age <= 70 and c.segment != "student", S)
        for k, c in enumerate(senders, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            ctry = ["RU", "UZ", "KG", "TR", "KR", "DE", "US", "RU"][k - 1]
            if k in (1, 3, 8):
                rcv = self.party_foreign(ctry, kind="person", token=True)
            elif k == 5:
                rcv = self.party_foreign(ctry, kind="person")
                rcv["account"] = "".join(self.r.choice("0123456789") for _ in range(14))
            else:
                rcv = self.party_foreign(ctry, kind="person")
            self.know(c, rcv["account"])
            via_service = k in (2, 7)
            t = self.rand_time(self.r.choice(range(DAYS)), 9, 22)
            cur = "KZT"
            amt = self.kzt(50_000, 300_000, 1000)
            if ctry in ("US", "DE"):
                cur = self.r.choice(["USD", "EUR"]) if ctry == "DE" else "USD"
                amt = self.r.randint(200, 800) * 100
            self.login(t - self.rmin(1, 4), c, label=L("login"))
            if via_service:
                svc = dict(self.r.choice(self.pay_services))
                svc["country"] = ctry
                self.know(c, svc["account"])
                self.transfer(
                    t,
                    c,
                    svc,
                    amt,
                    "mobile",
                    label=L("monthly_remittance"),
                    details="Денежный перевод",
                )
            else:
                self.transfer(
                    t,
                    c,
                    rcv,
                    amt,
                    "mobile",
                    currency=cur,
                    label=L("monthly_remittance"),
                    details=self.r.choice([None, "Помощь семье"]),
                    over={"new_beneficiary": False},
                )

    def lk_used_car(self):
        S = "honest_used_car_purchase"
        buyers = self.pick(8, lambda c: 25 <= c.age <= 65 and c.segment != "student", S)
        for k, c in enumerate(buyers, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            price = self.kzt(2_500_000, 12_000_000, 50000)
            day = self.r.choice([1, 2, 3])
            t = self.at_h(day, self.r.uniform(10, 17))
            if not c.deposit:
                c.deposit = self.new_kz_iban("ours")
                self.know(c, c.deposit)
            seller = self.party_person_ext(30, 70, token=False)
            ch = "branch" if k in (2, 6) else "mobile"
            if k != 4:
                self.transfer(
                    t,
                    c,
                    self.party_of(c),
                    price + self.kzt(0, 300_000, 1000),
                    ch,
                    sender=c.deposit,
                    label=L("deposit_closed_to_current"),
                    details="Закрытие депозита",
                )
                t += self.rmin(5, 40)
            if ch == "mobile":
                self.login(t, c, label=L("login"))
                t += self.rmin(1, 3)
            if k in (3, 7):
                adv = self.kzt(100_000, 500_000, 10000)
                self.transfer(
                    t - timedelta(days=1) if day > 0 else t,
                    c,
                    seller,
                    adv,
                    "mobile",
                    label=L("car_advance"),
                    details="Задаток за авто",
                )
                self.transfer(
                    t + self.rmin(2, 10),
                    c,
                    seller,
                    price - adv,
                    ch,
                    label=L("car_payment"),
                    details="Оплата за автомобиль",
                )
            else:
                self.transfer(
                    t, c, seller, price, ch, label=L("car_payment"), details="Оплата за автомобиль"
                )

    def lk_landlord(self):
        S = "honest_new_landlord"
        ten = self.pick(
            8,
            lambda c: 19 <= c.age <= 45 and c.segment in ("worker", "student", "self_employed"),
            S,
        )
        for k, c in enumerate(ten, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            ll = self.party_person_ext(35, 75, token=self.maybe(0.4))
            rent = self.kzt(120_000, 400_000, 5000)
            t = self.at_h(self.r.choice([0, 1, 2, 3]), self.r.uniform(9, 21))
            self.login(t - self.rmin(1, 3), c, label=L("login"))
            if self.maybe(0.5):
                self.transfer(
                    t,
                    c,
                    ll,
                    rent * 2,
                    "mobile",
                    label=L("deposit_and_first_rent"),
                    details="Депозит и оплата за первый месяц",
                )
            else:
                self.transfer(
                    t,
                    c,
                    ll,
                    rent,
                    "mobile",
                    label=L("rental_deposit"),
                    details="Депозит за квартиру",
                )
                self.transfer(
                    t + self.rmin(2, 30),
                    c,
                    ll,
                    rent,
                    "mobile",
                    label=L("first_rent"),
                    details="Аренда за май",
                )
            if self.maybe(0.4) and t + timedelta(hours=2) < T_END:
                self.transfer(
                    t + self.rmin(30, 110),
                    c,
                    self.r.choice(self.merchants),
                    self.kzt(20_000, 150_000),
                    "mobile",
                    label=L("moving_purchase"),
                )

    def lk_crypto(self):
        S = "honest_crypto_known_exchange"
        tr = self.pick(
            8,
            lambda c: 20 <= c.age <= 55 and c.segment in ("worker", "self_employed", "student"),
            S,
        )
        for k, c in enumerate(tr, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            ex = self.r.choice(self.kz_exchanges)
            if k not in (2, 5):
                self.know(c, ex["account"])
            for day in sorted(self.r.sample(range(DAYS), self.r.randint(1, 3))):
                t = self.rand_time(day, 8, 24)
                self.login(t - self.rmin(0.5, 3), c, label=L("login"))
                amt = self.kzt(20_000, 600_000 if k != 7 else 1_500_000, 1000)
                self.transfer(
                    t,
                    c,
                    ex,
                    amt,
                    self.choice_w(["mobile", "web"], [70, 30]),
                    label=L("exchange_top_up"),
                    details=self.r.choice([None, "Пополнение счёта", "Top up"]),
                )

    def lk_student(self):
        S = "honest_student_from_parents"
        studs = self.pick(8, lambda c: c.segment == "student", S)
        for k, s in enumerate(studs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            fam = self.pick(
                self.r.randint(2, 4),
                lambda c: c.age >= 40 and c.segment != "company",
                S + "_family",
            )
            for f in fam:
                f.reserved = None  # they are otherwise ordinary
                self.know(f, s.iban)
                t = self.rand_time(self.r.choice([0, 1, 2]), 8, 22)
                self.transfer(
                    t,
                    f,
                    self.party_of(s),
                    self.kzt(10_000, 120_000, 1000),
                    self.chan(f) if f.age < 65 else "branch",
                    label=L("family_support"),
                    details=self.r.choice([None, "Сыну", "Дочке", "На учёбу"]),
                )
            t = self.at_h(3, self.r.uniform(9, 20))
            ll = self.r.choice(s.contacts) if s.contacts else self.party_person_ext()
            self.know(s, ll["account"])
            self.login(t - self.rmin(1, 3), s, label=L("login"))
            self.transfer(
                t,
                s,
                ll,
                self.kzt(60_000, 150_000, 5000),
                "mobile",
                label=L("rent_share"),
                details="За общежитие" if self.maybe(0.5) else None,
            )

    def lk_past_victim(self):
        S = "honest_past_victim_normal_life"
        cs = self.pick(8, lambda c: 25 <= c.age <= 75 and c.segment != "company", S)
        for k, c in enumerate(cs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            t = self.at_h(0, self.r.uniform(8.5, 11))
            self.cevent(
                t,
                c,
                "fraud_reported",
                L("fraud_report_about_last_year"),
                account=self.mule_ext()["account"] if self.maybe(0.6) else DROP,
            )
            for day in range(1, DAYS):
                for _ in range(self.r.randint(1, 3)):
                    tt = self.rand_time(day, 8, 22)
                    p = self.r.choice(c.contacts + c.billers + c.merchants)
                    lo, hi = (p.get("lo", 3000), min(p.get("hi", 60000), 80000))
                    self.transfer(
                        tt, c, p, self.kzt(lo, hi), self.chan(c), label=L("ordinary_payment")
                    )
            if k in (2, 5, 7):
                tt = self.rand_time(self.r.choice([2, 3]), 10, 19)
                self.transfer(
                    tt,
                    c,
                    self.party_person_ext(25, 60),
                    self.kzt(40_000, 250_000, 1000),
                    "mobile",
                    label=L("new_payee_ordinary"),
                    details=self.r.choice(["Репетитор", "Ремонт", None]),
                )

    def lk_new_phone(self):
        S = "honest_new_phone"
        cs = self.pick(8, lambda c: 18 <= c.age <= 75 and c.segment != "company", S)
        for k, c in enumerate(cs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            day = self.r.choice([1, 2, 3])
            t = self.at_h(day, self.r.uniform(9, 21))
            nd = self.device()
            if k in (2, 6):
                self.cevent(t, c, "phone_changed", L("phone_changed"))
                t += self.rmin(3, 30)
            if k in (3, 6, 8):
                self.cevent(t, c, "password_reset", L("password_reset"))
                self.sms(t + self.rmin(0.2, 1), c, "bank", L("sms_code_bank"))
                t += self.rmin(1, 4)
            if k in (4, 8):
                self.sms(t, c, "egov", L("sms_code_egov"))
                t += self.rmin(2, 15)
            self.login(t, c, nd, new=True, label=L("new_device_login"))
            self.sms(t + self.rmin(0.1, 0.5), c, "bank", L("sms_code_bank"))
            t += self.rmin(2, 30)
            for i in range(self.r.randint(2, 5)):
                p = self.r.choice(c.contacts + c.billers + c.merchants)
                lo, hi = (p.get("lo", 3000), min(p.get("hi", 60000), 90000))
                if t >= T_END:
                    break
                self.transfer(
                    t, c, p, self.kzt(lo, hi), "mobile", device=nd, label=L("ordinary_payment")
                )
                t += self.rmin(5, 240)

    def lk_online_loan(self):
        S = "honest_online_loan_purchase"
        cs = self.pick(
            8, lambda c: 21 <= c.age <= 60 and c.segment in ("worker", "self_employed"), S
        )
        for k, c in enumerate(cs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            day = self.r.choice([0, 1, 2])
            t = self.at_h(day, self.r.uniform(10, 21))
            if k in (1, 3, 5, 6):
                self.sms(t, c, "1414", L("sms_code_1414_consent"))
                t += self.rmin(1, 5)
            self.login(t - self.rmin(1, 3), c, label=L("login"))
            if k in (2, 7):
                lender = self.r.choice(self.mfos_l)
                amt = self.kzt(60_000, 250_000, 5000)
            else:
                lender = self.r.choice(self.banks_l)
                amt = self.kzt(300_000, 2_000_000, 10000)
            prod = "goods" if k == 4 else None
            ev = self.loan(
                t,
                c,
                amt,
                lender,
                "online",
                product=prod,
                disb=c.iban if lender["key"] == "ours" or lender["kind"] == "mfo" else "auto",
                first=self.maybe(0.4),
                label=L("honest_loan"),
            )
            shop = self.r.choice(
                [
                    m
                    for m in self.merchants
                    if m["cat"]
                    in ("electronics", "furniture", "online_shop", "education", "clinic")
                ]
            )
            if amt > MRP150 * 100 and k in (1, 6):
                t2 = t + timedelta(hours=self.r.uniform(24.1, 28))
                if t2 < T_END - timedelta(minutes=20):
                    self.cevent(
                        t2, c, "loan_reconfirmed", L("loan_reconfirmed"), loan_id=ev["loan_id"]
                    )
                    t = t2
            t += self.rmin(20, 300)
            if t < T_END:
                self.transfer(
                    t,
                    c,
                    shop,
                    int(amt * self.r.uniform(0.5, 1.0) / 100000) * 100000,
                    "mobile",
                    label=L("purchase"),
                    details="Оплата заказа",
                )

    def lk_payroll(self):
        S = "honest_company_payroll"
        comps = self.companies[14:22]
        for k, co in enumerate(comps, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            n = self.r.randint(20, 120)
            staff = []
            ours_staff = self.crowd(int(n * 0.3))
            for s in ours_staff:
                staff.append(self.party_of(s))
            while len(staff) < n:
                staff.append(self.party_person_ext(18, 63, token=False))
            newhires = 0.05 if k not in (3, 6) else 0.7  # a new company or a seasonal crew
            for p in staff:
                if not self.maybe(newhires):
                    self.know(co, p["account"])
            day = self.r.choice([1, 2, 3])
            t = self.at_h(day, self.r.uniform(9, 16))
            self.login(t - self.rmin(1, 5), co, label=L("accountant_login"))
            for p in staff:
                ch = "api" if k % 2 else "web"
                self.transfer(
                    t,
                    co,
                    p,
                    self.kzt(120_000, 900_000, 1) + self.r.randrange(100),
                    ch,
                    label=L("salary_payment"),
                    details="Заработная плата за март 2026",
                )
                t += timedelta(
                    seconds=self.r.randint(1, 20) if ch == "api" else self.r.randint(10, 60)
                )
            self.transfer(
                t + self.rmin(5, 30),
                co,
                self.treasury,
                self.kzt(200_000, 3_000_000),
                "web",
                label=L("tax_payment"),
                details="ИПН, СО",
            )

    def lk_club(self):
        S = "honest_club_treasurer"
        trs = self.pick(8, lambda c: 25 <= c.age <= 65 and c.segment != "company", S)
        for k, tr in enumerate(trs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            members = self.crowd(self.r.randint(15, 40), exclude=[tr])
            dues = self.choice_w([5_000, 8_000, 10_000, 15_000, 20_000], [20, 15, 35, 20, 10]) * 100
            day = self.r.choice([0, 1])
            for m in members:
                if self.maybe(0.7):
                    self.know(m, tr.iban)
                t = self.rand_time(self.r.choice([day, day + 1, day + 2]), 8, 23)
                self.transfer(
                    t,
                    m,
                    self.party_of(tr),
                    dues,
                    "mobile",
                    label=L("member_dues"),
                    details=self.r.choice([None, "Взнос", "Членский взнос апрель", "Футбол"]),
                )
            t = self.at_h(3, self.r.uniform(10, 19))
            venue = self.party_business()
            self.login(t - self.rmin(1, 3), tr, label=L("treasurer_login"))
            self.transfer(
                t,
                tr,
                venue,
                int(dues * len(members) * self.r.uniform(0.7, 1.0) / 100000) * 100000,
                "mobile",
                label=L("venue_payment"),
                details="Аренда поля/зала",
            )

    def lk_own_other_bank(self):
        S = "honest_own_account_other_bank"
        cs = self.pick(
            8, lambda c: 25 <= c.age <= 75 and c.savings >= 400_000 and c.segment != "company", S
        )
        for k, c in enumerate(cs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            bank = self.choice_w(OTHER_BANKS, OTHER_BANK_W)
            own = self.party_person_ext(bank=bank, cid=c.cid, token=False)
            own["account"] = c.ext_accounts.setdefault(bank, own["account"])
            t = self.at_h(self.r.choice([0, 1, 2, 3]), self.r.uniform(9, 21))
            amt = int(c.savings * self.r.uniform(0.6, 0.98) / 1000) * 1000 * 100
            if c.deposit and k % 2:
                self.transfer(
                    t,
                    c,
                    self.party_of(c),
                    amt,
                    "mobile",
                    sender=c.deposit,
                    label=L("deposit_to_current"),
                )
                t += self.rmin(2, 20)
            self.login(t - self.rmin(0.5, 2), c, label=L("login"))
            over = {"receiver_customer_id": c.cid} if k != 8 else None  # one bank does not send it
            self.transfer(
                t,
                c,
                own,
                amt,
                self.choice_w(["mobile", "web"], [80, 20]),
                label=L("own_transfer_other_bank"),
                over=over,
                details="Перевод собственных средств",
            )

    def lk_charity(self):
        S = "honest_charity_fundraiser"
        orgs = self.pick(6, lambda c: 25 <= c.age <= 60 and c.segment != "company", S)
        for k, o in enumerate(orgs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            donors = self.crowd(self.r.randint(30, 90), exclude=[o])
            total = 0
            day = self.r.choice([0, 1])
            for d in donors:
                t = self.rand_time(self.r.choice([day, day, day + 1]), 7, 24)
                a = (
                    self.choice_w(
                        [1_000, 2_000, 5_000, 10_000, 20_000, 50_000], [15, 20, 30, 20, 10, 5]
                    )
                    * 100
                )
                total += a
                self.transfer(
                    t,
                    d,
                    self.party_of(o),
                    a,
                    "mobile",
                    label=L("donation"),
                    details=self.r.choice([None, "На лечение", "Сбор для Айару", "Помощь"]),
                )
            t = self.at_h(day + 2, self.r.uniform(10, 17))
            clinic = self.party_foreign(self.r.choice(["TR", "DE", "KR"]), kind="business")
            self.login(t - self.rmin(1, 3), o, label=L("login"))
            cur = "USD" if self.maybe(0.5) else "KZT"
            amt = total * self.r.uniform(0.8, 1.5)
            if cur == "USD":
                amt = amt / 470
            self.transfer(
                t,
                o,
                clinic,
                int(amt / 100) * 100,
                self.choice_w(["branch", "mobile"], [50, 50]),
                currency=cur,
                label=L("clinic_invoice_abroad"),
                details="Invoice: treatment",
            )

    def lk_optout_lifted(self):
        S = "honest_stop_credit_lifted_loan"
        cs = self.pick(
            8, lambda c: 23 <= c.age <= 60 and c.segment in ("worker", "self_employed"), S
        )
        for k, c in enumerate(cs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            c.optout = True  # no everyday loans around the registry changes
            if k in (1, 4):
                ts = self.at_h(0, self.r.uniform(9, 12))
                self.cevent(ts, c, "loan_optout_set", L("stop_credit_set"))
                t = ts + timedelta(hours=self.r.uniform(24, 36))
            else:
                t = self.at_h(self.r.choice([0, 1]), self.r.uniform(9, 18))
            self.sms(t - self.rmin(1, 3), c, "egov", L("sms_code_egov"))
            self.cevent(t, c, "loan_optout_lifted", L("stop_credit_lifted"))
            t += timedelta(hours=self.r.uniform(3, 40))
            if t.hour < 9 or t.hour > 18:
                t = t.replace(hour=self.r.randint(10, 17))
            if t >= T_END:
                t = T_END - timedelta(hours=6)
            branch = k in (1, 2, 5, 7)
            lender = self.r.choice(self.banks_l)
            prod = self.r.choice(["auto", "mortgage", None]) if branch else None
            amt = (
                self.kzt(2_000_000, 15_000_000, 50000)
                if branch
                else self.kzt(300_000, 1_500_000, 10000)
            )
            self.loan(
                t,
                c,
                amt,
                lender,
                "branch" if branch else "online",
                product=prod,
                secured=True if prod in ("auto", "mortgage") else None,
                ipv=branch,
                first=self.maybe(0.3),
                label=L("loan_after_lifting"),
            )
            if prod == "auto":
                self.transfer(
                    t + self.rmin(60, 180),
                    c,
                    self.r.choice(self.car_dealers),
                    amt // 10 // 100000 * 100000,
                    "branch",
                    label=L("car_dealer_down_payment"),
                )

    def lk_vendor_burst(self):
        S = "honest_vendor_payment_burst"
        cs = self.pick(
            8,
            lambda c: 24 <= c.age <= 60 and c.segment in ("worker", "self_employed", "homemaker"),
            S,
        )
        for k, c in enumerate(cs, 1):
            inst = "%s#%d" % (S, k)
            L = lambda role: self.lab(S, inst, role, False)
            t = self.at_h(self.r.choice([0, 1, 2, 3]), self.r.uniform(10, 21))
            self.login(t, c, label=L("login"))
            t += self.rmin(1, 3)
            n = self.r.randint(6, 12)
            for i in range(n):
                if i % 3 == 0:
                    rcv = self.party_business()
                else:
                    rcv = self.party_person_ext(20, 55, token=self.maybe(0.3))
                self.transfer(
                    t,
                    c,
                    rcv,
                    self.kzt(20_000, 250_000, 1000),
                    "mobile",
                    label=L("vendor_advance"),
                    details=self.r.choice(
                        ["Фотограф", "Декор", "Ведущий", "Музыканты", "Торт", "Аванс", None]
                    ),
                )
                t += self.rmin(0.5, 6)

    # ================================================================= EVERYDAY
    def everyday(self):
        r = self.r
        for c in self.persons:
            for day in range(DAYS):
                n = poisson(r, 1.2 * c.activity)
                logged = False
                times = sorted(self.rand_time(day) for _ in range(n))
                for t in times:
                    if c.is_busy(t):
                        continue
                    ch = self.chan(c)
                    if ch in ("mobile", "web") and (not logged or self.maybe(0.3)):
                        self.login(
                            t - self.rmin(0.3, 8),
                            c,
                            c.web_device if ch == "web" and c.web_device else None,
                        )
                        logged = True
                    self.everyday_transfer(t, c, ch)
                for _ in range(poisson(r, 0.6 * c.activity)):
                    t = self.rand_time(day)
                    if c.is_busy(t):
                        continue
                    dev = self.r.choice(c.devices)
                    self.login(t, c, dev)
                if self.maybe(0.012 if c.age < 60 else 0.006):
                    t = self.rand_time(day, 8, 22)
                    if not c.is_busy(t):
                        self.login(t, c, self.device(), new=True)  # a tablet, a reinstalled app
                if self.maybe(0.02):
                    t = self.rand_time(day, 7, 23)
                    if not c.is_busy(t):
                        self.sms(
                            t, c, self.choice_w(["1414", "egov"], [70, 30])
                        )  # eGov services, consents
                if self.maybe(0.002):
                    t = self.rand_time(day, 9, 22)
                    if not c.is_busy(t):
                        self.cevent(t, c, "password_reset")
                        self.sms(t + self.rmin(0.2, 1), c, "bank")
                if self.maybe(0.001):
                    t = self.rand_time(day, 9, 20)
                    if not c.is_busy(t):
                        self.cevent(t, c, "phone_changed")
                if self.maybe(0.003):
                    t = self.rand_time(day, 9, 20)
                    if not c.is_busy(t):
                        a = self.new_kz_iban("ours")
                        self.cevent(t, c, "account_opened", account=a)
                        self.know(c, a)
                        if self.maybe(0.6):
                            self.transfer(
                                t + self.rmin(2, 30),
                                c,
                                self.party_of(c, a),
                                self.kzt(20_000, 500_000),
                                "mobile",
                                details="Пополнение депозита",
                            )
                if self.maybe(0.0015) and c.reserved is None and not c.optout:
                    t = self.rand_time(day, 9, 21)
                    self.cevent(t, c, "loan_optout_set")
                    c.optout = True
                    c.crowd_ok = c.crowd_ok
                if self.maybe(0.007) and not c.optout:
                    t = self.rand_time(day, 9, 21)
                    if not c.is_busy(t):
                        self.everyday_loan(t, c)
        # employers' payroll and suppliers
        for e in self.everyday_employers:
            for day in range(DAYS):
                if e.payday == day and e.staff:
                    t = self.at_h(day, self.r.uniform(9, 12))
                    self.login(t - self.rmin(1, 4), e)
                    for s in e.staff:
                        self.transfer(
                            t,
                            e,
                            self.party_of(s),
                            self.kzt(max(60_000, s.income * 0.8), s.income * 1.1 + 1000, 1)
                            + self.r.randrange(100),
                            "api",
                            details="Заработная плата",
                        )
                        t += timedelta(seconds=self.r.randint(1, 30))
                for _ in range(poisson(r, 1.5)):
                    t = self.rand_time(day, 9, 18)
                    sup = self.r.choice(e.suppliers)
                    self.transfer(
                        t,
                        e,
                        sup,
                        self.kzt(80_000, 4_000_000),
                        self.choice_w(["web", "api"], [70, 30]),
                        details="Оплата по счёту",
                    )
        for e in self.companies[22:]:
            for day in range(DAYS):
                for _ in range(poisson(r, 2.0)):
                    t = self.rand_time(day, 9, 18)
                    self.transfer(
                        t,
                        e,
                        self.r.choice(e.suppliers),
                        self.kzt(50_000, 3_000_000),
                        "web",
                        details="Оплата по договору",
                    )
        # pensions (paid on the 14th and 15th)
        pp = self.pension_payer
        for i, s in enumerate(pp.staff):
            day = 1 if i % 2 == 0 else 2
            t = self.at_h(day, 6 + self.r.random() * 5)
            self.transfer(
                t,
                pp,
                self.party_of(s),
                self.kzt(60_000, max(65_000, s.income), 1) + self.r.randrange(100),
                "api",
                device="api-gcvp-gateway-01",
                details="Пенсионные выплаты",
            )

    def everyday_transfer(self, t, c, ch):
        kind = self.choice_w(
            [
                "shop",
                "util",
                "family",
                "new_person",
                "own",
                "service",
                "new_shop",
                "foreign_shop",
                "crypto",
            ],
            [40, 10 if c.billers else 0, 25, 5, 4, 6, 8, 1.2, 1.0 if c.age < 45 else 0.1],
        )
        dev = c.web_device if (ch == "web" and c.web_device) else self.r.choice(c.devices)
        if kind == "shop":
            m = self.r.choice(c.merchants)
            self.transfer(
                t,
                c,
                m,
                self.kzt(m["lo"], m["hi"], cents_p=0.15),
                "mobile" if ch in ("branch", "atm") else ch,
                device=dev,
            )
        elif kind == "new_shop":
            m = self.r.choice(self.merchants)
            self.transfer(
                t,
                c,
                m,
                self.kzt(m["lo"], m["hi"], cents_p=0.15),
                "mobile" if ch in ("branch", "atm") else ch,
                device=dev,
            )
        elif kind == "util":
            u = self.r.choice(c.billers)
            self.transfer(
                t,
                c,
                u,
                self.kzt(u["lo"], u["hi"], cents_p=0.6),
                ch,
                device=dev,
                details=self.r.choice([None, "Коммунальные услуги за март"]),
            )
        elif kind == "family" and c.contacts:
            p = self.r.choice(c.contacts)
            hi = 60_000 if c.segment in ("student", "pensioner") else 150_000
            self.transfer(t, c, p, self.kzt(2_000, hi), ch, device=dev)
            if self.maybe(0.4):
                self.sms(t - self.rmin(0.2, 1), c, "bank")
        elif kind == "new_person":
            self.sms(t - self.rmin(0.2, 1), c, "bank")
            o = self.r.choice(self.persons)
            p = self.r.choice(self.ext_people) if (self.maybe(0.7) or o is c) else self.party_of(o)
            self.transfer(
                t, c, p, self.kzt(3_000, 70_000), ch if ch != "atm" else "mobile", device=dev
            )
        elif kind == "own" and len(c.accounts) > 1:
            a, b = self.r.sample(c.accounts, 2)
            self.transfer(
                t,
                c,
                self.party_of(c, b),
                self.kzt(10_000, 300_000),
                ch,
                sender=a,
                device=dev,
                details="Перевод собственных средств",
            )
        elif kind == "foreign_shop":
            # online shopping abroad (marketplaces, airline tickets), paid to foreign merchants
            if not hasattr(self, "foreign_shops"):
                self.foreign_shops = [
                    self.party_foreign(ctry, kind="business", token=self.maybe(0.5))
                    for ctry in ["CN", "CN", "US", "TR", "AE", "GB", "RU", "DE"]
                ]
            m = self.r.choice(self.foreign_shops)
            cur = "KZT" if self.maybe(0.7) else "USD"
            amt = self.kzt(3_000, 120_000) if cur == "KZT" else self.r.randint(5, 250) * 100
            self.transfer(
                t, c, m, amt, "mobile" if ch != "web" else "web", device=dev, currency=cur
            )
        elif kind == "crypto":
            ex = self.r.choice(self.kz_exchanges)
            self.transfer(
                t,
                c,
                ex,
                self.kzt(5_000, 200_000, 1000),
                "mobile" if ch != "web" else "web",
                device=dev,
            )
        else:
            s = self.r.choice(self.pay_services)
            self.transfer(
                t, c, s, self.kzt(1_000, 20_000), "mobile" if ch != "web" else "web", device=dev
            )

    def everyday_loan(self, t, c):
        k = self.choice_w(
            ["goods", "mfo_small", "card_limit", "consumer_small", "branch_big", "consumer_big"],
            [30, 20, 15, 20, 10, 5],
        )
        if k == "goods":
            lender = self.r.choice(self.banks_l[:4])
            self.loan(t, c, self.kzt(50_000, 600_000, 1000), lender, "online", product="goods")
            m = self.r.choice(
                [
                    x
                    for x in self.merchants
                    if x["cat"] in ("electronics", "furniture", "online_shop")
                ]
            )
        elif k == "mfo_small":
            if self.maybe(0.5):
                self.sms(t - self.rmin(1, 4), c, "1414")
            self.loan(t, c, self.kzt(20_000, 150_000, 1000), self.r.choice(self.mfos_l), "online")
        elif k == "card_limit":
            self.loan(
                t,
                c,
                self.kzt(100_000, 500_000, 10000),
                self.r.choice(self.banks_l),
                "online",
                product="card_limit",
            )
        elif k == "consumer_small":
            if self.maybe(0.5):
                self.sms(t - self.rmin(1, 4), c, "1414")
            self.loan(
                t, c, self.kzt(100_000, 550_000, 10000), self.r.choice(self.banks_l), "online"
            )
        elif k == "branch_big":
            self.loan(
                t,
                c,
                self.kzt(1_000_000, 6_000_000, 50000),
                self.r.choice(self.banks_l),
                "branch",
                product=self.r.choice([None, "auto", "refinancing"]),
                ipv=True,
            )
        else:
            self.loan(
                t, c, self.kzt(700_000, 2_500_000, 10000), self.r.choice(self.banks_l), "online"
            )

    # ================================================================= finalize
    def finalize(self):
        self.out.sort(key=lambda x: (x[0], x[1]))
        seen_known = self.known
        for dt, seq, topic, ev, label in self.out:
            if topic != "transfers":
                continue
            nb = ev.pop("_nb", "auto")
            if "new_beneficiary" in ev:  # forced by a scenario
                if ev["new_beneficiary"] is not None:
                    seen_known.setdefault(ev["customer_id"], {})[ev["receiver_account"]] = True
                continue
            kn = seen_known.setdefault(ev["customer_id"], {})
            isnew = ev["receiver_account"] not in kn
            kn[ev["receiver_account"]] = True
            if nb is DROP:
                continue
            if self.r.random() < 0.9:
                ev["new_beneficiary"] = isnew
            elif self.r.random() < 0.1:
                ev["new_beneficiary"] = None

    def write(self, out_dir):
        os.makedirs(out_dir, exist_ok=True)
        ev_path = os.path.join(out_dir, "%s.jsonl" % self.seed)
        lb_path = os.path.join(out_dir, "%s.labels.jsonl" % self.seed)
        nlab = 0
        with open(ev_path, "w", encoding="utf-8") as fe, open(lb_path, "w", encoding="utf-8") as fl:
            for dt, seq, topic, ev, label in self.out:
                fe.write(json.dumps({"topic": topic, "event": ev}, ensure_ascii=False) + "\n")
                if label:
                    rec = {"event_id": ev["event_id"]}
                    rec.update(label)
                    fl.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    nlab += 1
        return ev_path, lb_path, len(self.out), nlab

    def run(self):
        self.build()
        # scams first (they reserve their actors), then look-alikes, then everyday traffic
        self.sc_mules()
        self.sc_known_dropper()
        self.sc_code_harvest()
        self.sc_safe_account()
        self.sc_safe_account_loan()
        self.sc_marketplace()
        self.sc_investment()
        self.sc_repeat_victim()
        self.sc_velocity()
        self.sc_multi_lender()
        self.sc_stop_credit()
        self.lk_shop_owner()
        self.lk_toi()
        self.lk_family_abroad()
        self.lk_used_car()
        self.lk_landlord()
        self.lk_crypto()
        self.lk_student()
        self.lk_past_victim()
        self.lk_new_phone()
        self.lk_online_loan()
        self.lk_payroll()
        self.lk_club()
        self.lk_own_other_bank()
        self.lk_charity()
        self.lk_optout_lifted()
        self.lk_vendor_burst()
        self.everyday()
        self.finalize()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    p = Pop(a.seed)
    p.run()
    ev_path, lb_path, n, nl = p.write(a.out)
    print("wrote %s (%d events) and %s (%d labels)" % (ev_path, n, lb_path, nl))


if __name__ == "__main__":
    main()
