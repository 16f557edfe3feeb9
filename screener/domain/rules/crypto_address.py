"""crypto_address: is the money going straight to a blockchain wallet address?

A licensed exchange takes a customer's tenge into an account at a bank (a KZ IBAN, the
exchange named as its holder) or by card, and knows its customer. What fake brokers and
droppers hand out instead is a wallet address on a blockchain, most often USDT on TRON
("T" and 33 more characters), sometimes Ethereum ("0x" and 40 hexadecimal digits) or
Bitcoin ("bc1...", or "1..."/"3..." in base58): money sent there is gone for good, no firm
answers for it, and nobody can freeze it. An honest buyer pays the exchange they use; one
who keeps their own wallet fills it from that exchange, not from a bank account. So a
transfer whose `receiver_account` is such an address, above `transfer_above_kzt`, holds on
its own for an officer (whatever `receiver_kind` the bank sent: banks often send none).

Judged by the address's shape alone (the contract's receiver_account is an "IBAN, card
token or wallet id"): a check of its checksum would need each chain's own alphabet and
hash, and a near-miss is no honest IBAN either. Never refused: an officer decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._signals import kzt_setting
from screener.domain.texts import kzt

RULE_ID = "crypto_address"

# Bitcoin's alphabet, which TRON uses too: no 0, O, I or l.
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_LETTERS = BASE58.lstrip("123456789")
# The chains whose addresses scams hand out, each as its address is written.
_ADDRESS_SHAPES: Mapping[str, re.Pattern[str]] = {
    "TRON": re.compile(f"T[{BASE58}]{{33}}"),
    "Ethereum": re.compile("0x[0-9a-fA-F]{40}"),
    "Bitcoin": re.compile(
        # bech32 (bc1...), or base58 (1... or 3...) with at least one letter: a long run of
        # digits is an account or card number, not an address.
        f"bc1[02-9ac-hj-np-z]{{11,71}}|[13](?=[{BASE58}]*[{_BASE58_LETTERS}])[{BASE58}]{{25,34}}"
    ),
}


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    transfer_above_minor: int
    score: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        score=integer(raw, "score", path, low=0, high=100),
    )


def chain_of(account: str) -> str | None:
    """The blockchain whose wallet address `account` is written as, or None."""
    return next(
        (chain for chain, shape in _ADDRESS_SHAPES.items() if shape.fullmatch(account)), None
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if transfer.amount_minor <= settings.transfer_above_minor:
        return None
    chain = chain_of(transfer.receiver_account)
    if chain is None:
        return None
    amount = kzt(transfer.amount_minor)
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"{amount} sent straight to a {chain} wallet address, not to an exchange's "
            "account: money sent there cannot be recalled or frozen, which is why fake "
            "brokers and droppers ask for it.",
            ru=f"{amount} отправлено напрямую на адрес кошелька в сети {chain}, а не на счёт "
            "биржи: такие деньги нельзя вернуть или заморозить, поэтому их просят "
            "лжеброкеры и дропперы.",
            kk=f"{amount} биржаның шотына емес, тікелей {chain} желісіндегі әмиян мекенжайына "
            "жіберілді: мұндай ақшаны қайтару не бұғаттау мүмкін емес, сондықтан оны "
            "жалған брокерлер мен дропперлер сұрайды.",
        ),
        measured={"chain": chain, "amount_minor": transfer.amount_minor},
    )
