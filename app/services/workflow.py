"""The workflow service: engine + repositories + one transaction per state change + events.

A transition loads the session, checks the token and that `currentStep` is current, validates,
runs the step's effects, then writes the new state, a history entry, the session event and any
lead in one transaction, and answers with the new step. Expected failures come back as outcome
values, never as exceptions.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from app.db.database import Database
from app.db.outbox import OutboxRepository
from app.db.repositories import LeadRepository, SessionRepository
from app.security import hash_token, is_id, new_token, token_matches
from app.services.effects import (
    VEHICLE_TAKEN,
    EffectContext,
    EffectResult,
    Handler,
    Rejection,
)
from app.services.host_sites import HostSites
from app.services.inventory import InventoryService
from app.services.lead_limits import LeadLimits
from app.services.lead_queries import lead_status_event
from app.services.lookups import lookups_for
from app.services.rates import ServiceRates
from app.services.records import SessionRecord, StoredEvent
from app.services.session_cache import SessionCache
from app.services.session_events import LEAD_STATUS, SessionEvents, interruptible
from app.services.snapshots import history_context, impersonal_snapshot, replayed_record
from app.services.step_views import ViewBuilder
from app.tasks import TaskRunner
from workflows.definition import definition_info
from workflows.engine import Engine, SessionState
from workflows.model import SessionStatus, Step
from workflows.outcomes import (
    ANONYMOUS,
    Caller,
    DefinitionInfo,
    Invalid,
    InvalidStart,
    JsonObject,
    Moved,
    NotFound,
    Outcome,
    Rejected,
    SessionUpdate,
    Stale,
    UnknownSession,
)
from workflows.personal import redacted
from workflows.rules import FieldError, validate

log = logging.getLogger("trex.workflow")
MAX_CONTEXT_BYTES = 4096
PUSHED_KEPT = 1024


class _Conflict(Exception):
    """Another request changed the session since it was read."""


class _VehicleTaken(Exception):
    """The conditional vehicle hold failed: sold or held for another lead."""


class _OverCap(Exception):
    """The new lead would exceed a per-client cap (app/services/lead_limits.py)."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.code)
        self.rejection = rejection


