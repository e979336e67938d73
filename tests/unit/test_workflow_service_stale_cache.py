"""A server's cached copy of a session that another server moved on: the transition runs again
from storage, and no answer comes from the old copy."""

from __future__ import annotations

from tests.support.memory_service import VEHICLE, process, stocked
from workflows.commands import Back
from workflows.outcomes import Invalid, Moved, Stale


async def test_a_step_reached_on_another_server_moves_on_from_there() -> None:
    storage = stocked()
    a, b = process(storage), process(storage)
    session = await a.started()  # a's cache: at intro
    await b.moved(session, "intro", {"go": True})
    moved = await a.submit(session, "choose", {"vehicle_id": VEHICLE})
    assert isinstance(moved, Moved), moved
    assert moved.view.step.id == "confirm"
    assert (await a.stored(session[0])).state.current_step == "confirm"


async def test_a_step_left_on_another_server_is_stale_where_storage_has_it() -> None:
    storage = stocked()
    a, b = process(storage), process(storage)
    session = await a.started()
    await b.moved(session, "intro", {"go": True})
    # a's copy is at intro and valid for it: the save fails on the row version, and the
    # transition runs again from storage, where the session is at choose.
    again = await a.submit(session, "intro", {"go": False})
    assert isinstance(again, Stale), again
    assert again.expected_step == "choose"
    assert len(storage.state.history) == 2


async def test_an_invalid_answer_from_the_old_copy_is_checked_in_storage() -> None:
    storage = stocked()
    a, b = process(storage), process(storage)
    session = await a.started()
    await b.moved(session, "intro", {"go": True})
    checked = await a.submit(session, "intro", {})
    assert isinstance(checked, Stale)  # not Invalid: the session is no longer at intro


async def test_an_invalid_answer_is_invalid_once_storage_agrees() -> None:
    server = process(stocked())
    session = await server.started()
    assert isinstance(await server.submit(session, "intro", {}), Invalid)


async def test_back_from_an_old_copy_goes_back_from_the_real_step() -> None:
    storage = stocked()
    a, b = process(storage), process(storage)
    session = await a.started()
    await a.moved(session, "intro", {"go": True})
    await b.moved(session, "choose", {"vehicle_id": VEHICLE})  # a's copy: at choose
    back = await a.service.back(Back(*session, "confirm"))
    assert isinstance(back, Moved), back
    assert back.view.step.id == "choose"
