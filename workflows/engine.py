"""The pure workflow engine: session state + answers → the next state. No I/O.

`decide` takes a transition in one call: is the answered step the current one, does it take
input, are the answers valid (`workflows.rules`), where do the guards send the session, which
effects run. The service layer runs those effects, then records `advance` (or, if an effect
rejects, `rejected`). Guards read the visitor's answers, never what an effect adds to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from workflows import navigation
from workflows.estimate import NO_MEDIANS, remaining_text, seconds_remaining
from workflows.graph import Graph
from workflows.messages import DEFAULT_LOCALE
from workflows.model import Component, Goto, SessionStatus, Step, Target, Workflow
from workflows.navigation import BackRefused
from workflows.rules import FieldError, Lookups, validate

Answers = Mapping[str, Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class SessionState:
    current_step: str
    status: SessionStatus
    # The latest answers given at each step, secrets left out.
    answers: Answers
    # The steps the visitor walked to get here (the current one last); back pops it.
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Progress:
    steps_done: int
    min_remaining: int
    max_remaining: int
    # The estimate on the shortest way to the end (`workflows.estimate`), and how it reads.
    seconds_remaining: int
    remaining_text: str


class UnknownWorkflowType(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class NotCurrent:
    """The answer is for another step than the session's current one."""

    current_step: str


@dataclass(frozen=True, slots=True)
class NoInput:
    """The current step takes no answer: it waits for an outcome, or the flow is over."""

    step: Step


@dataclass(frozen=True, slots=True)
class Refused:
    """The answers break the step's rules: every failing field, nothing moves."""

    step: Step
    errors: tuple[FieldError, ...]


@dataclass(frozen=True, slots=True)
class Go:
    """Valid answers: run `effects`, then record `values` and move to `target`."""

    step: Step
    values: dict[str, object]
    target: str
    effects: tuple[str, ...]


Decision = NotCurrent | NoInput | Refused | Go


class Engine:
    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self.graph = Graph(workflow)

    def start(self, workflow_type: str | None) -> SessionState:
        first = self.workflow.entries.get(workflow_type)
        if first is None:
            raise UnknownWorkflowType(workflow_type)
        answers = dict(self.workflow.entry_answers.get(workflow_type, {}))
        return SessionState(first, self._status_of(first), answers, (first,))

    def decide(
        self,
        state: SessionState,
        step_id: str,
        data: object,
        *,
        lookups: Lookups,
        today: date,
    ) -> Decision:
        """A transition from `step_id` with `data` (as the client sent it), decided."""
        if state.current_step != step_id:
            return NotCurrent(state.current_step)
        step = self.workflow.step(step_id)
        if step.awaits is not None or step.terminal:
            return NoInput(step)
        values, errors = validate(step, data, lookups=lookups, today=today)
        if errors:
            return Refused(step, tuple(errors))
        target = self.resolve(self.choose(step, values), state.path)
        return Go(step, values, target, step.effects)

    def rejected(self, state: SessionState, step: Step) -> SessionState | None:
        """Where a business rejection of `step`'s effects sends the session (None: it stays)."""
        if step.on_reject is None:
            return None
        return self.move(state, self.resolve(step.on_reject, state.path))

    def choose(self, step: Step, values: Mapping[str, object]) -> Target:
        for guard in step.guards:
            if guard.when.holds(values):
                return guard.target
        assert step.default is not None, f"{step.id} has no default (the checker forbids it)"
        return step.default

    def resolve(self, target: Target, path: tuple[str, ...]) -> str:
        return navigation.resolved(target, path)

    def advance(
        self, state: SessionState, values: Mapping[str, object], target: str
    ) -> SessionState:
        """Record the answers of the current step and move to `target`."""
        step = self.workflow.step(state.current_step)
        kept = {name: value for name, value in values.items() if not _is_secret(step, name)}
        answers = {**state.answers, step.id: kept}
        moved = self.move(replace(state, answers=answers), target)
        applying = navigation.still_applying(self.workflow, moved.answers, step.id, moved.path)
        return moved if applying is None else replace(moved, answers=applying)

    def move(self, state: SessionState, target: str) -> SessionState:
        """Go to `target`: a step already on the path is returned to, a new one is added."""
        path = navigation.moved_path(state.path, target)
        return replace(state, current_step=target, path=path, status=self._status_of(target))

    def resume(self, state: SessionState) -> SessionState | None:
        """A pending step's awaited outcome arrived: follow its default. None if not waiting."""
        step = self.workflow.step(state.current_step)
        if step.awaits is None or step.default is None:
            return None
        return self.move(state, self.resolve(step.default, state.path))

    def can_go_back(self, state: SessionState) -> bool:
        """Back is allowed unless the step forbids it, or it would cross a submitted lead or a
        pending step (`workflows.navigation`)."""
        return not isinstance(navigation.back_path(self.workflow, state.path), BackRefused)

    def back(self, state: SessionState, to_step: str | None = None) -> SessionState | None:
        going = self.going_back(state, to_step)
        return None if isinstance(going, BackRefused) else going

    def going_back(
        self, state: SessionState, to_step: str | None = None
    ) -> SessionState | BackRefused:
        """Back to the previous step, or to `to_step` earlier on the path; or why not."""
        path = navigation.back_path(self.workflow, state.path, to_step)
        if isinstance(path, BackRefused):
            return path
        return replace(state, current_step=path[-1], path=path, status=self._status_of(path[-1]))

    def values_for(self, state: SessionState, step_id: str) -> dict[str, object]:
        """The answers to show on a step: its own, else prefilled from the steps it names; a
        consent never (each is an active choice), an enum's default where nothing was given."""
        step = self.workflow.step(step_id)
        names = {spec.name for spec in step.fields if not spec.secret and spec.consent is None}
        values: dict[str, object] = {}
        for source in step.prefill_from:
            for name, value in state.answers.get(source, {}).items():
                if name in names:
                    values.setdefault(name, value)
        own = state.answers.get(step_id, {})
        defaults = {spec.name: spec.default for spec in step.fields if spec.default is not None}
        return {**defaults, **values, **{k: v for k, v in own.items() if k in names}}

    def progress(
        self,
        state: SessionState,
        medians: Mapping[str, float] = NO_MEDIANS,
        locale: str = DEFAULT_LOCALE,
    ) -> Progress:
        """Steps done and left, and the time left from `medians` (seconds per step id), read
        in `locale`."""
        current = state.current_step
        left = self.graph.min_remaining.get(current, 0)
        seconds = seconds_remaining(self.graph, current, medians)
        return Progress(
            steps_done=len(state.path) - 1,
            min_remaining=left,
            max_remaining=self.graph.max_remaining.get(current, 0),
            seconds_remaining=seconds,
            remaining_text=remaining_text(left, seconds, locale),
        )

    def next_step_id(self, step: Step) -> str | None:
        """The next step when it does not depend on the answer."""
        if step.guards or not isinstance(step.default, Goto):
            return None
        return step.default.step

    def _status_of(self, step_id: str) -> SessionStatus:
        step = self.workflow.step(step_id)
        if step.terminal:
            return SessionStatus.SUBMITTED
        if step.component is Component.PENDING:
            return SessionStatus.WAITING
        return SessionStatus.ACTIVE


def _is_secret(step: Step, name: str) -> bool:
    spec = step.field_named(name)
    return spec is not None and spec.secret
