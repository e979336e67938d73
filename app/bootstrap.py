"""Wires the adapters to the service, once, for the server, the CLI and the tests alike."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.db.database import Database
from app.db.migrate import migrate
from app.events import EventBus
from app.services.credit import CreditService, SandboxBureau
from app.services.credit_jobs import CreditJobs
from app.services.effects import EFFECT_NAMES, Effects
from app.services.inventory import InventoryService
from app.services.session_events import SessionEvents
from app.services.views import ViewBuilder
from app.services.workflow import WorkflowService
from app.settings import Settings
from app.tasks import TaskRunner
from workflows import trex
from workflows.checker import ensure_valid
from workflows.engine import Engine
from workflows.model import Workflow

log = logging.getLogger("trex")
UNAVAILABLE_AFTER_RESTART = {
    "credit": {
        "status": "unavailable",
        "reason": "The credit check was interrupted; a lender will follow up.",
    }
}


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Container:
    settings: Settings
    db: Database
    bus: EventBus
    tasks: TaskRunner
    service: WorkflowService

    async def aclose(self) -> None:
        await self.tasks.drain(seconds=5)
        await self.bus.disconnect()
        await self.db.dispose()


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


async def bootstrap(settings: Settings, workflow: Workflow | None = None) -> Container:
    """Build everything; a broken workflow definition stops here, naming its faults."""
    engine = Engine(workflow or trex.build())
    ensure_valid(engine.workflow, bound_effects=EFFECT_NAMES)
    _ensure_sqlite_folder(settings.database_url)
    db = Database(settings.database_url)
    await migrate(db)
    inventory = await InventoryService.load(db)
    bus = EventBus()
    await bus.connect()
    tasks = TaskRunner()
    low, high = settings.credit_latency_ms
    bureau = SandboxBureau(low, high, down=settings.credit_bureau_down)
    credit = CreditService(bureau, settings.credit_deadline_seconds)
    service: WorkflowService
    jobs = CreditJobs(
        credit,
        lambda sid, ctx: service.resume(sid, ctx),
        lambda lid, extra: service.join_lead(lid, extra),
    )
    effects = Effects(inventory, jobs).bindings()
    service = WorkflowService(
        engine=engine,
        db=db,
        inventory=inventory,
        effects=effects,
        views=ViewBuilder(engine, inventory, db, lambda: now().date()),
        events=SessionEvents(db, bus),
        tasks=tasks,
        clock=now,
    )
    recovered = await service.recover_waiting(UNAVAILABLE_AFTER_RESTART)
    if recovered:
        log.warning("%d sessions were waiting for a credit result at start; moved on", recovered)
    return Container(settings, db, bus, tasks, service)
