"""Live fan-out of session events between the code that commits them and the subscribers.

broadcaster is touched only here. The embedded default is its in-memory backend; the scale-out
mode swaps the URL (and, where broadcaster's own backend falls short, the backend).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from broadcaster import Broadcast


def session_channel(session_id: str) -> str:
    return f"trex.session.{session_id}"


def lead_channel(lead_id: str) -> str:
    return f"trex.lead.{lead_id}"


def site_channel(site_id: str) -> str:
    return f"trex.site.{site_id}"


class EventBus:
    def __init__(self, url: str = "memory://") -> None:
        self._broadcast = Broadcast(url)

    async def connect(self) -> None:
        await self._broadcast.connect()

    async def disconnect(self) -> None:
        await self._broadcast.disconnect()

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        await self._broadcast.publish(channel=channel, message=json.dumps(message))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        async with self._broadcast.subscribe(channel=channel) as subscriber:
            yield _messages(subscriber)


async def _messages(subscriber: Any) -> AsyncIterator[dict[str, Any]]:
    async for event in subscriber:
        if event is None:
            return
        yield json.loads(event.message)
