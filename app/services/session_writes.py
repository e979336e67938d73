"""The writes of a move, each one unit of work: the saved state (conditional on the row version
it read), its history entry, its numbered event, and for a transition the effects' leads,
vehicle holds and outbox work, the per-client caps and completion. The events are handed to the
relay after the commit, and the saved record kept in the cache.

What makes a write give way is raised, so the unit of work rolls back all of it: `Conflict`
(another request moved the session first), `VehicleTaken`, `OverCap`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from app.services.completion import completed_if_done
from app.services.effects import EffectResult
from app.services.idempotency import Idempotency
from app.services.lead_limits import LeadLimits
from app.services.records import LeadRecord, SessionRecord
from app.services.rejections import Rejection
from app.services.session_events import SessionEvents, step_changed
from app.services.session_loader import SessionLoader
from app.services.snapshots import history_context, impersonal_snapshot
from app.services.storage import SessionStorage, SessionUnitOfWork
from app.services.versions import workflow_of
from app.telemetry.metrics import Metrics
from workflows.engine import SessionState
from workflows.model import Step
from workflows.personal import redacted
from workflows.registry import Registry


class Conflict(Exception):
    """Another request changed the session since it was read."""


class VehicleTaken(Exception):
    """The conditional vehicle hold failed: sold or held for another lead."""


class OverCap(Exception):
    """The new lead would exceed a per-client cap (app/services/lead_limits.py)."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.code)
        self.rejection = rejection


class SessionWriter:
    def __init__(
        self,
        storage: SessionStorage,
        events: SessionEvents,
        loader: SessionLoader,
        flows: Registry,
        limits: LeadLimits,
        clock: Callable[[], datetime],
        metrics: Metrics,
    ) -> None:
        self._storage = storage
        self._events = events
        self._loader = loader
        self._flows = flows
        self._limits = limits
        self._clock = clock
        self._metrics = metrics

    async def commit_transition(
        self,
        before: SessionRecord,
        after: SessionRecord,
        step: Step,
        values: dict[str, Any],
        result: EffectResult,
        key: Idempotency | None,
    ) -> SessionRecord:
        async with self._storage.write() as uow:
            saved = await _saved(uow, after)
            await self._apply(uow, result, after.updated_at)
            saved = await completed_if_done(uow, saved, self._metrics)
            await uow.sessions.add_history(
                before.id,
                "transition",
                step.id,
                after.state.current_step,
                after.updated_at,
                redacted(step, values),
                {"context": sorted(result.context)},
            )
            if key is not None:
                outcome = {
                    "kind": "moved",
                    "request": key.request,
                    "record": impersonal_snapshot(workflow_of(self._flows, saved), saved),
                }
                await uow.sessions.remember_outcome(before.id, key.key, outcome, after.updated_at)
            event = await step_changed(uow, saved, "transition")
        self._events.committed(event, work=bool(result.work))
        self._loader.keep(saved)
        return saved

    async def _apply(self, uow: SessionUnitOfWork, result: EffectResult, now: datetime) -> None:
        """The effects' invitations, leads, holds and work; the caps counted once the leads
        are in."""
        for invitation in result.invitations:
            await uow.invitations.put(invitation)
        leads = [await _with_financing(uow, lead, result.invited_leads) for lead in result.leads]
        for lead in leads:
            await uow.leads.add(lead)
        for vehicle_id, lead_id in result.holds:
            until = self._limits.hold_until(now)
            if not await uow.leads.hold_vehicle(vehicle_id, lead_id, now, until):
                raise VehicleTaken
        if leads:
            refusal = await self._limits.refusal(uow, leads, bool(result.holds), now)
            if refusal is not None:
                raise OverCap(refusal)
        for topic, payload in result.work:
            await uow.outbox.add(topic, payload, now)

    async def save_move(
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
        moved = replace(record, state=state, context={**record.context, **context}, updated_at=now)
        async with self._storage.write() as uow:
            saved = await _saved(uow, moved)
            await uow.sessions.add_history(
                record.id,
                action,
                record.state.current_step,
                state.current_step,
                now,
                {},
                history_context(context),
            )
            event = await step_changed(uow, saved, action)
            if remember is not None:
                key, outcome = remember
                snapshot = impersonal_snapshot(workflow_of(self._flows, saved), saved)
                await uow.sessions.remember_outcome(
                    record.id, key, {**outcome, "record": snapshot}, now
                )
        self._events.committed(event)
        self._loader.keep(saved)
        return saved


async def _with_financing(
    uow: SessionUnitOfWork, lead: LeadRecord, invited: list[tuple[str, str]]
) -> LeadRecord:
    """A lead whose seller invited the buyer to apply: the invitation now points to it, and it
    shows what the buyer already shared (if they were quicker than the seller)."""
    for invitation_id, lead_id in invited:
        invitation = await uow.invitations.locked(invitation_id)
        if lead_id != lead.id or invitation is None:
            continue
        await uow.invitations.put(replace(invitation, lead_id=lead.id))
        lead = replace(lead, outcomes={**lead.outcomes, "financing": invitation.status})
    return lead


async def _saved(uow: SessionUnitOfWork, record: SessionRecord) -> SessionRecord:
    saved = await uow.sessions.save(record)
    if saved is None:
        raise Conflict
    return saved
