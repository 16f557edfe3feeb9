"""savings_drain: are large sums leaving for strangers within hours, without a loan behind?

The "safe account" caller often has the victim move savings the bank never saw arrive in
the screener's window: a balance built up over months, emptied in one go or in chunks minutes
apart, to one new beneficiary or to several. `safe_account` judges the share of money seen
coming in; this rule judges what it can without a balance: the money sent to strangers
(`_signals`: new beneficiaries other than a new shop or biller at home, never the customer's
own account) within `window_hours`, this transfer included.

How the money leaves decides the score:
- **in chunks to one stranger** (one receiver paid two or more times in the window): one
  "safe account" paid in parts, the scheme's habit; `chunk_bands`;
- **in even chunks to several strangers** (at least `even_chunks` payments of about the
  same amount, no more than `even_within_percent` below the largest of them, and at least
  `even_share_percent` of the payments): one sum cut into pieces, the caller naming a new
  card for each; `chunk_bands`;
- **in large sums to several strangers** (at least `large_spread_receivers` different
  strangers, each paid `large_spread_each_kzt` or more in the window): savings split
  between the "safe accounts" the caller names one after another; a car, a flat's deposit
  or a seller is one receiver, and a firm's payroll is not a person's transfer;
  `chunk_bands`. Not when the sending account was paid by `collection_senders` people or
  more within `collection_hours`: a toi's gifts, a funeral's condolence money or a
  fundraiser's donations paid out to the restaurant, the musicians or the clinic (judged
  as unlike amounts to several strangers, below; an account paid by many that forwards
  the money fast is a mule's, mule_evidence's and the dropper rules' to judge);
- **to an account opened days ago** (this bank saw it opened fewer than
  `young_receiver_days` days before): a "safe account" the fraudster has just opened;
  `chunk_bands`;
- **to a stranger of the droppers' usual recruits' age** (18-24, where the screener knows the
  holder), when the money otherwise left in one payment, unlike amounts or an equal pair:
  paid by a customer of `young_holder_payer_min_age` or more: the "safe account" is often
  a student's rented card and the caller's victim of the student's parents' age;
  `young_holder_bands`, weak (it holds with velocity's outlier or a takeover sign), on the
  money paid to that receiver;
- **the same amount twice to one stranger**, each below `equal_pair_below_kzt`: a flat's
  deposit and its first month's rent, paid to a new landlord (a "safe account" paid in
  parts is paid what the caller names, rarely the same sum to the tenge); weak, as
  `one_payment_bands`;
- **in one payment, or to several strangers in unlike amounts**: what a used car, a flat's
  deposit or an evening buying second-hand things from private sellers looks like;
  `one_payment_bands`, weak, holding only with other evidence (velocity, the receiver's mule
  evidence, a takeover sign);
- **to someone's everyday account**, whatever the pattern (`_accounts.to_everyday_account`:
  the screener saw it pay shops or bills): a landlord, a car's seller or a private seller
  is paid like this, a "safe account" is not; `one_payment_bands`, weak.
A customer whose usual transfer (median of the last ones) is already this large is doing
what they always do. For a past victim the amounts are multiplied by `repeat_victim_factor`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from screener.domain.config import (
    RuleMode,
    integer,
    number,
    optional_integer,
    optional_number,
    rule_mode,
)
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.identifiers import age_on
from screener.domain.rules._accounts import money_moved, to_dropper_recruit, to_everyday_account
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.rules._signals import (
    NEVER_A_STRANGERS_ACCOUNT,
    Payment,
    baseline_of,
    is_person,
    joined,
    kzt_setting,
    optional_kzt_setting,
    payments_of,
    repeat_victim_factor,
    span,
)
from screener.domain.rules.repeat_victim import stricter_note, tightening
from screener.domain.texts import kzt

RULE_ID = "savings_drain"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    transfer_above_minor: int
    one_payment_bands: tuple[ScoreBand, ...]  # KZT sent in one go or spread -> score
    chunk_bands: tuple[ScoreBand, ...]  # KZT sent in chunks to one stranger or even -> score
    baseline_min_transfers: int
    baseline_multiple: float
    repeat_victim_factor: float
    even_chunks: int = 3
    even_within_percent: int = 10
    # ... and they are at least this share of the payments: one sum cut into pieces, not a
    # day paying unlike sums to many (a toi's photographer, decorator and musicians).
    even_share_percent: int = 0
    chunks_to_one_receiver: int = 2
    young_receiver_days: float = 0.0
    # Different strangers each paid at least this much in the window (0: not judged).
    large_spread_each_minor: int = 0
    large_spread_receivers: int = 2
    # ... unless the sending account was paid by at least this many people within
    # collection_seconds (0: not told apart): a toi's, a funeral's or a fundraiser's
    # collection paid out to its vendors, not savings split between "safe accounts".
    collection_senders: int = 0
    collection_seconds: float = 0.0
    # The same amount twice to one stranger, each below this: a flat's deposit and first
    # month's rent (0: not told apart from chunks).
    equal_pair_below_minor: int = 0
    # Money to one stranger aged 18-24 in the window -> score, where the pattern is
    # otherwise a weak one (empty: not judged).
    young_holder_bands: tuple[ScoreBand, ...] = ()
    # ... paid by a customer of at least this age: the "safe account" callers' victims are
    # their parents' age (a young buyer paying a young seller is two students).
    young_holder_payer_min_age: int = 0
    # Receivers whose flows the rule never reads (it judges strangers' accounts).
    ignored_receiver_kinds: frozenset[str] = NEVER_A_STRANGERS_ACCOUNT


class Pattern(Enum):
    """How the money left for strangers within the window."""

    ONE_PAYMENT = "one_payment"
    ONE_RECEIVER = "chunks_to_one_receiver"
    EVEN_CHUNKS = "even_chunks"
    YOUNG_RECEIVER = "to_a_young_account"
    YOUNG_HOLDER = "to_a_young_holder"
    LARGE_SPREAD = "large_sums_to_several_strangers"
    EVERYDAY_RECEIVER = "to_an_everyday_account"
    SPREAD = "spread"
    EQUAL_PAIR = "the_same_amount_twice"

    @property
    def chunked(self) -> bool:
        return self in (
            Pattern.ONE_RECEIVER,
            Pattern.EVEN_CHUNKS,
            Pattern.YOUNG_RECEIVER,
            Pattern.LARGE_SPREAD,
        )


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=0.1) * 3600,
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        one_payment_bands=parse_bands(raw, "one_payment_bands", path, count="kzt"),
        chunk_bands=parse_bands(raw, "chunk_bands", path, count="kzt"),
        baseline_min_transfers=integer(raw, "baseline_min_transfers", path, low=3, high=10_000),
        baseline_multiple=number(raw, "baseline_multiple", path, minimum=1),
        repeat_victim_factor=repeat_victim_factor(raw, path),
        even_chunks=integer(raw, "even_chunks", path, low=2, high=100),
        even_within_percent=integer(raw, "even_within_percent", path, low=0, high=100),
        even_share_percent=integer(raw, "even_share_percent", path, low=0, high=100),
        chunks_to_one_receiver=integer(raw, "chunks_to_one_receiver", path, low=2, high=100),
        young_receiver_days=optional_number(raw, "young_receiver_days", path, 0, 0),
        large_spread_each_minor=optional_kzt_setting(raw, "large_spread_each_kzt", path, 0),
        equal_pair_below_minor=optional_kzt_setting(raw, "equal_pair_below_kzt", path, 0),
        large_spread_receivers=optional_integer(
            raw, "large_spread_receivers", path, 2, low=2, high=100
        ),
        collection_senders=optional_integer(raw, "collection_senders", path, 0, low=0, high=1000),
        collection_seconds=optional_number(raw, "collection_hours", path, 0, 0) * 3600,
        young_holder_bands=parse_bands(raw, "young_holder_bands", path, count="kzt")
        if "young_holder_bands" in raw
        else (),
        young_holder_payer_min_age=optional_integer(
            raw, "young_holder_payer_min_age", path, 0, low=0, high=120
        ),
    )


def pattern_of(
    sent: Sequence[Payment],
    settings: Settings,
    young_receiver: bool,
    everyday_receiver: bool,
    strict: float = 1.0,
    young_holder: bool = False,
    collection: Callable[[], bool] = lambda: False,
) -> Pattern:
    """How the money left. `collection` says whether the sending account holds money many
    people paid in (`Settings.collection_senders`); asked only when large sums went to
    several strangers, since it reads the account's flows."""
    if everyday_receiver:
        return Pattern.EVERYDAY_RECEIVER
    if young_receiver:
        return Pattern.YOUNG_RECEIVER
    pattern = _how_it_left(sent, settings, strict, collection)
    if young_holder and settings.young_holder_bands and not pattern.chunked:
        return Pattern.YOUNG_HOLDER
    return pattern


