"""The one place that builds the screener's asyncio Redis clients, from one URL.

`SCREENER_REDIS_URL` chooses the deployment (deploy/README.md §3):

- `redis://[user:password@]host:port/db`, `rediss://…` (TLS), `unix:///path`: one Redis.
- `redis+sentinel://[user:password@]host:port[,host:port…]/service[/db]`,
  `rediss+sentinel://…`: the primary the Sentinels name for `service` (Sentinel port 26379
  by default), followed across failovers.
- `redis+cluster://[user:password@]host:port[,host:port…]`, `rediss+cluster://…`: a Redis
  Cluster discovered from any of the nodes given (port 6379 by default; database 0 only).

The user and password are the data nodes'. Sentinels that need their own take
`?sentinel_username=…&sentinel_password=…`; the TLS schemes take `?ssl_ca_certs=PATH` and
`?ssl_cert_reqs=required|optional|none`. Anything else in the query is an error, not
silently ignored.

Every client packs commands with hiredis: redis-py's asyncio connections build every
command's wire bytes in Python (its sync client already uses hiredis for this); a batch
writes a few thousand commands, and the packing was about a tenth of the worker's CPU
(BENCHMARKS.md, "Where the time goes"). Replies were already parsed by hiredis. Same
protocol, same bytes on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast
from urllib.parse import parse_qsl, unquote, urlsplit

import hiredis
import redis as blocking
import redis.cluster
import redis.sentinel
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.connection import (
    AbstractConnection,
    Connection,
    SSLConnection,
    UnixDomainSocketConnection,
)
from redis.asyncio.sentinel import (
    Sentinel,
    SentinelManagedConnection,
    SentinelManagedSSLConnection,
)
from redis.exceptions import DataError

RedisMode = Literal["single", "sentinel", "cluster"]

_SCHEMES: dict[str, tuple[RedisMode, bool]] = {
    "redis": ("single", False),
    "rediss": ("single", True),
    "unix": ("single", False),
    "redis+sentinel": ("sentinel", False),
    "rediss+sentinel": ("sentinel", True),
    "redis+cluster": ("cluster", False),
    "rediss+cluster": ("cluster", True),
}
_DEFAULT_PORTS: dict[RedisMode, int] = {"single": 6379, "sentinel": 26379, "cluster": 6379}
_SENTINEL_OPTIONS = ("sentinel_username", "sentinel_password")
_TLS_OPTIONS = ("ssl_ca_certs", "ssl_cert_reqs")
_CERT_REQS = ("required", "optional", "none")


class _HiredisPacking:
    def pack_command(self, *args: Any) -> list[bytes]:
        # A command name given with a space ("CLIENT SETNAME") is two words on the wire.
        if isinstance(args[0], str):
            args = tuple(args[0].encode().split()) + args[1:]
        elif b" " in args[0]:
            args = tuple(args[0].split()) + args[1:]
        try:
            return [hiredis.pack_command(args)]
        except TypeError as error:  # as redis-py's own packer reports a bad argument
            raise DataError(str(error)) from error


class HiredisConnection(_HiredisPacking, Connection):
    pass


class HiredisSSLConnection(_HiredisPacking, SSLConnection):
    pass


class HiredisUnixConnection(_HiredisPacking, UnixDomainSocketConnection):
    pass


class HiredisSentinelConnection(_HiredisPacking, SentinelManagedConnection):
    pass


class HiredisSentinelSSLConnection(_HiredisPacking, SentinelManagedSSLConnection):
    pass


_FASTER: dict[type[AbstractConnection], type[AbstractConnection]] = {
    Connection: HiredisConnection,
    SSLConnection: HiredisSSLConnection,
    UnixDomainSocketConnection: HiredisUnixConnection,
}


@dataclass(frozen=True, slots=True)
class RedisTarget:
    """What a `SCREENER_REDIS_URL` points at (without the client: pure, testable)."""

    mode: RedisMode
    tls: bool
    # One Redis: the URL as given (redis-py parses it); otherwise the seed nodes.
    url: str
    nodes: tuple[tuple[str, int], ...] = ()
    username: str | None = None
    password: str | None = None
    db: int = 0
    service_name: str | None = None  # Sentinel's name for the primary
    sentinel_username: str | None = None
    sentinel_password: str | None = None
    tls_options: dict[str, str] = field(default_factory=dict)


def parse_redis_url(url: str) -> RedisTarget:
    """Read a Redis URL of any of the module's forms; ValueError says what is wrong."""
    scheme, separator, _ = url.partition("://")
    if not separator or scheme.lower() not in _SCHEMES:
        raise ValueError(
            f"SCREENER_REDIS_URL must start with one of {', '.join(s + '://' for s in _SCHEMES)}"
        )
    mode, tls = _SCHEMES[scheme.lower()]
    if mode == "single":
        return RedisTarget(mode=mode, tls=tls, url=url)
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":") if at else ("", "", "")
    nodes = tuple(_node(text, _DEFAULT_PORTS[mode]) for text in hosts.split(","))
    path = [unquote(segment) for segment in parts.path.split("/") if segment]
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    allowed = (_SENTINEL_OPTIONS if mode == "sentinel" else ()) + (_TLS_OPTIONS if tls else ())
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(
            f"SCREENER_REDIS_URL: unknown option(s) {', '.join(unknown)} for {scheme}:// "
            f"(allowed: {', '.join(allowed) or 'none'})"
        )
    if options.get("ssl_cert_reqs", "required") not in _CERT_REQS:
        raise ValueError(f"SCREENER_REDIS_URL: ssl_cert_reqs must be one of {_CERT_REQS}")
    service_name: str | None = None
    if mode == "sentinel":
        if not path:
            raise ValueError(
                "SCREENER_REDIS_URL: a Sentinel URL names the primary's service after the "
                "hosts, e.g. redis+sentinel://sentinel-1:26379,sentinel-2:26379/screener/0"
            )
        service_name, path = path[0], path[1:]
    if len(path) > 1:
        raise ValueError(f"SCREENER_REDIS_URL: unexpected path /{'/'.join(path)}")
    db = _number(path[0], "database") if path else 0
    if mode == "cluster" and db != 0:
        raise ValueError("SCREENER_REDIS_URL: a Redis Cluster has database 0 only")
    return RedisTarget(
        mode=mode,
        tls=tls,
        url=url,
        nodes=nodes,
        username=unquote(username) or None,
        password=unquote(password) or None,
        db=db,
        service_name=service_name,
        sentinel_username=options.get("sentinel_username") or None,
        sentinel_password=options.get("sentinel_password") or None,
        tls_options={k: v for k, v in options.items() if k in _TLS_OPTIONS},
    )


