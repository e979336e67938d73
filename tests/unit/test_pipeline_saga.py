"""The lead saga on memory storage (tests/support/memory_storage.py), against the sandbox in
this process with no latency: a lead goes through the CRM, scoring, routing and contact to
COMPLETED and completes its session; every item delivered twice has the effect of once; a CRM
refusal rejects the lead and releases its vehicle at once. In milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from app.bus.event_bus import EventBus
from app.integrations.clients import build_clients
from app.pipeline.relay import Handler
from app.pipeline.saga import LeadPipeline
from app.services.inventory import InventoryService
from app.services.records import LeadRecord, OutboxItem, SessionRecord
from app.services.session_events import LEAD_STATUS, SessionEvents
from app.services.webhooks import EVENT_TOPIC
from sandbox.app import create_sandbox_app
from tests.support.memory_service import Unread
from tests.support.memory_storage import MemoryStorage, State
from vehicles.models import Dealer, Vehicle
from workflows.engine import SessionState
from workflows.model import SessionStatus

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
DEALER = Dealer("d-1", "Hudson Motors", "10001", "New York", "NY", capacity=5)
VEHICLE = Vehicle(
    "veh-1", "1HGCM82633A004352", "Honda", "Accord", 2021, 24_000, 30_000, "gasoline", "sedan",
    5, "automatic", "fwd", (), "blue", DEALER.id,
)  # fmt: skip


def clock() -> datetime:
    return T0


def pipeline(storage: MemoryStorage) -> LeadPipeline:
    sandbox = create_sandbox_app(latency_scale=0)
    clients = build_clients("http://sandbox.internal", httpx.ASGITransport(app=sandbox))
    inventory = InventoryService(Unread(), [VEHICLE], [DEALER])
    events = SessionEvents(storage, EventBus(), clock)
    return LeadPipeline(storage, clients, inventory, events, clock)


async def submitted(storage: MemoryStorage, email: str) -> LeadRecord:
    """A session at its end with one buying lead, just received: its vehicle held, the saga's
    first item in the outbox (as the visitor's last transition leaves them)."""
    storage.stock(VEHICLE.id, dealers={DEALER.id: DEALER.capacity})
    state = SessionState("done", SessionStatus.SUBMITTED, {}, ("done",))
    session = SessionRecord("s-1", "hash", "trex", 1, state, {}, T0, T0, last_seq=3)
    contact = {"first_name": "Ada", "email": email, "preferred_contact": "email"}
    lead = LeadRecord(
        "lead-1", "TRX-234567", session.id, "buying", "RECEIVED", T0,
        vehicle_id=VEHICLE.id, dealer_id=DEALER.id, contact=contact,
        details={"vehicle": {"make": "Honda"}},
    )  # fmt: skip
    async with storage.write() as uow:
        await uow.sessions.add(session)
        await uow.leads.add(lead)
        assert await uow.leads.hold_vehicle(VEHICLE.id, lead.id, T0, T0 + timedelta(hours=48))
        await uow.outbox.add("lead.created", {"lead_id": lead.id}, T0)
    return lead


async def deliver_all(storage: MemoryStorage, handlers: dict[str, Handler]) -> list[OutboxItem]:
    """What the relay does, one item after the other, until no work is left."""
    delivered: list[OutboxItem] = []
    while True:
        async with storage.write() as uow:
            due = await uow.outbox.claim_due(T0, LEASE, 50)
        if not due:
            return delivered
        for item in due:
            if item.topic != EVENT_TOPIC:  # a site's webhooks: app/pipeline/webhooks.py
                await handlers[item.topic](item)
                delivered.append(item)
            async with storage.write() as uow:
                await uow.outbox.done(item.id, T0)


def statuses(state: State) -> list[str]:
    return [str(e.payload["status"]) for e in state.events.values() if e.type == LEAD_STATUS]


async def test_a_lead_goes_to_completed_and_completes_its_session() -> None:
    storage = MemoryStorage()
    lead = await submitted(storage, "ada@example.com")

    await deliver_all(storage, pipeline(storage).handlers())

    stored = storage.state.leads[lead.id]
    assert stored.status == "COMPLETED"
    assert stored.crm_id is not None
    assert {"scored", "routed", "contacted"} <= set(stored.outcomes)
    assert stored.outcomes["routed"] == {"dealers": [DEALER.id]}
    assert storage.state.sessions["s-1"].state.status is SessionStatus.COMPLETED
    found = statuses(storage.state)
    assert (found[0], found[-1]) == ("SUBMITTED", "COMPLETED")
    assert sorted(found[1:-1]) == ["CONTACTED", "DEALER_ASSIGNED", "SCORED"]
    assert [e.seq for e in storage.state.events.values()] == [4, 5, 6, 7, 8]


async def test_every_item_delivered_twice_has_the_effect_of_once() -> None:
    storage = MemoryStorage()
    await submitted(storage, "ada@example.com")
    saga = pipeline(storage)
    handlers = saga.handlers()
    delivered = await deliver_all(storage, handlers)
    before = storage.state.copy()

    for item in delivered:  # again, as a relay whose lease ran out would
        await handlers[item.topic](item)
    for item in delivered:  # and under new ids, as a relay that lost its bookkeeping would
        await handlers[item.topic](OutboxItem(10_000 + item.id, item.topic, item.payload, 0))

    after = storage.state
    assert (after.leads, after.sessions, after.events) == (
        before.leads,
        before.sessions,
        before.events,
    )
    assert (after.capacity, after.vehicles) == (before.capacity, before.vehicles)
    assert [i for i, w in after.outbox.items() if w.done_at is None] == []


async def test_a_crm_refusal_rejects_the_lead_and_releases_its_vehicle_at_once() -> None:
    storage = MemoryStorage()
    lead = await submitted(storage, "ada@blocked.example")

    delivered = await deliver_all(storage, pipeline(storage).handlers())

    stored = storage.state.leads[lead.id]
    assert stored.status == "REJECTED"
    assert stored.outcomes["rejected"]["by"] == "lead CRM"
    assert storage.state.vehicles[VEHICLE.id].free_at(T0)
    assert [item.topic for item in delivered] == ["lead.created"]  # no follow-up work
    assert statuses(storage.state) == ["REJECTED"]
    assert storage.state.sessions["s-1"].state.status is SessionStatus.SUBMITTED


async def test_each_status_change_writes_its_webhook_message_with_it() -> None:
    """The message a site's webhooks get is outbox work of the status change's own unit of
    work: one per status, with its own webhook-id, whatever the site has registered."""
    storage = MemoryStorage()
    await submitted(storage, "ada@example.com")

    await deliver_all(storage, pipeline(storage).handlers())

    work = storage.state.outbox.values()
    messages = [w.item.payload for w in work if w.item.topic == EVENT_TOPIC]
    assert [m["data"]["status"] for m in messages] == statuses(storage.state)
    assert len({m["message_id"] for m in messages}) == len(messages) == 5
    assert all(m["type"] == "lead.status_changed" and m["site"] == "demo" for m in messages)
    assert all(m["data"]["leadId"] == "lead-1" for m in messages)
