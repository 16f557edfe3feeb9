"""`screener fit`: the numpy fitter recovers known logistic weights, reads the signals
mule_evidence reports, labels them from generated labels or officers' verdicts, and writes
the weights into a rules file that still loads."""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np
import pytest
import yaml

from screener.backtest.fit import (
    SIGNALS,
    examples,
    fit_examples,
    fit_logistic,
    mule_accounts_of,
    reporting_config,
    with_weights,
)
from screener.domain.config import RuleMode
from screener.settings import load_rules

PACKAGED = resources.files("screener").joinpath("config/rules.yaml").read_text("utf-8")


def synthetic(weights: list[float], bias: float, n: int, seed: int) -> tuple[Any, Any]:
    """Signals in 0..1 (some binary, like mule_evidence's), labels drawn from the model."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, size=(n, len(weights)))
    x[:, 1] = (x[:, 1] < 0.3).astype(float)
    p = 1 / (1 + np.exp(-(bias + x @ np.array(weights))))
    y = (rng.uniform(size=n) < p).astype(float)
    return x, y


def test_the_fitter_recovers_known_weights() -> None:
    truth, bias = [2.0, -1.5, 3.0, 0.0], -1.0
    x, y = synthetic(truth, bias, 40_000, seed=7)
    fitted_bias, fitted = fit_logistic(x, y, ridge=0.0)
    assert fitted_bias == pytest.approx(bias, abs=0.15)
    assert fitted == pytest.approx(truth, abs=0.15)


def test_the_ridge_keeps_a_perfectly_separating_signal_finite() -> None:
    x = np.array([[0.0], [0.0], [1.0], [1.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    bias, weights = fit_logistic(x, y, ridge=1.0)
    assert np.isfinite(weights).all() and 0 < weights[0] < 10
    assert bias < 0


def test_a_signal_never_seen_keeps_its_weight_from_the_rules_file() -> None:
    config = load_rules()
    current = config.settings_for("mule_evidence").weights
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, size=(5_000, len(SIGNALS)))
    x[:, SIGNALS.index("established")] = 0.0
    y = (rng.uniform(size=5_000) < 1 / (1 + np.exp(-(x[:, 0] * 3 - 2)))).astype(float)
    fit = fit_examples(x, y, config, ridge=1.0)
    assert fit.kept == ("established",)
    assert fit.weights["established"] == current["established"]
    assert fit.weights["fan_in"] == pytest.approx(3.0, abs=0.4)
    with pytest.raises(ValueError, match="both labels"):
        fit_examples(x, np.zeros(5_000), config, ridge=1.0)


def decision(event_id: str, account: str, terms: dict[str, float], shadow: bool) -> dict[str, Any]:
    reason = {
        "rule": "mule_evidence",
        "measured": {
            "account": account,
            "terms": {name: {"signal": value, "weight": 1.0} for name, value in terms.items()},
        },
    }
    key = "shadow_reasons" if shadow else "reasons"
    return {"event_id": event_id, "reasons": [], "shadow_reasons": [], key: [reason]}


def test_examples_read_the_reported_signals_and_label_them() -> None:
    decisions = [
        decision("e1", "KZ-MULE", {"fan_in": 1.0, "forwarded": 0.9}, shadow=True),
        decision("e2", "KZ-SHOP", {"fan_in": 0.5}, shadow=False),
        {"event_id": "e3", "reasons": [{"rule": "velocity"}], "shadow_reasons": []},
    ]
    x, y = examples(decisions, None, frozenset({"KZ-MULE"}))
    assert y.tolist() == [1.0, 0.0]
    assert x[0, SIGNALS.index("forwarded")] == 0.9 and x[1, SIGNALS.index("fan_in")] == 0.5
    # Officers' verdicts label only the transfers they decided.
    x, y = examples(decisions, {"e2": 1}, frozenset())
    assert y.tolist() == [1.0] and x.shape == (1, len(SIGNALS))


def test_dropper_accounts_come_from_the_generated_labels() -> None:
    def transfer(event_id: str, sender: str, receiver: str, kind: str = "person") -> Any:
        return {
            "topic": "transfers",
            "event": {
                "event_id": event_id,
                "type": "transfer",
                "sender_account": sender,
                "receiver_account": receiver,
                "receiver_kind": kind,
            },
        }

    events = [
        {"topic": "customer_events", "event": {"event_id": "o1", "account": "KZ-MULE"}},
        {"topic": "customer_events", "event": {"event_id": "o2", "account": "KZ-DEPOSIT"}},
        transfer("t1", "KZ-VICTIM", "KZ-OLD-MULE"),  # an old account: no opening seen
        transfer("t2", "KZ-OLD-MULE", "KZ-CRYPTO", kind="crypto_exchange"),
        transfer("t3", "KZ-VICTIM-DEPOSIT", "KZ-VICTIM"),  # the victim's own deposit closed
        transfer("t4", "KZ-SHOPPER", "KZ-SELLER"),  # an honest payment
    ]
    labels = [
        {"event_id": "o1", "role": "dropper_account_opened", "is_fraud": True},
        {"event_id": "o2", "is_fraud": False},
        {"event_id": "t1", "role": "victim_payment", "is_fraud": True, "should_stop": True},
        {"event_id": "t2", "role": "mule_forward", "is_fraud": True, "should_stop": True},
        {"event_id": "t3", "role": "deposit_closed", "is_fraud": True, "should_stop": False},
        {"event_id": "t4", "role": "purchase", "is_fraud": False, "should_stop": False},
    ]
    assert mule_accounts_of(events, labels) == frozenset({"KZ-MULE", "KZ-OLD-MULE"})


def test_the_fit_pass_reports_every_account_without_enforcing() -> None:
    settings = reporting_config(load_rules()).settings_for("mule_evidence")
    assert settings.mode is RuleMode.SHADOW and settings.report_from_score == 0


def test_the_weights_are_written_into_the_rules_file_which_still_loads(tmp_path: Any) -> None:
    weights = {name: round(0.25 * n - 1, 2) for n, name in enumerate(SIGNALS)}
    text = with_weights(PACKAGED, -3.21, weights)
    raw = yaml.safe_load(text)["rules"]["mule_evidence"]
    assert raw["bias"] == -3.21 and raw["weights"] == weights
    # Only those lines changed; every comment is still there.
    changed = [a for a, b in zip(PACKAGED.splitlines(), text.splitlines(), strict=True) if a != b]
    assert len(changed) <= len(SIGNALS) + 1
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_rules(path).settings_for("mule_evidence").weights == weights


def test_kept_weights_enter_the_fit_as_a_fixed_offset() -> None:
    """With one true weight held at its known value, the others are still recovered."""
    config = load_rules()
    current = config.settings_for("mule_evidence").weights
    truth = {name: 0.0 for name in SIGNALS}
    truth.update(fan_in=2.5, forwarded=1.5, young_holder=current["young_holder"])
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 1, size=(30_000, len(SIGNALS)))
    logit = -2.0 + x @ np.array([truth[name] for name in SIGNALS])
    y = (rng.uniform(size=30_000) < 1 / (1 + np.exp(-logit))).astype(float)
    fit = fit_examples(x, y, config, ridge=0.0, keep=frozenset({"young_holder"}))
    assert "young_holder" in fit.kept and fit.weights["young_holder"] == current["young_holder"]
    assert fit.bias == pytest.approx(-2.0, abs=0.2)
    assert fit.weights["fan_in"] == pytest.approx(2.5, abs=0.2)
    assert fit.weights["forwarded"] == pytest.approx(1.5, abs=0.2)
    with pytest.raises(ValueError, match="unknown signals"):
        fit_examples(x, y, config, ridge=0.0, keep=frozenset({"shoe_size"}))