def redis_from_url(url: str, **options: Any) -> Redis:
    """The client for `url` (any form of `parse_redis_url`); `options` (timeouts,
    `decode_responses`) go to every connection it makes. Nothing connects yet.

    A cluster URL gives a `RedisCluster`, typed here as `Redis`: it answers the same
    commands, but is not a subclass, and the stores are typed against `Redis`. Until the
    key layout gives every script and transaction one hash slot (phase 2 of issue #12) the
    stores work on a cluster for single-key commands only; their scripts fail there with
    CROSSSLOT.
    """
    target = parse_redis_url(url)
    if target.mode == "sentinel":
        return _sentinel_primary(target, options)
    if target.mode == "cluster":
        return cast(Redis, _cluster(target, options))
    client: Redis = Redis.from_url(url, **options)
    pool = client.connection_pool
    pool.connection_class = _FASTER.get(pool.connection_class, pool.connection_class)
    return client


def blocking_redis_from_url(url: str, **options: Any) -> blocking.Redis:
    """A blocking client for `url` (any form of `parse_redis_url`), for the tools that are
    no asyncio programs: the benchmark, the tests. A cluster's is a `RedisCluster` (typed
    as `Redis`, as `redis_from_url`'s is), which splits multi-key DEL and SCAN over nodes."""
    target = parse_redis_url(url)
    if target.mode == "cluster":
        return cast(
            blocking.Redis,
            blocking.RedisCluster(  # type: ignore[abstract]  # as in _cluster below
                startup_nodes=[
                    blocking.cluster.ClusterNode(h, p)  # type: ignore[no-untyped-call]
                    for h, p in target.nodes
                ],
                username=target.username,
                password=target.password,
                **_tls_arguments(target),
                **options,
            ),
        )
    if target.mode == "sentinel":
        assert target.service_name is not None  # parse_redis_url requires it
        sentinels = blocking.Sentinel(  # type: ignore[no-untyped-call]
            list(target.nodes),
            sentinel_kwargs={
                "username": target.sentinel_username,
                "password": target.sentinel_password,
                **_tls_arguments(target),
                **{
                    k: options[k]
                    for k in ("socket_timeout", "socket_connect_timeout")
                    if k in options
                },
            },
        )
        primary: blocking.Redis = sentinels.master_for(  # type: ignore[no-untyped-call]
            target.service_name,
            connection_class=(
                blocking.sentinel.SentinelManagedSSLConnection
                if target.tls
                else blocking.sentinel.SentinelManagedConnection
            ),
            db=target.db,
            username=target.username,
            password=target.password,
            **{key: value for key, value in _tls_arguments(target).items() if key != "ssl"},
            **options,
        )
        return primary
    return blocking.Redis.from_url(url, **options)


