"""`screener fit`: fit mule_evidence's logistic weights on labelled traffic, with numpy.

mule_evidence scores an account as 100 / (1 + e^-(bias + Σ weight × signal)). Here the
weights are estimated by maximum likelihood (Newton's method on the log-likelihood, with a
small ridge penalty so that signals that barely vary stay near 0 rather than run off):

1. The traffic is replayed through the worker's own core with mule_evidence in shadow and
   reporting from score 0: every account it weighs is reported, with its signals in
   `measured.terms`, and no decision changes because of the pass. The example is the
   account the rule weighed (the more mule-like side of the transfer under the weights of
   the rules file: the same choice the rule makes in production).
2. The label of an example: with generated labels (`screener generate --labels`), whether
   the account weighed is one the scammers control (`mule_accounts_of`); with officers'
   verdicts (`screener labels export`), the verdict on that transfer (confirmed fraud 1,
   released 0), and only the transfers an officer decided count.
3. A signal that never took a non-zero value in the traffic says nothing about its weight
   (`established` needs weeks of profile, a 3-day set has none): its weight is kept from
   the rules file, and the report says so. So are the weights named in `--keep`: on
   generated traffic every dropper is a young holder first seen receiving lately, so an
   unconstrained fit leans on those traits alone (and would suspend a young sole trader);
   keeping them as the fraud team set them lets the fit weigh the behaviour.

`--write OUT` writes the rules file with the fitted bias and weights in place (comments and
everything else kept), so the weights a bank runs are the ones printed, and every one of
them shows in the rule's reasons as before.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from screener.backtest.replay import raw_records, read_jsonl, replay
from screener.domain.config import RuleMode, RulesConfig
from screener.domain.rules import mule_evidence
from screener.settings import Settings, load_rules

DROPPER_ACCOUNT_ROLE = "dropper_account_opened"
# Roles of a dropper's own transfers in the generated labels (traffic/scenarios.py).
FORWARD_ROLES = frozenset({"mule_forward", "first_wave_forward"})
OFFICER_VERDICT = "officer_verdict"

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Fit:
    bias: float
    weights: Mapping[str, float]
    fitted: tuple[str, ...]  # signals estimated from the data
    kept: tuple[str, ...]  # signals never seen non-zero: weight kept from the rules file
    examples: int
    positives: int
    log_loss: float


def fit_logistic(
    x: FloatArray,
    y: FloatArray,
    ridge: float = 1.0,
    iterations: int = 50,
    offset: FloatArray | None = None,
) -> tuple[float, FloatArray]:
    """Maximum-likelihood logistic regression by Newton's method: (bias, weights).

    `x` is examples × signals, `y` 0/1. `ridge` is an L2 penalty on the weights (not the
    bias), in units of examples: it keeps the Hessian invertible when a signal separates
    the classes perfectly, where the unpenalised weight would grow without end. `offset`
    (one value per example) is a fixed part of each logit: the terms whose weights are
    kept, not fitted."""
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"x must be examples × signals and y one label per row: {x.shape}")
    design = np.hstack([np.ones((x.shape[0], 1)), x])
    penalty = np.full(design.shape[1], ridge)
    penalty[0] = 0.0
    beta = np.zeros(design.shape[1])
    fixed = np.zeros(x.shape[0]) if offset is None else offset
    for _ in range(iterations):
        p = _sigmoid(design @ beta + fixed)
        gradient = design.T @ (y - p) - penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        beta += step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return float(beta[0]), beta[1:]


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -35, 35))), dtype=np.float64)


def examples(
    decisions: Iterable[Mapping[str, Any]],
    label_of: Mapping[str, int] | None,
    mule_accounts: frozenset[str],
) -> tuple[FloatArray, FloatArray]:
    """One row of mule_evidence's signals per reported account, and its label (see the
    module's docstring). With `label_of` (officers' verdicts by event id) only those events
    count; otherwise the label is whether the account is in `mule_accounts`."""
    rows: list[list[float]] = []
    labels: list[float] = []
    for decision in decisions:
        hit = _mule_hit(decision)
        if hit is None:
            continue
        measured = hit.get("measured", {})
        if label_of is not None:
            verdict = label_of.get(str(decision.get("event_id")))
            if verdict is None:
                continue
            labels.append(float(verdict))
        else:
            labels.append(float(measured.get("account") in mule_accounts))
        terms = measured.get("terms", {})
        rows.append([float(terms.get(name, {}).get("signal", 0.0)) for name in SIGNALS])
    x = np.array(rows, dtype=np.float64).reshape(len(rows), len(SIGNALS))
    return x, np.array(labels, dtype=np.float64)


SIGNALS = mule_evidence.SIGNALS


def _mule_hit(decision: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for reason in (*decision.get("reasons", ()), *decision.get("shadow_reasons", ())):
        if reason.get("rule") == mule_evidence.RULE_ID:
            return reason  # type: ignore[no-any-return]
    return None


def reporting_config(config: RulesConfig) -> RulesConfig:
    """`config` with mule_evidence in shadow, reporting every account it weighs."""
    settings = config.settings_for(mule_evidence.RULE_ID)
    quiet = dataclasses.replace(settings, mode=RuleMode.SHADOW, report_from_score=0)
    return dataclasses.replace(config, rules={**config.rules, mule_evidence.RULE_ID: quiet})


def mule_accounts_of(
    events: Sequence[Mapping[str, Any]], labels: Iterable[Mapping[str, Any]]
) -> frozenset[str]:
    """The accounts the scammers control, as generated labels tell them: a dropper account
    whose opening was labelled; the receiving account of a scam's payment to a person (a
    "safe account", a dropper, a fake seller: wherever the victims' money was sent); the
    sending account of a dropper's forward. Not every dropper's opening is seen (old
    accounts are sold too), so the payments name the rest."""
    by_id = {str(label["event_id"]): label for label in labels}
    accounts: set[str] = set()
    for line in events:
        event = line["event"]
        label = by_id.get(str(event.get("event_id")))
        if label is None or not label.get("is_fraud"):
            continue
        role = label.get("role")
        if role == DROPPER_ACCOUNT_ROLE:
            accounts.add(str(event.get("account")))
        elif event.get("type") == "transfer":
            if role in FORWARD_ROLES:
                accounts.add(str(event.get("sender_account")))
            if event.get("receiver_kind") == "person" and (
                label.get("should_stop") or role in FORWARD_ROLES | {"first_wave_payment"}
            ):
                accounts.add(str(event.get("receiver_account")))
    return frozenset(accounts)


def fit_traffic(
    sets: Sequence[tuple[Path, Path]],
    config: RulesConfig,
    settings: Settings,
    ridge: float,
    keep: frozenset[str] = frozenset(),
) -> Fit:
    """Replay each (events, labels) pair with `config` and fit the weights on them all."""
    xs, ys = [], []
    for events_path, labels_path in sets:
        lines = read_jsonl(events_path)
        labels = read_jsonl(labels_path)
        print(f"replaying {len(lines):,} records of {events_path} ...", file=sys.stderr)
        result = replay(raw_records(lines), reporting_config(config), settings)
        officer = {
            str(label["event_id"]): int(bool(label["is_fraud"]))
            for label in labels
            if label.get("scenario") == OFFICER_VERDICT
        }
        x, y = examples(result.decisions, officer or None, mule_accounts_of(lines, labels))
        xs.append(x)
        ys.append(y)
    return fit_examples(np.vstack(xs), np.concatenate(ys), config, ridge, keep)


def fit_examples(
    x: FloatArray,
    y: FloatArray,
    config: RulesConfig,
    ridge: float,
    keep: frozenset[str] = frozenset(),
) -> Fit:
    """Fit the bias and the weights of the signals seen in `x`; the weights named in `keep`
    and those of signals never non-zero stay as the rules file has them (the kept terms
    enter the fit as a fixed part of each logit)."""
    if len(y) == 0 or y.min() == y.max():
        raise ValueError(f"need examples of both labels to fit: {int(y.sum())} of {len(y)}")
    unknown = sorted(keep - set(SIGNALS))
    if unknown:
        raise ValueError(f"unknown signals to keep {unknown} (known: {list(SIGNALS)})")
    current = config.settings_for(mule_evidence.RULE_ID).weights
    seen = [i for i, name in enumerate(SIGNALS) if np.any(x[:, i] != 0) and name not in keep]
    kept = [name for i, name in enumerate(SIGNALS) if i not in seen]
    kept_columns = [i for i, name in enumerate(SIGNALS) if name in kept]
    offset = x[:, kept_columns] @ np.array([current[SIGNALS[i]] for i in kept_columns])
    bias, fitted = fit_logistic(x[:, seen], y, ridge, offset=offset)
    weights = {name: float(current[name]) for name in kept}
    weights.update({SIGNALS[i]: float(w) for i, w in zip(seen, fitted, strict=True)})
    p = _sigmoid(bias + x[:, seen] @ fitted + offset)
    loss = -float(np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
    return Fit(
        bias=bias,
        weights={name: weights[name] for name in SIGNALS},
        fitted=tuple(SIGNALS[i] for i in seen),
        kept=tuple(kept),
        examples=len(y),
        positives=int(y.sum()),
        log_loss=loss,
    )


def with_weights(rules_text: str, bias: float, weights: Mapping[str, float]) -> str:
    """The rules file's text with mule_evidence's `bias:` and `weights:` values replaced,
    everything else (comments included) as it was."""
    lines = rules_text.splitlines(keepends=True)
    start = next(
        (n for n, line in enumerate(lines) if re.match(r"^\s+mule_evidence:\s*$", line)), None
    )
    if start is None:
        raise ValueError("the rules file has no mule_evidence section")
    indent = len(lines[start]) - len(lines[start].lstrip())
    done: set[str] = set()
    in_weights = False
    for n in range(start + 1, len(lines)):
        line = lines[n]
        stripped = line.strip()
        depth = len(line) - len(line.lstrip())
        if stripped and not stripped.startswith("#") and depth <= indent:
            break  # the next rule
        bias_line = re.match(r"^(\s+)bias:\s*\S+(.*)$", line)
        if bias_line and not in_weights:
            lines[n] = f"{bias_line.group(1)}bias: {bias:.2f}{bias_line.group(2)}\n"
            done.add("bias")
            continue
        if re.match(r"^\s+weights:\s*$", line):
            in_weights = True
            continue
        term = re.match(r"^(\s+)(\w+):\s*\S+(.*)$", line)
        if in_weights and term and term.group(2) in weights:
            name = term.group(2)
            lines[n] = f"{term.group(1)}{name}: {weights[name]:.2f}{term.group(3)}\n"
            done.add(name)
        elif in_weights and stripped and not stripped.startswith("#"):
            in_weights = False
    missing = ({"bias"} | set(weights)) - done
    if missing:
        raise ValueError(f"mule_evidence: could not find {sorted(missing)} in the rules file")
    return "".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Fit mule_evidence's logistic weights (numpy) on labelled traffic: generated labels "
        "(`screener generate --labels`) or officers' verdicts (`screener labels export`)."
    )
    parser.add_argument("files", type=Path, nargs="+", help="events JSONL, one or more")
    parser.add_argument(
        "--labels", type=Path, action="append", required=True, help="labels JSONL, one per file"
    )
    parser.add_argument("--rules", type=Path, help="rules YAML to start from (default: packaged)")
    parser.add_argument("--write", type=Path, help="write the rules file with the fitted weights")
    parser.add_argument("--ridge", type=float, default=1.0, help="L2 penalty on the weights")
    parser.add_argument(
        "--keep",
        default="",
        help="comma list of signals whose weights stay as the rules file sets them (e.g. "
        "the holder and account traits, where generated droppers are all alike)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if len(args.labels) != len(args.files):
        print("screener fit: give one --labels per events file, in order", file=sys.stderr)
        return 2
    rules_path = args.rules or settings.rules_file
    config = load_rules(rules_path)
    keep = frozenset(name for name in args.keep.split(",") if name)
    try:
        fit = fit_traffic(
            list(zip(args.files, args.labels, strict=True)), config, settings, args.ridge, keep
        )
    except ValueError as exc:
        print(f"screener fit: {exc}", file=sys.stderr)
        return 1
    print(report(fit, config))
    if args.write is not None:
        text = rules_path.read_text("utf-8") if rules_path is not None else _packaged_rules_text()
        args.write.write_text(with_weights(text, fit.bias, fit.weights), encoding="utf-8")
        load_rules(args.write)  # the file written must load
        print(f"rules with the fitted weights: {args.write}", file=sys.stderr)
    return 0


def report(fit: Fit, config: RulesConfig) -> str:
    current = config.settings_for(mule_evidence.RULE_ID)
    lines = [
        f"mule_evidence fit: {fit.examples:,} accounts weighed, {fit.positives:,} droppers "
        f"(or confirmed fraud); mean log-loss {fit.log_loss:.4f}",
        f"  {'term':<20} {'fitted':>8} {'was':>8}",
        f"  {'bias':<20} {fit.bias:>8.2f} {current.bias:>8.2f}",
    ]
    for name in SIGNALS:
        note = "" if name in fit.fitted else "  (kept from the rules file)"
        lines.append(f"  {name:<20} {fit.weights[name]:>8.2f} {current.weights[name]:>8.2f}{note}")
    return "\n".join(lines)


def _packaged_rules_text() -> str:
    from importlib import resources

    return resources.files("screener").joinpath("config/rules.yaml").read_text("utf-8")