def _how_it_left(
    sent: Sequence[Payment], settings: Settings, strict: float, collection: Callable[[], bool]
) -> Pattern:
    if len(sent) == 1:
        return Pattern.ONE_PAYMENT
    receiver, paid = Counter(p.receiver_account for p in sent).most_common(1)[0]
    if paid >= settings.chunks_to_one_receiver:
        amounts = {p.amount_minor for p in sent if p.receiver_account == receiver}
        rent_sized = max(amounts) < settings.equal_pair_below_minor * strict
        if paid == 2 and len(amounts) == 1 and rent_sized:
            return Pattern.EQUAL_PAIR
        return Pattern.ONE_RECEIVER
    alike = _alike(sorted(p.amount_minor for p in sent), settings.even_within_percent)
    if alike >= settings.even_chunks and alike * 100 >= settings.even_share_percent * len(sent):
        return Pattern.EVEN_CHUNKS
    if settings.large_spread_each_minor:
        large = settings.large_spread_each_minor * strict
        paid_large = {p.receiver_account for p in sent if p.amount_minor >= large}
        if len(paid_large) >= settings.large_spread_receivers and not collection():
            return Pattern.LARGE_SPREAD
    return Pattern.SPREAD


def _paid_by_many(transfer: Transfer, context: ScreeningContext, settings: Settings) -> bool:
    """Was the sending account paid by `collection_senders` people or more (the holder's
    own accounts aside) within `collection_seconds`?"""
    if not settings.collection_senders or context.sender_account is None:
        return False
    now = transfer.occurred_at.timestamp()
    moved = money_moved(
        context.sender_account, now - settings.collection_seconds, now, transfer.customer_id
    )
    return len(moved.senders) >= settings.collection_senders


