"""The hiredis packer must put the same bytes on the wire as redis-py's own."""

from __future__ import annotations

import random

import pytest
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import Connection
from redis.asyncio.sentinel import SentinelConnectionPool
from redis.exceptions import DataError

from screener.adapters.redis_client import (
    HiredisConnection,
    HiredisSentinelConnection,
    parse_redis_url,
    redis_from_url,
)

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


@pytest.mark.parametrize(
    ("url", "mode", "tls", "nodes", "db", "service"),
    [
        ("redis://127.0.0.1:6379/0", "single", False, (), 0, None),
        ("rediss://cache.bank.kz:6380/2", "single", True, (), 0, None),
        (
            "redis+sentinel://s1:26379,s2,[::1]:26380/screener/3",
            "sentinel",
            False,
            (("s1", 26379), ("s2", 26379), ("::1", 26380)),
            3,
            "screener",
        ),
        ("rediss+sentinel://s1/screener", "sentinel", True, (("s1", 26379),), 0, "screener"),
        (
            "redis+cluster://127.0.0.1:6471,127.0.0.1:6472",
            "cluster",
            False,
            (("127.0.0.1", 6471), ("127.0.0.1", 6472)),
            0,
            None,
        ),
        ("rediss+cluster://node-a/0", "cluster", True, (("node-a", 6379),), 0, None),
    ],
)
def test_one_url_chooses_single_sentinel_or_cluster(
    url: str,
    mode: str,
    tls: bool,
    nodes: tuple[tuple[str, int], ...],
    db: int,
    service: str | None,
) -> None:
    target = parse_redis_url(url)
    assert (target.mode, target.tls, target.nodes, target.db, target.service_name) == (
        mode,
        tls,
        nodes,
        db,
        service,
    )


def test_credentials_are_percent_decoded_and_sentinels_have_their_own() -> None:
    target = parse_redis_url(
        "redis+sentinel://screener:p%40ss%3Aword@s1:26379/primary?sentinel_password=s%26cret"
    )
    assert (target.username, target.password) == ("screener", "p@ss:word")
    assert target.sentinel_password == "s&cret"


def test_tls_options_are_kept_for_the_tls_schemes_only() -> None:
    target = parse_redis_url("rediss+cluster://a:1?ssl_ca_certs=/etc/ca.pem&ssl_cert_reqs=none")
    assert target.tls_options == {"ssl_ca_certs": "/etc/ca.pem", "ssl_cert_reqs": "none"}
    with pytest.raises(ValueError, match="unknown option"):
        parse_redis_url("redis+cluster://a:1?ssl_ca_certs=/etc/ca.pem")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:6379", "must start with one of"),
        ("127.0.0.1:6379", "must start with one of"),
        ("redis+sentinel://s1:26379", "names the primary's service"),
        ("redis+cluster://a:1/1", "database 0 only"),
        ("redis+cluster://a:port", "port 'port' is not a number"),
        ("redis+cluster://a:1,:2", "without a host"),
        ("redis+sentinel://s1/screener/zero", "database 'zero' is not a number"),
        ("redis+cluster://a:1/0/extra", "unexpected path"),
        ("redis+cluster://a:1?socket_timeout=5", "unknown option"),
        ("rediss+cluster://a:1?ssl_cert_reqs=maybe", "ssl_cert_reqs must be"),
    ],
)
def test_a_bad_url_is_a_clear_error(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_redis_url(url)


def test_a_cluster_url_builds_a_cluster_client_that_packs_with_hiredis() -> None:
    client = redis_from_url("redis+cluster://127.0.0.1:6471,127.0.0.1:6472")
    assert isinstance(client, RedisCluster)
    nodes = client.nodes_manager.startup_nodes.values()
    assert {node.connection_class for node in nodes} == {HiredisConnection}
    assert client.nodes_manager.connection_kwargs["connection_class"] is HiredisConnection


def test_a_sentinel_url_builds_a_client_of_the_named_primary() -> None:
    client = redis_from_url("redis+sentinel://:secret@s1:26379/screener/2")
    pool = client.connection_pool
    assert isinstance(pool, SentinelConnectionPool)
    assert pool.service_name == "screener"
    assert pool.connection_class is HiredisSentinelConnection
    assert (pool.connection_kwargs["db"], pool.connection_kwargs["password"]) == (2, "secret")
