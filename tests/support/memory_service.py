"""The workflow service on memory storage, running a small flow whose one effect holds a vehicle:
what the fast service tests (tests/unit/test_workflow_service_*.py) run.

    intro ──▶ choose (vehicle_id) ──▶ confirm [reserve: a lead and its vehicle hold] ──▶ done
                  ▲                      │ the vehicle went to another session
                  └──────────────────────┘ (back on choose, with the reason)

Every process of the tests is a `Process`: a service with its own session cache, several of
them on one `MemoryStorage` are several servers on one database. `Gate` lets a test hold the
effect of two transitions until both have read their session, to make them race.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from app.bus.event_bus import EventBus
from app.services.effects import EffectContext, EffectResult
from app.services.host_sites import HostSites
from app.services.inventory import InventoryService
from app.services.lead_limits import LeadLimits
from app.services.new_leads import new_lead
from app.services.rates import ServiceRates
from app.services.records import SessionRecord
from app.services.session_cache import SessionCache
from app.services.session_events import SessionEvents
from app.services.step_views import ViewBuilder
from app.services.storage import UnitOfWork
from app.services.workflow import WorkflowService, workflow_service
from app.tasks import TaskRunner
from app.telemetry.metrics import Metrics
from tests.support.memory_storage import MemoryStorage
from workflows.commands import StartWorkflow, Transition
from workflows.model import Component, Field, FieldType, Goto, Step, Workflow
from workflows.outcomes import Moved, Outcome
from workflows.registry import Registry, Release

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
VEHICLE = "veh-1"


def small_flow() -> Workflow:
    def yes(name: str) -> tuple[Field, ...]:
        return (Field(name, FieldType.BOOLEAN, name, required=True),)

    steps = [
        Step("intro", Component.CHOICE, "Ready?", fields=yes("go"), default=Goto("choose")),
        Step(
            "choose",
            Component.CHOICE,
            "Choose a vehicle",
            fields=(Field("vehicle_id", FieldType.TEXT, "Vehicle", required=True),),
            default=Goto("confirm"),
        ),
        Step(
            "confirm",
            Component.CHOICE,
            "Reserve it",
            fields=yes("confirm"),
            effects=("reserve",),
            default=Goto("done"),
            on_reject=Goto("choose"),
            commits=True,
        ),
        Step("done", Component.COMPLETION, "Reserved", terminal=True, can_go_back=False),
    ]
    return Workflow("small", 1, {step.id: step for step in steps}, {None: "intro"})


class Clock:
    """A second passes at each reading: every write has its own time."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


class Gate:
    """Holds each effect until `parties` of them wait (then all go on); open when 1."""

    def __init__(self, parties: int = 1) -> None:
        self._barrier = asyncio.Barrier(parties) if parties > 1 else None

    async def passed(self) -> None:
        if self._barrier is not None:
            await self._barrier.wait()


class Unread:
    """Storage for a collaborator this flow never lets read (an inventory of no vehicles, the
    demo site that keyless starts go to): reading fails the test."""

    def read(self) -> AbstractAsyncContextManager[UnitOfWork]:
        raise AssertionError("this flow reads no inventory or host site")

    def write(self) -> AbstractAsyncContextManager[UnitOfWork]:
        raise AssertionError("this flow writes no inventory or host site")


@dataclass
class Reserve:
    """The `reserve` effect: a lead (of `status`) holding the chosen vehicle, past the gate."""

    gate: Gate = field(default_factory=Gate)
    status: str = "RECEIVED"

    async def __call__(self, ctx: EffectContext, result: EffectResult) -> None:
        await self.gate.passed()
        vehicle_id = str(ctx.record.state.answers["choose"]["vehicle_id"])
        lead = new_lead(ctx.record, "buying", ctx.now, vehicle_id=vehicle_id)
        result.add_lead(replace(lead, status=self.status), ctx.record.context)
        result.holds.append((vehicle_id, lead.id))


@dataclass
class Process:
    """One server: the service, its session cache and its events, on shared storage."""

    storage: MemoryStorage
    service: WorkflowService
    cache: SessionCache
    events: SessionEvents
    reserve: Reserve

    async def started(self) -> tuple[str, str]:
        """A new session's id and token."""
        outcome = await self.service.start(StartWorkflow(None))
        assert isinstance(outcome, Moved)
        assert outcome.view.session.token is not None
        return outcome.view.session.id, outcome.view.session.token

    async def at_confirm(self, vehicle_id: str = VEHICLE) -> tuple[str, str]:
        """A session walked to `confirm`, having chosen `vehicle_id`."""
        session = await self.started()
        await self.moved(session, "intro", {"go": True})
        await self.moved(session, "choose", {"vehicle_id": vehicle_id})
        return session

    async def moved(self, session: tuple[str, str], step: str, data: object) -> None:
        outcome = await self.submit(session, step, data)
        assert isinstance(outcome, Moved), outcome

    async def submit(
        self, session: tuple[str, str], step: str, data: object, key: str | None = None
    ) -> Outcome:
        return await self.service.transition(Transition(*session, step, data, key))

    async def stored(self, session_id: str) -> SessionRecord:
        async with self.storage.read() as uow:
            record = await uow.sessions.get(session_id)
        assert record is not None
        return record


def process(
    storage: MemoryStorage,
    reserve: Reserve | None = None,
    metrics: Metrics | None = None,
    rates: ServiceRates | None = None,
) -> Process:
    """A server on `storage`, with a session cache of its own, measured into `metrics`, its
    rates `rates` (default: none refused)."""
    flows, clock, cache = Registry.of([Release(small_flow())]), Clock(), SessionCache()
    inventory = InventoryService(Unread(), (), ())
    events = SessionEvents(storage, EventBus(), clock, metrics)
    views = ViewBuilder(flows, inventory, storage, lambda: T0.date())
    reserve = reserve or Reserve()
    service = workflow_service(
        flows=flows,
        storage=storage,
        inventory=inventory,
        effects={"reserve": reserve},
        views=views,
        events=events,
        tasks=TaskRunner(),
        sites=HostSites(Unread(), clock),
        clock=clock,
        cache=cache,
        limits=LeadLimits(),
        rates=rates or ServiceRates(),
        metrics=metrics,
        workflow="small",
    )
    return Process(storage, service, cache, events, reserve)


def stocked() -> MemoryStorage:
    """Storage with two vehicles to hold."""
    storage = MemoryStorage()
    storage.stock(VEHICLE, "veh-2")
    return storage
