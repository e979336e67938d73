"""Two sessions confirm the same vehicle at once: one holds it, the other lands on the choice
again with the reason, and none of its writes is kept."""

from __future__ import annotations

import asyncio

from tests.support.memory_service import VEHICLE, Gate, Reserve, process, stocked
from workflows.outcomes import Moved, Rejected


async def test_of_two_sessions_holding_one_vehicle_one_gets_the_rejection() -> None:
    storage = stocked()
    server = process(storage, Reserve(Gate(parties=2)))
    one, other = await server.at_confirm(), await server.at_confirm()
    outcomes = await asyncio.gather(
        server.submit(one, "confirm", {"confirm": True}),
        server.submit(other, "confirm", {"confirm": True}),
    )
    moved = [o for o in outcomes if isinstance(o, Moved)]
    rejected = [o for o in outcomes if isinstance(o, Rejected)]
    assert len(moved) == len(rejected) == 1
    assert rejected[0].code == "vehicle_unavailable"
    assert rejected[0].view.step.id == "choose"
    assert rejected[0].view.message == rejected[0].reason
    (lead,) = storage.state.leads.values()
    assert lead.session_id == moved[0].view.session.id
    assert storage.state.vehicles[VEHICLE].lead_id == lead.id


async def test_the_rejected_session_may_choose_another_vehicle() -> None:
    storage = stocked()
    server = process(storage)
    one, other = await server.at_confirm(), await server.at_confirm()
    await server.moved(one, "confirm", {"confirm": True})
    assert isinstance(await server.submit(other, "confirm", {"confirm": True}), Rejected)
    await server.moved(other, "choose", {"vehicle_id": "veh-2"})
    done = await server.submit(other, "confirm", {"confirm": True})
    assert isinstance(done, Moved)
    assert done.view.step.id == "done"
    assert done.view.message is None
