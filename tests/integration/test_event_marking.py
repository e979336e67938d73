"""Pushed events are recorded as pushed in batches, and all of them soon."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event

from app.bootstrap import bootstrap
from app.db.session_events import EventRepository
from app.settings import Settings
from workflows.commands import StartWorkflow, Transition
from workflows.outcomes import Caller, Moved

STEPS = [
    ("intent_selection", {"intent": "buying"}),
    ("vehicle_knowledge", {"knows_vehicle": True}),
    ("vehicle_search", {"make": "Ford"}),
]


async def test_a_burst_of_events_is_marked_pushed_in_few_writes_and_none_is_left(
    settings: Settings,
) -> None:
    container = await bootstrap(settings)
    marks: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.startswith("UPDATE session_events SET published_at"):
            marks.append(len(params) if isinstance(params, list) else 1)

    event.listen(container.db.engine.sync_engine, "before_cursor_execute", count)
    try:
        sessions = 0
        for _ in range(10):
            started = await container.service.start(StartWorkflow(None, None, Caller()))
            assert isinstance(started, Moved)
            session = started.view.session
            sessions += 1
            for step, data in STEPS:
                moved = await container.service.transition(
                    Transition(session.id, session.token, step, data, None)
                )
                assert isinstance(moved, Moved), moved
        events = sessions * (1 + len(STEPS))
        async with asyncio.timeout(5):
            while True:
                async with container.db.read() as db:
                    left = await EventRepository(db).unpublished(limit=500)
                if not left:
                    break
                await asyncio.sleep(0.05)
        assert len(marks) < events / 2  # batched, not one write per event
    finally:
        event.remove(container.db.engine.sync_engine, "before_cursor_execute", count)
        await container.aclose()
