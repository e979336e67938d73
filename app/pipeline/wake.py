"""Waking relays: the one in this process at once, and across processes through the bus.

A server whose handlers run in `trex worker` processes tells them, after each commit that wrote
work, to look now rather than at their next poll. A lost wake-up costs at most one poll interval.
"""

from __future__ import annotations

import asyncio
import logging

from app.bus.event_bus import EventBus
from app.pipeline.relay import Relay
from app.tasks import TaskRunner

log = logging.getLogger("trex.relay")
WAKE_CHANNEL = "trex.relay.wake"


class Waker:
    def __init__(self, bus: EventBus, relay: Relay, tasks: TaskRunner, *, remote: bool) -> None:
        self._bus = bus
        self._relay = relay
        self._tasks = tasks
        self._remote = remote
        self._listener: asyncio.Task[None] | None = None

    def committed(self, work: bool) -> None:
        self._relay.kick(work)
        if work and self._remote:
            self._tasks.spawn(self._wake_workers(), name="relay:wake-workers")

    async def _wake_workers(self) -> None:
        try:
            await self._bus.publish(WAKE_CHANNEL, {"wake": True})
        except Exception as error:  # noqa: BLE001 - the workers' poll finds the work anyway
            log.warning("could not wake the workers: %s", error)

    def listen(self) -> None:
        """In a worker: kick the local relay whenever a server wrote work."""
        self._listener = asyncio.create_task(self._listen(), name="relay:listen")

    async def _listen(self) -> None:
        while True:
            try:
                async with self._bus.subscribe(WAKE_CHANNEL) as wakes:
                    async for _ in wakes:
                        self._relay.kick()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - a lost bus connection: listen again
                log.warning("wake-up listener lost (%s); listening again", error)
                await asyncio.sleep(1)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
