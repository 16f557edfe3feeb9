"""The settings of a rule whose hit has one fixed score (a list, the law, an unrated
currency): its `mode` and that `score`, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, rule_mode


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    score: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(mode=rule_mode(raw, path), score=integer(raw, "score", path, low=0, high=100))
