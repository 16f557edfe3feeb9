"""The rules in force, reloaded when their file changes (no restart needed).

A file that fails validation is refused: the previous rules stay in force, the error is
logged and counted, so a typo in a threshold can never stop screening.
"""

from __future__ import annotations

import logging
from pathlib import Path

from screener import metrics
from screener.domain.config import ConfigError, RulesConfig
from screener.settings import load_rules

log = logging.getLogger(__name__)


class RulesSource:
    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._config = load_rules(path)  # at start-up a bad file is fatal: fail fast
        self._mtime = self._modified()
        metrics.CONFIG_VERSION.labels(version=self._config.version).set(1)

    def current(self) -> RulesConfig:
        return self._config

    def reload_if_changed(self) -> bool:
        """Load the file again if it changed since the last look; True when new rules apply."""
        mtime = self._modified()
        if self._path is None or mtime == self._mtime:
            return False
        self._mtime = mtime
        try:
            config = load_rules(self._path)
        except (ConfigError, OSError) as exc:
            metrics.CONFIG_RELOAD_FAILURES.inc()
            log.error("rules file refused, keeping version %s: %s", self._config.version, exc)
            return False
        metrics.CONFIG_VERSION.labels(version=self._config.version).set(0)
        metrics.CONFIG_VERSION.labels(version=config.version).set(1)
        log.info("rules reloaded: version %s -> %s", self._config.version, config.version)
        self._config = config
        return True

    def _modified(self) -> float | None:
        if self._path is None:
            return None
        try:
            return self._path.stat().st_mtime
        except OSError:
            return None
