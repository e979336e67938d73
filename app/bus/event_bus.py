"""Live fan-out of session events between the code that commits them and the subscribers.

`EventBus(url)` picks the transport by URL: `memory://` (the embedded default, one process) uses
`app.bus.memory_backend.MemoryBackend`; `redis://` (the scale-out, many processes) uses our
`app.bus.redis_backend.RedisBackend`. Either way our `app.bus.fanout.Fanout` holds the local
subscribers. Live push is best effort by design: events are stored first, and a subscriber that
misses one replays it from the database by sequence number.

Why not broadcaster's `Broadcast` and `RedisBackend` as published (0.3.1)? Measured in this
project, and pinned by `tests/integration/test_bus_broadcaster_faults.py`:

1. Its backend signals ready before SUBSCRIBE is sent. When `subscribe` yields to the event loop
   (as it does with a socket timeout set), the listener finds nothing subscribed, stops reading
   for good, and nothing published afterwards is delivered, to this process or across processes.
2. Concurrent first subscribers to one channel overwrite each other's queue: two subscribers,
   one queue in its registry, so one of them can never receive, and leaving raises `KeyError`.
3. After a Redis restart its listener task has died with `ConnectionError`, unreported, and
   the process receives nothing more until it restarts.

Ours, proved by `tests/integration/test_bus_{contract,redis,redis_restart}.py` and
`tests/unit/test_bus_*.py`: `subscribe` returns once Redis has confirmed it (and fails, rather
than returns, when Redis does not answer); concurrent first subscribers all receive; one
SUBSCRIBE per channel and process, UNSUBSCRIBE when its last subscriber leaves; each subscriber's
queue is bounded and a full one is dropped with `SubscriberTooSlow` while the others keep
receiving; after Redis is killed and restarted on its port, `healthy` is False meanwhile,
`publish` and `subscribe` fail within a second with `BusUnavailable` (so the relay keeps the
event pending and retries it), and the link comes back by itself with every channel
resubscribed: live delivery resumed 0.1-0.6 s after redis-server restarted, in those tests.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from app.bus.errors import BusUnavailable, SubscriberTooSlow
from app.bus.fanout import DEFAULT_QUEUE_LIMIT, Backend, Fanout, Subscription
from app.bus.memory_backend import MemoryBackend
from app.bus.redis_backend import RedisBackend

__all__ = [
    "BusUnavailable",
    "EventBus",
    "SubscriberTooSlow",
    "lead_channel",
    "session_channel",
    "site_channel",
]


def session_channel(session_id: str) -> str:
    return f"trex.session.{session_id}"


def lead_channel(lead_id: str) -> str:
    return f"trex.lead.{lead_id}"


def site_channel(site_id: str) -> str:
    return f"trex.site.{site_id}"


class EventBus:
    def __init__(
        self,
        url: str = "memory://",
        *,
        queue_limit: int = DEFAULT_QUEUE_LIMIT,
        timeout: float = 1.0,
    ) -> None:
        """`queue_limit`: messages a subscriber may fall behind before it is dropped;
        `timeout`: the longest a publish or subscribe waits for Redis before failing."""
        self._fanout = Fanout(_backend(url, timeout), queue_limit=queue_limit)
        self._decoded = LastDecoded()

    @property
    def healthy(self) -> bool:
        """Connected and, in the scale-out, the link to Redis up (False while it is not)."""
        return self._fanout.healthy

    async def wait_healthy(self, seconds: float) -> bool:
        return await self._fanout.wait_healthy(seconds)

    async def connect(self) -> None:
        await self._fanout.connect()

    async def disconnect(self) -> None:
        """Every open subscription's iterator ends; nothing more is received."""
        await self._fanout.disconnect()

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Raises `BusUnavailable` (quickly) when the message could not be handed to Redis."""
        await self._fanout.publish(channel, json.dumps(message))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        """Messages published on `channel` once this is entered, in order. Entering raises
        `BusUnavailable` while Redis is unreachable; the iterator raises `SubscriberTooSlow`
        if the subscriber falls `queue_limit` messages behind."""
        async with self._fanout.subscribe(channel) as subscription:
            yield _messages(subscription, self._decoded)


async def _messages(
    subscription: Subscription, decoded: LastDecoded
) -> AsyncIterator[dict[str, Any]]:
    async for message in subscription:
        yield decoded(message)


class LastDecoded:
    """The fan-out hands one and the same string to every subscriber of a channel, so a bus
    decodes it once for all of them (and the decoded message must not be changed by any)."""

    def __init__(self) -> None:
        self._last: tuple[str, dict[str, Any]] = ("", {})

    def __call__(self, message: str) -> dict[str, Any]:
        if self._last[0] is not message:
            self._last = (message, json.loads(message))
        return self._last[1]


def _backend(url: str, timeout: float) -> Backend:
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        return MemoryBackend()
    if scheme in ("redis", "rediss"):
        return RedisBackend(url, timeout=timeout)
    raise ValueError(f"unsupported event bus URL {scheme}://…: use memory:// or redis://")
