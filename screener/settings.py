"""Settings from `SCREENER_*` environment variables, and the rules file.

One place reads the environment; everything else receives a `Settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    rules_file: Path | None = None  # None: the rules shipped with the package
    rules_reload_seconds: float = 5.0  # how often the rules file is checked for changes
    # Largest batch the worker screens at once, and how long it waits to fill one.
    batch_max: int = 500
    batch_wait_seconds: float = 0.005
    # A killed worker's partitions move to a live one after this long without heartbeats.
    kafka_session_timeout_seconds: float = 10.0
    # How often timed holds are checked for release.
    release_interval_seconds: float = 1.0
    # Decisions are remembered this long so a redelivered event gets the same decision.
    decision_memory_seconds: int = 7 * 86400
    # Kafka TLS/SASL settings, passed to the clients as they are.
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: str | None = None

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
                rules_file=Path(rules_file) if rules_file else None,
                rules_reload_seconds=float(
                    get("RULES_RELOAD_SECONDS", str(defaults.rules_reload_seconds))
                ),
                batch_max=int(get("BATCH_MAX", str(defaults.batch_max))),
                batch_wait_seconds=float(
                    get("BATCH_WAIT_SECONDS", str(defaults.batch_wait_seconds))
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
                decision_memory_seconds=int(
                    get("DECISION_MEMORY_SECONDS", str(defaults.decision_memory_seconds))
                ),
                kafka_security_protocol=get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
                kafka_sasl_mechanism=optional("KAFKA_SASL_MECHANISM"),
                kafka_sasl_username=optional("KAFKA_SASL_USERNAME"),
                kafka_sasl_password=optional("KAFKA_SASL_PASSWORD"),
                kafka_ssl_cafile=optional("KAFKA_SSL_CAFILE"),
            )
        except ValueError as exc:
            raise ConfigError(f"environment: {exc}") from exc


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
