"""One process's subscribers, fanned out from one subscription per channel on a backend.

This replaces broadcaster's `Broadcast` class and keeps its backend interface (`connect`,
`disconnect`, `subscribe`, `unsubscribe`, `publish`, `next_published`), so our
in-memory backend and our Redis backend both plug in. What it does that `Broadcast` 0.3.1 does
not:

- Registration is race-free. A subscriber is registered before anything is awaited, and the
  backend SUBSCRIBE for a channel is made under that channel's lock; two first subscribers to a
  channel both receive (in `Broadcast`, the second overwrites the first's queue when the
  backend's `subscribe` yields to the event loop).
- Each subscriber has a bounded queue. The listener never waits on a subscriber: one whose queue
  is full is dropped, and its iterator raises `SubscriberTooSlow` after the messages it holds.
- The backend is subscribed to a channel once while any local subscriber exists, and
  unsubscribed when the last one leaves.
- The listener survives a failing backend: it logs and listens again rather than dying silently.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from broadcaster import Event

from app.bus.errors import SubscriberTooSlow

log = logging.getLogger("trex.bus")
DEFAULT_QUEUE_LIMIT = 1000


class Backend(Protocol):
    """broadcaster's `BroadcastBackend` interface."""

    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def subscribe(self, channel: str, /) -> None: ...
    async def unsubscribe(self, channel: str, /) -> None: ...
    async def publish(self, channel: str, message: Any, /) -> None: ...
    async def next_published(self) -> Event: ...


@runtime_checkable
class Monitored(Protocol):
    """A backend that knows whether its broker is reachable (the in-memory one always is)."""

    @property
    def healthy(self) -> bool: ...
    async def wait_healthy(self, seconds: float) -> bool: ...


class Subscription:
    """One subscriber's bounded queue of messages; iterate it to receive them."""

    def __init__(self, channel: str, limit: int) -> None:
        self.channel = channel
        self._limit = limit
        self._items: deque[str] = deque()
        self._arrived = asyncio.Event()
        self._dropped = False
        self._closed = False

    def offer(self, message: str) -> bool:
        """Queue `message`; False if the queue is full (the caller then drops this subscriber)."""
        if len(self._items) >= self._limit:
            return False
        self._items.append(message)
        self._arrived.set()
        return True

    def drop(self) -> None:
        self._dropped = True
        self._arrived.set()

    def close(self) -> None:
        self._closed = True
        self._arrived.set()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> str:
        while not self._items:
            if self._dropped:
                raise SubscriberTooSlow(self.channel, self._limit)
            if self._closed:
                raise StopAsyncIteration
            self._arrived.clear()
            await self._arrived.wait()
        return self._items.popleft()


@dataclass
class _Channel:
    subscribers: set[Subscription] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    joined: bool = False  # the backend is subscribed to this channel


class Fanout:
    def __init__(self, backend: Backend, *, queue_limit: int = DEFAULT_QUEUE_LIMIT) -> None:
        if queue_limit < 1:
            raise ValueError(f"queue_limit must be at least 1, not {queue_limit}")
        self._backend = backend
        self._limit = queue_limit
        self._channels: dict[str, _Channel] = {}
        self._listener: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._listener is not None and not self._listener.done()

    @property
    def healthy(self) -> bool:
        """Connected, listening, and (for a broker) the link to it is up."""
        backend = self._backend
        return self.running and (backend.healthy if isinstance(backend, Monitored) else True)

    async def wait_healthy(self, seconds: float) -> bool:
        """Wait up to `seconds` for `healthy`; return it."""
        backend = self._backend
        if self.running and isinstance(backend, Monitored):
            await backend.wait_healthy(seconds)
        return self.healthy

    def subscriber_count(self, channel: str) -> int:
        entry = self._channels.get(channel)
        return len(entry.subscribers) if entry is not None else 0

    async def connect(self) -> None:
        await self._backend.connect()
        self._listener = asyncio.create_task(self._listen(), name="bus:fanout")

    async def disconnect(self) -> None:
        """Stop listening; every subscriber's iterator ends after the messages it holds."""
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        for entry in self._channels.values():
            for subscription in entry.subscribers:
                subscription.close()
        await self._backend.disconnect()

    async def publish(self, channel: str, message: str) -> None:
        await self._backend.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        """Receive what is published on `channel` from the moment this is entered."""
        subscription = Subscription(channel, self._limit)
        await self._join(channel, subscription)
        try:
            yield subscription
        finally:
            await self._leave(channel, subscription)

    async def _join(self, channel: str, subscription: Subscription) -> None:
        entry = self._channels.setdefault(channel, _Channel())
        entry.subscribers.add(subscription)  # before any await: the listener delivers from now
        try:
            async with entry.lock:
                if not entry.joined:
                    await self._backend.subscribe(channel)
                    entry.joined = True
        except BaseException:
            entry.subscribers.discard(subscription)
            self._forget_if_idle(channel, entry)
            raise

    async def _leave(self, channel: str, subscription: Subscription) -> None:
        entry = self._channels.get(channel)
        if entry is None:
            return
        entry.subscribers.discard(subscription)
        async with entry.lock:
            if entry.joined and not entry.subscribers:
                entry.joined = False
                try:
                    await self._backend.unsubscribe(channel)
                except Exception as error:  # noqa: BLE001 - nobody left to tell; the link's reset clears it
                    log.warning("could not unsubscribe from %s: %s", channel, error)
        self._forget_if_idle(channel, entry)

    def _forget_if_idle(self, channel: str, entry: _Channel) -> None:
        idle = not entry.subscribers and not entry.joined and not entry.lock.locked()
        if idle and self._channels.get(channel) is entry:
            del self._channels[channel]

    async def _listen(self) -> None:
        while True:
            try:
                event = await self._backend.next_published()
            except asyncio.CancelledError:
                raise
            except Exception:  # a listener that dies silently is the fault we fix
                log.exception("the bus backend failed to hand over a message; listening again")
                await asyncio.sleep(0.1)
                continue
            self._deliver(event.channel, event.message)

    def _deliver(self, channel: str, message: str) -> None:
        entry = self._channels.get(channel)
        if entry is None:
            return
        for subscription in list(entry.subscribers):
            if not subscription.offer(message):
                entry.subscribers.discard(subscription)
                subscription.drop()
                log.warning("dropped a subscriber to %s: %d messages behind", channel, self._limit)
