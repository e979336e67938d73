"""The bus's ways of ending a live stream reach clients as one clear, typed interruption."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.bus.event_bus import BusUnavailable, SubscriberTooSlow
from app.services.session_events import interruptible
from workflows.outcomes import UpdatesInterrupted


async def _ends_with(error: Exception) -> AsyncIterator[int]:
    yield 1
    raise error


@pytest.mark.parametrize(
    "error",
    [SubscriberTooSlow("trex.session.x", 1000), BusUnavailable("redis is down")],
    ids=["slow client", "bus down"],
)
async def test_a_stream_ended_by_the_bus_is_interrupted_after_what_it_delivered(
    error: Exception,
) -> None:
    received: list[int] = []

    async def drain() -> None:
        async for item in interruptible(_ends_with(error)):
            received.append(item)

    with pytest.raises(UpdatesInterrupted):
        await drain()
    assert received == [1]
