"""Two processes on one database: each serves from its own copy of recent sessions, and neither
answers from a copy the other made stale."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.bootstrap import Container, bootstrap
from app.settings import Settings
from workflows.commands import Back, StartWorkflow, Transition
from workflows.outcomes import Caller, Invalid, Moved, Stale

Pair = tuple[Container, Container]


@pytest.fixture
async def pair(settings: Settings) -> AsyncIterator[Pair]:
    first = await bootstrap(settings)
    second = await bootstrap(settings)
    yield first, second
    await second.aclose()
    await first.aclose()


async def _started(container: Container) -> tuple[str, str]:
    started = await container.service.start(StartWorkflow("buying", None, Caller()))
    assert isinstance(started, Moved)
    session = started.view.session
    assert session.token is not None
    return session.id, session.token


async def test_a_session_moved_by_another_process_moves_on_from_where_it_is(pair: Pair) -> None:
    a, b = pair
    session_id, token = await _started(a)
    # A now holds the session at vehicle_knowledge... once B has moved it on, A's copy is behind.
    moved = await b.service.transition(Transition(session_id, token, "vehicle_knowledge", {}, None))
    assert isinstance(moved, Invalid)  # B read it from the database: still at its first step
    assert moved.view.step.id == "vehicle_knowledge"
    moved_b = await b.service.transition(
        Transition(session_id, token, "vehicle_knowledge", {"knows_vehicle": True}, None)
    )
    assert isinstance(moved_b, Moved)
    assert moved_b.view.step.id == "vehicle_search"
    # A is asked for the step B reached: it must not answer "stale" from its old copy.
    moved_a = await a.service.transition(
        Transition(session_id, token, "vehicle_search", {"make": "Ford"}, None)
    )
    assert isinstance(moved_a, Moved), moved_a
    assert moved_a.view.step.id == "search_results"


async def test_a_step_left_on_another_process_is_stale_everywhere(pair: Pair) -> None:
    a, b = pair
    session_id, token = await _started(a)
    assert isinstance(
        await b.service.transition(
            Transition(session_id, token, "vehicle_knowledge", {"knows_vehicle": True}, None)
        ),
        Moved,
    )
    # A's copy still says vehicle_knowledge: the answer comes from the database all the same.
    again = await a.service.transition(
        Transition(session_id, token, "vehicle_knowledge", {"knows_vehicle": False}, None)
    )
    assert isinstance(again, Stale), again
    assert again.view.step.id == "vehicle_search"


async def test_back_on_a_copy_another_process_made_stale_goes_back_from_the_real_step(
    pair: Pair,
) -> None:
    a, b = pair
    session_id, token = await _started(a)
    await a.service.transition(
        Transition(session_id, token, "vehicle_knowledge", {"knows_vehicle": True}, None)
    )
    assert isinstance(await b.service.back(Back(session_id, token, "vehicle_search")), Moved)
    assert isinstance(
        await b.service.transition(
            Transition(session_id, token, "vehicle_knowledge", {"knows_vehicle": False}, None)
        ),
        Moved,
    )
    # The session went back and down the other branch on B; A's copy is at vehicle_search, and
    # a row-version check would fail if A saved from it.
    back = await a.service.back(Back(session_id, token, "carin_questions"))
    assert isinstance(back, Moved), back
    assert back.view.step.id == "vehicle_knowledge"
