"""The Anti-Fraud Center's list in the offline backtest: the generator names the sellers at
other banks the AFC had listed, writes them as the block-list import takes them, and the
backtest puts them on the block list before the replay, so `blocklisted_receiver` stops
what only such a list can: a buyer's prepayment to a seller at another bank."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.backtest.replay import raw_records, read_blocklist, read_jsonl, replay
from screener.cli import main
from screener.domain.config import ConfigError
from screener.settings import load_rules
from screener.traffic.generate import TrafficSpec, generate_traffic
from screener.traffic.scenarios import MARKETPLACE_ELSEWHERE
from screener.traffic.sinks import write_afc_list


def test_listed_sellers_at_other_banks_are_stopped_and_only_with_the_list(tmp_path: Path) -> None:
    traffic = generate_traffic(
        TrafficSpec(seed=5, customers=300, days=2, scams=16, scenarios=("marketplace_prepayment",))
    )
    labels = {label["event_id"]: label for label in traffic.labels}
    # The buyers' payments to the sellers: the prepayments and the "delivery" fees after.
    elsewhere = {
        event["event_id"]: event["receiver_account"]
        for _, event in traffic.records
        if labels.get(event["event_id"], {}).get("scenario") == MARKETPLACE_ELSEWHERE
        and labels[event["event_id"]]["role"] in ("prepayment", "delivery_fee")
    }
    listed = {account for account, _ in traffic.afc_list}
    # Some sellers elsewhere are on the list, some not; nobody else is.
    assert listed and listed < set(elsewhere.values())
    path = tmp_path / "afc.csv"
    assert write_afc_list(path, traffic.afc_list) == len(listed)
    blocklist = read_blocklist(path)
    assert {account for account, _ in blocklist} == listed

    records = raw_records({"topic": t, "event": e} for t, e in traffic.records)
    config = load_rules()

    def stopped_by_list(result_blocklist: list[tuple[str, str]]) -> set[str]:
        result = replay(records, config, blocklist=result_blocklist)
        return {
            d["event_id"]
            for d in result.decisions
            if d["verdict"] != "allow"
            and any(r["rule"] == "blocklisted_receiver" for r in d["reasons"])
        }

    to_listed = {event_id for event_id, account in elsewhere.items() if account in listed}
    assert stopped_by_list(blocklist) == to_listed
    assert stopped_by_list([]) == set()


def test_the_backtest_reads_the_generated_list_and_refuses_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events, labels, afc = tmp_path / "t.jsonl", tmp_path / "l.jsonl", tmp_path / "afc.csv"
    args = ["generate", "--seed", "5", "--customers", "300", "--days", "2", "--scams", "16"]
    args += ["--scenarios", "marketplace_prepayment"]
    assert main([*args, "--out", str(events), "--labels", str(labels), "--afc-list", str(afc)]) == 0
    assert afc.read_text().startswith("account,reason\n")
    assert main(["backtest", str(events), "--labels", str(labels), "--blocklist", str(afc)]) == 0
    summary = capsys.readouterr().out
    assert "blocklisted_receiver" in summary and len(read_jsonl(labels)) > 0
    bad = tmp_path / "bad.csv"
    bad.write_text("account,reason\nonly-one-field\n")
    with pytest.raises(ConfigError, match="line 2"):
        read_blocklist(bad)
