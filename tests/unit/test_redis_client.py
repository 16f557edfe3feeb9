"""The hiredis packer must put the same bytes on the wire as redis-py's own."""

from __future__ import annotations

import random

import pytest
from redis.asyncio.connection import Connection
from redis.exceptions import DataError

from screener.adapters.redis_client import HiredisConnection, redis_from_url

COMMANDS = [
    ("SET", "key", "value", "EX", 10),
    ("ZADD", "flows", 1763000000.5, "a", 0.1, "b", 1e20, "c", -3.0, "d"),
    ("EVALSHA", "abc", 2, "k1", "k2", b"\x00\xff", 12345678901234567890),
    ("CLIENT SETNAME", "worker"),
    ("SET", "ключ", "мән"),
]


def test_packs_the_same_bytes_as_redis_py() -> None:
    scores = random.Random(7)
    commands = COMMANDS + [
        ("ZADD", "z", scores.uniform(-1e12, 1e12), "m", scores.random(), "n") for _ in range(200)
    ]
    python_packer, hiredis_packer = Connection(), HiredisConnection()
    for command in commands:
        expected = b"".join(python_packer.pack_command(*command))
        assert b"".join(hiredis_packer.pack_command(*command)) == expected, command


def test_a_bad_argument_is_a_data_error_as_in_redis_py() -> None:
    with pytest.raises(DataError):
        HiredisConnection().pack_command("SET", "key", None)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "HiredisConnection"),
        ("rediss://127.0.0.1:6380/0", "HiredisSSLConnection"),
        ("unix:///tmp/redis.sock", "HiredisUnixConnection"),
    ],
)
def test_every_url_scheme_gets_the_hiredis_packer(url: str, expected: str) -> None:
    client = redis_from_url(url)
    assert client.connection_pool.connection_class.__name__ == expected
