"""Score bands: a measured count mapped to a score, as the rules file lists them.

A rule measures one number (distinct senders, lenders, payers), and the configuration maps
it to a score: `[{senders: 5, score: 30}, {senders: 10, score: 60}]` reads "5 or more
senders score 30, 10 or more score 60". The last band is the top band.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from screener.domain.config import ConfigError, integer


@dataclass(frozen=True, slots=True)
class ScoreBand:
    at_least: int
    score: int


def parse_bands(
    raw: Mapping[str, Any], key: str, path: str, *, count: str
) -> tuple[ScoreBand, ...]:
    """`raw[key]` as bands ordered by count; a larger count may never score less."""
    items = raw.get(key)
    band_path = f"{path}.{key}"
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{band_path}: expected a non-empty list of {{{count}: N, score: S}}")
    bands: list[ScoreBand] = []
    for index, item in enumerate(items):
        item_path = f"{band_path}[{index}]"
        if not isinstance(item, Mapping):
            raise ConfigError(f"{item_path}: expected {{{count}: N, score: S}}, got {item!r}")
        bands.append(
            ScoreBand(
                at_least=integer(item, count, item_path, low=0, high=1_000_000),
                score=integer(item, "score", item_path, low=0, high=100),
            )
        )
    ordered = tuple(sorted(bands, key=lambda band: band.at_least))
    for lower, higher in pairwise(ordered):
        if lower.at_least == higher.at_least:
            raise ConfigError(f"{band_path}: two bands start at {count} {lower.at_least}")
        if higher.score < lower.score:
            raise ConfigError(
                f"{band_path}: {count} {higher.at_least} scores {higher.score}, "
                f"less than {lower.score} for {lower.at_least}"
            )
    return ordered


def band_for(bands: tuple[ScoreBand, ...], value: int) -> ScoreBand | None:
    """The highest band `value` reaches, or None below the first."""
    reached = [band for band in bands if value >= band.at_least]
    return reached[-1] if reached else None


def is_top(bands: tuple[ScoreBand, ...], band: ScoreBand) -> bool:
    return band == bands[-1]
