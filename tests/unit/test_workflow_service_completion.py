"""The one completion rule: a session is COMPLETED when it reached its end and all its leads
completed, whichever comes last."""

from __future__ import annotations

from dataclasses import replace

from app.services.completion import complete_session_if_done
from app.telemetry.metrics import Metrics
from tests.support.memory_service import Gate, Reserve, process, stocked
from workflows.model import SessionStatus
from workflows.outcomes import Moved


async def test_the_last_lead_completing_completes_a_session_at_its_end() -> None:
    server = process(stocked())
    session = await server.at_confirm()
    done = await server.submit(session, "confirm", {"confirm": True})
    assert isinstance(done, Moved)
    assert done.view.session.status is SessionStatus.SUBMITTED
    before = await server.stored(session[0])
    async with server.storage.write() as uow:
        (lead,) = server.storage.state.leads.values()
        await uow.leads.update(replace(lead, status="COMPLETED"), before.updated_at)
        await complete_session_if_done(uow, session[0], Metrics())
    after = await server.stored(session[0])
    assert after.state.status is SessionStatus.COMPLETED
    assert after.row_version == before.row_version + 1  # copies held elsewhere are stale


async def test_a_session_reaching_its_end_after_its_leads_completed_is_completed_at_once() -> None:
    server = process(stocked(), Reserve(Gate(), status="COMPLETED"))
    session = await server.at_confirm()
    done = await server.submit(session, "confirm", {"confirm": True})
    assert isinstance(done, Moved)
    assert done.view.session.status is SessionStatus.COMPLETED
    assert (await server.stored(session[0])).state.status is SessionStatus.COMPLETED


async def test_a_session_not_at_its_end_is_not_completed() -> None:
    server = process(stocked(), Reserve(Gate(), status="COMPLETED"))
    session = await server.at_confirm()
    async with server.storage.write() as uow:
        await complete_session_if_done(uow, session[0], Metrics())
    assert (await server.stored(session[0])).state.status is SessionStatus.ACTIVE


async def test_a_session_with_a_lead_still_open_stays_submitted() -> None:
    server = process(stocked())
    session = await server.at_confirm()
    await server.moved(session, "confirm", {"confirm": True})
    async with server.storage.write() as uow:
        await complete_session_if_done(uow, session[0], Metrics())
    assert (await server.stored(session[0])).state.status is SessionStatus.SUBMITTED
