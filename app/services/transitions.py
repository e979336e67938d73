"""A transition: load the session (from the cache first), check the token and that
`currentStep` is current, validate every field at once, run the step's effects, then commit the
move (`session_writes.py`) and answer with the new step.

Expected failures come back as outcome values, never as exceptions. Any answer other than a
move (stale, invalid, rejected, a conflict) given from the cached copy is checked against
storage by running the transition once more from there."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from app.services.consents import with_consents
from app.services.effects import EffectContext, EffectResult, Handler
from app.services.idempotency import Idempotency
from app.services.inventory import InventoryService
from app.services.lookups import lookups_for
from app.services.records import SessionRecord
from app.services.rejections import VEHICLE_TAKEN, Rejection
from app.services.replies import Replies, rejected_in
from app.services.session_loader import SessionLoader
from app.services.session_writes import Conflict, OverCap, SessionWriter, VehicleTaken
from app.services.step_views import ViewBuilder
from app.services.versions import engine_of
from app.tasks import TaskRunner
from workflows.commands import Transition
from workflows.engine import Go, NoInput, NotCurrent, Refused
from workflows.model import Step
from workflows.outcomes import Moved, NotFound, Outcome
from workflows.registry import Registry

log = logging.getLogger("trex.workflow")


class Transitions:
    def __init__(
        self,
        flows: Registry,
        loader: SessionLoader,
        writer: SessionWriter,
        replies: Replies,
        views: ViewBuilder,
        inventory: InventoryService,
        effects: dict[str, Handler],
        tasks: TaskRunner,
        clock: Callable[[], datetime],
    ) -> None:
        self._flows = flows
        self._loader = loader
        self._writer = writer
        self._replies = replies
        self._views = views
        self._inventory = inventory
        self._effects = effects
        self._tasks = tasks
        self._clock = clock

    async def transition(self, command: Transition, *, cached: bool = True) -> Outcome:
        """Move the session on from `command.current_step` with `command.data`; `cached`:
        start from this process's latest copy of the session."""
        session_id, key = command.session_id, Idempotency.of(command)
        record, recent = await self._loader.opened(
            session_id, command.token, cached, command.caller
        )
        if record is None:
            return NotFound(session_id)

        def again() -> Awaitable[Outcome]:
            return self.transition(command, cached=False)

        if key is not None:
            replayed = await self._replies.replay(record, key)
            if replayed is not None:
                return replayed
        engine = engine_of(self._flows, record)
        current = engine.workflow.step(record.state.current_step)
        lookups = await lookups_for(self._inventory, record, current)
        today = self._clock().date()
        decision = engine.decide(
            record.state, command.current_step, command.data, lookups=lookups, today=today
        )
        if isinstance(decision, NotCurrent):
            return await (again() if recent else self._replies.stale(record))
        if isinstance(decision, NoInput):
            if recent:
                return await again()
            reason = _no_input_reason(decision.step)
            return await self._replies.rejected(record, "no_input", reason)
        if isinstance(decision, Refused):
            return await (again() if recent else self._replies.invalid(record, decision.errors))
        try:
            return await self._advance(record, decision, command)
        except Conflict:
            self._loader.forget(session_id)
            if recent:
                return await again()
            return await self._replies.after_conflict(session_id, key)

    async def _advance(self, record: SessionRecord, go: Go, command: Transition) -> Outcome:
        now, key, step, values = self._clock(), Idempotency.of(command), go.step, go.values
        result = EffectResult()
        workflow = engine_of(self._flows, record).workflow
        consents = with_consents(record, workflow, step, values, now)
        if consents is not None:
            result.context["consents"] = consents
        effect_context = EffectContext(record, step, values, now, command.caller)
        for name in go.effects:
            await self._effects[name](effect_context, result)
        if result.rejection is not None:
            return await self._reject_into(record, step, result.rejection, key)
        engine, target = engine_of(self._flows, record), go.target
        context = {k: v for k, v in {**record.context, **result.context}.items() if k != "notice"}
        state = engine.advance(record.state, values, target)
        if result.answers:
            state = replace(state, answers={**state.answers, **result.answers})
        moved = replace(record, state=state, context=context, updated_at=now)
        try:
            saved = await self._writer.commit_transition(record, moved, step, values, result, key)
        except VehicleTaken:
            self._inventory.availability_changed()
            return await self._reject_into(record, step, VEHICLE_TAKEN, key)
        except OverCap as over:
            log.info("session %s: %s refused (%s)", record.id, step.id, over.rejection.code)
            refused = over.rejection
            return await self._replies.rejected(
                record, refused.code, refused.message_id, refused.params
            )
        if result.holds:
            self._inventory.availability_changed()
        for job in result.after_commit:
            self._tasks.spawn(job(), name=f"{step.id}:{record.id}")
        log.info("session %s: %s -> %s", record.id, step.id, target)
        return Moved(await self._views.build(saved))

    async def _reject_into(
        self, record: SessionRecord, step: Step, rejection: Rejection, key: Idempotency | None
    ) -> Outcome:
        """A business rejection: send the visitor where the step says, with the reason shown."""
        state = engine_of(self._flows, record).rejected(record.state, step)
        code, message_id, params = rejection.code, rejection.message_id, dict(rejection.params)
        if state is None:
            return await self._replies.rejected(record, code, message_id, params)
        target = state.current_step
        said = {"code": code, "message_id": message_id, "params": params}
        notice = {"notice": {"step": target, "text": rejection.reason, **said}}
        outcome = {"kind": "rejected", "reason": rejection.reason, **said}
        remember = None if key is None else (key.key, {**outcome, "request": key.request})
        try:
            saved = await self._writer.save_move(record, state, "rejected", notice, remember)
        except Conflict:
            return await self._replies.after_conflict(record.id, key)
        log.info("session %s: %s rejected (%s)", record.id, step.id, rejection.code)
        return rejected_in(saved, code, message_id, params, await self._views.build(saved))


def _no_input_reason(step: Step) -> str:
    """The catalogue id of why a step takes no answers."""
    if step.terminal:
        return "rejection.no_input.complete"
    return "rejection.no_input.waiting"