def _sentinel_primary(target: RedisTarget, options: dict[str, Any]) -> Redis:
    tls = _tls_arguments(target)
    sentinel_options = {
        key: options[key] for key in ("socket_timeout", "socket_connect_timeout") if key in options
    }
    sentinels = Sentinel(  # type: ignore[no-untyped-call]
        list(target.nodes),
        sentinel_kwargs={
            "username": target.sentinel_username,
            "password": target.sentinel_password,
            **tls,
            **sentinel_options,
        },
    )
    assert target.service_name is not None  # parse_redis_url requires it
    primary: Redis = sentinels.master_for(
        target.service_name,
        connection_class=HiredisSentinelSSLConnection if target.tls else HiredisSentinelConnection,
        db=target.db,
        username=target.username,
        password=target.password,
        **{key: value for key, value in tls.items() if key != "ssl"},
        **options,
    )
    return primary


def _cluster(target: RedisTarget, options: dict[str, Any]) -> RedisCluster:
    # redis-py 5.2 marks RedisCluster abstract in its stubs (an inherited attribute it sets
    # per node); it is the library's documented client.
    client = RedisCluster(  # type: ignore[abstract]
        startup_nodes=[ClusterNode(host, port) for host, port in target.nodes],
        username=target.username,
        password=target.password,
        **_tls_arguments(target),
        **options,
    )
    # RedisCluster takes no connection class; the nodes it discovers later are built from
    # this dict, the seed nodes already were.
    shared = client.nodes_manager.connection_kwargs
    shared["connection_class"] = _FASTER[shared.get("connection_class", Connection)]
    for node in client.nodes_manager.startup_nodes.values():
        node.connection_class = shared["connection_class"]
    return client


def _tls_arguments(target: RedisTarget) -> dict[str, Any]:
    if not target.tls:
        return {}
    return {"ssl": True, **target.tls_options}


def _node(text: str, default_port: int) -> tuple[str, int]:
    host, port = text.strip(), ""
    if host.startswith("["):  # [IPv6]:port
        closing = host.find("]")
        host, port = host[1:closing], host[closing + 1 :].removeprefix(":")
    elif host.count(":") == 1:
        host, port = host.split(":")
    if not host:
        raise ValueError(f"SCREENER_REDIS_URL: a node without a host in {text!r}")
    return host, _number(port, "port") if port else default_port


def _number(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"SCREENER_REDIS_URL: {what} {text!r} is not a number") from None
