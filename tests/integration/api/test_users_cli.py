"""`screener users add|list|disable`, run as an operator runs it, against real Redis."""

from __future__ import annotations

import os
import subprocess
import sys

import redis

from screener.api.auth import token_digest
from screener.api.server import create_app
from screener.settings import Settings
from tests.integration.api.support import ServerThread, delete_prefix, http, isolated_env


def screener(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screener.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_users_are_added_listed_and_disabled_and_tokens_are_stored_hashed(
    services: dict[str, str],
) -> None:
    env = isolated_env(services)
    settings = Settings.from_env(env)
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    server = ServerThread(create_app(settings))
    base = server.start()
    try:
        added = screener(env, "users", "add", "aigerim", "--role", "officer")
        assert added.returncode == 0, added.stderr
        token = added.stdout.strip().splitlines()[-1]
        assert len(token) >= 43 and " " not in token

        me = http("GET", base + "/api/me", token=token)
        assert me.status == 200 and me.body["name"] == "aigerim" and me.body["role"] == "officer"

        everything = "".join(
            f"{key}{client.dump(key)!r}" for key in client.scan_iter(f"{settings.redis_prefix}*")
        )
        assert token not in everything, "the token itself is never stored"
        assert client.hget(f"{settings.redis_prefix}user:aigerim", "token_sha256") == token_digest(
            token
        )

        again = screener(env, "users", "add", "aigerim", "--role", "viewer")
        assert again.returncode == 1 and "exists" in again.stderr
        bad_role = screener(env, "users", "add", "dana", "--role", "admin")
        assert bad_role.returncode == 2
        bad_name = screener(env, "users", "add", "dana smith", "--role", "viewer")
        assert bad_name.returncode == 1
        boss = screener(env, "users", "add", "dana", "--role", "supervisor")
        assert boss.returncode == 0

        listed = screener(env, "users", "list")
        rows = [line.split("\t")[:3] for line in listed.stdout.strip().splitlines()]
        assert rows == [["aigerim", "officer", "active"], ["dana", "supervisor", "active"]]

        disabled = screener(env, "users", "disable", "aigerim")
        assert disabled.returncode == 0
        assert http("GET", base + "/api/me", token=token).status == 401
        rows = [line.split("\t")[:3] for line in screener(env, "users", "list").stdout.splitlines()]
        assert ["aigerim", "officer", "disabled"] in rows
        assert screener(env, "users", "disable", "nobody").returncode == 1

        boss_token = boss.stdout.strip().splitlines()[-1]
        trail = http("GET", base + "/api/audit", token=boss_token).body["audit"]
        assert [(e["action"], e["note"]) for e in trail] == [
            ("user_add", "aigerim"),
            ("user_add", "dana"),
            ("user_disable", "aigerim"),
        ]
        assert all(e["by"].startswith("cli:") for e in trail)
    finally:
        server.stop()
        delete_prefix(client, settings.redis_prefix)
        client.close()
