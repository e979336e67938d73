"""Rate limits: a small adapter over the `limits` library (its asyncio API), the only module
that imports it.

One rule per field of `settings.RateLimits`, each in the library's notation ("30/minute",
"5/second;100/hour"); "", "0" or "off" turns a rule off. Counts live in Redis when the servers
have one (so every server counts against the same budget), else in this process's memory.

The strategy is the sliding window counter: two counters per key whatever the rate, where a
moving window keeps one entry per request (600 for "600/minute", for every client address).
Its count weighs the previous window by how much of it is still inside the last period, which
smooths the burst a fixed window allows at its edges.

Redis down or slow must not take the API down with it: a storage error or a check slower than
`TIMEOUT_SECONDS` lets the request through (fail open), with one warning at most every
`WARN_EVERY_SECONDS`. Keys are digests, so Redis holds no client address in clear.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Awaitable
from dataclasses import fields
from typing import TypeVar

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

from app.settings import RateLimits

log = logging.getLogger("trex.ratelimits")
OFF = frozenset({"", "0", "off"})
PREFIX = "trex-rate"
TIMEOUT_SECONDS = 0.25
WARN_EVERY_SECONDS = 10.0
SWEEP_SECONDS = 10.0
T = TypeVar("T")


class SweptMemoryStorage(MemoryStorage):
    """The library's memory storage, with its expired keys swept at most every SWEEP_SECONDS.

    Its own `incr` starts a scan of every key after each hit; with a key per session that scan
    ran all the time under load (8% of a transition's CPU in `make bench`). An expired key is
    dropped anyway when it is next read (`get`), so the sweep only bounds memory."""

    # Its own scheme: the library keeps a registry of storages by scheme.
    STORAGE_SCHEME = ["async+trex-swept-memory"]  # noqa: RUF012 - as the library declares it

    def __init__(self) -> None:
        super().__init__()
        self._swept_at = time.monotonic()

    async def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        await self.get(key)  # drops the key if it expired
        self._sweep()
        async with self.locks[key]:
            self.storage[key] += amount
            if self.storage[key] == amount:
                self.expirations[key] = time.time() + expiry
        return self.storage.get(key, amount)

    async def decr(self, key: str, amount: int = 1) -> int:
        await self.get(key)
        async with self.locks[key]:
            self.storage[key] = max(self.storage[key] - amount, 0)
        return self.storage.get(key, amount)

    def _sweep(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < SWEEP_SECONDS:
            return
        self._swept_at, wall = now, time.time()
        for key in [key for key, at in self.expirations.items() if at <= wall]:
            self.storage.pop(key, None)
            self.expirations.pop(key, None)
            self.locks.pop(key, None)


class RateLimiter:
    """`hit(rule, key)`: None when allowed, else the seconds to wait (for Retry-After)."""

    def __init__(self, rates: RateLimits, redis_url: str | None = None) -> None:
        self._rules = {
            spec.name: parsed_rate(spec.name, getattr(rates, spec.name)) for spec in fields(rates)
        }
        self._pool: ConnectionPool | None = None
        storage: Storage
        if redis_url:
            # Our own pool, so that closing the server closes its connections.
            self._pool = ConnectionPool.from_url(redis_url, socket_connect_timeout=TIMEOUT_SECONDS)
            storage = RedisStorage(
                "async+" + redis_url,
                implementation="redispy",
                key_prefix=PREFIX,
                wrap_exceptions=True,
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
        else:
            storage = SweptMemoryStorage()
        self._strategy = SlidingWindowCounterRateLimiter(storage)
        self._warned_at = -math.inf

    def active(self, rule: str) -> bool:
        return bool(self._rules[rule])

    async def hit(self, rule: str, key: str) -> float | None:
        """Count one request of `key` under `rule` (a field name of RateLimits)."""
        for item in self._rules[rule]:
            allowed = await self._safely(self._strategy.hit(item, rule, _digest(key)), True)
            if not allowed:
                return await self._retry_after(item, rule, key)
        return None

    async def exhausted(self, rule: str, key: str) -> float | None:
        """Whether `key` has no budget left under `rule`, without counting a request: None
        when it has, else the seconds to wait."""
        for item in self._rules[rule]:
            left = await self._safely(self._strategy.test(item, rule, _digest(key)), True)
            if not left:
                return await self._retry_after(item, rule, key)
        return None

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()

    async def _retry_after(self, item: RateLimitItem, rule: str, key: str) -> float | None:
        stats = await self._safely(self._strategy.get_window_stats(item, rule, _digest(key)), None)
        if stats is None:
            return float(item.get_expiry())
        return max(1.0, stats.reset_time - time.time())

    async def _safely(self, call: Awaitable[T], fallback: T) -> T:
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                return await call
        except (StorageError, RedisError, OSError, TimeoutError) as error:
            self._warn(error)
            return fallback

    def _warn(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning(
                "rate limits unavailable (%s); requests are let through meanwhile",
                type(error).__name__,
            )


def parsed_rate(name: str, rate: str) -> tuple[RateLimitItem, ...]:
    """`rate` as the library's items; () for a rule that is off. A typo is refused at start,
    naming the variable, rather than silently leaving the API unlimited."""
    if rate.strip().lower() in OFF:
        return ()
    variable = f"TREX_RATE_{name.upper()}"
    try:
        items = tuple(parse_many(rate))
    except ValueError:
        raise ValueError(
            f"{variable}={rate!r} is not a rate: write it as 30/minute or 5/second;100/hour "
            "(or 0 or off to turn it off)."
        ) from None
    if any(item.amount < 1 for item in items):
        raise ValueError(f"{variable}={rate!r} would refuse everything; write 0 or off instead.")
    return items


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
