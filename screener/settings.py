"""Settings from `SCREENER_*` environment variables, and the rules file.

One place reads the environment; everything else receives a `Settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

import yaml

from screener.domain.config import ConfigError, RulesConfig, parse_config
from screener.domain.rules import RULE_PARSERS


@dataclass(frozen=True, slots=True)
class Topics:
    transfers: str = "bank.transfers"
    loans: str = "bank.loans"
    customer_events: str = "bank.customer-events"
    decisions: str = "screener.decisions"
    holds: str = "screener.holds"
    dlq: str = "screener.dlq"
    audit: str = "screener.audit"


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """The review API and the officers' page (`screener api`)."""

    host: str = "127.0.0.1"
    # A hold waiting longer than this is overdue: the queue and the metrics show it.
    sla_minutes: int = 30
    session_minutes: int = 480
    # The session cookie is Secure unless turned off for a page on plain http://localhost
    # in development (SCREENER_SESSION_COOKIE_SECURE=0).
    session_cookie_secure: bool = True
    # The page's address as officers' browsers see it (scheme://host[:port], behind any TLS
    # proxy): state-changing requests must carry it as their Origin. Empty: the request's
    # own Host, over http or https (development only).
    public_url: str = ""
    # A token works this many days after it was issued; `screener users rotate` issues anew.
    token_days: int = 90
    # Failed logins from one address (and for one user) in `login_window_seconds` before
    # further attempts are refused until the window passes.
    login_failures_max: int = 5
    login_window_seconds: int = 900
    # Per user: notes per hour, block-list imports per day, queue reads per minute.
    notes_per_hour: int = 120
    imports_per_day: int = 20
    queue_reads_per_minute: int = 240
    # Four eyes: a release of a hold scoring at or above the rules' block score takes two
    # officers (the first asks, a second releases).
    release_four_eyes: bool = True
    # An officer's claim on a hold lapses after this, so a hold left open in a closed
    # browser returns to the queue by itself.
    claim_minutes: int = 15
    # How long a receiving account stays blocked after a confirmed fraud; the Anti-Fraud
    # Center suspends payments for up to 5 business days.
    fraud_block_business_days: int = 5
    # Follow-the-money: hops of onward transfers held, and the window around each incoming
    # transfer in which the receiving account's outgoing transfers count as the same money.
    follow_depth: int = 3
    follow_before_minutes: int = 60
    follow_after_hours: float = 72.0
    # A bound on the holds one confirmation may create: a hub account must not flood the queue.
    follow_max_holds: int = 100
    # Beyond the first receiver, follow-the-money proposes holds and blocks that a supervisor
    # (not the confirming officer) approves; False applies them at once. Onward transfers
    # below the floor or below the share of the confirmed transfer are not proposed at all.
    follow_approval: bool = True
    follow_min_amount: Decimal = Decimal("10000")
    follow_min_share: float = 0.1
    # Receivers of these kinds pool many customers' money: their transfers are held, but the
    # account itself is not blocked and not followed further.
    follow_stop_kinds: tuple[str, ...] = ("business", "crypto_exchange", "payment_service")
    # How many holds (open, or recent in the audit stream) a queue request looks through.
    scan_max: int = 10_000

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ReviewSettings:
        d = cls()

        def get(name: str, default: object) -> str:
            return env.get(f"SCREENER_{name}", str(default))

        def flag(text: str) -> bool:
            return text.strip().lower() in ("1", "true", "yes", "on")

        settings = cls(
            host=get("API_HOST", d.host),
            sla_minutes=int(get("REVIEW_SLA_MINUTES", d.sla_minutes)),
            session_minutes=int(get("SESSION_MINUTES", d.session_minutes)),
            session_cookie_secure=flag(get("SESSION_COOKIE_SECURE", "1")),
            public_url=get("PUBLIC_URL", "").rstrip("/"),
            token_days=int(get("TOKEN_DAYS", d.token_days)),
            login_failures_max=int(get("LOGIN_FAILURES_MAX", d.login_failures_max)),
            login_window_seconds=int(get("LOGIN_WINDOW_SECONDS", d.login_window_seconds)),
            notes_per_hour=int(get("NOTES_PER_HOUR", d.notes_per_hour)),
            imports_per_day=int(get("IMPORTS_PER_DAY", d.imports_per_day)),
            queue_reads_per_minute=int(get("QUEUE_READS_PER_MINUTE", d.queue_reads_per_minute)),
            release_four_eyes=flag(get("RELEASE_FOUR_EYES", "1")),
            claim_minutes=int(get("CLAIM_MINUTES", d.claim_minutes)),
            fraud_block_business_days=int(
                get("FRAUD_BLOCK_BUSINESS_DAYS", d.fraud_block_business_days)
            ),
            follow_depth=int(get("FOLLOW_DEPTH", d.follow_depth)),
            follow_before_minutes=int(get("FOLLOW_BEFORE_MINUTES", d.follow_before_minutes)),
            follow_after_hours=float(get("FOLLOW_AFTER_HOURS", d.follow_after_hours)),
            follow_max_holds=int(get("FOLLOW_MAX_HOLDS", d.follow_max_holds)),
            follow_stop_kinds=tuple(
                k.strip()
                for k in get("FOLLOW_STOP_KINDS", ",".join(d.follow_stop_kinds)).split(",")
                if k.strip()
            ),
            scan_max=int(get("REVIEW_SCAN_MAX", d.scan_max)),
            follow_approval=get("FOLLOW_APPROVAL", "supervisor").lower() != "none",
            follow_min_amount=Decimal(get("FOLLOW_MIN_AMOUNT", d.follow_min_amount)),
            follow_min_share=float(get("FOLLOW_MIN_SHARE", d.follow_min_share)),
        )
        for name in (
            "sla_minutes",
            "session_minutes",
            "claim_minutes",
            "scan_max",
            "token_days",
            "login_failures_max",
            "login_window_seconds",
            "notes_per_hour",
            "imports_per_day",
            "queue_reads_per_minute",
        ):
            if getattr(settings, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if settings.public_url and not settings.public_url.startswith(("https://", "http://")):
            raise ValueError("public_url must be scheme://host[:port], e.g. https://review.bank.kz")
        if not (settings.follow_min_amount >= 0 and 0 <= settings.follow_min_share <= 1):
            raise ValueError("follow_min_amount must be >= 0 and follow_min_share in 0..1")
        if settings.follow_depth < 0 or settings.fraud_block_business_days < 1:
            raise ValueError("follow_depth must be >= 0 and fraud_block_business_days >= 1")
        return settings


@dataclass(frozen=True, slots=True)
class OperationsSettings:
    """What operators see: the worker's web port, the logs, the operators' page."""

    # The worker's /metrics and /healthz listen here: loopback unless an operator opens it
    # (`0.0.0.0` in a container, the address Prometheus scrapes otherwise).
    worker_web_host: str = "127.0.0.1"
    log_format: str = "text"  # or "json": one JSON object per line
    # How often a worker publishes its status (lag, progress, rules, cap) for the page.
    status_interval_seconds: float = 1.0
    # A partition with lag whose offset has not moved for this long is stalled, and a worker
    # with records to screen that finished no batch for this long reports itself stalled
    # (metric screener_worker_stalled, /readyz 503, an error in the log).
    stall_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> OperationsSettings:
        d = cls()
        settings = cls(
            worker_web_host=env.get("SCREENER_WORKER_WEB_HOST", d.worker_web_host),
            log_format=env.get("SCREENER_LOG_FORMAT", d.log_format).strip().lower(),
            status_interval_seconds=float(
                env.get("SCREENER_STATUS_INTERVAL_SECONDS", d.status_interval_seconds)
            ),
            stall_seconds=float(env.get("SCREENER_STALL_SECONDS", d.stall_seconds)),
        )
        if settings.log_format not in ("text", "json"):
            raise ValueError("SCREENER_LOG_FORMAT is text or json")
        if settings.status_interval_seconds <= 0 or settings.stall_seconds <= 0:
            raise ValueError("status_interval_seconds and stall_seconds must be positive")
        return settings


@dataclass(frozen=True, slots=True)
class Settings:
    kafka_bootstrap: str = "127.0.0.1:9092"
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "screener:"
    api_port: int = 8080
    worker_web_port: int = 6066
    consumer_group: str = "screener"
    topics: Topics = field(default_factory=Topics)
    topic_partitions: int = 3
    # Replicas of each topic the screener creates, and the replicas that must have a record
    # before a producer with acks=all hears it is written. None: what the cluster offers
    # (its broker count, at most 3; min.insync.replicas one less, at least 1), decided
    # by `kafka_admin.replication_plan` when the topics are created.
    topic_replication_factor: int | None = None
    topic_min_insync_replicas: int | None = None
    rules_file: Path | None = None  # None: the rules shipped with the package
    rules_reload_seconds: float = 5.0  # how often the rules file is checked for changes
    # Largest batch the worker screens at once, and how long it waits for more records when
    # fewer have arrived. Waiting trades latency for CPU (each batch costs round trips to
    # Redis and Kafka whatever its size): at 2,000 events/s, 5 ms took the worker from 0.65
    # to 0.50 CPU and the median decision from 15 to 30 ms (BENCHMARKS.md). Off by default.
    batch_max: int = 500
    batch_wait_seconds: float = 0.0
    # Replicas that must have a batch's Redis writes before its outputs go out and its
    # offsets are committed (Redis WAIT; screener/adapters/redis_replication.py). 0: none.
    redis_wait_replicas: int = 0
    # A killed worker's partitions move to a live one after this long without heartbeats.
    kafka_session_timeout_seconds: float = 10.0
    # How often timed holds are checked for release.
    release_interval_seconds: float = 1.0
    # Records of partition n wait at most this long for the other input topics' partition n
    # to be read up to their event time (issue #10: a loan after a Stop-credit registration
    # on another topic); a quiet topic read to its end costs no wait.
    watermark_wait_seconds: float = 1.5
    # Decisions are remembered this long so a redelivered event gets the same decision.
    decision_memory_seconds: int = 7 * 86400
    # Kafka TLS/SASL settings, passed to the clients as they are.
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: str | None = None
    review: ReviewSettings = field(default_factory=ReviewSettings)
    operations: OperationsSettings = field(default_factory=OperationsSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return env.get(f"SCREENER_{name}", default)

        def optional(name: str) -> str | None:
            return env.get(f"SCREENER_{name}") or None

        defaults = cls()
        topics = Topics(
            **{
                name: get(f"TOPIC_{name.upper()}", getattr(defaults.topics, name))
                for name in Topics.__dataclass_fields__
            }
        )
        rules_file = optional("RULES_FILE")
        try:
            return cls(
                kafka_bootstrap=get("KAFKA_BOOTSTRAP", defaults.kafka_bootstrap),
                redis_url=get("REDIS_URL", defaults.redis_url),
                redis_prefix=get("REDIS_PREFIX", defaults.redis_prefix),
                api_port=int(get("API_PORT", str(defaults.api_port))),
                worker_web_port=int(get("WORKER_WEB_PORT", str(defaults.worker_web_port))),
                consumer_group=get("CONSUMER_GROUP", defaults.consumer_group),
                topics=topics,
                topic_partitions=int(get("TOPIC_PARTITIONS", str(defaults.topic_partitions))),
                topic_replication_factor=_optional_int(optional("TOPIC_REPLICATION_FACTOR")),
                topic_min_insync_replicas=_optional_int(optional("TOPIC_MIN_INSYNC_REPLICAS")),
                rules_file=Path(rules_file) if rules_file else None,
                rules_reload_seconds=float(
                    get("RULES_RELOAD_SECONDS", str(defaults.rules_reload_seconds))
                ),
                batch_max=int(get("BATCH_MAX", str(defaults.batch_max))),
                batch_wait_seconds=float(
                    get("BATCH_WAIT_SECONDS", str(defaults.batch_wait_seconds))
                ),
                redis_wait_replicas=int(
                    get("REDIS_WAIT_REPLICAS", str(defaults.redis_wait_replicas))
                ),
                kafka_session_timeout_seconds=float(
                    get(
                        "KAFKA_SESSION_TIMEOUT_SECONDS",
                        str(defaults.kafka_session_timeout_seconds),
                    )
                ),
                release_interval_seconds=float(
                    get("RELEASE_INTERVAL_SECONDS", str(defaults.release_interval_seconds))
                ),
                watermark_wait_seconds=float(
                    get("WATERMARK_WAIT_SECONDS", str(defaults.watermark_wait_seconds))
                ),
                decision_memory_seconds=int(
                    get("DECISION_MEMORY_SECONDS", str(defaults.decision_memory_seconds))
                ),
                kafka_security_protocol=get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
                kafka_sasl_mechanism=optional("KAFKA_SASL_MECHANISM"),
                kafka_sasl_username=optional("KAFKA_SASL_USERNAME"),
                kafka_sasl_password=optional("KAFKA_SASL_PASSWORD"),
                kafka_ssl_cafile=optional("KAFKA_SSL_CAFILE"),
                review=ReviewSettings.from_env(env),
                operations=OperationsSettings.from_env(env),
            )
        except ValueError as exc:
            raise ConfigError(f"environment: {exc}") from exc


def _optional_int(raw: str | None) -> int | None:
    """An integer setting whose absence (or `auto`) leaves the choice to the code."""
    if raw is None or raw.strip().lower() == "auto":
        return None
    return int(raw)


def load_rules(path: Path | None = None) -> RulesConfig:
    """Read and validate the rules file; the packaged default when `path` is None."""
    if path is None:
        text = resources.files("screener").joinpath("config/rules.yaml").read_text("utf-8")
        source = "packaged rules.yaml"
    else:
        text = path.read_text("utf-8")
        source = str(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: expected a mapping at the top level")
    try:
        return parse_config(raw, RULE_PARSERS)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from exc
