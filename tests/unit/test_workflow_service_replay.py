"""The same idempotency key twice: the first answer again, and the session moved once."""

from __future__ import annotations

from tests.support.memory_service import VEHICLE, Gate, Reserve, process, stocked
from workflows.outcomes import Moved, Rejected


async def test_the_same_key_answers_the_first_answer_and_moves_once() -> None:
    server = process(stocked())
    session = await server.started()
    first = await server.submit(session, "intro", {"go": True}, key="k-1")
    before = await server.stored(session[0])
    again = await server.submit(session, "intro", {"go": True}, key="k-1")
    assert isinstance(first, Moved)
    assert isinstance(again, Moved)
    assert again.view.step.id == first.view.step.id == "choose"
    assert again.view.session.seq == first.view.session.seq
    assert await server.stored(session[0]) == before  # nothing written the second time
    assert len(server.storage.state.history) == 2  # start and one transition


async def test_the_same_key_for_another_request_is_refused_as_reused_and_changes_nothing() -> None:
    server = process(stocked())
    session = await server.started()
    await server.submit(session, "intro", {"go": True}, key="k-1")
    await server.moved(session, "choose", {"vehicle_id": VEHICLE})
    before = await server.stored(session[0])
    for step, data in (("intro", {"nonsense": 1}), ("confirm", {"go": True})):
        refused = await server.submit(session, step, data, key="k-1")
        assert isinstance(refused, Rejected)
        assert refused.code == "idempotency_key_reused"
        assert refused.view.step.id == "confirm"  # where the session is now
    assert await server.stored(session[0]) == before
    again = await server.submit(session, "intro", {"go": True}, key="k-1")
    assert isinstance(again, Moved)  # the first request itself is still answered


async def test_a_restarted_server_replays_the_first_answer_from_storage() -> None:
    storage = stocked()
    first_server = process(storage)
    session = await first_server.started()
    await first_server.submit(session, "intro", {"go": True}, key="k-1")
    again = await process(storage).submit(session, "intro", {"go": True}, key="k-1")
    assert isinstance(again, Moved)
    assert again.view.step.id == "choose"


async def test_a_rejection_is_replayed_as_the_rejection() -> None:
    storage = stocked()
    server = process(storage, Reserve(Gate()))
    winner, loser = await server.at_confirm(), await server.at_confirm()
    assert isinstance(await server.submit(winner, "confirm", {"confirm": True}), Moved)
    refused = await server.submit(loser, "confirm", {"confirm": True}, key="k-2")
    again = await server.submit(loser, "confirm", {"confirm": True}, key="k-2")
    assert isinstance(refused, Rejected)
    assert isinstance(again, Rejected)
    assert again.code == refused.code == "vehicle_unavailable"
    assert again.view.step.id == "choose"
