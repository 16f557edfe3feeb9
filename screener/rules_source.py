"""The rules in force, reloaded when their file changes (no restart needed).

A file that fails validation is refused: the previous rules stay in force, the error is
logged and counted, so a typo in a threshold can never stop screening.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from screener import metrics
from screener.domain.config import ConfigError, RulesConfig
from screener.settings import load_rules

log = logging.getLogger(__name__)


class RulesSource:
    def __init__(
        self, path: Path | None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._path = path
        self._clock = clock
        self._config = load_rules(path)  # at start-up a bad file is fatal: fail fast
        self._mtime = self._modified()
        metrics.CONFIG_VERSION.labels(version=self._config.version).set(1)
        self._mrp_year_missing: bool | None = None
        self.check_mrp_year(self._clock(), announce=True)

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
        self.check_mrp_year(self._clock(), announce=True)
        return True

    def check_mrp_year(self, now: datetime, announce: bool = False) -> bool:
        """Is this year missing from the MRP table? Sets `screener_mrp_year_missing` and says
        so in the log at start-up, on every reload and when the year turns, so the December
        update is not forgotten; meanwhile contracts use the latest year in the table."""
        mrp = self._config.mrp
        missing = mrp.lacks_year_of(now)
        metrics.MRP_YEAR_MISSING.set(int(missing))
        if missing and (announce or self._mrp_year_missing is False):
            year = now.astimezone(mrp.zone).year
            log.warning(
                "the rules file (version %s) has no MRP for %d: contracts signed in %d use "
                "the MRP of %d (%d KZT); add mrp_kzt.%d to the rules file",
                self._config.version,
                year,
                year,
                mrp.year_used(now),
                mrp.kzt_for(now),
                year,
            )
        self._mrp_year_missing = missing
        return missing

    def _modified(self) -> float | None:
        if self._path is None:
            return None
        try:
            return self._path.stat().st_mtime
        except OSError:
            return None
