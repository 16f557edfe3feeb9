"""The backtest's findings as text (for the terminal) and as one self-contained HTML page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from screener.backtest.evaluation import (
    EVERYDAY,
    Comparison,
    Difference,
    Evaluation,
    RuleStats,
    ScenarioStats,
)
from screener.backtest.svg import Series, bar_groups, percent, time_chart, whole
from screener.domain.texts import kzt

COLORS = ("#1f6feb", "#d9822b")  # configuration A, B
LIGHT = ("#8cb8f5", "#f2c08f")
MAX_DIFFERENCES = 200  # rows per list in the HTML; the counts are always complete
# A rate over a handful of night-time decisions is noise: such hours are left out of the chart.
MIN_HOURLY_DECISIONS = 20


def ratio(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def money(amount_minor: int) -> str:
    """Short amounts for wide tables: `12.8 M KZT`; exact below a million."""
    if amount_minor >= 100_000_000:
        return f"{amount_minor / 100_000_000:,.1f} M KZT"
    return kzt(amount_minor)


# ---- text ------------------------------------------------------------------------------


def text_summary(evaluations: Sequence[Evaluation], comparison: Comparison | None) -> str:
    lines = []
    for name, ev in zip("AB", evaluations, strict=False):
        lines.append(
            f"[{name}] rules {ev.config_version}: {ev.records:,} records, {ev.decisions:,} "
            f"decisions, {ev.held:,} held ({ev.blocked:,} blocked), hold rate "
            f"{ratio(ev.hold_rate)} (without regulatory-only holds "
            f"{ratio(ev.non_regulatory_hold_rate)}), dead letters {ev.dead_letters:,}"
        )
        if ev.labelled:
            lines.append(
                f"    precision {ratio(ev.precision)} ({ev.true_positives:,}/{ev.held:,} held "
                f"are fraud), recall {ratio(ev.recall)} ({ev.stopped:,}/{ev.should_stop:,} "
                f"should-stop events held)"
            )
            lines.append(
                f"    honest payments and loans held for fraud: {ev.honest_fraud_held:,}/"
                f"{ev.honest:,} = {ratio(ev.honest_fraud_hold_rate, 2)} (regulatory-only "
                "holds apart)"
            )
        lines.append(
            f"    {'rule':<24}{'hits':>7}{'shadow':>8}{'fraud':>7}{'prec':>9}{'recall':>9}"
            f"{'sole':>6}"
        )
        for rule in ev.rules:
            lines.append(
                f"    {rule.rule + (' *' if rule.regulatory else ''):<24}{rule.hits:>7}"
                f"{rule.shadow_hits:>8}{rule.fraud_hits:>7}{ratio(rule.precision):>9}"
                f"{ratio(rule.recall):>9}{rule.sole_holds:>6}"
            )
        if ev.labelled:
            lines.append(
                f"    {'scenario':<24}{'inst':>6}{'screened':>9}{'held':>6}{'recall':>9}"
                f"{'caught':>9}{'fraud-held':>11}"
            )
            for sc in ev.scenarios:
                rate = sc.recall if sc.is_fraud else sc.hold_rate
                caught = ratio(sc.caught) if sc.is_fraud and sc.scenario != EVERYDAY else ""
                fraud_rate = "" if sc.is_fraud else ratio(sc.fraud_hold_rate)
                lines.append(
                    f"    {sc.scenario:<24}{sc.instances:>6}{sc.decisions:>9}{sc.held:>6}"
                    f"{ratio(rate):>9}{caught:>9}{fraud_rate:>11}"
                    f"{'' if sc.is_fraud else '  (held share)'}"
                )
            lines.append(
                "    caught: instances with a should-stop event held; fraud-held: held "
                "share without regulatory-only holds"
            )
    lines.append("    * regulatory rule: holds required by law, counted apart")
    if comparison is not None:
        lines.append(
            f"held by A only: {len(comparison.only_a):,}; held by B only: "
            f"{len(comparison.only_b):,}"
        )
    return "\n".join(lines)


# ---- HTML ------------------------------------------------------------------------------


def html_report(
    source: str,
    labels_source: str | None,
    evaluations: Sequence[Evaluation],
    names: Sequence[str],
    comparison: Comparison | None,
) -> str:
    """The whole report: summary, charts, per-rule and per-scenario tables, differences."""
    title = f"Backtest of {source}"
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p class=sub>Labels: {escape(labels_source or 'none')}. Rules: "
        + ", ".join(
            f"<b style='color:{COLORS[i]}'>{'AB'[i]}</b> {escape(n)} ({escape(e.config_version)})"
            for i, (n, e) in enumerate(zip(names, evaluations, strict=True))
        )
        + ". Decisions replayed through the worker's ScreeningService with event time as the "
        "clock.</p>",
        _summary_table(evaluations),
        "<h2>Traffic and hold rate by hour (Almaty time)</h2>",
        _hour_charts(evaluations),
        "<h2>Rules</h2>",
        _rule_chart(evaluations) if evaluations[0].labelled else "",
        _rule_table(evaluations),
    ]
    if evaluations[0].labelled:
        body += ["<h2>Scenarios</h2>", _scenario_chart(evaluations), _scenario_tables(evaluations)]
    if comparison is not None:
        body += [
            "<h2>Side by side</h2>",
            _differences(f"Held by A ({names[0]}), not by B", comparison.only_a, "A", "B"),
            _differences(f"Held by B ({names[1]}), not by A", comparison.only_b, "B", "A"),
        ]
    body.append(_definitions())
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


_CSS = """
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1320px;color:#1d2127;
padding:0 16px}.wide{overflow-x:auto}p.muted{font-size:12px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid
#e3e6ea;padding-bottom:4px}.sub{color:#57606a;margin-top:0}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{padding:4px 8px;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}
th{background:#f6f8fa}td.l,th.l{text-align:left}
.muted{color:#8a9099}.reg{font-size:11px;color:#6e40c9}
figure{margin:8px 0 16px}figcaption{font-size:12px;color:#57606a}
dl{font-size:13px}dt{font-weight:600;margin-top:6px}dd{margin-left:16px}
"""


def _cols(evaluations: Sequence[Evaluation]) -> str:
    return "".join(f"<th style='color:{COLORS[i]}'>{'AB'[i]}</th>" for i in range(len(evaluations)))


def _summary_table(evaluations: Sequence[Evaluation]) -> str:
    rows: list[tuple[str, list[str]]] = [
        ("records", [f"{e.records:,}" for e in evaluations]),
        ("decisions (transfers and loans)", [f"{e.decisions:,}" for e in evaluations]),
        ("held (hold or block)", [f"{e.held:,}" for e in evaluations]),
        ("of which blocked", [f"{e.blocked:,}" for e in evaluations]),
        ("hold rate", [ratio(e.hold_rate) for e in evaluations]),
        (
            "hold rate without regulatory-only holds",
            [ratio(e.non_regulatory_hold_rate) for e in evaluations],
        ),
        ("dead letters", [f"{e.dead_letters:,}" for e in evaluations]),
    ]
    if evaluations[0].labelled:
        rows += [
            ("precision (held that are fraud)", [ratio(e.precision) for e in evaluations]),
            ("recall (should-stop events held)", [ratio(e.recall) for e in evaluations]),
            (
                "should-stop events / held",
                [f"{e.should_stop:,} / {e.stopped:,}" for e in evaluations],
            ),
            (
                "KZT at risk / held",
                [f"{kzt(_at_risk(e))} / {kzt(_held_money(e))}" for e in evaluations],
            ),
        ]
    head = f"<tr><th class=l></th>{_cols(evaluations)}</tr>"
    body = "".join(
        f"<tr><td class=l>{escape(name)}</td>{''.join(f'<td>{v}</td>' for v in values)}</tr>"
        for name, values in rows
    )
    return f"<table>{head}{body}</table>"


def _at_risk(ev: Evaluation) -> int:
    return sum(s.amount_at_risk_minor for s in ev.scenarios if s.is_fraud)


def _held_money(ev: Evaluation) -> int:
    return sum(s.amount_held_minor for s in ev.scenarios if s.is_fraud)


def _hour_charts(evaluations: Sequence[Evaluation]) -> str:
    hours = sorted({h.start for e in evaluations for h in e.hours})
    labels = [_hour_label(h) for h in hours]
    first = {h.start: h for h in evaluations[0].hours}
    volume = time_chart(
        labels,
        [Series("decisions", "#c9d1d9", [first[h].decisions if h in first else 0 for h in hours])],
        kind="columns",
        y_format=whole,
    )
    rates = []
    for i, ev in enumerate(evaluations):
        by_hour = {h.start: h for h in ev.hours}
        rates.append(
            Series(
                f"{'AB'[i]} {ev.config_version}",
                COLORS[i],
                [
                    by_hour[h].hold_rate
                    if h in by_hour and by_hour[h].decisions >= MIN_HOURLY_DECISIONS
                    else None
                    for h in hours
                ],
            )
        )
    rate = time_chart(labels, rates, y_format=percent)
    return (
        f"<figure>{volume}<figcaption>Decisions per hour: the daily rhythm of the traffic."
        f"</figcaption></figure><figure>{rate}<figcaption>Hold rate per hour (held / "
        f"decisions in that hour; hours with fewer than {MIN_HOURLY_DECISIONS} decisions are "
        f"left out).</figcaption></figure>"
    )


def _hour_label(moment: datetime) -> str:
    return moment.strftime("%d.%m") if moment.hour == 0 else moment.strftime("%H:00")


def _rule_chart(evaluations: Sequence[Evaluation]) -> str:
    series: list[tuple[str, str]] = []
    for i in range(len(evaluations)):
        series += [(f"{'AB'[i]} precision", COLORS[i]), (f"{'AB'[i]} recall", LIGHT[i])]
    rules = [r.rule for r in evaluations[0].rules]
    by_rule = [{r.rule: r for r in e.rules} for e in evaluations]
    groups = []
    for rule in rules:
        values: list[float | None] = []
        for stats in by_rule:
            found = stats.get(rule)
            values += [found.precision, found.recall] if found else [None, None]
        groups.append((rule, values))
    return (
        f"<figure>{bar_groups(groups, series)}<figcaption>Per rule: precision (hits on fraud / "
        f"hits) and recall (should-stop events it hit / all should-stop events). Rules with "
        f"no hits have no bars.</figcaption></figure>"
    )


def _rule_table(evaluations: Sequence[Evaluation]) -> str:
    head = ["<th class=l>rule</th>"]
    for i in range(len(evaluations)):
        c = COLORS[i]
        head += [
            f"<th style='color:{c}'>{h} {'AB'[i]}</th>"
            for h in ("hits", "shadow", "on fraud", "precision", "recall", "sole reason")
        ]
    by_rule = [{r.rule: r for r in e.rules} for e in evaluations]
    rows = []
    for rule in evaluations[0].rules:
        cells = [
            f"<td class=l>{escape(rule.rule)}"
            + (" <span class=reg>regulatory</span>" if rule.regulatory else "")
            + "</td>"
        ]
        for stats in by_rule:
            r: RuleStats | None = stats.get(rule.rule)
            if r is None:
                cells.append("<td colspan=6 class=muted>not in this rule set</td>")
                continue
            cells += [
                f"<td>{r.hits:,}</td><td>{r.shadow_hits:,}</td><td>{r.fraud_hits:,}</td>",
                f"<td>{ratio(r.precision)}</td><td>{ratio(r.recall)}</td>",
                f"<td>{r.sole_holds:,}</td>",
            ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<div class=wide><table><tr>{''.join(head)}</tr>{''.join(rows)}</table></div>"


def _scenario_chart(evaluations: Sequence[Evaluation]) -> str:
    fraud = [s.scenario for s in evaluations[0].scenarios if s.is_fraud]
    by_name = [{s.scenario: s for s in e.scenarios} for e in evaluations]
    groups = [
        (name, [stats[name].recall if name in stats else None for stats in by_name])
        for name in fraud
    ]
    series = [(f"{'AB'[i]} recall", COLORS[i]) for i in range(len(evaluations))]
    return (
        f"<figure>{bar_groups(groups, series)}<figcaption>Per scam scenario: share of its "
        f"should-stop transfers and loans that were held.</figcaption></figure>"
    )


def _scenario_tables(evaluations: Sequence[Evaluation]) -> str:
    fraud_head = ["<th class=l>scam scenario</th>", "<th>instances</th>"]
    benign_head = ["<th class=l>benign pattern</th>", "<th>instances</th>"]
    for i in range(len(evaluations)):
        c, n = COLORS[i], "AB"[i]
        fraud_head += [
            f"<th style='color:{c}'>{h} {n}</th>"
            for h in ("should stop", "held", "recall", "interrupted", "KZT at risk", "KZT held")
        ]
        benign_head += [
            f"<th style='color:{c}'>{h} {n}</th>" for h in ("screened", "held", "held share")
        ]
    by_name = [{s.scenario: s for s in e.scenarios} for e in evaluations]
    fraud_rows, benign_rows = [], []
    for sc in evaluations[0].scenarios:
        per: list[ScenarioStats] = [stats[sc.scenario] for stats in by_name]
        name = "everyday (unlabelled)" if sc.scenario == EVERYDAY else sc.scenario
        if sc.is_fraud:
            cells = "".join(
                f"<td>{s.should_stop:,}</td><td>{s.stopped:,}</td><td>{ratio(s.recall)}</td>"
                f"<td>{s.instances_interrupted:,}/{s.instances:,}</td>"
                f"<td>{money(s.amount_at_risk_minor)}</td><td>{money(s.amount_held_minor)}</td>"
                for s in per
            )
            fraud_rows.append(
                f"<tr><td class=l>{escape(name)}</td><td>{sc.instances:,}</td>{cells}</tr>"
            )
        else:
            cells = "".join(
                f"<td>{s.decisions:,}</td><td>{s.held:,}</td><td>{ratio(s.hold_rate)}</td>"
                for s in per
            )
            instances = "" if sc.scenario == EVERYDAY else f"{sc.instances:,}"
            benign_rows.append(
                f"<tr><td class=l>{escape(name)}</td><td>{instances}</td>{cells}</tr>"
            )
    return (
        f"<div class=wide><table><tr>{''.join(fraud_head)}</tr>{''.join(fraud_rows)}</table></div>"
        f"<p class=muted>Interrupted: instances with at least one should-stop event held.</p>"
        f"<table><tr>{''.join(benign_head)}</tr>{''.join(benign_rows)}</table>"
    )


def _differences(title: str, rows: Sequence[Difference], first: str, second: str) -> str:
    head = (
        "<tr><th class=l>time</th><th class=l>event</th><th class=l>customer</th><th>amount</th>"
        f"<th class=l>{first}: verdict, reasons</th><th class=l>{second}</th>"
        "<th class=l>label</th></tr>"
    )
    body = []
    for row in rows[:MAX_DIFFERENCES]:
        d = row.decision
        reasons = ", ".join(r["rule"] for r in d["reasons"])
        other = row.other.get("verdict", "–")
        other_reasons = ", ".join(r["rule"] for r in row.other.get("reasons", ()))
        label = (
            f"{row.label['scenario']} / {row.label['role']}"
            + (" (fraud)" if row.label.get("is_fraud") else "")
            if row.label
            else "everyday"
        )
        body.append(
            f"<tr><td class=l>{escape(_short_time(d['decided_at']))}</td>"
            f"<td class=l>{escape(d['event_type'])} {escape(d['event_id'][:8])}</td>"
            f"<td class=l>{escape(d['customer_id'])}</td>"
            f"<td>{escape(str(d.get('amount', '')))}</td>"
            f"<td class=l>{escape(d['verdict'])}: {escape(reasons)}</td>"
            f"<td class=l>{escape(other)}{': ' + escape(other_reasons) if other_reasons else ''}"
            f"</td><td class=l>{escape(label)}</td></tr>"
        )
    more = (
        f"<p class=muted>First {MAX_DIFFERENCES} of {len(rows):,}.</p>"
        if len(rows) > MAX_DIFFERENCES
        else ""
    )
    return f"<h3>{escape(title)}: {len(rows):,}</h3><table>{head}{''.join(body)}</table>{more}"


def _short_time(text: Any) -> str:
    return datetime.fromisoformat(str(text)).strftime("%d.%m %H:%M:%S")


def _definitions() -> str:
    return (
        "<h2>Definitions</h2><dl>"
        "<dt>held</dt><dd>verdict hold or block.</dd>"
        "<dt>precision</dt><dd>held events labelled is_fraud / held events.</dd>"
        "<dt>recall</dt><dd>held events labelled should_stop / events labelled should_stop "
        "(every transfer or loan that moves money towards scammers, including ones no rule "
        "could reasonably catch).</dd>"
        "<dt>per-rule hits</dt><dd>reasons and shadow reasons naming the rule; its precision "
        "and recall count both, so a shadow rule can be judged before it is enforced.</dd>"
        "<dt>regulatory only</dt><dd>holds required by law (cooling period, Stop-credit, "
        "...) whatever the labels say: the other rules' reasons, combined, stay below the "
        "hold score.</dd>"
        "<dt>everyday</dt><dd>events without a label: ordinary traffic.</dd></dl>"
    )
