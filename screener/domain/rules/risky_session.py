"""risky_session: is the customer borrowing or paying a stranger right after signs of a takeover?

The "1414" scheme: a caller gets the one-time code that eGov's short number 1414 just sent,
or logs in to the victim's bank from a new device, or has the phone number for codes
changed or the password reset; within hours loans are taken online in the victim's name and
the money is moved to new beneficiaries. Each sign is everyday on its own (eGov sends 1414
codes for many services, people buy new phones), and so is each action; a sign followed
within `window_hours` by an online loan or a large transfer to a new beneficiary is the
scheme's shape, and scores at least the hold score on its own. A new beneficiary here is a
new receiver other than a shop or biller at home (see `_signals`); companies (BIN) are not judged.

Signs, from the customer's history: `sms_code_sent` from a source in `code_sources` (the
bank's own codes are not a sign), `login` with `new_device` true, `phone_changed`,
`password_reset`. One kind of sign scores `score`; two kinds or more (a 1414 code and a new
device: the textbook takeover) score `score_several`. A loan's moment is its signing. For a
past fraud victim the amount limits are multiplied by `repeat_victim_factor`. A new-device
login is no sign for a payment made from a device the customer logged in with before every
new-device login of the window: whoever logged in on a new device pays from that one.

A burst of payments to strangers is a risky action whatever their size: the payment that
makes `burst_payees` distinct new beneficiaries within `burst_minutes` (a taken-over
account emptied in small sums, to stay under the amount limits). Not a payout run
(`code_only_payout_run`: one amount at a person's pace, a blogger paying giveaway winners)
when the only sign is a 1414 or eGov code: eGov sends those for everyday services, and
whoever holds only the code has not got into the bank.

An online loan whose only sign is a code from 1414 or eGov scores `code_only_loan_score`:
lenders ask for the borrower's consent to read their data through eGov, which sends a 1414
code, so an honest online borrower gets one minutes before the loan too. What the scheme
adds (a new device, a changed phone number, the money leaving for strangers) is what holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from screener.domain.config import (
    RuleMode,
    integer,
    number,
    optional_integer,
    optional_number,
    rule_mode,
    section,
    string_list,
)
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import ScreenedEvent, Transfer
from screener.domain.history import HistoryEntry
from screener.domain.rules._signals import (
    Payment,
    Payments,
    PayoutRun,
    acted_at,
    is_person,
    joined,
    kzt_setting,
    payments_of,
    payout_run_setting,
    repeat_victim_factor,
    span,
)
from screener.domain.rules.repeat_victim import stricter_note, tightening
from screener.domain.texts import kzt, local_time

RULE_ID = "risky_session"
SIGN_TYPES = frozenset({"sms_code_sent", "login", "phone_changed", "password_reset"})
LOGIN = frozenset({"login"})


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    score: int  # one kind of sign
    score_several: int  # two kinds of sign or more
    window_seconds: float
    code_sources: frozenset[str]
    transfer_above_minor: int  # transfers to new beneficiaries above this are risky
    online_loan_above_minor: int  # online loans above this are risky
    repeat_victim_factor: float
    code_only_loan_score: int  # an online loan after only a 1414/eGov code
    burst_payees: int = 0  # 0: bursts are not a risky action
    burst_seconds: float = 0.0
    # A payout run after nothing but a 1414/eGov code is no risky action (None: it is).
    code_only_payout_run: PayoutRun | None = None


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    score = integer(raw, "score", path, low=0, high=100)
    return Settings(
        mode=rule_mode(raw, path),
        score=score,
        score_several=integer(raw, "score_several", path, low=0, high=100),
        window_seconds=number(raw, "window_hours", path, minimum=0.1) * 3600,
        code_sources=frozenset(string_list(raw, "code_sources", path)),
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        online_loan_above_minor=kzt_setting(raw, "online_loan_above_kzt", path),
        repeat_victim_factor=repeat_victim_factor(raw, path),
        # Optional, as rules files written before them keep working: the old behaviour.
        code_only_loan_score=optional_integer(
            raw, "code_only_loan_score", path, score, low=0, high=100
        ),
        burst_payees=optional_integer(raw, "burst_payees", path, 0, low=0, high=1000),
        burst_seconds=optional_number(raw, "burst_minutes", path, 0, 1) * 60,
        code_only_payout_run=(
            payout_run_setting(
                section(raw, "code_only_payout_run", path), f"{path}.code_only_payout_run"
            )
            if "code_only_payout_run" in raw
            else None
        ),
    )


def _sign_of(entry: HistoryEntry, settings: Settings) -> str | None:
    """The kind of takeover sign an entry is (`code`, `new_device`, `phone_changed`,
    `password_reset`), or None."""
    if entry.type == "sms_code_sent":
        return "code" if entry.attrs.get("source") in settings.code_sources else None
    if entry.type == "login":
        return "new_device" if entry.attrs.get("new_device") is True else None
    return entry.type if entry.type in SIGN_TYPES else None


def evaluate(event: ScreenedEvent, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(event.customer_id):
        return None
    now = acted_at(event)
    recent = [
        (kind, entry)
        for entry in context.history.since(now - settings.window_seconds, now, SIGN_TYPES)
        if (kind := _sign_of(entry, settings)) is not None
    ]
    signs = dict(recent)  # kind -> the latest entry of that kind in the window
    if "new_device" in signs and isinstance(event, Transfer):
        new_logins = [entry for kind, entry in recent if kind == "new_device"]
        if _paid_from_an_earlier_device(event, new_logins, context):
            del signs["new_device"]
    if not signs:
        return None
    strict = tightening(context, settings.repeat_victim_factor)
    payees = 0
    if isinstance(event, Transfer):
        action, limit = "transfer_to_new_beneficiary", settings.transfer_above_minor * strict
        payments = payments_of(event, context.history)
        current = payments.current
        risky = event.amount_minor > limit and current.to_stranger
        if not risky and current.to_burst_payee and settings.burst_payees:
            burst = _burst(payments, settings.burst_seconds)
            payees = len({p.receiver_account for p in burst})
            paid_out = settings.code_only_payout_run is not None and (
                set(signs) == {"code"} and settings.code_only_payout_run.matches(burst)
            )
            if payees >= settings.burst_payees and not paid_out:
                action, risky = "burst_to_new_beneficiaries", True
    else:
        action, limit = "online_loan", settings.online_loan_above_minor * strict
        risky = event.amount_minor > limit and event.channel == "online"
    if not risky:
        return None
    ordered = sorted(signs.items(), key=lambda item: item[1].at)
    if len(signs) > 1:
        score = settings.score_several
    elif action == "online_loan" and "code" in signs:
        score = settings.code_only_loan_score
    else:
        score = settings.score
    return RuleHit(
        rule=RULE_ID,
        score=score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(
            action, event.amount_minor, round(limit), ordered, context, settings, strict, payees
        ),
        measured={
            "action": action,
            "new_beneficiaries_in_burst": payees or None,
            "amount_minor": event.amount_minor,
            "above_minor": round(limit),
            "limit_factor": strict,
            "window_hours": settings.window_seconds / 3600,
            "signs": [
                {"kind": kind, "event_id": entry.event_id, "at": entry.at}
                for kind, entry in ordered
            ],
        },
    )


def _sign_text(kind: str, entry: HistoryEntry, context: ScreeningContext) -> Message:
    when = local_time(datetime.fromtimestamp(entry.at, UTC), context.mrp.zone)
    source = str(entry.attrs.get("source", ""))
    source = "eGov" if source == "egov" else source
    words = {
        "code": (
            f"an SMS code from {source}",
            f"SMS-код от {source}",
            f"{source} жіберген СМС-код",
        ),
        "new_device": (
            "a login from a new device",
            "вход с нового устройства",
            "жаңа құрылғыдан кіру",
        ),
        "phone_changed": (
            "a change of the phone number for codes",
            "смена номера телефона для кодов",
            "кодтарға арналған телефон нөмірінің ауысуы",
        ),
        "password_reset": ("a password reset", "сброс пароля", "құпиясөзді қалпына келтіру"),
    }[kind]
    return Message(en=f"{words[0]} at {when}", ru=f"{words[1]} в {when}", kk=f"{words[2]} ({when})")


def _explain(
    action: str,
    amount_minor: int,
    limit_minor: int,
    signs: list[tuple[str, HistoryEntry]],
    context: ScreeningContext,
    settings: Settings,
    strict: float,
    payees: int = 0,
) -> Message:
    amount, limit = kzt(amount_minor), kzt(limit_minor)
    window = span(settings.window_seconds)
    listed = [_sign_text(kind, entry, context) for kind, entry in signs]
    seen = Message(
        en="; ".join(item.en for item in listed),
        ru="; ".join(item.ru for item in listed),
        kk="; ".join(item.kk for item in listed),
    )
    if action == "online_loan":
        did = Message(
            en=f"an online loan of {amount} (above {limit})",
            ru=f"онлайн-заём на {amount} (больше {limit})",
            kk=f"{amount} онлайн қарыз ({limit} асады)",
        )
    elif action == "burst_to_new_beneficiaries":
        minutes = span(settings.burst_seconds)
        did = Message(
            en=f"payments to {payees} new beneficiaries within {minutes.en}, this one of "
            f"{amount} included",
            ru=f"платежи {payees} новым получателям за {minutes.ru}, включая этот на {amount}",
            kk=f"{minutes.kk} ішінде {payees} жаңа алушыға төлем, осы {amount} төлемді қоса",
        )
    else:
        did = Message(
            en=f"a transfer of {amount} to a new beneficiary (above {limit})",
            ru=f"перевод {amount} новому получателю (больше {limit})",
            kk=f"жаңа алушыға {amount} аударым ({limit} асады)",
        )
    parts = [
        Message(
            en=f"In the {window.en} before it: {seen.en}. Then {did.en}. This is the shape of the "
            "1414 scheme: fraudsters get the code or the account, then take loans and move "
            "the money.",
            ru=f"За {window.ru} до этого: {seen.ru}. Затем — {did.ru}. Так выглядит схема «1414»: "
            "мошенники получают код или доступ к счёту, затем оформляют займы и выводят деньги.",
            kk=f"Оған дейінгі {window.kk} ішінде: {seen.kk}. Содан кейін — {did.kk}. «1414» "
            "схемасы осындай: алаяқтар кодты не шотқа кіруді алып, несие рәсімдейді және "
            "ақшаны аударып алады.",
        )
    ]
    if strict < 1:
        parts.append(stricter_note(strict))
    return joined(parts)


def _paid_from_an_earlier_device(
    transfer: Transfer, new_logins: list[HistoryEntry], context: ScreeningContext
) -> bool:
    """Is the payment made from a device the customer used before every new-device login
    of the window?

    A new phone logs in on Tuesday noon; at five the customer pays forty giveaway winners
    from the old one, still in their pocket. A fraudster who logged in on a new device pays
    from that device: the customer's own older one is not in their hands. So the paying
    device must have logged in, not as a new device, before the first of the window's
    new-device logins, and be none of them. Needs every device named (the transfer's
    `device_id`, the logins' `device_id`); when one is missing the logins stay a sign.
    """
    device = transfer.device_id
    if device is None or any(e.attrs.get("device_id") in (None, device) for e in new_logins):
        return False
    first_new = min(entry.at for entry in new_logins)
    return any(
        entry.attrs.get("device_id") == device
        and entry.attrs.get("new_device") is not True
        and entry.at < first_new
        for entry in context.history.since(0, first_new, LOGIN)
    )


def _burst(payments: Payments, window_seconds: float) -> list[Payment]:
    """The payments to strangers and new wallets (`to_burst_payee`) within the window
    before this transfer, this one included."""
    now = payments.current.at
    earlier = payments.earlier_between(now - window_seconds, now)
    return [p for p in earlier if p.to_burst_payee] + [payments.current]
