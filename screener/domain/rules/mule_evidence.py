"""mule_evidence: taken together, do this account's signals say "money mule"?

Counting senders alone mistakes a sole trader paid by thirty buyers a day, or a toi host
collecting gifts, for a dropper. What separates a mule is what happens to the money and who
pays it, so this rule weighs several signals of the account on each side of a transfer (the
receiving account; and the sending account, where the transfer may be the forward itself):

- fan_in: unrelated people paying it within the window (companies' payments — salaries,
  pensions, refunds — are not what mules collect, and are left out with the holder's own);
- forwarded: the share of that money sent on again within the window (a mule keeps a 1-10 %
  cut; a trader or a host keeps it, or pays shops and suppliers, which is spending);
- risky_destinations: the share of money out going to crypto exchanges, abroad, or to
  beneficiaries the account had not paid before;
- victim_senders: the share of payers who were victims as their bank saw them: they had
  signed a cash loan or had a takeover sign (a 1414 code, a new device) shortly before, or
  their payment was held by a victim-side rule;
- small_tickets: how much of that fan-in is small retail sums (payers who paid no more than
  `small_ticket_kzt` in the window), counting against: buyers pay a trader a few thousand
  tenge, victims pay a mule their savings or a loan;
- young_account (opened lately), young_holder (18-24, the droppers' usual recruits),
  new_receiver (first seen receiving money lately);
- established: the long-term profile shows money coming in from several people on many
  days for weeks while the account keeps it — a trader's normal, which counts against.

The signals combine as a logistic model: score = 100 / (1 + e^-(bias + Σ weight × signal)),
each signal in 0..1. The weights are in the rules file (set by hand from labelled
backtests) and every one is shown in the reason with its signal, so an officer
sees why. At `suspend_score` the account is suspended for the Anti-Fraud Center's business
days: later payments to or from it wait for an officer (rule `suspended_account`); refusing
them takes an officer's confirmation or the Anti-Fraud Center's list (the block list).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from screener.domain.accounts import (
    SENDER_BORROWED,
    SENDER_HELD,
    SENDER_TAKEOVER_SIGN,
    TO_NEW_BENEFICIARY,
    VICTIM_SIGNALS,
    AccountActivity,
    Flow,
)
from screener.domain.config import (
    ConfigError,
    RuleMode,
    integer,
    number,
    rule_mode,
    section,
    string_list,
)
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, Outcome, RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.history import CustomerHistory
from screener.domain.identifiers import age_on, is_valid_bin
from screener.domain.rules._accounts import (
    receiver_holder,
    receiving_account,
    sender_of,
    sending_account,
    suspension_of,
    to_busy_merchant,
)
from screener.domain.rules._signals import cash_loans, optional_kzt_setting
from screener.domain.texts import local_time

RULE_ID = "mule_evidence"
HOME_COUNTRY = "KZ"
SIGNALS = (
    "fan_in",
    "forwarded",
    "risky_destinations",
    "victim_senders",
    "young_account",
    "young_holder",
    "new_receiver",
    "established",
    "small_tickets",
)
# Signals added after rules files were in use: a file without their weight loads (weight 0).
_LATER_SIGNALS = frozenset({"small_tickets"})
_WORDS: Mapping[str, tuple[str, str, str]] = {
    "fan_in": ("unrelated payers", "разные плательщики", "бөгде төлеушілер"),
    "forwarded": ("money sent on", "деньги переведены дальше", "ақша әрі қарай аударылды"),
    "risky_destinations": (
        "to crypto, abroad or new payees",
        "на криптобиржи, за рубеж или новым получателям",
        "криптобиржаға, шетелге немесе жаңа алушыларға",
    ),
    "victim_senders": (
        "payers who had just borrowed, got a 1414 code or were held",
        "плательщики только что взяли кредит, получили код 1414 или были задержаны",
        "төлеушілер жаңа ғана несие алған, 1414 кодын алған немесе тоқтатылған",
    ),
    "young_account": ("new account", "новый счёт", "жаңа шот"),
    "young_holder": ("holder aged 18-24", "владельцу 18-24 года", "иесі 18-24 жаста"),
    "new_receiver": (
        "first seen receiving lately",
        "недавно начал получать переводы",
        "жақында ғана аударым ала бастады",
    ),
    "small_tickets": (
        "many payers, paying small retail sums",
        "много плательщиков, но платят небольшие розничные суммы",
        "төлеушілер көп, бірақ шағын бөлшек сомалар төлейді",
    ),
    "established": (
        "paid by many for weeks and keeps the money",
        "неделями получает от многих и не выводит деньги",
        "апталар бойы көптен алып, ақшаны ұстап тұрады",
    ),
}


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    min_inflow_minor: int
    fan_in_full_senders: int  # this many unrelated payers or more: signal 1
    victim_full_senders: int
    max_forward_ratio: float  # more out than this times the money in: spending savings
    young_account_days: float
    young_holder_min_age: int
    young_holder_max_age: int
    new_receiver_days: float
    established_min_days: int
    established_min_senders_per_day: float
    established_max_out_share: float
    small_ticket_minor: int
    bias: float
    weights: Mapping[str, float]
    suspend_score: int
    max_score: int
    report_from_score: int
    suspend_business_days: int
    spending_kinds: frozenset[str]
    ignored_receiver_kinds: frozenset[str]
    victim_loan_seconds: float
    victim_sign_seconds: float
    victim_code_sources: frozenset[str]
    victim_held_by: frozenset[str]  # rules whose hold marks the payer a victim


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    weights_raw = section(raw, "weights", path)
    unknown = sorted(set(weights_raw) - set(SIGNALS))
    if unknown:
        raise ConfigError(f"{path}.weights: unknown signals {unknown} (known: {list(SIGNALS)})")
    weights = {}
    for name in SIGNALS:
        # A signal added after a bank's rules file was written weighs nothing until set.
        value = weights_raw.get(name, 0.0 if name in _LATER_SIGNALS else None)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{path}.weights.{name}: expected a number, got {value!r}")
        weights[name] = float(value)
    bias = raw.get("bias")
    if isinstance(bias, bool) or not isinstance(bias, int | float):
        raise ConfigError(f"{path}.bias: expected a number, got {bias!r}")
    low = integer(raw, "young_holder_min_age", path, low=14, high=120)
    high = integer(raw, "young_holder_max_age", path, low=low, high=120)
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=0.1) * 3600,
        min_inflow_minor=round(number(raw, "min_inflow_kzt", path) * 100),
        fan_in_full_senders=integer(raw, "fan_in_full_senders", path, low=2, high=10_000),
        victim_full_senders=integer(raw, "victim_full_senders", path, low=1, high=10_000),
        max_forward_ratio=number(raw, "max_forward_ratio", path, minimum=1),
        young_account_days=number(raw, "young_account_days", path),
        young_holder_min_age=low,
        young_holder_max_age=high,
        new_receiver_days=number(raw, "new_receiver_days", path),
        established_min_days=integer(raw, "established_min_days", path, low=1, high=10_000),
        established_min_senders_per_day=number(raw, "established_min_senders_per_day", path),
        established_max_out_share=number(raw, "established_max_out_share", path),
        small_ticket_minor=optional_kzt_setting(raw, "small_ticket_kzt", path, 0),
        bias=float(bias),
        weights=weights,
        suspend_score=integer(raw, "suspend_score", path, low=1, high=100),
        max_score=integer(raw, "max_score", path, low=0, high=100),
        report_from_score=integer(raw, "report_from_score", path, low=0, high=100),
        suspend_business_days=integer(raw, "suspend_business_days", path, low=1, high=30),
        spending_kinds=frozenset(string_list(raw, "spending_kinds", path)),
        ignored_receiver_kinds=frozenset(string_list(raw, "ignored_receiver_kinds", path)),
        victim_loan_seconds=number(raw, "victim_loan_hours", path) * 3600,
        victim_sign_seconds=number(raw, "victim_sign_hours", path) * 3600,
        victim_code_sources=frozenset(string_list(raw, "victim_code_sources", path)),
        victim_held_by=frozenset(string_list(raw, "victim_held_by", path)),
    )


def sender_signals(
    transfer: Transfer, history: CustomerHistory, outcome: Outcome, settings: Settings
) -> int:
    """What the receiving account should remember of this payer (`accounts.SENDER_*`): was
    the payer a victim as their own bank saw them when they paid? `history` is the payer's
    history before the transfer."""
    now = transfer.occurred_at.timestamp()
    signals = 0
    if outcome.verdict is not Verdict.ALLOW and any(
        hit.rule in settings.victim_held_by for hit in outcome.reasons
    ):
        signals |= SENDER_HELD
    if cash_loans(history, now - settings.victim_loan_seconds, now):
        signals |= SENDER_BORROWED
    for entry in history.since(now - settings.victim_sign_seconds, now, _SIGN_TYPES):
        is_code = entry.type == "sms_code_sent"
        if (
            (is_code and entry.attrs.get("source") in settings.victim_code_sources)
            or (entry.type == "login" and entry.attrs.get("new_device") is True)
            or entry.type == "phone_changed"
        ):
            signals |= SENDER_TAKEOVER_SIGN
            break
    return signals


_SIGN_TYPES = frozenset({"sms_code_sent", "login", "phone_changed"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """One account's signals (each 0..1), what they were measured from, and the score."""

    side: str  # "sender" or "receiver"
    account: str
    signals: Mapping[str, float]
    measured: Mapping[str, Any]
    logit: float

    def score(self, cap: int) -> int:
        return min(cap, round(100 / (1 + math.exp(-self.logit))))


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    now = transfer.occurred_at.timestamp()
    found: list[Evidence] = []
    # Money out to a shop (by its kind, or a busy merchant's account whatever kind was
    # sent) is the holder spending, not forwarding: the sending account is not judged.
    if not (
        is_valid_bin(transfer.customer_id)
        or transfer.receiver_kind in settings.spending_kinds
        or to_busy_merchant(transfer, context)
    ):
        sender = sending_account(transfer, context)
        evidence = measure("sender", sender, transfer.customer_id, now, settings, context, None)
        if evidence is not None:
            found.append(evidence)
    if transfer.receiver_kind not in settings.ignored_receiver_kinds:
        receiver = receiving_account(transfer, context)
        holder = receiver_holder(transfer, receiver)
        evidence = measure("receiver", receiver, holder, now, settings, context, transfer.event_id)
        if evidence is not None:
            found.append(evidence)
    if not found:
        return None
    worst = max(found, key=lambda e: e.logit)  # the sender side wins a tie
    score = worst.score(settings.max_score)
    if score < settings.report_from_score:
        return None  # too little to be worth an officer's reading

    suspension = None
    if round(100 / (1 + math.exp(-worst.logit))) >= settings.suspend_score:
        suspension = suspension_of(transfer.occurred_at, settings.suspend_business_days, context)
    suspend_until = None if suspension is None else suspension.ends_at
    return RuleHit(
        rule=RULE_ID,
        score=score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(worst, settings, suspend_until, context),
        measured={
            "side": worst.side,
            "account": worst.account,
            "bias": settings.bias,
            "terms": {
                name: {"signal": round(value, 3), "weight": settings.weights[name]}
                for name, value in worst.signals.items()
                if value
            },
            **worst.measured,
        },
        suspend_account=None if suspend_until is None else worst.account,
        suspend_until=suspend_until,
        suspension=suspension,
    )


