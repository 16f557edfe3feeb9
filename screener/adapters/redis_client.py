"""The worker's asyncio Redis client, with commands packed by hiredis.

redis-py's asyncio connections build every command's wire bytes in Python (its sync
client already uses hiredis for this); a batch writes a few thousand commands, and the
packing was about a tenth of the worker's CPU (BENCHMARKS.md, "Where the time goes").
Replies were already parsed by hiredis. Same protocol, same bytes on the wire.
"""

from __future__ import annotations

from typing import Any

import hiredis
from redis.asyncio import Redis
from redis.asyncio.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import DataError


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


_FASTER = {
    Connection: HiredisConnection,
    SSLConnection: HiredisSSLConnection,
    UnixDomainSocketConnection: HiredisUnixConnection,
}


def redis_from_url(url: str, **options: Any) -> Redis:
    """`Redis.from_url`, with the connection class the URL asks for made to pack with
    hiredis (redis://, rediss:// and unix:// alike)."""
    client: Redis = Redis.from_url(url, **options)
    pool = client.connection_pool
    pool.connection_class = _FASTER.get(pool.connection_class, pool.connection_class)
    return client
