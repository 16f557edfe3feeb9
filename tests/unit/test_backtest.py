"""The offline backtest: the in-memory store keeps the `ScreeningStore` promises, and the
report's counts agree with counts made here from the decisions and the labels."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
import yaml

from screener.backtest.evaluation import Evaluation, compare, evaluate
from screener.backtest.memory_store import InMemoryScreeningStore
from screener.backtest.replay import ReplayResult, new_store, raw_records, replay
from screener.cli import main
from screener.domain.accounts import Flow
from screener.domain.config import RulesConfig
from screener.domain.history import CustomerHistory, HistoryEntry
from screener.service import BatchWrites, NewBlock, NewHold, ScreeningStore
from screener.settings import Settings, load_rules
from screener.traffic.events import Traffic
from screener.traffic.generate import TrafficSpec, generate_traffic
from screener.traffic.scenarios import REPORTED_APART, SCENARIOS
from screener.traffic.sinks import write_jsonl, write_labels
from tests import factories

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def store(**overrides: Any) -> InMemoryScreeningStore:
    limits: dict[str, Any] = {
        "decision_ttl_seconds": 7 * 86400,
        "history_ttl_seconds": 8 * 86400,
        "account_keep_seconds": 72 * 3600,
        "account_max_flows": 500,
    }
    return InMemoryScreeningStore(**{**limits, **overrides})


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def lines(records: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"topic": topic, "event": event} for topic, event in records]


def new_hold(hold_id: str, at: datetime = T0) -> NewHold:
    change = {"hold_id": hold_id, "status": "held", "previous_status": None}
    return NewHold(hold_id, {"event_id": hold_id}, "held", at, at + timedelta(hours=24), change)


def flow(event_id: str, at: datetime, amount: int = 100) -> Flow:
    return Flow(event_id, at.timestamp(), amount, "KZ18722S000012345678", "850503300129")


def history_at(at: datetime, event_id: str = "e-1") -> CustomerHistory:
    return CustomerHistory(entries=(HistoryEntry(event_id, "login", at.timestamp()),))


# ---- the in-memory store honours the protocol -------------------------------------------


def test_the_store_has_the_protocols_methods_with_the_same_signatures() -> None:
    for name in ("load", "save", "pending_changes", "mark_published"):
        expected = inspect.signature(getattr(ScreeningStore, name))
        actual = inspect.signature(getattr(InMemoryScreeningStore, name))
        assert list(actual.parameters) == list(expected.parameters), name
        assert inspect.iscoroutinefunction(getattr(InMemoryScreeningStore, name))


def test_a_hold_is_created_once_and_its_change_waits_in_the_outbox() -> None:
    memory = store()
    first = run(memory.save(BatchWrites(holds=[new_hold("h-1")])))
    again = run(memory.save(BatchWrites(holds=[new_hold("h-1"), new_hold("h-2")])))
    assert first == [True]
    assert again == [False, True]
    assert set(memory.holds) == {"h-1", "h-2"} and set(memory.open_holds) == {"h-1", "h-2"}
    pending = run(memory.pending_changes(["h-1|held", "h-1|blocked", "h-9|held"]))
    assert list(pending) == ["h-1|held"]
    run(memory.mark_published(["h-1|held"]))
    assert run(memory.pending_changes(["h-1|held"])) == {}
    assert "h-2|held" in memory.outbox


def test_a_redelivered_event_gets_the_same_decision_and_one_hold() -> None:
    signed = datetime(2026, 3, 2, 20, 0, tzinfo=factories.ALMATY)
    loan = factories.loan(
        amount="9000000.00",
        occurred_at=signed.isoformat(),
        contract_signed_at=signed.isoformat(),
    )
    other = factories.transfer(occurred_at=(signed + timedelta(minutes=1)).isoformat())
    records = raw_records(lines([("loans", loan), ("transfers", other), ("loans", loan)]))
    for batch_size in (1, 3):  # redelivered in a later batch, and within one batch
        result = replay(records + records[:1], load_rules(), batch_size=batch_size)
        mine = [d for d in result.decisions if d["event_id"] == loan["event_id"]]
        assert len(mine) == 3 and mine[0] == mine[1] == mine[2]
        assert mine[0]["verdict"] == "hold"
        assert list(result.store.holds) == [loan["event_id"]]
        # One change, `held`, published once, also when the copy is in the same batch.
        assert len(result.hold_changes) == 1 and result.hold_changes[0]["status"] == "held"
        assert result.store.outbox == {}  # published, then marked


def test_a_block_is_set_once_and_lifts_at_its_expiry_in_event_time() -> None:
    memory = store()
    account = "KZ18722S000012345678"
    until = T0 + timedelta(days=3)
    first = NewBlock(account, {"rule": "first"}, until, 3 * 86400)
    second = NewBlock(account, {"rule": "second"}, until + timedelta(days=9), 12 * 86400)
    run(memory.save(BatchWrites(histories={"c": history_at(T0)}, blocks=[first])))
    run(memory.save(BatchWrites(histories={"c": history_at(T0, "e-2")}, blocks=[second])))
    assert memory.block_entry(account) == {"rule": "first"}
    loaded = run(memory.load([], [], [account]))
    assert loaded.accounts[account].blocked
    later = T0 + timedelta(days=4)
    run(memory.save(BatchWrites(histories={"c": history_at(later, "e-3")})))
    assert memory.block_entry(account) is None
    assert not run(memory.load([], [], [account])).accounts[account].blocked


def test_flows_are_kept_once_per_transfer_and_trimmed_to_the_window_and_size() -> None:
    memory = store(account_keep_seconds=3600, account_max_flows=10)
    account = "KZ31601A000000000001"
    old = flow("old", T0 - timedelta(hours=2))
    recent = [flow(f"t-{n}", T0 + timedelta(seconds=n)) for n in range(12)]
    run(memory.save(BatchWrites(inbound={account: [old]})))
    run(memory.save(BatchWrites(inbound={account: recent[:3] + recent[:3]})))
    loaded = run(memory.load([], [], [account])).accounts[account]
    assert [f.event_id for f in loaded.inbound] == ["t-0", "t-1", "t-2"]  # "old" left the hour
    run(memory.save(BatchWrites(inbound={account: recent})))
    loaded = run(memory.load([], [], [account])).accounts[account]
    assert [f.event_id for f in loaded.inbound] == [f"t-{n}" for n in range(2, 12)]


def test_histories_and_decisions_expire_after_their_ttl_in_event_time() -> None:
    memory = store(history_ttl_seconds=3600, decision_ttl_seconds=7200)
    run(memory.save(BatchWrites(decisions={"e-1": {"decided_at": T0.isoformat()}})))
    run(memory.save(BatchWrites(histories={"c-1": history_at(T0)})))
    loaded = run(memory.load(["e-1"], ["c-1"], []))
    assert set(loaded.decisions) == {"e-1"} and set(loaded.histories) == {"c-1"}
    later = T0 + timedelta(minutes=90)
    run(memory.save(BatchWrites(histories={"c-2": history_at(later, "e-2")})))
    loaded = run(memory.load(["e-1"], ["c-1"], []))
    assert set(loaded.decisions) == {"e-1"} and loaded.histories == {}
    run(memory.save(BatchWrites(histories={"c-2": history_at(T0 + timedelta(hours=3), "x")})))
    assert run(memory.load(["e-1"], [], [])).decisions == {}


def test_confirmed_victims_are_loaded() -> None:
    memory = store(confirmed_victims=["850503300129"])
    loaded = run(memory.load([], ["850503300129", "010615600788"], []))
    assert loaded.confirmed_victims == frozenset({"850503300129"})


# ---- the backtest on generated traffic -----------------------------------------------


@pytest.fixture(scope="module")
def traffic() -> Traffic:
    return generate_traffic(TrafficSpec(seed=21, customers=600, days=2, scams=2 * len(SCENARIOS)))


@pytest.fixture(scope="module")
def config() -> RulesConfig:
    return load_rules()


@pytest.fixture(scope="module")
def result(traffic: Traffic, config: RulesConfig) -> ReplayResult:
    return replay(raw_records(lines(traffic.records)), config)


def independent_counts(
    decisions: list[dict[str, Any]], labels: list[dict[str, Any]]
) -> dict[str, Any]:
    """Per-rule hits, precision and recall, counted plainly from decisions and labels."""
    fraud = {lb["event_id"] for lb in labels if lb["is_fraud"]}
    stop = {lb["event_id"] for lb in labels if lb["should_stop"]}
    decided = {d["event_id"]: d for d in decisions}
    held = {i for i, d in decided.items() if d["verdict"] in ("hold", "block")}
    hits: Counter[str] = Counter()
    fraud_hits: Counter[str] = Counter()
    stop_hits: Counter[str] = Counter()
    for event_id, decision in decided.items():
        rules = {r["rule"] for r in decision["reasons"] + decision["shadow_reasons"]}
        for rule in rules:
            hits[rule] += 1
            fraud_hits[rule] += event_id in fraud
            stop_hits[rule] += event_id in stop
    stop_screened = stop & set(decided)
    return {
        "held": len(held),
        "hold_rate": len(held) / len(decided),
        "precision": len(held & fraud) / len(held),
        "recall": len(held & stop_screened) / len(stop_screened),
        "hits": hits,
        "rule_precision": {r: fraud_hits[r] / n for r, n in hits.items()},
        "rule_recall": {r: stop_hits[r] / len(stop_screened) for r in hits},
    }


def test_one_decision_per_transfer_and_loan_and_all_match_the_contract(
    traffic: Traffic, result: ReplayResult
) -> None:
    screened = [e for topic, e in traffic.records if topic in ("transfers", "loans")]
    assert [d["event_id"] for d in result.decisions] == [e["event_id"] for e in screened]
    assert result.dead_letters == []
    decision_schema = json.loads((SCHEMAS / "decision.schema.json").read_text())
    change_schema = json.loads((SCHEMAS / "hold_change.schema.json").read_text())
    for decision in result.decisions:
        jsonschema.validate(decision, decision_schema, cls=jsonschema.Draft202012Validator)
    for change in result.hold_changes:
        jsonschema.validate(change, change_schema, cls=jsonschema.Draft202012Validator)


def test_a_replay_decides_the_same_way_every_time(
    traffic: Traffic, config: RulesConfig, result: ReplayResult
) -> None:
    again = replay(raw_records(lines(traffic.records)), config, batch_size=137)
    assert again.decisions == result.decisions
    assert again.hold_changes == result.hold_changes


def test_the_evaluation_agrees_with_an_independent_count(
    traffic: Traffic, result: ReplayResult
) -> None:
    expected = independent_counts(result.decisions, traffic.labels)
    ev = evaluate(result, traffic.labels)
    assert ev.held == expected["held"] and ev.held > 0
    assert ev.hold_rate == pytest.approx(expected["hold_rate"])
    assert ev.precision == pytest.approx(expected["precision"])
    assert ev.recall == pytest.approx(expected["recall"])
    by_rule = {r.rule: r for r in ev.rules}
    assert {rule for rule, r in by_rule.items() if r.all_hits} == set(expected["hits"])
    for rule, count in expected["hits"].items():
        assert by_rule[rule].all_hits == count
        assert by_rule[rule].precision == pytest.approx(expected["rule_precision"][rule])
        assert by_rule[rule].recall == pytest.approx(expected["rule_recall"][rule])
    scams = {s.scenario: s for s in ev.scenarios if s.is_fraud}
    assert {REPORTED_APART.get(name, name) for name in scams} == set(SCENARIOS)
    assert sum(s.should_stop for s in scams.values()) == ev.should_stop


def test_a_hold_the_law_demands_is_apart_unless_the_fraud_reasons_alone_would_hold(
    config: RulesConfig,
) -> None:
    def held(*reasons: tuple[str, int]) -> dict[str, Any]:
        return {
            "event_id": f"loan-{len(decisions)}",
            "verdict": "hold",
            "amount": "900000.00",
            "decided_at": "2026-03-16T14:00:00+05:00",
            "reasons": [{"rule": rule, "score": score} for rule, score in reasons],
        }

    decisions: list[dict[str, Any]] = []
    for reasons in (
        [("cooling_period", 40)],  # the law alone
        [("cooling_period", 40), ("risky_session", 40)],  # one weak signal beside it
        [("cooling_period", 40), ("risky_session", 65)],  # a fraud hold on its own
        [("cooling_period", 40), ("risky_session", 40), ("velocity", 35)],  # 61 together
    ):
        decisions.append(held(*reasons))
    labels = [
        {"event_id": d["event_id"], "scenario": "honest_loan", "instance": "a"} for d in decisions
    ]
    store = new_store(config, Settings.from_env({}))
    result = ReplayResult(config, len(decisions), decisions, [], [], store)
    ev = evaluate(result, labels)
    assert ev.held == 4 and ev.regulatory_only == 2 and ev.honest_fraud_held == 2


def test_the_command_prints_the_counts_and_writes_an_html_report(
    tmp_path: Path,
    traffic: Traffic,
    result: ReplayResult,
    capsys: pytest.CaptureFixture[str],
) -> None:
    events, labels, page = tmp_path / "t.jsonl", tmp_path / "l.jsonl", tmp_path / "r.html"
    write_jsonl(events, traffic.records)
    write_labels(labels, traffic.labels)
    argv = ["backtest", str(events), "--labels", str(labels), "--report", str(page)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    expected = independent_counts(result.decisions, traffic.labels)
    assert f"{expected['held']:,} held" in out
    assert f"precision {100 * expected['precision']:.1f} %" in out
    assert f"recall {100 * expected['recall']:.1f} %" in out
    table = out.split("    rule ", 1)[1].split("    scenario ", 1)[0].splitlines()[1:]
    printed = {row.split()[0]: row.split() for row in table}
    for rule, count in expected["hits"].items():
        hits, shadow = printed[rule][-8:-6]  # hits shadow fraud prec % recall % sole
        assert int(hits) + int(shadow) == count
    html = page.read_text("utf-8")
    assert html.count("<svg") >= 4  # traffic, hold rate, per-rule and per-scenario charts
    assert all(rule in html for rule in expected["hits"])


def test_a_comparison_lists_what_only_one_rule_set_held(
    tmp_path: Path, traffic: Traffic, config: RulesConfig, result: ReplayResult
) -> None:
    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "screener/config/rules.yaml").read_text()
    )
    raw["rules"]["cooling_period"]["mode"] = "off"
    raw["version"] += "-no-cooling"
    variant = tmp_path / "b.yaml"
    variant.write_text(yaml.safe_dump(raw, allow_unicode=True))
    other = replay(raw_records(lines(traffic.records)), load_rules(variant))
    a, b = evaluate(result, traffic.labels), evaluate(other, traffic.labels)
    comparison = compare(a, b)
    held_a = {d["event_id"] for d in result.decisions if d["verdict"] != "allow"}
    held_b = {d["event_id"] for d in other.decisions if d["verdict"] != "allow"}
    assert {row.decision["event_id"] for row in comparison.only_a} == held_a - held_b
    assert {row.decision["event_id"] for row in comparison.only_b} == held_b - held_a
    assert comparison.only_a, "the cooling period holds loans no other rule holds"
    for row in comparison.only_a:
        assert "cooling_period" in {r["rule"] for r in row.decision["reasons"]}
        assert row.other["verdict"] == "allow"
    by_rule = {r.rule: r for r in b.rules}
    assert by_rule["cooling_period"].all_hits == 0


def everyday_summary(ev: Evaluation) -> str:
    hits = ", ".join(f"{r.rule} {r.hits}" for r in ev.rules if r.all_hits)
    patterns = ", ".join(
        f"{s.scenario} {s.held}/{s.decisions}" for s in ev.scenarios if not s.is_fraud
    )
    return (
        f"benign traffic: {ev.decisions:,} decisions, {ev.held:,} held, hold rate "
        f"{100 * ev.hold_rate:.2f} % ({100 * ev.non_regulatory_hold_rate:.2f} % without "
        f"regulatory-only holds)\n  per-rule hits: {hits}\n  held by pattern: {patterns}"
    )


def test_everyday_traffic_is_rarely_held(config: RulesConfig) -> None:
    """Many customers, a few days, no scams: at most 1 % of payments and loans held.

    The rules are being added to as this is written; the summary (`pytest -s`) shows which
    rule holds what, so a new rule that holds too much is easy to spot.
    """
    benign = generate_traffic(TrafficSpec(seed=11, customers=2_000, days=3, scenarios=()))
    ev = evaluate(replay(raw_records(lines(benign.records)), config), benign.labels)
    print(everyday_summary(ev))
    assert not any(label["is_fraud"] for label in benign.labels)
    assert ev.hold_rate <= 0.01, everyday_summary(ev)


def test_jsonl_lines_replay_as_kafka_records(traffic: Traffic) -> None:
    records = raw_records(lines(traffic.records[:3]))
    topic, event = traffic.records[0]
    assert records[0].topic == topic
    assert records[0].key == event["customer_id"].encode()
    assert orjson.loads(records[0].value) == event
    assert [r.offset for r in records] == [0, 1, 2]


def test_traffic_labelled_everyday_and_unlabelled_traffic_are_one_row(
    config: RulesConfig,
) -> None:
    """Population 1 and 3 label their everyday payments "everyday" themselves; the row of
    unlabelled traffic replaced theirs, so their everyday holds appeared nowhere."""
    labelled, unlabelled = factories.transfer(), factories.transfer()
    records = raw_records(
        [{"topic": "transfers", "event": labelled}, {"topic": "transfers", "event": unlabelled}]
    )
    label = {
        "event_id": labelled["event_id"],
        "scenario": "everyday",
        "instance": "everyday",
        "role": "customer",
        "is_fraud": False,
        "should_stop": False,
    }
    ev = evaluate(replay(records, config), [label])
    (row,) = [s for s in ev.scenarios if s.scenario == "everyday"]
    assert row.decisions == 2
