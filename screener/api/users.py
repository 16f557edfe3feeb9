"""`screener users add|list|disable|rotate`: the review API's users, kept in Redis.

`add` and `rotate` print the user's token on their last line; it is shown this once and
stored only as a hash. `rotate` replaces a lost, leaked or expiring token: the old one
stops working in the same step.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from screener.adapters.redis_client import redis_from_url
from screener.adapters.redis_cluster_store import keys_for
from screener.api.access import Gatekeeper
from screener.api.auth import Role
from screener.api.errors import ReviewError
from screener.api.store import ReviewStore
from screener.settings import Settings

T = TypeVar("T")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Manage the review API's users."
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a user and print its token (last line)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[role.label for role in Role])
    actions.add_parser("list", help="list users, their roles and whether they are disabled")
    disable = actions.add_parser("disable", help="disable a user; their token stops working")
    disable.add_argument("name")
    rotate = actions.add_parser("rotate", help="a new token (last line); the old one stops")
    rotate.add_argument("name")


def run(args: argparse.Namespace, settings: Settings) -> int:
    operator = f"cli:{_operator()}"
    try:
        if args.action == "add":
            token = _with_gatekeeper(
                settings, lambda g: g.add_user(args.name, Role.parse(args.role), operator)
            )
            print(f"created {args.role} {args.name}; the token below is shown only once")
            print(token)
        elif args.action == "rotate":
            token = _with_gatekeeper(settings, lambda g: g.rotate_token(args.name, operator))
            print(f"new token for {args.name}; the old one no longer works")
            print(token)
        elif args.action == "disable":
            _with_gatekeeper(settings, lambda g: g.disable_user(args.name, operator))
            print(f"disabled {args.name}")
        else:
            users = _with_gatekeeper(settings, lambda g: g.users())
            for user in users:
                state = "disabled" if user.disabled else "active"
                print(f"{user.name}\t{user.role.label}\t{state}\t{user.created_at}")
    except ReviewError as exc:
        print(f"screener users: {exc.message}", file=sys.stderr)
        return 1
    return 0


def add_user(settings: Settings, name: str, role: Role, by: str = "cli:tests") -> str:
    """Create a user and return the token (for tests and scripts)."""
    return _with_gatekeeper(settings, lambda g: g.add_user(name, role, by))


def disable_user(settings: Settings, name: str, by: str = "cli:tests") -> None:
    _with_gatekeeper(settings, lambda g: g.disable_user(name, by))


def _with_gatekeeper(settings: Settings, work: Callable[[Gatekeeper], Awaitable[T]]) -> T:
    async def main() -> T:
        redis = redis_from_url(settings.redis_url, decode_responses=True)
        store = ReviewStore(redis, keys_for(settings.redis_url, settings.redis_prefix))
        try:
            gatekeeper = Gatekeeper(store, settings.review, _now)
            return await work(gatekeeper)
        finally:
            await store.audit_log.slots.aclose()
            await redis.aclose()

    return asyncio.run(main())


def _now() -> datetime:
    return datetime.now(UTC)


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
