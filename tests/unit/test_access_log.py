"""The review API's access log names routes, never account numbers, hold ids or notes."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from aiohttp import web

from screener.api.access_log import RouteAccessLogger
from tests import factories


async def _serve_and_call(paths: list[tuple[str, str]]) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.json_response({})

    app = web.Application()
    app.router.add_route("GET", "/api/accounts/{account}", ok)
    app.router.add_route("DELETE", "/api/blocklist/{account}", ok)
    runner = web.AppRunner(app, access_log_class=RouteAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            for method, path in paths:
                async with session.request(method, f"http://127.0.0.1:{port}{path}") as reply:
                    await reply.read()
    finally:
        await runner.cleanup()


def test_access_lines_carry_the_route_not_the_path(caplog: pytest.LogCaptureFixture) -> None:
    account, iin = factories.new_kz_iban(), factories.customer_id()
    caplog.set_level(logging.INFO, logger="screener.api.access")
    asyncio.run(
        _serve_and_call(
            [
                ("GET", f"/api/accounts/{account}"),
                ("DELETE", f"/api/blocklist/{account}?note=customer+{iin}+called"),
                ("GET", f"/nowhere/{account}"),
            ]
        )
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "screener.api.access"]
    assert len(lines) == 3
    assert " GET /api/accounts/{account} 200 " in lines[0]
    assert " DELETE /api/blocklist/{account} 200 " in lines[1]
    assert " GET unmatched 404 " in lines[2]
    assert all(account not in line and iin not in line and "note" not in line for line in lines)
