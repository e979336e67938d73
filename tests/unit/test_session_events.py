"""Session events: the bus's ways of ending a live stream reach clients as one clear, typed
interruption; the one way of writing an event numbers it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.bus.event_bus import BusUnavailable, SubscriberTooSlow
from app.services.session_events import LEAD_STATUS, interruptible, write_event
from tests.support.memory_service import T0, process, stocked
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


async def test_lead_progress_takes_the_next_number_without_a_new_row_version() -> None:
    server = process(stocked())
    session_id, _ = await server.started()
    before = await server.stored(session_id)
    async with server.storage.write() as uow:
        event = await write_event(uow, session_id, LEAD_STATUS, {"status": "SUBMITTED"}, T0)
    after = await server.stored(session_id)
    assert event is not None
    assert event.seq == after.last_seq == before.last_seq + 1
    assert after.row_version == before.row_version  # a move's copy is not made stale
    async with server.storage.read() as uow:
        assert await uow.events.after(session_id, before.last_seq) == [event]


async def test_an_event_of_a_session_that_is_gone_is_not_written() -> None:
    storage = stocked()
    async with storage.write() as uow:
        assert await write_event(uow, "gone", LEAD_STATUS, {}, T0) is None
    assert storage.state.events == {}
