"""Wires the adapters to the service, once, for the server, the CLI and the tests alike."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import httpx
from opentelemetry.trace import TracerProvider
from starlette.applications import Starlette

from app.bus.event_bus import EventBus
from app.bus.rate_limiter import RateLimiter
from app.db.database import Database
from app.db.migrate import migrate
from app.db.unit_of_work import SqlStorage
from app.db.urls import ensure_sqlite_folder
from app.integrations.clients import Clients, Endpoint, clients_for
from app.integrations.http import ClientPolicy
from app.pipeline.financing import FinancingPipeline
from app.pipeline.relay import Relay
from app.pipeline.saga import LeadPipeline
from app.pipeline.wake import Waker
from app.pipeline.webhooks import DeliveryPolicy, WebhookSender
from app.services.credit import CreditService
from app.services.credit_jobs import CreditJobs
from app.services.effects import EFFECT_NAMES, Effects
from app.services.erasure import Eraser
from app.services.funnel import Funnel
from app.services.host_sites import HostSites
from app.services.inventory import InventoryService
from app.services.lead_limits import LeadLimits
from app.services.lead_queries import LeadQueries
from app.services.rates import ServiceRates
from app.services.resume_links import ResumeLinks
from app.services.retention import Retention
from app.services.session_cache import SessionCache
from app.services.session_events import SessionEvents
from app.services.session_loader import SessionLoader
from app.services.step_times import StepTimes
from app.services.step_views import ViewBuilder
from app.services.versions import VersionsMissing, ensure_kept
from app.services.webhooks import SiteWebhooks, UrlRules, Webhooks
from app.services.workflow import WorkflowService, workflow_service
from app.settings import RateLimits, Settings
from app.tasks import TaskRunner
from app.telemetry.logs import each_in_context
from app.telemetry.metrics import Metrics
from app.telemetry.tracing import TRACER
from sandbox.app import create_sandbox_app
from sandbox.faults import Faults
from sandbox.services import SERVICES
from vehicles import geo
from workflows import registry
from workflows.checker import ensure_valid
from workflows.registry import Registry

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
    relay: Relay
    waker: Waker
    pipeline: LeadPipeline
    clients: Clients
    sandbox: Starlette | None
    sites: HostSites
    leads: LeadQueries
    service: WorkflowService
    funnel: Funnel
    sweeper: asyncio.Task[None] | None = None
    # Rates per client address, session and host site (see app.bus.rate_limiter).
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(RateLimits()))
    metrics: Metrics = field(default_factory=Metrics)
    # Stops the metrics' own port (TREX_METRICS_PORT), when this process serves one.
    stop_metrics_port: Callable[[], None] | None = None
    # Host sites' webhooks: their endpoints and log (by site id), and what sends them.
    webhooks: Webhooks | None = None
    webhook_sender: WebhookSender | None = None
    # Continue later: sessions' resume links (sendResumeLink, resumeSession).
    resume_links: ResumeLinks | None = None

    async def readiness(self) -> dict[str, bool]:
        return {
            "database": await self.db.reachable(),
            "bus": self.bus.healthy,
            "relay": self.relay.alive,
        }

    async def aclose(self) -> None:
        """Graceful: stop taking work, let what is under way finish, give back the rest."""
        if self.sweeper is not None:
            self.sweeper.cancel()
            await asyncio.gather(self.sweeper, return_exceptions=True)
        await self.waker.stop()
        await self.relay.stop()
        await self.tasks.drain(seconds=5)
        await self.clients.aclose()
        if self.webhook_sender is not None:
            await self.webhook_sender.aclose()
        try:
            async with asyncio.timeout(5):  # never let a stuck connection hold a shutdown
                await self.bus.disconnect()
        except TimeoutError:
            log.warning("the event bus did not disconnect within 5 s; going on")
        await self.limiter.aclose()
        await self.db.dispose()
        if self.stop_metrics_port is not None:
            await asyncio.to_thread(self.stop_metrics_port)


def _external_services(
    settings: Settings, tracer_provider: TracerProvider | None, metrics: Metrics
) -> tuple[Clients, Starlette | None]:
    """The clients speak HTTP: each to its service's URL when one is set (TREX_<SERVICE>_URL or
    the sandbox's own process at TREX_SANDBOX_URL), else to the sandbox in this process, through
    httpx's ASGI transport (development only: production refuses to start without URLs)."""
    policy = ClientPolicy(timeout_seconds=settings.service_timeout_seconds)
    urls = {name: settings.service_url(name) for name in SERVICES}
    endpoints: dict[str, Endpoint] = {}
    sandbox = None
    if not all(urls.values()):
        scale = settings.sandbox_latency_scale
        sandbox = create_sandbox_app(Faults.from_env(), latency_scale=scale)
        in_process = httpx.ASGITransport(app=sandbox)
        endpoints = {name: (f"http://sandbox.internal/sandbox/{name}", in_process) for name in urls}
    network = httpx.AsyncHTTPTransport()
    endpoints |= {name: (url, network) for name, url in urls.items() if url}
    reset = settings.breaker_reset_seconds
    clients = clients_for(
        endpoints, policy, reset_seconds=reset, tracer_provider=tracer_provider, metrics=metrics
    )
    return clients, sandbox


