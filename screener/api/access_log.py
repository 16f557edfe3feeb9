"""The review API's access log: one line per request, naming the route, never the path.

aiohttp's default line records the request line as sent: account numbers in
`/api/accounts/{account}` and `/api/blocklist/{account}`, hold ids, and the query string
with an officer's note (`DELETE /api/blocklist/...?note=...`). This line has the route's
template instead and no query, and passes through the masking formatter like every line.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

log = logging.getLogger("screener.api.access")


def route_template(request: web.BaseRequest) -> str:
    """`/api/accounts/{account}` for `/api/accounts/KZ86...`; `unmatched` for a 404."""
    match_info = getattr(request, "match_info", None)
    resource = match_info.route.resource if match_info is not None else None
    return resource.canonical if resource is not None else "unmatched"


class RouteAccessLogger(AbstractAccessLogger):
    def __init__(self, logger: logging.Logger, log_format: str = "") -> None:
        # aiohttp hands over its own `aiohttp.access` logger: the lines go to ours.
        super().__init__(log, log_format)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %d %.1fms",
            request.remote or "-",
            request.method,
            route_template(request),
            response.status,
            time * 1000,
        )
