"""velocity: is this customer suddenly sending much more, or much more often, than before?

A victim talked through "protective" steps by a fake security service empties accounts
fast: several transfers within minutes, or one amount far beyond anything they usually pay.
Two measures, each answering its own question:

- windows: how many transfers, and how much money, the customer sent in the last 10 minutes,
  hour and day, this transfer included, against absolute caps (`max_count`, `max_sum_kzt`);
- baseline: how far this amount lies above the customer's usual amounts, as a robust
  z-score: (amount - median) / (1.4826 × MAD) of their last transfers. Median and MAD, not
  mean and standard deviation, so that one past large payment does not make every large
  payment look usual. The spread is floored at a share of the median, so a customer who
  always pays the same salary-sized amount (MAD 0) is not flagged for paying a little more.
  A customer needs `min_transfers` past transfers before their baseline is trusted, and
  amounts at or below `amount_above_kzt` are never outliers (a customer who usually pays
  2,000 KZT paying 30,000 is not a scam).

Payments to new beneficiaries weigh more (not new shops or billers at home: see `_signals`): in the
windows each counts `new_beneficiary_weight` times, in number and in money, and the baseline
limit is divided by that weight. For a past fraud victim every limit is multiplied by
`repeat_victim_factor`. Companies (BIN) are not judged: a payroll run is a burst by design.

Either measure alone is a weak signal (people buy cars); both together score more, but
velocity alone never holds a payment: it holds together with another rule's signal.
Every limit is passed only when strictly exceeded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import ConfigError, RuleMode, integer, number, rule_mode, section
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._signals import (
    Baseline,
    Payment,
    Payments,
    baseline_of,
    fraction,
    is_person,
    joined,
    kzt_setting,
    payments_of,
    repeat_victim_factor,
    span,
)
from screener.domain.rules.repeat_victim import stricter_note, tightening
from screener.domain.texts import kzt
from screener.domain.texts import number as fmt_number

RULE_ID = "velocity"


@dataclass(frozen=True, slots=True)
class Window:
    seconds: float
    max_count: float  # weighted transfers
    max_sum_minor: int  # weighted money


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    score: int  # the windows or the baseline passed
    score_both: int  # both passed
    windows: tuple[Window, ...]  # shortest first
    new_beneficiary_weight: float
    baseline_min_transfers: int
    baseline_z_above: float
    baseline_amount_above_minor: int
    baseline_min_spread_share: float  # the spread is at least this share of the median
    repeat_victim_factor: float


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    window_list = raw.get("windows")
    windows_path = f"{path}.windows"
    if not isinstance(window_list, list) or not window_list:
        raise ConfigError(f"{windows_path}: expected a non-empty list of windows")
    windows: list[Window] = []
    for index, item in enumerate(window_list):
        item_path = f"{windows_path}[{index}]"
        if not isinstance(item, Mapping):
            raise ConfigError(f"{item_path}: expected {{minutes, max_count, max_sum_kzt}}")
        windows.append(
            Window(
                seconds=number(item, "minutes", item_path, minimum=1) * 60,
                max_count=number(item, "max_count", item_path, minimum=1),
                max_sum_minor=kzt_setting(item, "max_sum_kzt", item_path),
            )
        )
    baseline = section(raw, "baseline", path)
    baseline_path = f"{path}.baseline"
    return Settings(
        mode=rule_mode(raw, path),
        score=integer(raw, "score", path, low=0, high=100),
        score_both=integer(raw, "score_both", path, low=0, high=100),
        windows=tuple(sorted(windows, key=lambda window: window.seconds)),
        new_beneficiary_weight=number(raw, "new_beneficiary_weight", path, minimum=1),
        baseline_min_transfers=integer(
            baseline, "min_transfers", baseline_path, low=3, high=10_000
        ),
        baseline_z_above=number(baseline, "z_above", baseline_path, minimum=0.5),
        baseline_amount_above_minor=kzt_setting(baseline, "amount_above_kzt", baseline_path),
        baseline_min_spread_share=fraction(baseline, "min_spread_share", baseline_path),
        repeat_victim_factor=repeat_victim_factor(raw, path),
    )


@dataclass(frozen=True, slots=True)
class WindowCount:
    """The customer's transfers in one window, raw and weighted, against its limits."""

    seconds: float
    transfers: int
    to_new_beneficiaries: int
    total_minor: int
    weighted_count: float
    weighted_total_minor: float
    max_count: float
    max_sum_minor: float

    @property
    def passed(self) -> bool:
        return (
            self.weighted_count > self.max_count or self.weighted_total_minor > self.max_sum_minor
        )

    def as_measured(self) -> dict[str, Any]:
        return {
            "window_minutes": self.seconds / 60,
            "transfers": self.transfers,
            "to_new_beneficiaries": self.to_new_beneficiaries,
            "total_minor": self.total_minor,
            "weighted_count": self.weighted_count,
            "weighted_total_minor": round(self.weighted_total_minor),
            "max_count": self.max_count,
            "max_sum_minor": round(self.max_sum_minor),
            "passed": self.passed,
        }


