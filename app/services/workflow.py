"""The workflow service as the adapters see it (`workflows.ports.WorkflowPort`): commands in,
outcomes out, each handled by the part responsible for it.

- `starting.py`, `transitions.py`, `going_back.py`, `resumption.py`: the commands, each
  committing through `session_writes.py` (one unit of work per state change);
- `session_updates.py`: the read side, the current step and the subscription's updates;
- `session_loader.py`: loading, from the session cache (injected) or from storage;
- `replies.py`: the answers that are not a move.

`workflow_service()` wires them, for the server, the workers and the tests alike."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from app.services.effects import Handler
from app.services.going_back import GoingBack
from app.services.host_sites import HostSites
from app.services.inventory import InventoryService
from app.services.lead_limits import LeadLimits
from app.services.rates import ServiceRates
from app.services.replies import Replies
from app.services.resumption import Resumption
from app.services.session_cache import SessionCache
from app.services.session_events import SessionEvents
from app.services.session_loader import SessionLoader
from app.services.session_updates import SessionUpdates
from app.services.session_writes import SessionWriter
from app.services.starting import Starting
from app.services.step_views import ViewBuilder
from app.services.storage import SessionStorage
from app.services.transitions import Transitions
from app.tasks import TaskRunner
from app.telemetry.metrics import Metrics, TransitionMeter
from workflows.commands import Back, StartWorkflow, Transition
from workflows.definition import definition_info
from workflows.outcomes import (
    ANONYMOUS,
    Caller,
    DefinitionInfo,
    Invalid,
    Moved,
    NotFound,
    Outcome,
    RateLimited,
    Rejected,
    SessionUpdate,
    Stale,
)
from workflows.registry import Registry, UnknownVersion

# The outcome label of each answer (the metrics' bounded enum).
OUTCOMES: dict[type, str] = {
    Moved: "moved",
    Invalid: "invalid",
    Stale: "stale",
    Rejected: "rejected",
    NotFound: "not_found",
}


class WorkflowService:
    def __init__(
        self,
        flows: Registry,
        starting: Starting,
        transitions: Transitions,
        going_back: GoingBack,
        resumption: Resumption,
        read_side: SessionUpdates,
        metrics: Metrics,
        workflow: str = "trex",
    ) -> None:
        self._flows = flows
        self._metrics = metrics
        self._workflow = workflow
        self._meters: dict[tuple[str, int], TransitionMeter] = {}
        self._starting = starting
        self._transitions = transitions
        self._going_back = going_back
        self._resumption = resumption
        self._read_side = read_side

    async def start(self, command: StartWorkflow) -> Outcome:
        return await self._starting.start(command)

    async def transition(self, command: Transition) -> Outcome:
        answer = self._transitions.transition(command)
        return await self._measured("transition", command.current_step, answer)

    async def back(self, command: Back) -> Outcome:
        return await self._measured("back", command.current_step, self._going_back.back(command))

    async def _measured(self, command: str, step: str, answer: Awaitable[Outcome]) -> Outcome:
        """`answer`, counted and timed by step and outcome (a refusal by a rate limit, or a
        fault, too)."""
        started = time.perf_counter()
        try:
            outcome = await answer
        except RateLimited:
            self._meter().record(command, step, "rate_limited", started)
            raise
        except Exception:
            self._meter().record(command, step, "error", started)
            raise
        self._meter(outcome).record(command, step, OUTCOMES[type(outcome)], started)
        return outcome

    def _meter(self, outcome: Outcome | None = None) -> TransitionMeter:
        """The meter of the session's version (the current one's when the answer has none)."""
        if outcome is None or isinstance(outcome, NotFound):
            workflow = self._flows.current(self._workflow)
        else:
            session = outcome.view.session
            workflow = self._flows.get(session.workflow, session.version)
        key = (workflow.name, workflow.version)
        meter = self._meters.get(key)
        if meter is None:
            meter = self._meters[key] = self._metrics.transitions_of(*key, workflow.steps)
        return meter

    async def resume(self, session_id: str, context_update: dict[str, Any]) -> bool:
        return await self._resumption.resume(session_id, context_update)

    async def recover_waiting(self, outcome: dict[str, Any], older_than: timedelta) -> int:
        return await self._resumption.recover_waiting(outcome, older_than)

    async def current(
        self, session_id: str, token: str | None, caller: Caller = ANONYMOUS
    ) -> Outcome:
        return await self._read_side.current(session_id, token, caller)

    def updates(
        self,
        session_id: str,
        token: str | None,
        after_seq: int | None,
        caller: Caller = ANONYMOUS,
    ) -> AsyncIterator[SessionUpdate]:
        return self._read_side.updates(session_id, token, after_seq, caller)

    def definition(self, name: str, version: int | None = None) -> DefinitionInfo | None:
        """A version of a workflow (its current one by default); None if it is not defined."""
        try:
            return definition_info(self._flows.get(name, version))
        except UnknownVersion:
            return None


def workflow_service(
    *,
    flows: Registry,
    storage: SessionStorage,
    inventory: InventoryService,
    effects: dict[str, Handler],
    views: ViewBuilder,
    events: SessionEvents,
    tasks: TaskRunner,
    sites: HostSites,
    clock: Callable[[], datetime],
    cache: SessionCache,
    limits: LeadLimits,
    rates: ServiceRates,
    metrics: Metrics | None = None,
    workflow: str = "trex",
) -> WorkflowService:
    """The service and its parts, sharing one loader (so one cache) and one writer; new
    sessions start on `workflow`'s current version of `flows`; measured into `metrics` (None:
    a registry of its own, which nobody reads)."""
    metrics = metrics or Metrics()
    loader = SessionLoader(storage, cache, rates)
    writer = SessionWriter(storage, events, loader, flows, limits, clock, metrics)
    replies = Replies(storage, loader, views, flows)
    return WorkflowService(
        flows,
        Starting(flows, storage, events, loader, views, sites, rates, clock, metrics, workflow),
        Transitions(flows, loader, writer, replies, views, inventory, effects, tasks, clock),
        GoingBack(flows, loader, writer, replies, views),
        Resumption(flows, storage, loader, writer, clock),
        SessionUpdates(loader, events, views, rates),
        metrics,
        workflow,
    )
