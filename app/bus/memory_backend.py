"""The in-memory transport of the event bus (`memory://`, one process): what is published is
handed to the fan-out's listener, for the channels it is subscribed to.

Ours rather than broadcaster's `MemoryBackend`, which lives in its private `_backends` package
and does the same in as many lines."""

from __future__ import annotations

import asyncio

from broadcaster import Event


class MemoryBackend:
    def __init__(self) -> None:
        self._subscribed: set[str] = set()
        self._published: asyncio.Queue[Event] = asyncio.Queue()

    async def connect(self) -> None:
        """Nothing published before is handed over."""
        self._published = asyncio.Queue()

    async def disconnect(self) -> None:
        pass

    async def subscribe(self, channel: str, /) -> None:
        self._subscribed.add(channel)

    async def unsubscribe(self, channel: str, /) -> None:
        self._subscribed.discard(channel)

    async def publish(self, channel: str, message: str, /) -> None:
        await self._published.put(Event(channel=channel, message=message))

    async def next_published(self) -> Event:
        while True:
            event = await self._published.get()
            if event.channel in self._subscribed:
                return event
