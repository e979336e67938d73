"""One model path over the API, with the invariants checked at every move.

At every step: the server is where the definition says (`stepId`, `stepsDone`) and announces
back exactly when the definition allows it. Before each answer that carries a consent
(`must_be_true`), the same answer without it is refused with `must_be_true` and changes nothing:
no lead without contact consent, no credit check without the applicant's. After each committing
step and each resumption, `back` is refused (it never crosses a submitted lead or a pending step).
At the end the session is at a terminal step, after any loop it took.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.client import STEP_ERRORS, Api, Flow, Subscription, operation
from tests.model import world
from tests.support.model_paths import Move, Path, Transition, moved
from workflows.model import Step, Workflow

Json = dict[str, Any]


def snapshot(step: Json) -> Json:
    """What a refused request must leave as it was (a submitted session's status and events
    go on with its lead)."""
    status = step["session"]["status"]
    return {
        "stepId": step["stepId"],
        "status": "SUBMITTED" if status == "COMPLETED" else status,
        "progress": step["navigation"]["progress"],
        "canGoBack": step["navigation"]["canGoBack"],
        "values": step["values"],
    }


@dataclass
class Runner:
    api: Api
    workflow: Workflow
    path: Path
    taken: set[Transition]
    flow: Flow | None = None
    walked: tuple[str, ...] = ()  # the session's path as the definition has it
    given: list[tuple[str, Json]] = field(default_factory=list)
    updates: Subscription | None = None
    waiting: AsyncExitStack | None = None

    @property
    def session(self) -> Flow:
        assert self.flow is not None, "a path starts with an entry"
        return self.flow

    async def run(self) -> None:
        moves = self.path.moves
        for index, move in enumerate(moves):
            following = moves[index + 1] if index + 1 < len(moves) else None
            transition = move.transition
            if transition.kind == "entry":
                await self._start(transition)
            elif transition.kind == "resume":
                await self._resumed(transition)
            else:
                await self._submit(move, following)
            self._check_position(transition)
            self.taken.add(transition)
        self._check_end()

    async def _start(self, transition: Transition) -> None:
        self.flow = await world.start(self.api, transition.detail or None)
        self.walked = (transition.target,)

    async def _submit(self, move: Move, following: Move | None) -> None:
        flow, transition = self.session, move.transition
        step = self.workflow.step(transition.source)
        answers = world.resolved(move, following, flow.step, flow.session_id)
        await self._check_consents(step, answers)
        async with AsyncExitStack() as during:
            if following is not None and following.transition.kind == "resume":
                await self._await_outcome(following.transition.detail)
            if "crm_refuses" in move.events:
                self.updates = await during.enter_async_context(self._subscribed())
            taken = None
            if "vehicle_taken" in move.events:
                taken = await world.take_vehicle(
                    self.api, self.workflow, flow, self.path.workflow_type, self.given, answers
                )
            result = await flow.submit(answers)
            if transition.kind == "reject":
                assert result["__typename"] == "TransitionRejected", result
                world.check_rejection(move.events[0], result, taken)
            else:
                assert result["__typename"] not in STEP_ERRORS, result
            assert flow.step_id == transition.target, (str(transition), flow.step_id)
            self.given.append((step.id, answers))
            self.walked = moved(self.walked, transition.target)
            if step.commits and transition.kind != "reject":
                await self._back_refused()
            if "crm_refuses" in move.events:
                assert self.updates is not None
                await world.lead_rejected(self.updates, flow)

    async def _await_outcome(self, outcome: str) -> None:
        """Subscribe (and arrange the outcome) before the submit that starts the wait."""
        self.waiting = AsyncExitStack()
        self.updates = await self.waiting.enter_async_context(self._subscribed())
        await self.waiting.enter_async_context(world.outcome_arranged(self.api, outcome))

    async def _resumed(self, transition: Transition) -> None:
        """The awaited outcome's step, pushed on the subscription."""
        assert self.updates is not None
        assert self.waiting is not None
        try:
            pushed = await self._pushed(self.updates, transition.target)
        finally:
            await self.waiting.aclose()
        world.check_outcome(transition.detail, pushed)
        await self.session.reload()
        assert self.session.step_id == transition.target, self.session.step_id
        self.walked = moved(self.walked, transition.target)
        await self._back_refused()

    @staticmethod
    async def _pushed(updates: Subscription, step_id: str, seconds: float = 10) -> Json:
        async with asyncio.timeout(seconds):
            while True:
                message = await updates.next(seconds)
                assert message["type"] == "next", message
                event = message["payload"]["data"]["sessionUpdates"]
                if event["type"] == "STEP_CHANGED" and event["step"]["stepId"] == step_id:
                    step: Json = event["step"]
                    return step

    def _subscribed(self) -> Any:
        flow = self.session
        variables = {"sessionId": flow.session_id, "afterSeq": flow.step["session"]["seq"]}
        return self.api.subscribe(operation("session_updates"), variables, flow.token)

    async def _check_consents(self, step: Step, answers: Json) -> None:
        """The answer without each consent is refused, naming the field, and moves nothing."""
        flow = self.session
        for spec in step.fields:
            if not spec.must_be_true or answers.get(spec.name) is not True:
                continue
            before = snapshot(flow.step)
            result = await flow.submit({**answers, spec.name: False})
            assert result["__typename"] == "ValidationFailed", result
            codes = {(error["field"], error["code"]) for error in result["errors"]}
            assert codes == {(spec.name, "must_be_true")}, codes
            await flow.reload()
            assert snapshot(flow.step) == before, f"a refused {spec.name} moved the session"

    async def _back_refused(self) -> None:
        flow = self.session
        before = snapshot(flow.step)
        result = await flow.back()
        assert result["__typename"] == "TransitionRejected", result
        assert result["code"] == "cannot_go_back", result
        assert snapshot(result["step"]) == before, "a refused back answered another step"
        await flow.reload()
        assert snapshot(flow.step) == before, "a refused back changed the session"

    def _check_position(self, transition: Transition) -> None:
        """Where the definition says, with back announced exactly when it allows it."""
        flow = self.session
        assert flow.step_id == transition.target == self.walked[-1], (str(transition), self.walked)
        navigation = flow.step["navigation"]
        assert navigation["progress"]["stepsDone"] == len(self.walked) - 1, navigation
        assert navigation["canGoBack"] is self._may_go_back(), (flow.step_id, navigation)

    def _may_go_back(self) -> bool:
        step = self.workflow.step(self.walked[-1])
        if not step.can_go_back or len(self.walked) < 2:
            return False
        previous = self.workflow.step(self.walked[-2])
        return not (previous.commits or previous.awaits or previous.terminal)

    def _check_end(self) -> None:
        """At a terminal step, submitted or completed; any loop taken was left for it."""
        flow = self.session
        assert self.workflow.step(flow.step_id).terminal, flow.step_id
        assert flow.step["session"]["status"] in ("SUBMITTED", "COMPLETED"), flow.step["session"]
        assert flow.step["navigation"]["canGoBack"] is False
        looped = {sid for sid, times in Counter(flow.seen).items() if times > 1}
        assert flow.seen[-1] not in looped, f"the loop through {sorted(looped)} has no exit"


async def run_path(api: Api, workflow: Workflow, path: Path, taken: set[Transition]) -> None:
    await Runner(api, workflow, path, taken).run()
