"""The origins browsers may call the API from: every host site's registered origins, kept in
memory, plus loopback pages in development.

CORS and websocket handshakes ask on every request, so the answer comes from a set in memory.
It is refreshed without a restart:
- at once in the process that creates or changes a site (`HostSites.when_changed`);
- in the other servers by a notice on the event bus (Redis pub/sub in the scale-out), sent by
  that process or by `trex host-site …`;
- by a re-read every `refresh_seconds` (30 s), in case a notice was missed (Redis down, a CLI
  without `REDIS_URL`);
- and, for an origin not in the set, by a re-read at most once per `miss_seconds` (1 s): a site
  registered a moment ago works at once even where no notice can reach (SQLite, the CLI in its
  own process), and unknown origins cost one small query a second at most, not one each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Protocol
from urllib.parse import urlsplit

from app.bus.event_bus import BusUnavailable, EventBus, SubscriberTooSlow
from app.services.storage import StorageUnavailable

log = logging.getLogger("trex.origins")
CHANNEL = "trex.host-sites"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidOrigin(ValueError):
    """Not an origin: the message names the value and what an origin looks like."""

    def __init__(self, value: str) -> None:
        super().__init__(
            f"{value[:100]!r} is not an origin: expected scheme, host and optional port, "
            "such as https://cars.example.com (no path or query)."
        )


def normalize_origin(value: str) -> str:
    """`value` as browsers send it in `Origin`: lowercase scheme and host, no default port."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise InvalidOrigin(value) from None
    extra = parts.path not in ("", "/") or parts.query or parts.fragment or parts.username
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname or extra:
        raise InvalidOrigin(value)
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and port != DEFAULT_PORTS[parts.scheme.lower()]:
        host = f"{host}:{port}"
    return f"{parts.scheme.lower()}://{host}"


def normalized_or_none(value: str) -> str | None:
    try:
        return normalize_origin(value)
    except InvalidOrigin:
        return None


def is_loopback(origin: str) -> bool:
    """A page served from this machine (any port): http(s)://127.0.0.1, localhost, [::1]."""
    normalized = normalized_or_none(origin)
    return normalized is not None and urlsplit(normalized).hostname in LOOPBACK_HOSTS


class SiteDirectory(Protocol):
    async def registered_origins(self) -> frozenset[str]: ...

    def when_changed(self, callback: Callable[[], Awaitable[None]]) -> None: ...


class RegisteredOrigins:
    """Which browser origins the API answers: the one question CORS and the websocket
    handshake ask (`check`)."""

    def __init__(
        self, *, loopback: bool, refresh_seconds: float = 30.0, miss_seconds: float = 1.0
    ) -> None:
        """`loopback`: pages on this machine are allowed too (development)."""
        self._loopback = loopback
        self._refresh_seconds = refresh_seconds
        self._miss_seconds = miss_seconds
        self._known: frozenset[str] = frozenset()
        self._read_at = float("-inf")
        self._sites: SiteDirectory | None = None
        self._bus: EventBus | None = None
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._me = secrets.token_hex(8)  # this process's notices are not read back

    async def start(self, sites: SiteDirectory, bus: EventBus) -> None:
        self._sites, self._bus = sites, bus
        sites.when_changed(self.site_changed)
        await self.reload()
        self._tasks = [
            asyncio.create_task(self._listen(bus), name="origins-notices"),
            asyncio.create_task(self._reread(), name="origins-reread"),
        ]

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def allowed(self, origin: str) -> bool:
        """From memory only: registered, or loopback in development."""
        return origin in self._known or (self._loopback and is_loopback(origin))

    async def check(self, origin: str) -> bool:
        """`allowed`, after a re-read when the origin is unknown and the last read is older
        than `miss_seconds`."""
        if self.allowed(origin):
            return True
        normalized = normalized_or_none(origin)
        if normalized is None:
            return False
        if time.monotonic() - self._read_at >= self._miss_seconds:
            await self.reload()
        return normalized in self._known

    async def reload(self) -> None:
        if self._sites is None:
            return
        async with self._lock:
            try:
                self._known = await self._sites.registered_origins()
            except (StorageUnavailable, OSError) as error:  # a database hiccup: keep what was known
                log.warning("re-reading the host sites' origins failed: %s", error)
            self._read_at = time.monotonic()

    async def site_changed(self) -> None:
        """A site of this process was created or changed: re-read now, tell the others."""
        await self.reload()
        if self._bus is not None:
            await notify(self._bus, self._me)

    async def _listen(self, bus: EventBus) -> None:
        while True:
            try:
                async with bus.subscribe(CHANNEL) as notices:
                    await self.reload()  # whatever changed while this was not subscribed
                    async for notice in notices:
                        if notice.get("from") != self._me:
                            await self.reload()
                return  # the bus disconnected: the process is stopping
            except (BusUnavailable, SubscriberTooSlow):
                await asyncio.sleep(1)

    async def _reread(self) -> None:
        while True:
            await asyncio.sleep(self._refresh_seconds)
            await self.reload()


async def notify(bus: EventBus, sender: str = "cli") -> None:
    """Tells every server that a site's origins changed (best effort: they re-read anyway)."""
    with contextlib.suppress(BusUnavailable):
        await bus.publish(CHANNEL, {"from": sender})
        return
    log.warning("the host-site notice could not be sent; servers re-read within 30 s")
