"""cashout_abroad: is money leaving for a foreign account or a crypto exchange, and did the
sending account just collect it from several people?

Droppers move the victims' money out of reach: abroad, or into crypto wallets through an
exchange. Plenty of honest customers buy crypto or pay abroad, so the destination alone is a
weak signal. It becomes a mule cashing out when the sending account itself received money
from several different people in the hours before (the holder's own accounts left out):
the bands count those senders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.accounts import AccountActivity
from screener.domain.config import ConfigError, RuleMode, integer, number, rule_mode, string_list
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._accounts import money_moved
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.texts import number as fmt_number

RULE_ID = "cashout_abroad"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    home_country: str
    crypto_kinds: frozenset[str]
    score: int  # the destination alone
    window_seconds: float
    bands: tuple[ScoreBand, ...]  # distinct senders into the sending account -> score


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    home = raw.get("home_country")
    if not isinstance(home, str) or len(home) != 2 or not home.isupper():
        raise ConfigError(f"{path}.home_country: expected an ISO 3166-1 alpha-2 code")
    return Settings(
        mode=rule_mode(raw, path),
        home_country=home,
        crypto_kinds=frozenset(string_list(raw, "crypto_kinds", path)),
        score=integer(raw, "score", path, low=0, high=100),
        window_seconds=number(raw, "window_hours", path, minimum=0.01) * 3600,
        bands=parse_bands(raw, "bands", path, count="senders"),
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    crypto = transfer.receiver_kind in settings.crypto_kinds
    abroad = transfer.receiver_country != settings.home_country
    if not (crypto or abroad):
        return None
    account = context.sender_account or AccountActivity(transfer.sender_account)
    now = transfer.occurred_at.timestamp()
    collected = money_moved(account, now - settings.window_seconds, now, transfer.customer_id)
    senders = len(collected.senders)
    band = band_for(settings.bands, senders)
    return RuleHit(
        rule=RULE_ID,
        score=settings.score if band is None else max(band.score, settings.score),
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(transfer, crypto, senders, settings),
        measured={
            "receiver_kind": transfer.receiver_kind,
            "receiver_country": transfer.receiver_country,
            "sender_account": account.account,
            "senders_to_sender_account": senders,
            "inflow_to_sender_account_minor": collected.inflow_minor,
            "window_hours": settings.window_seconds / 3600,
        },
    )


def _explain(transfer: Transfer, crypto: bool, senders: int, settings: Settings) -> Message:
    country = transfer.receiver_country
    if crypto and country != settings.home_country:
        en = f"Transfer to a crypto exchange abroad ({country})"
        ru = f"Перевод на зарубежную криптобиржу ({country})"
        kk = f"Шетелдік криптобиржаға аударым ({country})"
    elif crypto:
        en = "Transfer to a crypto exchange"
        ru = "Перевод на криптобиржу"
        kk = "Криптобиржаға аударым"
    else:
        en = f"Transfer to an account abroad ({country})"
        ru = f"Перевод на счёт за рубежом ({country})"
        kk = f"Шетелдегі шотқа аударым ({country})"
    if senders == 0:
        return Message(
            en=f"{en}: droppers take victims' money out of reach this way.",
            ru=f"{ru}: так дропперы выводят деньги жертв.",
            kk=f"{kk}: дропперлер жәбірленушілердің ақшасын осылай шығарады.",
        )
    hours = fmt_number(settings.window_seconds / 3600)
    return Message(
        en=f"{en}; in the last {hours} h the sending account received money from {senders} "
        "different sender(s): a dropper cashing out victims' money.",
        ru=f"{ru}; за последние {hours} ч на счёт отправителя поступили деньги от разных "
        f"людей (число отправителей: {senders}): так дроппер выводит деньги жертв.",
        kk=f"{kk}; соңғы {hours} сағатта жіберушінің шотына {senders} түрлі жіберушіден "
        "ақша түсті: дроппер жәбірленушілердің ақшасын осылай шығарады.",
    )
