"""A bus outage: one warning when pushes pause and one when they resume, not a traceback per
pass; the events wait in storage meanwhile and all go out once the bus is back."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from app.bus.event_bus import BusUnavailable, EventBus
from app.services.session_events import SessionEvents
from tests.support.memory_service import Clock, process, stocked


class FlakyBus(EventBus):
    """An in-memory bus that is down while `down`, and records what it pushed."""

    def __init__(self) -> None:
        super().__init__("memory://")
        self.down = False
        self.pushed: list[tuple[str, int]] = []

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        if self.down:
            raise BusUnavailable("redis is down")
        self.pushed.append((channel, int(message["seq"])))


async def test_an_outage_logs_one_warning_each_way_and_loses_no_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = process(stocked())
    bus = FlakyBus()
    events = SessionEvents(server.storage, bus, Clock())
    bus.down = True
    sessions = [await server.started() for _ in range(3)]
    events.committed()  # look in storage: the sessions' start events are there
    with caplog.at_level(logging.INFO, logger="trex.events"):
        for _ in range(5):
            assert await events.publish_pending() == 0
        bus.down = False
        assert await events.publish_pending() == len(sessions)
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert [m for m in messages if "paused" in m[1]] == [
        (logging.WARNING, "pushes paused, events wait in the database: redis is down")
    ]
    assert [m for m in messages if "resumed" in m[1]] == [
        (logging.WARNING, "pushes resumed after the bus came back")
    ]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert sorted(seq for _, seq in bus.pushed) == [1, 1, 1]
    async with server.storage.read() as uow:
        assert await uow.events.unpublished(limit=10) == []
