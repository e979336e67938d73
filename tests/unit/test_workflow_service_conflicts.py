"""Row-version conflicts: of two writers that read one version, one wins and the other gets
Stale (or, under the same idempotency key, the winner's answer); nothing of the loser's
transaction is kept."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from tests.support.memory_service import T0, Gate, Reserve, process, stocked
from tests.support.memory_storage import MemoryStorage
from workflows.outcomes import Moved, Stale


async def test_two_writers_of_one_session_one_moves_the_other_is_stale() -> None:
    storage = stocked()
    server = process(storage, Reserve(Gate(parties=2)))
    session = await server.at_confirm()
    first, second = await asyncio.gather(
        server.submit(session, "confirm", {"confirm": True}),
        server.submit(session, "confirm", {"confirm": True}),
    )
    outcomes = sorted((first, second), key=lambda outcome: type(outcome).__name__)
    assert [type(outcome) for outcome in outcomes] == [Moved, Stale]
    assert isinstance(outcomes[1], Stale)
    assert outcomes[1].expected_step == "done"
    assert len(storage.state.leads) == 1  # the loser's lead and hold rolled back
    assert len(storage.state.outbox) == 1


async def test_two_writers_with_one_key_both_get_the_first_answer() -> None:
    storage = stocked()
    server = process(storage, Reserve(Gate(parties=2)))
    session = await server.at_confirm()
    first, second = await asyncio.gather(
        server.submit(session, "confirm", {"confirm": True}, key="k"),
        server.submit(session, "confirm", {"confirm": True}, key="k"),
    )
    assert isinstance(first, Moved)
    assert isinstance(second, Moved)
    assert first.view.step.id == second.view.step.id == "done"
    assert len(storage.state.leads) == 1


async def test_a_save_from_a_version_another_writer_replaced_is_refused() -> None:
    server = process(stocked())
    session_id, _ = await server.started()
    read = await server.stored(session_id)
    async with server.storage.write() as uow:
        won = await uow.sessions.save(replace(read, updated_at=T0))
    async with server.storage.write() as uow:
        lost = await uow.sessions.save(replace(read, updated_at=T0))
    assert won is not None
    assert won.row_version == read.row_version + 1
    assert lost is None


async def test_a_unit_of_work_that_raises_applies_nothing() -> None:
    storage = MemoryStorage()
    storage.stock("veh-1")

    async def hold_then_fail() -> None:
        async with storage.write() as uow:
            assert await uow.leads.hold_vehicle("veh-1", "lead-1", T0, T0)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        await hold_then_fail()
    async with storage.write() as uow:
        assert await uow.leads.hold_vehicle("veh-1", "lead-2", T0, T0)
    assert storage.commits == 1
