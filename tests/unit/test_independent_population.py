"""The independent population (tests/independent/population.py): valid at the boundary,
one label per screened event, reproducible, and replayable offline without dead letters.

Detection rates are not asserted here: the population exists to measure them
(`screener backtest`), not to pin them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from screener.backtest.replay import raw_records, read_jsonl, replay
from screener.boundary import decode_event
from screener.schemas import compiled_validator
from screener.settings import load_rules
from tests.independent import population

SEED = 11
# Small and quick: the fewest customers the script accepts, two days, few instances.
ARGS = [
    "--customers",
    "200",
    "--days",
    "2",
    "--min-scam-instances",
    "2",
    "--lookalike-instances",
    "2",
]
SCHEMA_OF_TOPIC = {
    "transfers": "transfer",
    "loans": "loan_approval",
    "customer_events": "customer_event",
}
SCREENED = ("transfers", "loans")  # the topics that get a decision


def generate(out: Path, seed: int = SEED) -> tuple[Path, Path]:
    population.main(["--seed", str(seed), *ARGS, "--out", str(out)])
    events, labels = out / f"{seed}.jsonl", out / f"{seed}.labels.jsonl"
    assert events.is_file() and labels.is_file()
    return events, labels


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return generate(tmp_path_factory.mktemp("independent"))


@pytest.fixture(scope="module")
def lines(files: tuple[Path, Path]) -> list[dict[str, Any]]:
    return read_jsonl(files[0])


@pytest.fixture(scope="module")
def labels(files: tuple[Path, Path]) -> list[dict[str, Any]]:
    return read_jsonl(files[1])


def screened_ids(lines: list[dict[str, Any]]) -> list[str]:
    return [line["event"]["event_id"] for line in lines if line["topic"] in SCREENED]


def test_population_has_every_topic(lines: list[dict[str, Any]]) -> None:
    topics = Counter(line["topic"] for line in lines)
    assert set(topics) == set(SCHEMA_OF_TOPIC)
    assert all(count > 0 for count in topics.values())


def test_every_event_validates_against_its_schema_and_the_boundary(
    lines: list[dict[str, Any]],
) -> None:
    for line in lines:
        topic, event = line["topic"], line["event"]
        compiled_validator(SCHEMA_OF_TOPIC[topic])(event)
        decoded = decode_event(topic, orjson.dumps(event))
        assert decoded.event_id == event["event_id"]


def test_event_ids_are_unique(lines: list[dict[str, Any]]) -> None:
    ids = [line["event"]["event_id"] for line in lines]
    assert len(ids) == len(set(ids))


def test_every_transfer_and_loan_has_exactly_one_label(
    lines: list[dict[str, Any]], labels: list[dict[str, Any]]
) -> None:
    per_event = Counter(label["event_id"] for label in labels)
    ids = screened_ids(lines)
    assert ids
    assert [event_id for event_id in ids if per_event[event_id] != 1] == []
    known = {line["event"]["event_id"] for line in lines}
    assert [event_id for event_id in per_event if event_id not in known] == []
    for label in labels:
        assert isinstance(label["is_fraud"], bool) and isinstance(label["should_stop"], bool)


def test_same_seed_gives_identical_output(files: tuple[Path, Path], tmp_path: Path) -> None:
    again = generate(tmp_path)
    for first, second in zip(files, again, strict=True):
        assert first.read_bytes() == second.read_bytes()


def test_offline_replay_decides_every_transfer_and_loan_once(
    lines: list[dict[str, Any]],
) -> None:
    result = replay(raw_records(lines), load_rules())
    assert result.dead_letters == []
    assert result.records == len(lines)
    decided = Counter(decision["event_id"] for decision in result.decisions)
    assert sorted(decided.elements()) == sorted(screened_ids(lines))