async def prepare_database(settings: Settings) -> Database:
    """The database, migrated to the head revision (once, however many processes start)."""
    ensure_sqlite_folder(settings.database_url)
    db = Database(settings.database_url)
    await migrate(db)
    return db


class Role(StrEnum):
    SERVER = "server"  # serves the API; runs the handlers too unless TREX_INPROCESS_WORKERS=0
    WORKER = "worker"  # runs the relay's handlers only (`trex worker`)


async def bootstrap(
    settings: Settings,
    flows: Registry | None = None,
    role: Role = Role.SERVER,
    tracer_provider: TracerProvider | None = None,
) -> Container:
    """Build everything; a broken workflow definition, or stored sessions on a version `flows`
    (default: the shipped definitions) no longer has, stops here, naming them.
    `tracer_provider`: the database, the external calls and the relay's deliveries traced
    (None: tracing off; its owner shuts it down)."""
    flows = flows or registry.default()
    for workflow in flows:
        ensure_valid(workflow, bound_effects=EFFECT_NAMES)
    metrics = Metrics()  # this app's or worker's: /metrics, or TREX_METRICS_PORT
    db = await prepare_database(settings)
    db.measure(metrics)
    if tracer_provider is not None:
        db.trace(tracer_provider)
    storage = SqlStorage(db)
    try:
        await ensure_kept(flows, storage)
    except VersionsMissing:
        await db.dispose()
        raise
    geo.load()
    inventory = await InventoryService.load(storage)
    sites = HostSites(storage, now, keyless_starts=not settings.production)
    await sites.ensure_demo()
    bus = EventBus(settings.redis_url or "memory://")
    await bus.connect()
    tasks = TaskRunner()
    clients, sandbox = _external_services(settings, tracer_provider, metrics)
    credit = CreditService(clients.credit_bureau, settings.credit_deadline_seconds)
    step_times = StepTimes(storage, now)
    await step_times.refresh()
    service: WorkflowService
    jobs = CreditJobs(credit, lambda sid, ctx: service.resume(sid, ctx))
    events = SessionEvents(storage, bus, now, metrics)
    limiter = RateLimiter(settings.rate_limits, settings.redis_url)
    views = ViewBuilder(flows, inventory, storage, lambda: now().date(), step_times.medians)
    cache, rates = SessionCache(), ServiceRates(limiter)
    service = workflow_service(
        flows=flows,
        storage=storage,
        inventory=inventory,
        effects=Effects(inventory, jobs).bindings(),
        views=views,
        events=events,
        tasks=tasks,
        sites=sites,
        clock=now,
        cache=cache,
        limits=LeadLimits.from_settings(settings),
        rates=rates,
        metrics=metrics,
    )
    resume_links = ResumeLinks(
        storage,
        SessionLoader(storage, cache, rates),
        views,
        rates,
        sites,
        clients.communications,
        now,
        timedelta(days=settings.session_retention_days),
    )
    pipeline = LeadPipeline(storage, clients, inventory, events, now, metrics)
    financing = FinancingPipeline(storage, clients, pipeline, events, now)
    runs_workers = role is Role.WORKER or settings.inprocess_workers
    eraser = Eraser(storage, flows, now)
    funnel = Funnel(storage, sites, flows, now)
    hooks = settings.webhooks
    sender = WebhookSender(
        storage,
        now,
        DeliveryPolicy(
            hooks.attempts,
            hooks.first_retry_seconds,
            hooks.max_retry_seconds,
            hooks.timeout_seconds,
        ),
        work_written=lambda: waker.committed(True),
    )
    handlers = pipeline.handlers() | financing.handlers() | sender.handlers()
    relay = Relay(
        storage,
        each_in_context(handlers) if runs_workers else None,
        events.publish_pending,
        now,
        poll_seconds=settings.relay_poll_seconds,
        lease_seconds=settings.relay_lease_seconds,
        retention_hours=settings.outbox_retention_hours,
        housekeeping=[
            _retention(settings, storage, eraser).sweep,
            funnel.sweep,
            step_times.refresh_if_due,
        ],
        tracer=tracer_provider.get_tracer(TRACER) if tracer_provider else None,
        metrics=metrics,
    )
    waker = Waker(bus, relay, tasks, remote=not runs_workers)
    events.when_committed(waker.committed)
    relay.start()
    if role is Role.WORKER:
        waker.listen()
    sweeper = None
    if runs_workers:
        grace = timedelta(seconds=2 * settings.credit_deadline_seconds + 5)
        sweeper = asyncio.create_task(_sweep_orphaned_waits(service, grace), name="sweep-waits")
    webhooks = Webhooks(
        storage,
        sites,
        now,
        rules=UrlRules(https_only=settings.production),
        grace=timedelta(hours=hooks.rotation_grace_hours),
        work_written=lambda: waker.committed(True),
    )
    leads = LeadQueries(
        storage, sites, bus, eraser, lambda: now().date(), SiteWebhooks(webhooks, sites)
    )
    return Container(
        settings,
        db,
        bus,
        tasks,
        relay,
        waker,
        pipeline,
        clients,
        sandbox,
        sites,
        leads,
        service,
        funnel,
        sweeper,
        limiter=limiter,
        metrics=metrics,
        webhooks=webhooks,
        webhook_sender=sender,
        resume_links=resume_links,
        stop_metrics_port=(
            metrics.serve(settings.metrics_host, settings.metrics_port)
            if settings.metrics_port
            else None
        ),
    )


def _retention(settings: Settings, storage: SqlStorage, eraser: Eraser) -> Retention:
    return Retention(
        storage,
        eraser,
        now,
        session_days=settings.session_retention_days,
        lead_days=settings.lead_retention_days,
    )


async def _sweep_orphaned_waits(service: WorkflowService, grace: timedelta) -> None:
    """Sessions waiting for a credit result whose process stopped are moved on, `unavailable`.

    The SSN is never stored, so the check cannot be asked again."""
    while True:
        try:
            moved = await service.recover_waiting(UNAVAILABLE_AFTER_RESTART, older_than=grace)
        except Exception:
            log.exception("sweeping orphaned credit checks failed")
        else:
            if moved:
                log.warning(
                    "%d sessions waited for a credit result past %s; moved on", moved, grace
                )
        await asyncio.sleep(grace.total_seconds() / 2)
