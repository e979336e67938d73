"""The lead pipeline on a real database with the in-process sandbox: every event delivered twice
has the effect of once; work left by a stopped process is picked up after a restart."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from app.bootstrap import Container, bootstrap
from app.db.outbox import OutboxRepository
from app.db.tables import DealerRow, LeadRow, OutboxRow, ProcessedRow, SessionEventRow
from app.services.records import OutboxItem
from app.settings import Settings
from tests.support.answers import CONTACT
from workflows.commands import StartWorkflow, Transition
from workflows.outcomes import Caller, Moved


async def _network_lead(container: Container) -> str:
    """Walk a dealer-network sale with consent to its end; returns the session id."""
    service = container.service
    started = await service.start(StartWorkflow("selling", None, Caller()))
    assert isinstance(started, Moved)
    session_id, token = started.view.session.id, started.view.session.token
    steps: list[tuple[str, dict[str, Any]]] = [
        ("has_buyer", {"has_buyer": False}),
        (
            "dealer_network",
            {
                "make": "Honda",
                "model": "Civic",
                "year": 2018,
                "mileage": 48_000,
                "condition": "good",
                "zip": "10001",
            },
        ),
        ("credit_consent", {"consent": True}),
        ("dealer_confirmation", CONTACT),
        ("replacement_check", {"wants_replacement": False}),
    ]
    for step, data in steps:
        moved = await service.transition(Transition(session_id, token, step, data, None))
        assert isinstance(moved, Moved), moved
    return session_id


async def _settled(container: Container, seconds: float = 10) -> None:
    async with asyncio.timeout(seconds):
        while True:
            async with container.db.read() as session:
                open_items = (
                    await session.execute(
                        select(func.count())
                        .select_from(OutboxRow)
                        .where(col(OutboxRow.done_at).is_(None))
                    )
                ).scalar_one()
            if open_items == 0:
                return
            await asyncio.sleep(0.05)


async def _snapshot(container: Container) -> dict[str, Any]:
    async with container.db.read() as session:
        leads = (await session.execute(select(LeadRow))).scalars().all()
        events = (
            await session.execute(select(func.count()).select_from(SessionEventRow))
        ).scalar_one()
        capacity = (await session.execute(select(func.sum(DealerRow.capacity)))).scalar_one()
    assert container.sandbox is not None
    transport = httpx.ASGITransport(app=container.sandbox)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as sandbox:
        messages = (await sandbox.get("/sandbox/communications/messages")).json()
        assignments = (await sandbox.get("/sandbox/dealer-network/assignments")).json()
    return {
        "assignments": sorted(a["dealer_id"] for a in assignments["assignments"]),
        "leads": [(lead.status, lead.outcomes) for lead in leads],
        "events": events,
        "capacity": capacity,
        "messages": messages,
    }


async def test_every_event_delivered_twice_has_the_effect_of_once(settings: Settings) -> None:
    container = await bootstrap(settings)
    await _network_lead(container)
    await _settled(container)
    before = await _snapshot(container)
    assert before["leads"][0][0] == "COMPLETED"
    assert len(before["assignments"]) == 3  # a network lead goes to the 3 nearest dealers
    async with container.db.read() as session:
        delivered = (
            (await session.execute(select(OutboxRow).order_by(col(OutboxRow.id)))).scalars().all()
        )
    topics = {row.topic for row in delivered}
    assert topics == {
        "lead.created",
        "lead.score",
        "lead.route",
        "lead.contact",
        "lead.soft_credit",
        "webhook.lead_status",  # the demo site has no endpoints: nothing more
    }
    assert container.webhook_sender is not None
    handlers = container.pipeline.handlers() | container.webhook_sender.handlers()
    for row in delivered:
        await handlers[row.topic](OutboxItem(row.id or 0, row.topic, row.payload, row.attempts))
    # Delivered again under new ids, as a relay that lost its bookkeeping would.
    for row in delivered:
        await handlers[row.topic](OutboxItem(10_000 + (row.id or 0), row.topic, row.payload, 0))
    after = await _snapshot(container)
    await container.aclose()
    assert after == before


async def test_work_left_by_a_stopped_process_is_done_after_a_restart(settings: Settings) -> None:
    container = await bootstrap(replace(settings, relay_poll_seconds=60))
    await container.relay.stop()  # the process "dies" before its relay delivers anything
    session_id = await _network_lead(container)
    await container.aclose()
    restarted = await bootstrap(settings)
    await _settled(restarted)
    async with restarted.db.read() as session:
        query = select(LeadRow).where(col(LeadRow.session_id) == session_id)
        lead = (await session.execute(query)).scalar_one()
    await restarted.aclose()
    assert lead.status == "COMPLETED"
    assert set(lead.outcomes) >= {"scored", "routed", "contacted", "soft_credit_check"}
    assert lead.outcomes["soft_credit_check"]["status"] == "prequalified"
    assert len(lead.outcomes["routed"]["dealers"]) == 3


async def test_finished_work_is_pruned_after_the_retention(settings: Settings) -> None:
    container = await bootstrap(replace(settings, outbox_retention_hours=0))
    await _network_lead(container)
    await _settled(container)
    async with container.db.write() as session:
        pruned = await OutboxRepository(session).prune(datetime.now(UTC))
    async with container.db.read() as session:
        left = (await session.execute(select(func.count()).select_from(OutboxRow))).scalar_one()
        marks = (await session.execute(select(func.count()).select_from(ProcessedRow))).scalar_one()
    await container.aclose()
    assert pruned >= 5  # the saga and its follow-ups
    assert (left, marks) == (0, 0)
