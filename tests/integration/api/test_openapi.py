"""The OpenAPI 3.1 description at /api/openapi.json, and schemathesis against the live API:
every documented operation, as every role, must never answer 500 and must answer as
described. Counts go to artifacts/schemathesis-<role>.txt."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from screener.api.openapi import APP_ROUTES
from tests.integration.api.support import ReviewApi, seed_hold

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"
# Examples per operation: enough to reach the 400s, 404s and 409s of every call in minutes.
EXAMPLES = os.environ.get("SCREENER_SCHEMATHESIS_EXAMPLES", "25")


def test_every_api_route_is_described_without_a_token(review: ReviewApi) -> None:
    response = review.call("GET", "/api/openapi.json")
    assert response.status == 200
    document = response.body
    assert document["openapi"] == "3.1.0"
    described = {
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops
    }
    routed = {(r.method, r.path) for r in APP_ROUTES if r.path.startswith("/api/")}
    assert described == routed
    roles = {
        op["x-role"] for ops in document["paths"].values() for op in ops.values() if "x-role" in op
    }
    assert roles == {"viewer", "officer", "supervisor"}


def test_schemathesis_finds_no_500_and_no_undocumented_answer(review: ReviewApi) -> None:
    for _ in range(3):
        seed_hold(review.settings, score=70)
    ARTIFACTS.mkdir(exist_ok=True)
    totals = {}
    for role in ("viewer", "officer", "supervisor"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{review.base_url}/api/openapi.json",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                "response_schema_conformance",
                "--header",
                f"Authorization: Bearer {review.tokens[role]}",
                "--hypothesis-max-examples",
                EXAMPLES,
                "--hypothesis-derandomize",
                "--hypothesis-suppress-health-check",
                "all",
                "--experimental=openapi-3.1",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        (ARTIFACTS / f"schemathesis-{role}.txt").write_text(done.stdout + done.stderr)
        assert done.returncode == 0, done.stdout[-4000:]
        summary = re.search(r"=+ (\d+) passed in ", done.stdout)
        assert summary, done.stdout[-2000:]
        totals[role] = int(summary.group(1))
    operations = sum(1 for r in APP_ROUTES if r.path.startswith("/api/"))
    assert all(count == operations for count in totals.values()), totals
