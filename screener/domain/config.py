"""The rule set's configuration: parsed from a plain mapping (YAML) and validated strictly.

A mistake in thresholds must stop the worker at start-up with a message that names the
setting, never surface later as a wrong decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from screener.domain.calendar import BusinessCalendar
from screener.domain.currency import HOME_CURRENCY, KztRates
from screener.domain.decision import PolicyThresholds, ReleaseMode
from screener.domain.safety_cap import SafetyCapSettings

T = TypeVar("T")


LONG_LIVED_STATE_SECONDS = 400 * 86400


class ConfigError(ValueError):
    """The configuration is invalid; the message names the setting."""


class EarlyReconfirmation(Enum):
    """What a borrower's reconfirmation sent during the waiting period counts for."""

    # The regulator's rule: the borrower confirms "after the period has expired". An early
    # one is recorded for the officers but the borrower must confirm again.
    AFTER_PERIOD = "after_period"
    # Kept and applied when the period ends (for a lender whose counsel reads it so).
    KEEP = "keep"


@dataclass(frozen=True, slots=True)
class LoanReleaseSettings:
    """How held loans end besides an officer's decision (rules file `loan_release`)."""

    mode: ReleaseMode
    early_reconfirmation: EarlyReconfirmation


@dataclass(frozen=True, slots=True)
class EventTimeLimits:
    """How far an event's time may lie from its reference time (the Kafka record's
    timestamp) before the event is refused at the boundary: a clock set to the year 9999
    must not move a customer's or an account's clock, and an event older than the longest
    window could not be screened against what came before it."""

    max_ahead_seconds: float = 300.0
    max_behind_seconds: float = 7 * 86400.0


class RuleMode(Enum):
    ENFORCE = "enforce"  # its hits change the verdict
    SHADOW = "shadow"  # its hits are recorded in `shadow_reasons` only
    OFF = "off"  # not run


@dataclass(frozen=True, slots=True)
class MrpTable:
    """The monthly calculation index per calendar year, in KZT."""

    kzt_by_year: Mapping[int, int]
    zone: ZoneInfo

    def kzt_for(self, moment: datetime) -> int:
        """The MRP of the year `moment` falls in locally; a year not yet in the table uses
        the latest earlier one, a year before the table the earliest."""
        return self.kzt_by_year[self.year_used(moment)]

    def year_used(self, moment: datetime) -> int:
        """The table's year whose MRP applies to `moment` (see `kzt_for`)."""
        year = moment.astimezone(self.zone).year
        known = sorted(self.kzt_by_year)
        earlier = [y for y in known if y <= year]
        return earlier[-1] if earlier else known[0]

    def lacks_year_of(self, moment: datetime) -> bool:
        """True when the local year of `moment` has no entry (the December update missed)."""
        return moment.astimezone(self.zone).year not in self.kzt_by_year

    def minor_units(self, moment: datetime, mrp_count: float) -> int:
        """`mrp_count` MRP of `moment`'s year, in tiyn."""
        return round(self.kzt_for(moment) * mrp_count * 100)


# ---- small validators that name the setting --------------------------------------------


def section(raw: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = raw.get(key)
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path}.{key}: expected a mapping, got {type(value).__name__}")
    return value


def number(raw: Mapping[str, Any], key: str, path: str, *, minimum: float = 0) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{path}.{key}: expected a number, got {value!r}")
    if value < minimum:
        raise ConfigError(f"{path}.{key}: must be at least {minimum}, got {value!r}")
    return float(value)


def optional_number(
    raw: Mapping[str, Any], key: str, path: str, default: float, minimum: float
) -> float:
    """`number`, or `default` when the setting is absent."""
    return number(raw, key, path, minimum=minimum) if key in raw else float(default)


def integer(raw: Mapping[str, Any], key: str, path: str, *, low: int, high: int) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{path}.{key}: expected a whole number {low}..{high}, got {value!r}")
    return value


def optional_integer(
    raw: Mapping[str, Any], key: str, path: str, default: int, *, low: int, high: int
) -> int:
    """`integer`, or `default` when the setting is absent (a rules file written before it)."""
    return integer(raw, key, path, low=low, high=high) if key in raw else default


def choice(raw: Mapping[str, Any], key: str, path: str, options: Mapping[str, T]) -> T:
    value = raw.get(key)
    if not isinstance(value, str) or value not in options:
        raise ConfigError(f"{path}.{key}: expected one of {sorted(options)}, got {value!r}")
    return options[value]


def string_list(raw: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}.{key}: expected a list of strings, got {value!r}")
    return tuple(value)


