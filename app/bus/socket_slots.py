"""Counted slots for the websocket caps: open connections per client address, live
subscriptions per session.

`MemorySlots` counts in this process. `RedisSlots` counts across every server: each slot is a
member of a sorted set per key (`trex:slots:<kind>:<digest of the key>`: Redis holds no address
in clear), scored by when it lapses; a server renews the slots it holds every `ttl / 3`, so the
slots of a server that was killed lapse within `ttl` (60 s) instead of counting forever. Taking
a slot is one Lua script (drop what lapsed, count, add), so two servers never both take the
last one. While Redis cannot be reached the caps fall back to this process's own count (one log
line per outage), rather than refusing every visitor.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Awaitable
from typing import Any, Protocol, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("trex.websockets")

TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])))
return 1
"""
RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, ARGV[i + 1])
  redis.call('EXPIRE', key, math.ceil(ttl))
end
return #KEYS
"""


class Slots(Protocol):
    async def take(self, key: str, limit: int) -> str | None:
        """A slot under `key` if fewer than `limit` are held, else None."""

    async def give_back(self, key: str, slot: str) -> None: ...

    async def aclose(self) -> None: ...


class MemorySlots:
    def __init__(self) -> None:
        self._held: dict[str, set[str]] = {}

    async def take(self, key: str, limit: int) -> str | None:
        held = self._held.setdefault(key, set())
        if len(held) >= limit:
            return None
        slot = secrets.token_hex(8)
        held.add(slot)
        return slot

    async def give_back(self, key: str, slot: str) -> None:
        held = self._held.get(key)
        if held is not None:
            held.discard(slot)
            if not held:
                del self._held[key]

    def count(self, key: str) -> int:
        return len(self._held.get(key, ()))

    async def aclose(self) -> None:
        self._held.clear()


class RedisSlots:
    def __init__(self, url: str, *, ttl_seconds: float = 60.0, prefix: str = "trex:slots:") -> None:
        self._redis = Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._ttl = ttl_seconds
        self._prefix = prefix
        self._mine: dict[tuple[str, str], None] = {}  # (key, slot) held by this process
        self._local = MemorySlots()  # the count while Redis is unreachable
        self._local_slots: set[str] = set()
        self._down = False
        self._renewer: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._renewer = asyncio.create_task(self._renew_forever(), name="ws-slots-renew")

    async def take(self, key: str, limit: int) -> str | None:
        slot = secrets.token_hex(8)
        try:
            taken = await self._eval(TAKE, 1, self._key(key), limit, slot, self._ttl)
        except (RedisError, OSError) as error:
            self._went_down(error)
            local = await self._local.take(key, limit)
            if local is not None:
                self._local_slots.add(local)
            return local
        self._came_back()
        if not taken:
            return None
        self._mine[(key, slot)] = None
        return slot

    async def give_back(self, key: str, slot: str) -> None:
        if slot in self._local_slots:
            self._local_slots.discard(slot)
            await self._local.give_back(key, slot)
            return
        if self._mine.pop((key, slot), ...) is ...:
            return
        try:
            await self._redis.zrem(self._key(key), slot)
        except (RedisError, OSError) as error:  # it lapses within ttl
            self._went_down(error)

    async def renew(self) -> None:
        """Pushes back the lapse of every slot this process holds."""
        if not self._mine:
            return
        keys = [self._key(key) for key, _ in self._mine]
        slots = [slot for _, slot in self._mine]
        try:
            await self._eval(RENEW, len(keys), *keys, self._ttl, *slots)
        except (RedisError, OSError) as error:
            self._went_down(error)
        else:
            self._came_back()

    def _key(self, key: str) -> str:
        kind, _, value = key.partition(":")
        return f"{self._prefix}{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"

    async def _eval(self, script: str, keys: int, *args: str | int | float) -> Any:
        return await cast(Awaitable[Any], self._redis.eval(script, keys, *args))

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            await self.renew()

    def _went_down(self, error: Exception) -> None:
        if not self._down:
            self._down = True
            log.warning(
                "websocket caps: Redis unreachable (%s); counting in this process meanwhile",
                type(error).__name__,
            )

    def _came_back(self) -> None:
        if self._down:
            self._down = False
            log.info("websocket caps: Redis reachable again; counting across servers")

    async def aclose(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            await asyncio.gather(self._renewer, return_exceptions=True)
        mine, self._mine = list(self._mine), {}
        try:
            for key, slot in mine:
                await self._redis.zrem(self._key(key), slot)
        except (RedisError, OSError):
            pass  # they lapse within ttl
        await self._redis.aclose()
