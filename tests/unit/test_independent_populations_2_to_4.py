"""The second, third and fourth independent populations (tests/independent/population2.py,
population3.py and population4.py, each written by another agent from the contract,
DOMAIN.md and the seed articles alone): valid at the boundary, labels pointing at real
events once each, reproducible, and replayable offline without dead letters. The second
leaves its everyday traffic unlabelled; the third and fourth label it "everyday".

Detection rates are not asserted here: the population exists to measure them
(`screener backtest`), not to pin them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from screener.backtest.replay import raw_records, read_jsonl, replay
from screener.boundary import decode_event
from screener.schemas import compiled_validator
from screener.settings import load_rules
from tests.independent import population2, population3, population4

# Population 2's seed 7 ends with a scenario spilling into the morning after the last day.
POPULATIONS: dict[str, tuple[Callable[[list[str]], Any], int]] = {
    "population2": (population2.main, 7),
    "population3": (population3.main, 7),
    "population4": (population4.main, 7),
}
SCHEMA_OF_TOPIC = {
    "transfers": "transfer",
    "loans": "loan_approval",
    "customer_events": "customer_event",
}
SCREENED = ("transfers", "loans")


def generate(population: str, out: Path) -> tuple[Path, Path]:
    write, seed = POPULATIONS[population]
    write(["--seed", str(seed), "--out", str(out)])
    return out / f"{seed}.jsonl", out / f"{seed}.labels.jsonl"


@pytest.fixture(scope="module", params=sorted(POPULATIONS))
def population(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def files(population: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return generate(population, tmp_path_factory.mktemp(population))


@pytest.fixture(scope="module")
def lines(files: tuple[Path, Path]) -> list[dict[str, Any]]:
    return read_jsonl(files[0])


def test_every_event_validates_against_its_schema_and_the_boundary(
    lines: list[dict[str, Any]],
) -> None:
    assert {line["topic"] for line in lines} == set(SCHEMA_OF_TOPIC)
    for line in lines:
        topic, event = line["topic"], line["event"]
        compiled_validator(SCHEMA_OF_TOPIC[topic])(event)
        assert decode_event(topic, orjson.dumps(event)).event_id == event["event_id"]


def test_labels_point_at_real_events_once_and_every_scam_has_one_to_stop(
    files: tuple[Path, Path], lines: list[dict[str, Any]]
) -> None:
    ids = [line["event"]["event_id"] for line in lines]
    assert len(ids) == len(set(ids))
    labels = read_jsonl(files[1])
    per_event = Counter(label["event_id"] for label in labels)
    assert set(per_event) <= set(ids) and max(per_event.values()) == 1
    scams = {label["instance"] for label in labels if label["is_fraud"]}
    stopping = {label["instance"] for label in labels if label["should_stop"]}
    assert scams and scams == stopping
    assert not any(label["should_stop"] and not label["is_fraud"] for label in labels)


def test_same_seed_gives_identical_output(
    population: str, files: tuple[Path, Path], tmp_path: Path
) -> None:
    for first, second in zip(files, generate(population, tmp_path), strict=True):
        assert first.read_bytes() == second.read_bytes()


def test_offline_replay_decides_every_transfer_and_loan_once(
    lines: list[dict[str, Any]],
) -> None:
    result = replay(raw_records(lines), load_rules())
    assert result.dead_letters == []
    decided = Counter(decision["event_id"] for decision in result.decisions)
    screened = [line["event"]["event_id"] for line in lines if line["topic"] in SCREENED]
    assert sorted(decided.elements()) == sorted(screened)