def days_off(raw: object, path: str) -> frozenset[date]:
    """A list of dates (YYYY-MM-DD; YAML may hand them over as dates already)."""
    if raw is None:
        return frozenset()
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: expected a list of dates (YYYY-MM-DD), got {raw!r}")
    days: set[date] = set()
    for item in raw:
        if isinstance(item, date) and not isinstance(item, datetime):
            days.add(item)
            continue
        try:
            days.add(date.fromisoformat(str(item)))
        except ValueError:
            raise ConfigError(f"{path}: {item!r} is not a date (YYYY-MM-DD)") from None
    return frozenset(days)


def rule_mode(raw: Mapping[str, Any], path: str) -> RuleMode:
    return choice(raw, "mode", path, {mode.value: mode for mode in RuleMode})


# ---- the whole configuration ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RulesConfig:
    """Everything the pure core needs besides the event and the history."""

    version: str
    mrp: MrpTable
    policy: PolicyThresholds
    safety_cap: SafetyCapSettings
    history_keep_seconds: float
    account_keep_seconds: float
    account_max_flows: int
    history_max_entries: int
    rules: Mapping[str, Any]  # rule id -> that rule's parsed settings (see rules/__init__.py)
    loan_release: LoanReleaseSettings
    calendar: BusinessCalendar
    # The accounts' long-term profiles (domain/profile.py).
    profile_half_life_days: float = 30.0
    profile_keep_seconds: float = 400 * 86400.0
    event_time: EventTimeLimits = field(default_factory=EventTimeLimits)
    # An account a fraud report names is suspended this long (domain/reported_account.py).
    reported_suspend_business_days: int = 5
    # An account at home this many people pay a day that keeps the money is a shop's or a
    # biller's (rules/_accounts.to_busy_merchant); 0: never told apart.
    busy_merchant_payers_a_day: float = 0.0
    # KZT per unit of the other currencies the bank pays in (domain/currency.py).
    currencies: KztRates = field(default_factory=KztRates)

    @property
    def history_ttl_seconds(self) -> int:
        """How long a customer's stored state outlives their last event.

        Far longer than the window of recent events: the state also carries a Stop-credit
        registration and past fraud reports, which must not be forgotten because a customer
        was quiet for a week (a loan issued despite Stop-credit is written off by law).
        """
        return int(max(self.history_keep_seconds + 86400, LONG_LIVED_STATE_SECONDS))

    def settings_for(self, rule_id: str) -> Any:
        return self.rules[rule_id]