class WorkflowService:
    def __init__(
        self,
        *,
        engine: Engine,
        db: Database,
        inventory: InventoryService,
        effects: dict[str, Handler],
        views: ViewBuilder,
        events: SessionEvents,
        tasks: TaskRunner,
        sites: HostSites,
        clock: Callable[[], datetime],
        limits: LeadLimits | None = None,
        rates: ServiceRates | None = None,
    ) -> None:
        self._engine = engine
        self._workflow = engine.workflow
        self._db = db
        self._inventory = inventory
        self._effects = effects
        self._views = views
        self._events = events
        self._tasks = tasks
        self._sites = sites
        self._clock = clock
        self._limits = limits or LeadLimits()
        self._rates = rates or ServiceRates()
        self._cache = SessionCache()
        self._pushed: OrderedDict[tuple[str, int, int, int], SessionUpdate] = OrderedDict()

    async def start(
        self, workflow_type: str | None, context: JsonObject | None, caller: Caller
    ) -> Outcome:
        host_context = _checked_context(context)
        await self._rates.starting(caller)
        site_id = await self._sites.site_for_start(caller.publishable_key, caller.origin)
        if site_id is None:
            refused = "This publishable key is not valid from this origin."
            if caller.publishable_key is None:
                refused = "A publishable key (the X-Publishable-Key header) is required."
            raise InvalidStart(refused, "publishableKey")
        await self._rates.started_for(site_id)
        state = self._engine.start(workflow_type)
        token, now = new_token(), self._clock()
        record = SessionRecord(
            id=str(uuid.uuid4()),
            token_hash=hash_token(token),
            workflow=self._workflow.name,
            definition_version=self._workflow.version,
            state=state,
            context={"host": host_context} if host_context else {},
            created_at=now,
            updated_at=now,
            last_seq=1,
            host_site_id=site_id,
        )
        async with self._db.write() as session:
            repo = SessionRepository(session)
            await repo.add(record)
            await repo.add_history(
                record.id, "start", None, state.current_step, now, {"workflowType": workflow_type}
            )
            event = await self._events.record(repo, record, "start")
        self._events.committed(event)
        self._cache.put(record)
        log.info("session %s started at %s", record.id, state.current_step)
        return Moved(await self._views.build(record, token=token))

    async def current(
        self, session_id: str, token: str | None, caller: Caller = ANONYMOUS
    ) -> Outcome:
        await self._rates.opening(caller)
        record = await self._load(session_id, token)
        if record is None:
            await self._rates.failed(caller)
            return NotFound(session_id)
        return Moved(await self._views.build(record))

    async def transition(
        self,
        session_id: str,
        token: str | None,
        current_step: str,
        data: object,
        idempotency_key: str | None,
        caller: Caller = ANONYMOUS,
        *,
        cached: bool = True,
    ) -> Outcome:
        """Move the session on from `current_step` with `data`.

        `cached`: start from this process's latest copy of the session; any answer other than
        a move (stale, invalid, rejected, a conflict) is then checked against the database by
        running the transition once more from there."""
        record, recent = await self._opened(session_id, token, cached, caller)
        if record is None:
            return NotFound(session_id)

        def again() -> Awaitable[Outcome]:
            return self.transition(
                session_id, token, current_step, data, idempotency_key, caller, cached=False
            )

        if idempotency_key is not None:
            replayed = await self._replay(record, idempotency_key)
            if replayed is not None:
                return replayed
        if record.state.current_step != current_step:
            return await (again() if recent else self._stale(record))
        step = self._workflow.step(current_step)
        if step.awaits is not None or step.terminal:
            if recent:
                return await again()
            return await self._rejected(record, "no_input", _no_input_reason(step))
        lookups = await lookups_for(self._inventory, record, step)
        values, errors = validate(step, data, lookups=lookups, today=self._clock().date())
        if errors:
            return await (again() if recent else self._invalid(record, errors))
        try:
            return await self._advance(record, step, values, idempotency_key, caller)
        except _Conflict:
            self._cache.forget(session_id)
            if recent:
                return await again()
            return await self._after_conflict(session_id, idempotency_key)

    async def _advance(
        self,
        record: SessionRecord,
        step: Step,
        values: dict[str, Any],
        key: str | None,
        caller: Caller = ANONYMOUS,
    ) -> Outcome:
        now = self._clock()
        result = EffectResult()
        effect_context = EffectContext(record, step, values, now, caller)
        for name in step.effects:
            await self._effects[name](effect_context, result)
        if result.rejection is not None:
            return await self._reject_into(record, step, result.rejection, key)
        target = self._engine.resolve(self._engine.choose(step, values), record.state.path)
        context = {k: v for k, v in {**record.context, **result.context}.items() if k != "notice"}
        moved = replace(
            record,
            state=self._engine.advance(record.state, values, target),
            context=context,
            updated_at=now,
        )
        try:
            saved = await self._commit(record, moved, step, values, result, key)
        except _VehicleTaken:
            self._inventory.availability_changed()
            return await self._reject_into(record, step, VEHICLE_TAKEN, key)
        except _OverCap as over:
            log.info("session %s: %s refused (%s)", record.id, step.id, over.rejection.code)
            return await self._rejected(record, over.rejection.code, over.rejection.reason)
        if result.holds:
            self._inventory.availability_changed()
        for job in result.after_commit:
            self._tasks.spawn(job(), name=f"{step.id}:{record.id}")
        log.info("session %s: %s -> %s", record.id, step.id, target)
        return Moved(await self._views.build(saved))

    async def _commit(
        self,
        before: SessionRecord,
        after: SessionRecord,
        step: Step,
        values: dict[str, Any],
        result: EffectResult,
        key: str | None,
    ) -> SessionRecord:
        async with self._db.write() as session:
            repo, leads = SessionRepository(session), LeadRepository(session)
            saved = await repo.save(after)
            if saved is None:
                raise _Conflict
            for lead in result.leads:
                await leads.add(lead)
            for vehicle_id, lead_id in result.holds:
                until = self._limits.hold_until(after.updated_at)
                if not await leads.hold_vehicle(vehicle_id, lead_id, after.updated_at, until):
                    raise _VehicleTaken
            if result.leads:
                held, now = bool(result.holds), after.updated_at
                refusal = await self._limits.refusal(session, result.leads, held, now)
                if refusal is not None:
                    raise _OverCap(refusal)
            outbox = OutboxRepository(session)
            for topic, payload in result.work:
                await outbox.add(topic, payload, after.updated_at)
            saved = await _completed_if_done(repo, leads, saved)
            await repo.add_history(
                before.id,
                "transition",
                step.id,
                after.state.current_step,
                after.updated_at,
                redacted(step, values),
                {"context": sorted(result.context)},
            )
            if key is not None:
                outcome = {"kind": "moved", "record": impersonal_snapshot(self._workflow, saved)}
                await repo.remember_outcome(before.id, key, outcome, after.updated_at)
            event = await self._events.record(repo, saved, "transition")
        self._events.committed(event, work=bool(result.work))
        self._cache.put(saved)
        return saved

    async def back(
        self,
        session_id: str,
        token: str | None,
        current_step: str,
        caller: Caller = ANONYMOUS,
        *,
        cached: bool = True,
    ) -> Outcome:
        record, recent = await self._opened(session_id, token, cached, caller)
        if record is None:
            return NotFound(session_id)
        state = self._engine.back(record.state)
        if recent and (record.state.current_step != current_step or state is None):
            return await self.back(session_id, token, current_step, caller, cached=False)
        if record.state.current_step != current_step:
            return await self._stale(record)
        if state is None:
            reason = "This step cannot be left backwards: a request was submitted or is pending."
            return await self._rejected(record, "cannot_go_back", reason)
        try:
            saved = await self._save_move(record, state, "back", {})
        except _Conflict:
            self._cache.forget(session_id)
            if recent:
                return await self.back(session_id, token, current_step, caller, cached=False)
            return await self._after_conflict(session_id, None)
        return Moved(await self._views.build(saved))

    async def resume(self, session_id: str, context_update: dict[str, Any]) -> bool:
        """An awaited outcome arrived (a credit result): move the waiting session on and push
        the new step. Idempotent: a session no longer waiting is left alone."""
        for _ in range(5):
            record = await self._load_any(session_id)
            state = None if record is None else self._engine.resume(record.state)
            if record is None or state is None:
                return False
            try:
                await self._save_move(record, state, "resume", context_update)
                log.info("session %s resumed at %s", session_id, state.current_step)
                return True
            except _Conflict:
                continue
        return False

    async def _save_move(
        self,
        record: SessionRecord,
        state: SessionState,
        action: str,
        context: dict[str, Any],
        remember: tuple[str, dict[str, Any]] | None = None,
    ) -> SessionRecord:
        """Move the session (back, resume, rejection) in one transaction; `remember` stores the
        outcome under an idempotency key."""
        now = self._clock()
        moved = replace(
            record,
            state=state,
            context={**record.context, **context},
            updated_at=now,
        )
        async with self._db.write() as session:
            repo = SessionRepository(session)
            saved = await repo.save(moved)
            if saved is None:
                raise _Conflict
            await repo.add_history(
                record.id,
                action,
                record.state.current_step,
                state.current_step,
                now,
                {},
                history_context(context),
            )
            event = await self._events.record(repo, saved, action)
            if remember is not None:
                key, outcome = remember
                await repo.remember_outcome(
                    record.id,
                    key,
                    {**outcome, "record": impersonal_snapshot(self._workflow, saved)},
                    now,
                )
        self._events.committed(event)
        self._cache.put(saved)
        return saved

    async def _reject_into(
        self, record: SessionRecord, step: Step, rejection: Rejection, key: str | None
    ) -> Outcome:
        """A business rejection: send the visitor where the step says, with the reason shown."""
        if step.on_reject is None:
            return await self._rejected(record, rejection.code, rejection.reason)
        target = self._engine.resolve(step.on_reject, record.state.path)
        state = self._engine.move(record.state, target)
        notice = {"notice": {"step": target, "text": rejection.reason, "code": rejection.code}}
        outcome = {"kind": "rejected", "code": rejection.code, "reason": rejection.reason}
        remember = None if key is None else (key, outcome)
        try:
            saved = await self._save_move(record, state, "rejected", notice, remember)
        except _Conflict:
            return await self._after_conflict(record.id, key)
        log.info("session %s: %s rejected (%s)", record.id, step.id, rejection.code)
        return Rejected(rejection.reason, rejection.code, await self._views.build(saved))

    async def _invalid(self, record: SessionRecord, errors: list[FieldError]) -> Outcome:
        return Invalid(tuple(errors), await self._views.build(record))

    async def _rejected(self, record: SessionRecord, code: str, reason: str) -> Outcome:
        return Rejected(reason, code, await self._views.build(record))

    async def _stale(self, record: SessionRecord) -> Outcome:
        return Stale(record.state.current_step, await self._views.build(record))

    async def _after_conflict(self, session_id: str, key: str | None) -> Outcome:
        self._cache.forget(session_id)
        record = await self._load_any(session_id)
        if record is None:
            return NotFound(session_id)
        if key is not None:
            replayed = await self._replay(record, key)
            if replayed is not None:
                return replayed
        return await self._stale(record)

    async def _replay(self, record: SessionRecord, key: str) -> Outcome | None:
        """The first answer given under this key, rendered from the session as it was then."""
        async with self._db.read() as session:
            stored = await SessionRepository(session).idempotent_outcome(record.id, key)
        if stored is None:
            return None
        view = await self._views.build(replayed_record(self._workflow, stored["record"], record))
        if stored["kind"] == "rejected":
            return Rejected(str(stored["reason"]), str(stored["code"]), view)
        return Moved(view)

    async def updates(
        self,
        session_id: str,
        token: str | None,
        after_seq: int | None,
        caller: Caller = ANONYMOUS,
    ) -> AsyncIterator[SessionUpdate]:
        await self._rates.opening(caller)
        record = await self._load(session_id, token)
        if record is None:
            await self._rates.failed(caller)
            raise UnknownSession(session_id)
        start = record.last_seq if after_seq is None else after_seq
        async for event in interruptible(self._events.stream(session_id, start)):
            yield await self._update(session_id, event)

    async def _update(self, session_id: str, event: StoredEvent) -> SessionUpdate:
        """The update an event makes: one object for all of the session's subscribers (a page
        open in several tabs, a host site watching), its step view built once."""
        if event.type == LEAD_STATUS:
            key = (session_id, event.seq, -1, -1)
            known = self._pushed.get(key)
            if known is None:
                lead = lead_status_event(event)
                known = SessionUpdate(seq=event.seq, type=event.type, at=event.at, lead=lead)
                self._keep_pushed(key, known)
            return known
        latest = self._cache.get(session_id)
        if latest is None or latest.last_seq < event.seq:
            latest = await self._load_any(session_id)
        current = latest is not None and event.payload.get("step") == latest.state.current_step
        if latest is None or not current:
            key = (session_id, event.seq, 0, 0)
        else:
            key = (session_id, event.seq, latest.row_version, latest.last_seq)
        known = self._pushed.get(key)
        if known is None:
            view = await self._views.build(latest) if latest is not None and current else None
            known = SessionUpdate(seq=event.seq, type=event.type, at=event.at, view=view)
            self._keep_pushed(key, known)
        return known

    def _keep_pushed(self, key: tuple[str, int, int, int], update: SessionUpdate) -> None:
        self._pushed[key] = update
        if len(self._pushed) > PUSHED_KEPT:
            self._pushed.popitem(last=False)

    async def recover_waiting(self, outcome: dict[str, Any], older_than: timedelta) -> int:
        """Sessions still waiting long after any live process would have answered (theirs
        stopped) get `outcome` and move on."""
        async with self._db.read() as session:
            waiting = await SessionRepository(session).waiting_ids(self._clock() - older_than)
        resumed = [await self.resume(session_id, outcome) for session_id in waiting]
        return sum(resumed)

    def definition(self, name: str) -> DefinitionInfo | None:
        if name != self._workflow.name:
            return None
        return definition_info(self._engine.workflow)

    async def _opened(
        self, session_id: str, token: str | None, cached: bool, caller: Caller
    ) -> tuple[SessionRecord | None, bool]:
        """`_load_recent` within the caller's rates, counted on a request's first pass only
        (`cached`): a second pass, from the database, is the same request."""
        if not cached:
            return await self._load_recent(session_id, token, cached)
        await self._rates.moving(caller)
        record, recent = await self._load_recent(session_id, token, cached)
        if record is None:
            await self._rates.failed(caller)
        else:
            await self._rates.moved(session_id)
        return record, recent

    async def _load_recent(
        self, session_id: str, token: str | None, cached: bool
    ) -> tuple[SessionRecord | None, bool]:
        """The session from the cache when `cached` and it is there (True), else from the
        database (False)."""
        record = self._cache.get(session_id) if cached else None
        if record is None:
            return await self._load(session_id, token), False
        if not token_matches(token, record.token_hash):
            return None, True
        return record, True

    async def _load(self, session_id: str, token: str | None) -> SessionRecord | None:
        record = await self._load_any(session_id)
        if record is None or not token_matches(token, record.token_hash):
            return None
        return record

    async def _load_any(self, session_id: str) -> SessionRecord | None:
        """The session as the database has it now (and so in the cache from here on)."""
        if not is_id(session_id):
            return None
        async with self._db.read() as session:
            record = await SessionRepository(session).get(session_id)
        if record is not None:
            self._cache.put(record)
        return record


async def _completed_if_done(
    sessions: SessionRepository, leads: LeadRepository, record: SessionRecord
) -> SessionRecord:
    """A session that reaches its end after all its leads completed is COMPLETED at once."""
    if record.state.status is not SessionStatus.SUBMITTED:
        return record
    statuses = await leads.statuses_of_session(record.id)
    if not statuses or any(status != "COMPLETED" for status in statuses):
        return record
    await sessions.set_status(record.id, SessionStatus.COMPLETED)
    completed = replace(record.state, status=SessionStatus.COMPLETED)
    return replace(record, state=completed, row_version=record.row_version + 1)


def _checked_context(context: JsonObject | None) -> dict[str, Any] | None:
    if context is None:
        return None
    if not isinstance(context, dict) or len(json.dumps(context)) > MAX_CONTEXT_BYTES:
        raise InvalidStart(f"context must be a JSON object of at most {MAX_CONTEXT_BYTES} bytes.")
    return context


def _no_input_reason(step: Step) -> str:
    if step.terminal:
        return "This workflow is complete; there is nothing more to submit."
    return "This step is waiting for a result; it will move on by itself."