def _alike(amounts: Sequence[int], within_percent: int) -> int:
    """The most amounts (sorted) that lie within `within_percent` below the largest of them."""
    most, low = 0, 0
    for high, amount in enumerate(amounts):
        while amounts[low] < amount * (100 - within_percent) / 100:
            low += 1
        most = max(most, high - low + 1)
    return most


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(transfer.customer_id):
        return None
    payments = payments_of(transfer, context.history)
    strict = tightening(context, settings.repeat_victim_factor)
    current = payments.current
    if not current.to_stranger or current.amount_minor <= settings.transfer_above_minor * strict:
        return None
    now = current.at
    sent = [
        p
        for p in payments.earlier_between(now - settings.window_seconds, now)
        if p.to_stranger and p.amount_minor > settings.transfer_above_minor * strict
    ] + [current]
    total = sum(p.amount_minor for p in sent)
    baseline = baseline_of(context.history, settings.baseline_min_transfers)
    if baseline is not None and total <= baseline.median_minor * settings.baseline_multiple:
        return None
    receiver = context.receiver_account
    days_open = None if receiver is None else receiver.days_open(now)
    everyday = to_everyday_account(transfer, context)
    pattern = pattern_of(
        sent,
        settings,
        days_open is not None and days_open < settings.young_receiver_days,
        everyday,
        strict,
        to_dropper_recruit(transfer, context) and _older_payer(transfer, settings),
        lambda: _paid_by_many(transfer, context, settings),
    )
    judged = total
    if pattern is Pattern.YOUNG_HOLDER:
        bands = settings.young_holder_bands
        judged = sum(p.amount_minor for p in sent if p.receiver_account == current.receiver_account)
    elif pattern.chunked:
        bands = settings.chunk_bands
    else:
        bands = settings.one_payment_bands
    # Bands are in whole KZT; for a past victim each starts at `strict` times its amount.
    band = band_for(bands, int(judged / 100 / strict))
    if band is None:
        return None
    receivers = len({p.receiver_account for p in sent})
    message = _explain(total, len(sent), receivers, pattern, settings)
    if strict < 1:
        message = joined([message, stricter_note(strict)])
    return RuleHit(
        rule=RULE_ID,
        score=band.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=message,
        measured={
            "sent_to_new_beneficiaries_minor": total,
            "payments": len(sent),
            "receivers": receivers,
            "pattern": pattern.value,
            "window_hours": settings.window_seconds / 3600,
            "band_kzt": band.at_least,
            "usual_transfer_minor": None if baseline is None else round(baseline.median_minor),
            "limit_factor": strict,
        },
    )


def _older_payer(transfer: Transfer, settings: Settings) -> bool:
    age = age_on(transfer.customer_id, transfer.occurred_at.date())
    return age is not None and age >= settings.young_holder_payer_min_age