def measure(
    side: str,
    account: AccountActivity,
    holder: str | None,
    now: float,
    settings: Settings,
    context: ScreeningContext,
    this_payment: str | None,
) -> Evidence | None:
    """The account's signals over the window ending `now`. On the receiving side the
    payment being screened counts as a payer but not in the money in that could have been
    forwarded: it cannot have gone on yet."""
    start = now - settings.window_seconds
    inbound = [
        flow
        for flow in account.inbound_between(start, now)
        if not _own(flow, holder) and not is_valid_bin(sender_of(flow))
    ]
    outbound = [
        flow
        for flow in account.outbound_between(start, now)
        if not _own(flow, holder) and flow.receiver_kind not in settings.spending_kinds
    ]
    paid_by: dict[str, int] = {}  # payer -> money in from them
    victim_weight: dict[str, float] = {}  # payer -> how much of a victim they looked
    for flow in inbound:
        payer = sender_of(flow)
        paid_by[payer] = paid_by.get(payer, 0) + flow.amount_minor
        if flow.signals & VICTIM_SIGNALS:
            # Borrowing is everyday: a payer who only borrowed counts as half a victim.
            weight = 0.5 if flow.signals & VICTIM_SIGNALS == SENDER_BORROWED else 1.0
            victim_weight[payer] = max(weight, victim_weight.get(payer, 0.0))
    senders = paid_by.keys()
    small_payers = sum(total <= settings.small_ticket_minor for total in paid_by.values())
    victims = sum(victim_weight.values())
    # Held payments count: a mule goes on forwarding while a victim's payment waits (money
    # from victims at other banks, which the bank never sees).
    arrived = [flow for flow in inbound if flow.event_id != this_payment]
    money_in = sum(flow.amount_minor for flow in arrived)
    # Only money out after the first money in can be that money sent on: what left before
    # came from elsewhere (savings, or a mule's takings at other banks the bank never sees).
    first_in = min((flow.at for flow in arrived), default=now)
    sent_on = [flow for flow in outbound if flow.at >= first_in]
    money_out = sum(flow.amount_minor for flow in sent_on)
    risky_out = sum(flow.amount_minor for flow in sent_on if _risky(flow))

    ratio = money_out / money_in if money_in else 0.0
    forwarded = 0.0
    if money_in >= settings.min_inflow_minor and ratio <= settings.max_forward_ratio:
        forwarded = min(1.0, ratio)
    day = datetime.fromtimestamp(now, context.mrp.zone).date()
    age = age_on(holder, day) if holder and not is_valid_bin(holder) else None
    profile = account.profile
    days_known = profile.days_known(now)
    profile_out_share = (
        profile.out_per_day_minor / profile.in_per_day_minor if profile.in_per_day_minor else 0.0
    )
    fan_in = _ramp(len(senders), settings.fan_in_full_senders)
    days_open = account.days_open(now)
    signals = {
        "fan_in": fan_in,
        "forwarded": forwarded,
        "risky_destinations": risky_out / money_out if forwarded and money_out else 0.0,
        # The share of payers who were victims, reaching 1 only with enough of them: one
        # buyer of a trader's forty who happened to borrow that week says little.
        "victim_senders": (victims / len(senders) if senders else 0.0)
        * min(1.0, victims / settings.victim_full_senders),
        "young_account": float(days_open is not None and days_open < settings.young_account_days),
        "young_holder": float(
            age is not None
            and settings.young_holder_min_age <= age <= settings.young_holder_max_age
        ),
        "new_receiver": float(bool(inbound) and days_known < settings.new_receiver_days),
        "established": float(
            profile.active_days >= settings.established_min_days
            and profile.senders_per_day >= settings.established_min_senders_per_day
            and profile_out_share <= settings.established_max_out_share
        ),
        # Only ever offsets fan-in: one small payer says nothing either way.
        "small_tickets": fan_in * small_payers / len(senders) if senders else 0.0,
    }
    logit = settings.bias + sum(settings.weights[name] * value for name, value in signals.items())
    measured = {
        "window_hours": settings.window_seconds / 3600,
        "distinct_payers": len(senders),
        "victim_payers": len(victim_weight),
        "small_ticket_payers": small_payers,
        "inflow_minor": money_in,
        "outflow_minor": money_out,
        "risky_outflow_minor": risky_out,
        "holder_age": age,
        "profile_days_known": round(days_known, 2),
        "profile_active_days": profile.active_days,
        "profile_senders_per_day": round(profile.senders_per_day, 2),
    }
    return Evidence(side, account.account, signals, measured, logit)