@dataclass(frozen=True, slots=True)
class BaselineCheck:
    """This amount against the customer's usual amounts."""

    baseline: Baseline
    spread_minor: float  # the baseline's spread, floored
    z: float
    z_above: float

    @property
    def passed(self) -> bool:
        return self.z > self.z_above

    def as_measured(self) -> dict[str, Any]:
        return {
            "transfers": self.baseline.transfers,
            "median_minor": round(self.baseline.median_minor),
            "spread_minor": round(self.spread_minor),
            "z": round(self.z, 2),
            "z_above": round(self.z_above, 2),
            "passed": self.passed,
        }


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(transfer.customer_id):
        return None
    payments = payments_of(transfer, context.history)
    strict = tightening(context, settings.repeat_victim_factor)
    counts = [_count(payments, window, settings, strict) for window in settings.windows]
    passed = [count for count in counts if count.passed]
    check = _against_baseline(payments.current, context, settings, strict)
    outlier = check is not None and check.passed
    if not passed and not outlier:
        return None
    return RuleHit(
        rule=RULE_ID,
        score=settings.score_both if passed and outlier else settings.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(
            payments.current,
            passed[0] if passed else None,
            check if outlier else None,
            settings,
            strict,
        ),
        measured={
            "amount_minor": transfer.amount_minor,
            "to_stranger": payments.current.to_stranger,
            "new_beneficiary_weight": settings.new_beneficiary_weight,
            "limit_factor": strict,
            "windows": [count.as_measured() for count in counts],
            "baseline": None if check is None else check.as_measured(),
        },
    )


def _weight(payment: Payment, settings: Settings) -> float:
    return settings.new_beneficiary_weight if payment.to_stranger else 1.0


def _count(payments: Payments, window: Window, settings: Settings, strict: float) -> WindowCount:
    now = payments.current.at
    inside = [*payments.earlier_between(now - window.seconds, now), payments.current]
    # One pass for the five sums: a busy customer's window holds up to the history's 200
    # entries, counted for each of the three windows of every transfer it makes.
    strangers = total = 0
    weighted_count = weighted_total = 0.0
    for payment in inside:
        weight = _weight(payment, settings)
        strangers += payment.to_stranger
        total += payment.amount_minor
        weighted_count += weight
        weighted_total += weight * payment.amount_minor
    return WindowCount(
        seconds=window.seconds,
        transfers=len(inside),
        to_new_beneficiaries=strangers,
        total_minor=total,
        weighted_count=weighted_count,
        weighted_total_minor=weighted_total,
        max_count=window.max_count * strict,
        max_sum_minor=window.max_sum_minor * strict,
    )


def _against_baseline(
    payment: Payment, context: ScreeningContext, settings: Settings, strict: float
) -> BaselineCheck | None:
    """None when the customer has too few transfers to judge by, or the amount is small."""
    baseline = baseline_of(context.history, settings.baseline_min_transfers)
    if baseline is None or payment.amount_minor <= settings.baseline_amount_above_minor * strict:
        return None
    spread = max(
        baseline.spread_minor,
        settings.baseline_min_spread_share * baseline.median_minor,
        100.0,  # one tenge: never divide by zero
    )
    return BaselineCheck(
        baseline=baseline,
        spread_minor=spread,
        z=(payment.amount_minor - baseline.median_minor) / spread,
        z_above=settings.baseline_z_above * strict / _weight(payment, settings),
    )


def _explain(
    payment: Payment,
    window: WindowCount | None,
    check: BaselineCheck | None,
    settings: Settings,
    strict: float,
) -> Message:
    parts: list[Message] = []
    if window is not None:
        during = span(window.seconds)
        n, total, new = window.transfers, kzt(window.total_minor), window.to_new_beneficiaries
        w = fmt_number(settings.new_beneficiary_weight)
        wc, wt = fmt_number(window.weighted_count), kzt(round(window.weighted_total_minor))
        mc, ms = fmt_number(window.max_count), kzt(round(window.max_sum_minor))
        parts.append(
            Message(
                en=f"In the last {during.en}: {n} transfer(s) for {total}, this one included; "
                f"{new} to new beneficiaries, which count ×{w}. Weighted: {wc} transfers "
                f"(limit {mc}), {wt} (limit {ms}).",
                ru=f"За последние {during.ru}: переводов — {n}, на {total}, включая этот; из них "
                f"новым получателям — {new}, они считаются ×{w}. С учётом веса: {wc} при "
                f"лимите {mc}, {wt} при лимите {ms}.",
                kk=f"Соңғы {during.kk} ішінде: осы аударымды қоса {n} аударым, {total}; оның {new} "
                f"жаңа алушыларға, олар ×{w} есептеледі. Салмақпен: {wc} аударым (шек {mc}), "
                f"{wt} (шек {ms}).",
            )
        )
    if check is not None:
        amount, median = kzt(payment.amount_minor), kzt(round(check.baseline.median_minor))
        spread, count = kzt(round(check.spread_minor)), check.baseline.transfers
        z, limit = fmt_number(round(check.z, 1)), fmt_number(round(check.z_above, 2))
        lowered = (
            Message(
                en=", lowered for a new beneficiary",
                ru=", снижен для нового получателя",
                kk=", жаңа алушы үшін төмендетілген",
            )
            if payment.to_stranger
            else Message(en="", ru="", kk="")
        )
        parts.append(
            Message(
                en=f"{amount} is far above this customer's usual amounts: median {median} of "
                f"the last {count} transfers, typical spread {spread}; {z} spreads above the "
                f"median (limit {limit}{lowered.en}).",
                ru=f"{amount} намного больше обычных сумм клиента: медиана {median} по "
                f"{count} последним переводам, типичный разброс {spread}; выше медианы на "
                f"{z} разброса (порог {limit}{lowered.ru}).",
                kk=f"{amount} клиенттің әдеттегі сомаларынан әлдеқайда көп: соңғы {count} "
                f"аударымның медианасы {median}, әдеттегі ауытқу {spread}; медианадан {z} "
                f"ауытқуға жоғары (шек {limit}{lowered.kk}).",
            )
        )
    if strict < 1:
        parts.append(stricter_note(strict))
    return joined(parts)
