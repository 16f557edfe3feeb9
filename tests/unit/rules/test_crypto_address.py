"""crypto_address: money sent straight to a blockchain wallet address, not to an exchange."""

from __future__ import annotations

import pytest

from screener.domain.decision import Verdict
from screener.domain.events import Transfer
from screener.domain.rules import crypto_address
from screener.domain.rules.crypto_address import chain_of
from tests.unit.rules.customer_scenes import context_of, to_stranger
from tests.unit.rules.scenes import decided, settings, shadow, spec, three_languages

RULE = crypto_address.RULE_ID
TRON = "TQvRTNoadpcSf9MqWzRpy8xDRYnopDfgWJ"


@pytest.mark.parametrize(
    ("account", "chain"),
    [
        (TRON, "TRON"),
        ("0x52908400098527886E0F7030069857D2E4169EE7", "Ethereum"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "Bitcoin"),
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "Bitcoin"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "Bitcoin"),
        # What banks send for their own receivers: IBANs, card tokens, wallet ids, numbers.
        ("KZ86125KZT5004100100", None),
        ("crd-bf84009577aa227c5f9695f8", None),
        ("tkn_FkJA6srPxfucWFejNfjkCh", None),
        ("wallet:77756730297", None),
        ("4400430212345678", None),
        ("12345678912345678912345678", None),  # a long account number: digits only
        ("T" + "0" * 33, None),  # no 0 in base58
        ("TQvRTNoadpcSf9MqWzRpy8xDRYnopDfgW", None),  # one character short
    ],
)
def test_an_address_is_known_by_its_shape(account: str, chain: str | None) -> None:
    assert chain_of(account) == chain


def test_registered_for_transfers_holds_alone_and_never_refuses() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory
    assert spec(RULE).may_refuse is False
    hit = crypto_address.evaluate(
        to_stranger(50_000, receiver_account=TRON, receiver_kind="crypto_exchange"),
        context_of(),
        settings(RULE),
    )
    assert hit is not None and hit.measured == {"chain": "TRON", "amount_minor": 5_000_000}
    assert decided(hit).verdict is Verdict.HOLD
    en, ru, kk = three_languages(hit)
    assert "TRON wallet address" in en and "TRON" in ru and "TRON" in kk


def test_whatever_kind_the_bank_sent() -> None:
    # Banks often send no receiver_kind, or "unknown": the address says what it is.
    for kind in ("unknown", "person", "crypto_exchange"):
        now = to_stranger(50_000, receiver_account=TRON, receiver_kind=kind)
        assert crypto_address.evaluate(now, context_of(), settings(RULE)) is not None


def test_small_sums_and_exchange_accounts_are_not_judged() -> None:
    rule = settings(RULE)
    limit = rule.transfer_above_minor
    at_limit = to_stranger(limit / 100, receiver_account=TRON)
    assert crypto_address.evaluate(at_limit, context_of(), rule) is None
    exchange = to_stranger(500_000, receiver_kind="crypto_exchange")  # a KZ IBAN
    assert crypto_address.evaluate(exchange, context_of(), rule) is None


def test_shadow_mode() -> None:
    hit = crypto_address.evaluate(
        to_stranger(50_000, receiver_account=TRON), context_of(), shadow(RULE)
    )
    assert hit is not None and hit.shadow