def parse_config(
    raw: Mapping[str, Any], rule_parsers: Mapping[str, Callable[[Mapping[str, Any], str], Any]]
) -> RulesConfig:
    """Validate a configuration mapping; `rule_parsers` maps each rule id to its parser."""
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        raise ConfigError("version: expected a non-empty string")
    zone_name = raw.get("timezone", "Asia/Almaty")
    try:
        zone = ZoneInfo(str(zone_name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"timezone: unknown time zone {zone_name!r}") from exc

    mrp_raw = section(raw, "mrp_kzt", "config")
    mrp: dict[int, int] = {}
    for year, kzt in mrp_raw.items():
        if (
            not isinstance(year, int)
            or isinstance(kzt, bool)
            or not isinstance(kzt, int)
            or kzt <= 0
        ):
            raise ConfigError(f"mrp_kzt.{year}: expected a year mapped to a positive KZT amount")
        mrp[year] = kzt
    if not mrp:
        raise ConfigError("mrp_kzt: at least one year is needed")

    policy_raw = section(raw, "policy", "config")
    policy = PolicyThresholds(
        hold_score=integer(policy_raw, "hold_score", "policy", low=1, high=100),
        block_score=integer(policy_raw, "block_score", "policy", low=1, high=100),
    )
    if policy.block_score < policy.hold_score:
        raise ConfigError("policy.block_score: must not be below policy.hold_score")

    cap_raw = section(policy_raw, "safety_cap", "policy")
    safety_cap = SafetyCapSettings(
        window_seconds=number(cap_raw, "window_minutes", "policy.safety_cap", minimum=0.1) * 60,
        max_hold_rate=number(cap_raw, "max_hold_rate", "policy.safety_cap"),
        min_decisions=integer(cap_raw, "min_decisions", "policy.safety_cap", low=1, high=10**7),
        baseline_hours=integer(cap_raw, "baseline_hours", "policy.safety_cap", low=1, high=168),
        baseline_factor=number(cap_raw, "baseline_factor", "policy.safety_cap", minimum=1),
        per_customer=optional_integer(
            cap_raw, "per_customer", "policy.safety_cap", 0, low=0, high=10_000
        ),
    )
    accounts_raw = section(raw, "accounts", "config")
    account_keep_seconds = number(accounts_raw, "keep_hours", "accounts", minimum=1) * 3600
    account_max_flows = integer(accounts_raw, "max_flows", "accounts", low=10, high=100_000)
    # Optional: a rules file written before the profiles existed keeps working.
    half_life = optional_number(accounts_raw, "profile_half_life_days", "accounts", 30, 0.1)
    profile_keep = optional_number(accounts_raw, "profile_keep_days", "accounts", 400, 1)
    reported_days = optional_integer(
        accounts_raw, "reported_suspend_business_days", "accounts", 5, low=0, high=30
    )
    busy_merchant = optional_number(accounts_raw, "busy_merchant_payers_a_day", "accounts", 0, 0)

    history_raw = raw.get("history", {})
    if not isinstance(history_raw, Mapping):
        raise ConfigError("history: expected a mapping")
    keep_days = history_raw.get("keep_days", 7)
    max_entries = history_raw.get("max_entries", 200)
    if not isinstance(keep_days, int | float) or keep_days <= 0:
        raise ConfigError(f"history.keep_days: expected a positive number, got {keep_days!r}")
    if not isinstance(max_entries, int) or max_entries < 10:
        raise ConfigError(
            f"history.max_entries: expected a whole number >= 10, got {max_entries!r}"
        )

    event_time = _event_time_limits(raw, float(keep_days) * 86400)

    rules_raw = section(raw, "rules", "config")
    unknown = sorted(set(rules_raw) - set(rule_parsers))
    if unknown:
        raise ConfigError(f"rules: unknown rule ids {unknown} (known: {sorted(rule_parsers)})")
    rules = {
        rule_id: parser(section(rules_raw, rule_id, "rules"), f"rules.{rule_id}")
        for rule_id, parser in rule_parsers.items()
    }
    release_raw = section(raw, "loan_release", "config")
    loan_release = LoanReleaseSettings(
        mode=choice(release_raw, "mode", "loan_release", {m.value: m for m in ReleaseMode}),
        early_reconfirmation=choice(
            release_raw,
            "early_reconfirmation",
            "loan_release",
            {e.value: e for e in EarlyReconfirmation},
        ),
    )
    calendar_raw = raw.get("calendar", {})
    if not isinstance(calendar_raw, Mapping):
        raise ConfigError("calendar: expected a mapping")
    calendar = BusinessCalendar(
        zone=zone,
        extra_days_off=days_off(calendar_raw.get("extra_days_off"), "calendar.extra_days_off"),
    )
    return RulesConfig(
        version=version,
        mrp=MrpTable(kzt_by_year=mrp, zone=zone),
        currencies=_kzt_rates(raw.get("currencies")),
        loan_release=loan_release,
        calendar=calendar,
        policy=policy,
        safety_cap=safety_cap,
        account_keep_seconds=account_keep_seconds,
        account_max_flows=account_max_flows,
        profile_half_life_days=half_life,
        profile_keep_seconds=profile_keep * 86400,
        reported_suspend_business_days=reported_days,
        busy_merchant_payers_a_day=busy_merchant,
        history_keep_seconds=float(keep_days) * 86400,
        history_max_entries=max_entries,
        rules=rules,
        event_time=event_time,
    )


def _kzt_rates(raw: Any) -> KztRates:
    """The optional `currencies` section: `kzt_per_unit` (ISO 4217 code -> KZT per unit)
    and `as_of`. Absent, every currency but KZT is unrated (domain/currency.py)."""
    if raw is None:
        return KztRates()
    if not isinstance(raw, Mapping):
        raise ConfigError("currencies: expected a mapping")
    table = raw.get("kzt_per_unit", {})
    if not isinstance(table, Mapping):
        raise ConfigError("currencies.kzt_per_unit: expected a mapping of codes to KZT")
    rates: dict[str, float] = {}
    for code, kzt in table.items():
        if not (isinstance(code, str) and len(code) == 3 and code.isascii() and code.isupper()):
            raise ConfigError(f"currencies.kzt_per_unit.{code}: expected an ISO 4217 code")
        if code == HOME_CURRENCY:
            raise ConfigError("currencies.kzt_per_unit.KZT: KZT is the unit itself")
        if isinstance(kzt, bool) or not isinstance(kzt, int | float) or not kzt > 0:
            raise ConfigError(
                f"currencies.kzt_per_unit.{code}: expected a positive KZT amount, got {kzt!r}"
            )
        rates[code] = float(kzt)
    return KztRates(kzt_per_unit=rates, as_of=str(raw.get("as_of", "")))


def _event_time_limits(raw: Mapping[str, Any], history_keep_seconds: float) -> EventTimeLimits:
    """The `event_time` section; by default 5 minutes ahead and the history's window behind."""
    limits_raw = raw.get("event_time")
    if limits_raw is None:
        return EventTimeLimits(max_behind_seconds=history_keep_seconds)
    if not isinstance(limits_raw, Mapping):
        raise ConfigError("event_time: expected a mapping")
    path = "event_time"
    return EventTimeLimits(
        max_ahead_seconds=number(limits_raw, "max_ahead_minutes", path, minimum=0) * 60,
        max_behind_seconds=number(limits_raw, "max_behind_days", path, minimum=0.01) * 86400,
    )