def _own(flow: Flow, holder: str | None) -> bool:
    return holder is not None and flow.party == holder


def _risky(flow: Flow) -> bool:
    """Money out that leaves for good: crypto, abroad, or a payee not paid before."""
    return (
        flow.receiver_kind == "crypto_exchange"
        or flow.receiver_country != HOME_COUNTRY
        or bool(flow.signals & TO_NEW_BENEFICIARY)
    )


def _ramp(count: int, full: int) -> float:
    """0 for one payer, rising evenly to 1 at `full` payers."""
    return max(0.0, min(1.0, (count - 1) / (full - 1)))


def _explain(
    evidence: Evidence, settings: Settings, until: datetime | None, context: ScreeningContext
) -> Message:
    terms = [
        (name, value, settings.weights[name])
        for name, value in evidence.signals.items()
        if value and settings.weights[name]
    ]
    listed = [
        tuple(f"{word} {value:.2f}×{weight:+g}" for word in _WORDS[name])
        for name, value, weight in terms
    ]
    en = "; ".join(item[0] for item in listed)
    ru = "; ".join(item[1] for item in listed)
    kk = "; ".join(item[2] for item in listed)
    side = {
        "sender": ("Sending account", "Счёт отправителя", "Жіберушінің шоты"),
        "receiver": ("Receiving account", "Счёт получателя", "Алушының шоты"),
    }[evidence.side]
    score = evidence.score(settings.max_score)
    message = Message(
        en=f"{side[0]} {evidence.account} shows mule evidence (score {score}, bias "
        f"{settings.bias:+g}): {en}.",
        ru=f"{side[1]} {evidence.account}: признаки дроппера (оценка {score}, смещение "
        f"{settings.bias:+g}): {ru}.",
        kk=f"{side[2]} {evidence.account}: дроппер белгілері (баға {score}, ығысу "
        f"{settings.bias:+g}): {kk}.",
    )
    if until is None:
        return message
    when = local_time(until, context.mrp.zone)
    return Message(
        en=f"{message.en} The account is suspended until {when}: its payments wait for an officer.",
        ru=f"{message.ru} Счёт приостановлен до {when}: его платежи ждут решения специалиста.",
        kk=f"{message.kk} Шот {when} дейін тоқтатылды: оның төлемдері маманның шешімін күтеді.",
    )
