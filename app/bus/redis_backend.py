"""Redis pub/sub under broadcaster's backend interface, with the guarantees its own lacks.

- `subscribe()` returns only once Redis has confirmed the SUBSCRIBE, so whatever is published
  after it returns is delivered (broadcaster 0.3.1 signals ready before sending SUBSCRIBE, and
  its listener can stop reading for good).
- One reader task owns the subscription connection for the life of the backend. When the link
  drops (a Redis restart, a network fault, or silence past `3 × ping_every`), it logs why,
  reconnects with capped backoff and resubscribes every channel it had; `healthy` is False from
  the loss until Redis has answered again behind the resubscription.
- `publish()` fails within `timeout` with `BusUnavailable` while Redis is unreachable; it does
  not retry, so the caller (the outbox relay) keeps the event pending and retries it.

redis-py is touched only here; its errors become `BusUnavailable`. The reader speaks the pub/sub
protocol on a plain connection rather than through redis-py's `PubSub`, whose own reconnect and
resubscribe would hide the loss from us.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from typing import Any
from urllib.parse import urlsplit

from broadcaster import BroadcastBackend, Event
from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from app.bus.backoff import Backoff
from app.bus.errors import BusUnavailable

log = logging.getLogger("trex.bus")


class RedisBackend(BroadcastBackend):
    def __init__(
        self,
        url: str,
        *,
        timeout: float = 1.0,
        ping_every: float = 1.0,
        backoff: Backoff | None = None,
    ) -> None:
        self._where = _where(url)
        self._timeout = timeout
        self._ping_every = ping_every
        self._backoff = backoff or Backoff()
        # No socket_timeout: redis-py enforces it on writes with asyncio.wait_for, which on
        # Python 3.11 can swallow a cancellation (seen here: a reader that would not stop).
        # Every operation is bounded by asyncio.timeout instead.
        self._client = Redis.from_url(
            url, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        self._channels: set[str] = set()
        self._waiters: defaultdict[tuple[str, str], deque[asyncio.Future[None]]]
        self._waiters = defaultdict(deque)
        self._published: asyncio.Queue[Event] = asyncio.Queue()
        self._link: AbstractConnection | None = None
        self._up = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._failures = 0

    @property
    def healthy(self) -> bool:
        return self._up.is_set()

    async def wait_healthy(self, seconds: float) -> bool:
        try:
            async with asyncio.timeout(seconds):
                await self._up.wait()
        except TimeoutError:
            pass
        return self.healthy

    async def connect(self) -> None:
        """Start the reader; wait up to `timeout` for the link, and carry on without it."""
        self._reader = asyncio.create_task(self._run(), name="bus:redis-reader")
        if not await self.wait_healthy(self._timeout):
            log.warning("Redis at %s not reachable yet; retrying in the background", self._where)

    async def disconnect(self) -> None:
        while self._reader is not None and not self._reader.done():
            self._reader.cancel()  # again if a library swallowed the first one
            await asyncio.wait({self._reader}, timeout=0.1)
        self._lost("the bus is disconnecting")
        await self._client.aclose()

    async def subscribe(self, channel: str) -> None:
        """Return once Redis confirms; raise `BusUnavailable` if it cannot within `timeout`."""
        self._channels.add(channel)
        try:
            await self._command("subscribe", channel)
        except BaseException:
            self._channels.discard(channel)
            raise

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        if self._link is not None:  # without a link Redis holds nothing for us to undo
            await self._command("unsubscribe", channel)

    async def publish(self, channel: str, message: Any) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                await self._client.publish(channel, message)
        except (RedisError, OSError, TimeoutError) as error:
            reason = str(error) or f"no answer within {self._timeout}s"
            raise BusUnavailable(f"publish to {channel} on {self._where}: {reason}") from error

    async def next_published(self) -> Event:
        return await self._published.get()

    async def _command(self, kind: str, channel: str) -> None:
        link = self._link
        if link is None or not link.is_connected:
            raise BusUnavailable(f"{kind} {channel}: Redis at {self._where} is unreachable")
        waiter = asyncio.get_running_loop().create_future()
        waiters = self._waiters[(kind, channel)]
        waiters.append(waiter)
        try:
            async with asyncio.timeout(self._timeout):
                await self._send(link, kind.upper(), channel)
                await waiter
        except (RedisError, OSError, TimeoutError) as error:
            reason = str(error) or f"not confirmed within {self._timeout}s"
            raise BusUnavailable(f"{kind} {channel} on {self._where}: {reason}") from error
        finally:
            if waiter in waiters:
                waiters.remove(waiter)
            if not waiters:
                self._waiters.pop((kind, channel), None)

    async def _run(self) -> None:
        """Hold the subscription link for the life of the backend, re-establishing it."""
        while True:
            reason = "the connection closed"
            try:
                await self._hold_link()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - whatever broke the link, log it and retry
                reason = f"{type(error).__name__}: {error}"
            delay = self._backoff.delay(self._failures)
            if self._failures == 0:
                log.warning("Redis link to %s lost (%s); reconnecting", self._where, reason)
            else:
                log.info("Redis at %s still unreachable (%s)", self._where, reason)
            self._failures += 1
            self._lost(reason)
            await asyncio.sleep(delay)

    async def _hold_link(self) -> None:
        # redis-py leaves these two untyped
        link: AbstractConnection = self._client.connection_pool.make_connection()  # type: ignore[no-untyped-call]
        try:
            async with asyncio.timeout(self._timeout):
                await link.connect()  # type: ignore[no-untyped-call]
            self._link = link
            channels = sorted(self._channels)
            if channels:
                await self._send(link, "SUBSCRIBE", *channels)
            await self._send(link, "PING")  # its PONG confirms the SUBSCRIBE before it
            await self._read(link)
        finally:
            self._link = None
            await link.disconnect(nowait=True)

    async def _read(self, link: AbstractConnection) -> None:
        loop = asyncio.get_running_loop()
        heard = loop.time()
        while True:
            reply = await link.read_response(timeout=self._ping_every)
            if reply is not None:
                heard = loop.time()
                self._dispatch(reply)
            elif loop.time() - heard > 3 * self._ping_every:
                raise ConnectionError(f"no reply from Redis for {loop.time() - heard:.1f}s")
            else:
                await self._send(link, "PING")

    async def _send(self, link: AbstractConnection, *command: str) -> None:
        async with asyncio.timeout(self._timeout):
            await link.send_command(*command, check_health=False)

    def _dispatch(self, reply: object) -> None:
        if not isinstance(reply, list):
            if _text(reply).upper() == "PONG":
                self._linked()
            return
        kind = _text(reply[0])
        if kind == "message":
            self._published.put_nowait(Event(channel=_text(reply[1]), message=_text(reply[2])))
        elif kind in ("subscribe", "unsubscribe"):
            self._confirmed(kind, _text(reply[1]))
        elif kind == "pong":
            self._linked()

    def _confirmed(self, kind: str, channel: str) -> None:
        for waiter in self._waiters.get((kind, channel), ()):
            if not waiter.done():
                waiter.set_result(None)
                return

    def _linked(self) -> None:
        if self._up.is_set():
            return
        self._up.set()
        if self._failures:
            log.warning(
                "Redis link to %s back; resubscribed %d channels", self._where, len(self._channels)
            )
        self._failures = 0

    def _lost(self, reason: str) -> None:
        self._up.clear()
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(BusUnavailable(f"Redis link lost: {reason}"))


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _where(url: str) -> str:
    """host:port of `url`, without its credentials, for logs and errors."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"