def _explain(
    total: int, payments: int, receivers: int, pattern: Pattern, settings: Settings
) -> Message:
    window, sent = span(settings.window_seconds), kzt(total)
    facts = Message(
        en=f"{sent} sent to new beneficiaries within {window.en} in {payments} payment(s) "
        f"to {receivers} receiver(s), this one included.",
        ru=f"За {window.ru} новым получателям ушло {sent}: платежей {payments}, "
        f"получателей {receivers}, включая этот.",
        kk=f"{window.kk} ішінде жаңа алушыларға {sent} кетті: {payments} төлем, "
        f"{receivers} алушы, осыны қоса.",
    )
    if pattern is Pattern.ONE_RECEIVER:
        reading = Message(
            en="One new account paid in parts: savings emptied to a 'safe account' leave "
            "like this.",
            ru="Один новый счёт получает деньги частями: так сбережения уходят на "
            "«безопасный счёт».",
            kk="Бір жаңа шотқа ақша бөлшектеп түсуде: жинақ «қауіпсіз шотқа» осылай кетеді.",
        )
    elif pattern is Pattern.YOUNG_RECEIVER:
        reading = Message(
            en="The receiving account was opened only days ago: a 'safe account' the "
            "fraudsters have just opened looks like this.",
            ru="Счёт получателя открыт всего несколько дней назад: так выглядит «безопасный "
            "счёт», только что открытый мошенниками.",
            kk="Алушының шоты бірнеше күн бұрын ғана ашылған: алаяқтар жаңа ашқан «қауіпсіз "
            "шот» осылай көрінеді.",
        )
    elif pattern is Pattern.YOUNG_HOLDER:
        reading = Message(
            en="The receiver is 18-24 years old, the age droppers recruit at (a student's "
            "rented card is a common 'safe account'). Weak alone.",
            ru="Получателю 18-24 года — возраст, в котором вербуют дропперов (арендованная "
            "карта студента — частый «безопасный счёт»). Слабый признак сам по себе.",
            kk="Алушы 18-24 жаста — дропперлерді осы жаста тартады (студенттің жалға "
            "берілген картасы — жиі кездесетін «қауіпсіз шот»). Өзі ғана әлсіз белгі.",
        )
    elif pattern is Pattern.EVERYDAY_RECEIVER:
        reading = Message(
            en="The receiving account is someone's everyday account (it pays shops and bills): "
            "a landlord or a seller is paid like this, a 'safe account' is not. Weak alone.",
            ru="Счёт получателя — повседневный счёт человека (с него платят в магазинах и за "
            "услуги): так платят арендодателю или продавцу, а не на «безопасный счёт». "
            "Слабый признак сам по себе.",
            kk="Алушының шоты — адамның күнделікті шоты (одан дүкенге және қызметтерге "
            "төлейді): пәтер иесіне не сатушыға осылай төлейді, «қауіпсіз шотқа» емес. Өзі "
            "ғана әлсіз белгі.",
        )
    elif pattern is Pattern.EQUAL_PAIR:
        reading = Message(
            en="The same amount twice to one new person: a flat's deposit and first month's "
            "rent are paid like this. Weak alone.",
            ru="Одна и та же сумма дважды одному новому получателю: так платят залог и "
            "первый месяц аренды квартиры. Слабый признак сам по себе.",
            kk="Бір жаңа алушыға бірдей сома екі рет: пәтердің кепілі мен бірінші айдың "
            "жалдау ақысы осылай төленеді. Өзі ғана әлсіз белгі.",
        )
    elif pattern is Pattern.LARGE_SPREAD:
        reading = Message(
            en="Large sums to several new accounts one after another: savings split between "
            "the 'safe accounts' a caller names look like this (a car or a flat is paid to "
            "one seller).",
            ru="Крупные суммы на несколько новых счетов подряд: так сбережения делят между "
            "«безопасными счетами», которые называет звонящий (за машину или квартиру платят "
            "одному продавцу).",
            kk="Бірнеше жаңа шотқа қатарынан ірі сомалар: қоңырау шалушы атаған «қауіпсіз "
            "шоттарға» жинақ осылай бөлінеді (көлік не пәтер үшін бір сатушыға төлейді).",
        )
    elif pattern is Pattern.EVEN_CHUNKS:
        reading = Message(
            en="Chunks of about the same amount to different new accounts: one sum cut into "
            "pieces, a new card named for each.",
            ru="Части почти равной суммы на разные новые счета: одна сумма, разрезанная на "
            "куски, на каждую часть — новая карта.",
            kk="Әр түрлі жаңа шоттарға шамамен бірдей бөліктер: бір сома бөлшектеліп, әр "
            "бөлігіне жаңа карта аталған.",
        )
    else:
        reading = Message(
            en="Large sums to strangers in one go or in unlike amounts: weak alone (a used "
            "car, things bought from private sellers look the same).",
            ru="Крупные суммы незнакомым получателям одним платежом или в разных суммах: "
            "слабый признак сам по себе (так же выглядит покупка подержанной машины или "
            "вещей у частных продавцов).",
            kk="Бейтаныс алушыларға бір төлеммен немесе әр түрлі сомамен ірі ақша: өзі ғана "
            "әлсіз белгі (пайдаланылған көлік, жеке сатушылардан зат сатып алу да осылай "
            "көрінеді).",
        )
    return joined([facts, reading])
