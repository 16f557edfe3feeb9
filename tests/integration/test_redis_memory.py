"""Bounded Redis memory (issue #10, finding 8): after generated traffic screened through
the worker's service and Redis store on a real Redis, every key the screener wrote has a
lifetime, except the ones documented as kept by design (open holds wait for an officer;
the hold indexes, the outbox and the capped audit stream are trimmed by their updates)."""

from __future__ import annotations

import asyncio

from screener.bench.redis_memory import WITHOUT_TTL_BY_DESIGN, markdown, measure


def test_every_key_has_a_lifetime_or_a_documented_reason(services: dict[str, str]) -> None:
    report = asyncio.run(measure(services["SCREENER_REDIS_URL"], customers=300, days=2))
    assert report.unknown_keys == []
    assert report.decisions > 0 and report.holds > 0
    for kind, usage in report.kinds.items():
        if kind not in WITHOUT_TTL_BY_DESIGN:
            assert usage.without_ttl == 0, f"{usage.without_ttl} {kind} keys never expire"
    # Of the holds, only the open ones live until an officer decides; blocked ones expire.
    assert report.kinds["hold"].without_ttl == report.open_holds
    assert "per decision" in markdown(report)
