"""Safe defaults of what operators run: loopback, Faust's own pages off, masked logs."""

from __future__ import annotations

import pytest

from screener.domain.config import ConfigError
from screener.rules_source import RulesSource
from screener.settings import Settings
from screener.worker.app import create_app


def test_the_worker_web_port_is_on_loopback_with_faust_pages_off() -> None:
    app = create_app(Settings(), RulesSource(None))  # nothing connects before start
    assert app.conf.web_bind == "127.0.0.1"
    assert app.conf.web_router_enabled is False
    assert app.conf.web_tables_enabled is False


def test_operators_may_open_the_port_and_choose_json_logs() -> None:
    settings = Settings.from_env(
        {"SCREENER_WORKER_WEB_HOST": "0.0.0.0", "SCREENER_LOG_FORMAT": "JSON"}
    )
    assert settings.operations.worker_web_host == "0.0.0.0"
    assert settings.operations.log_format == "json"
    assert create_app(settings, RulesSource(None)).conf.web_bind == "0.0.0.0"


@pytest.mark.parametrize(
    "env",
    [
        {"SCREENER_LOG_FORMAT": "xml"},
        {"SCREENER_STALL_SECONDS": "0"},
        {"SCREENER_STATUS_INTERVAL_SECONDS": "-1"},
    ],
)
def test_bad_operations_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env(env)
