"""The pure plan for one session of a workflow version on the next: a `Landing` or a `Refusal`.

Nothing moves here: the caller (the registry, `trex flows migrate`) decides whether to save it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date

from workflows.engine import Answers, Engine, SessionState
from workflows.migration import Migration
from workflows.model import Field, SessionStatus, Step, Workflow
from workflows.rules import Lookups, validate


@dataclass(frozen=True, slots=True)
class AnswerRef:
    step: str
    field: str

    def __str__(self) -> str:
        return f"{self.step}.{self.field}"


@dataclass(frozen=True, slots=True)
class Kept:
    old: AnswerRef
    new: AnswerRef


@dataclass(frozen=True, slots=True)
class Dropped:
    """An answer left behind; the reason never quotes the value (it may be personal)."""

    old: AnswerRef
    reason: str


@dataclass(frozen=True, slots=True)
class Landing:
    state: SessionState
    kept: tuple[Kept, ...]
    dropped: tuple[Dropped, ...]
    # Old steps left off the path (removed, or gone without a mapping).
    path_dropped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Refusal:
    """The session stays where it is: `step` is its current (old) step, `rule` the rule broken."""

    step: str
    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


def plan(
    old: Workflow,
    new: Workflow,
    migration: Migration,
    state: SessionState,
    *,
    today: date,
    lookups: Lookups | None = None,
) -> Landing | Refusal:
    """Where a session on `old` lands on `new`, or why it cannot move. Pure: nothing is saved.

    The landing step is the current step renamed, kept, or (removed) its declared destination;
    the path is mapped the same way, removed and unknown steps left off, and the move onto the
    landing step follows the engine (a step already on the path is returned to). Answers follow
    their step and field renames and option renames; those of steps or fields `new` lacks, of
    fields `new` marks secret, and values `new`'s rules reject (`workflows.rules.validate`;
    service-known options are checked only when `lookups` is given) are dropped and listed.

    Refused (rule in brackets) when: the current step is gone and unmapped [stranded]; a step on
    the new path before the landing step lacks a required answer after the mapping, secret fields
    aside since they are never stored [missing_answers]; a submitted or completed session would
    land on a step that is not terminal [reopened]; the landing step does not await the outcome
    the session's step awaited, or awaits one it never asked for [awaits]. The landing step's
    `prefill_from` sources are not required: the engine prefills from whatever answers exist.
    """
    landing = _landing_step(old, new, migration, state)
    if isinstance(landing, Refusal):
        return landing
    answers, kept, dropped = _map_answers(old, new, migration, state.answers, today, lookups)
    path, path_dropped = _map_path(new, migration, state.path[:-1])
    start = SessionState(path[-1] if path else landing, state.status, answers, path or (landing,))
    moved = Engine(new).move(start, landing)
    refusal = _status_rule(old, new, state, landing) or _required_rule(
        old, new, state, moved, today
    )
    if refusal is not None:
        return refusal
    if state.status is SessionStatus.COMPLETED:
        moved = replace(moved, status=SessionStatus.COMPLETED)
    return Landing(moved, kept, dropped, (*path_dropped, *_gone(migration, new, state)))


def _session(old: Workflow, state: SessionState) -> str:
    return f"session on '{state.current_step}' (v{old.version})"


def _landing_step(
    old: Workflow, new: Workflow, migration: Migration, state: SessionState
) -> str | Refusal:
    current = state.current_step
    landing = migration.step_for(current, new) or migration.removed_steps.get(current)
    if landing is None or landing not in new.steps:
        return Refusal(
            current,
            "stranded",
            f"{_session(old, state)}: '{current}' is not in v{new.version} and the migration "
            "neither renames it to a step of it nor says where its sessions go",
        )
    return landing


def _gone(migration: Migration, new: Workflow, state: SessionState) -> tuple[str, ...]:
    current = state.current_step
    return () if migration.step_for(current, new) is not None else (current,)


def _map_path(
    new: Workflow, migration: Migration, path: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    mapped: list[str] = []
    dropped: list[str] = []
    for step_id in path:
        becomes = migration.step_for(step_id, new)
        if becomes is None or becomes not in new.steps:
            dropped.append(step_id)
        elif not mapped or mapped[-1] != becomes:
            mapped.append(becomes)
    return tuple(mapped), tuple(dropped)


def _status_rule(old: Workflow, new: Workflow, state: SessionState, landing: str) -> Refusal | None:
    was, becomes = old.step(state.current_step), new.step(landing)
    if was.terminal and not becomes.terminal:
        return Refusal(
            state.current_step,
            "reopened",
            f"{_session(old, state)}: it is {state.status.value.lower()}, but would land on "
            f"'{landing}', which is not terminal in v{new.version}",
        )
    if was.awaits != becomes.awaits:
        return Refusal(
            state.current_step,
            "awaits",
            f"{_session(old, state)}: it awaits {was.awaits or 'nothing'}, but '{landing}' in "
            f"v{new.version} awaits {becomes.awaits or 'nothing'}",
        )
    return None


def _required_rule(
    old: Workflow, new: Workflow, state: SessionState, moved: SessionState, today: date
) -> Refusal | None:
    for step_id in moved.path[:-1]:
        missing = _missing_required(new.step(step_id), moved.answers.get(step_id, {}), today)
        if missing:
            return Refusal(
                state.current_step,
                "missing_answers",
                f"{_session(old, state)}: would land on '{moved.current_step}' (v{new.version}),"
                f" but '{step_id}' on its path lacks required {', '.join(missing)} (every step"
                " before the landing step must have its required answers)",
            )
    return None


def _missing_required(step: Step, answers: Mapping[str, object], today: date) -> list[str]:
    _, errors = validate(_checkable(step, None), dict(answers), lookups=_NO_LOOKUPS, today=today)
    return sorted(e.field for e in errors if e.code in ("required", "one_of_required"))


class _NoLookups:
    """No service options: the fields that need them are only type-checked (see `_checkable`)."""

    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None:
        return None


_NO_LOOKUPS = _NoLookups()


def _checkable(step: Step, lookups: Lookups | None) -> Step:
    """The step as its stored answers are checked: secrets left out (never stored), and without
    `lookups` its service-known options not looked up."""
    fields = tuple(
        spec if lookups is not None else replace(spec, options_from=None)
        for spec in step.fields
        if not spec.secret
    )
    return replace(step, fields=fields)


MappedAnswers = tuple[dict[str, dict[str, object]], tuple[Kept, ...], tuple[Dropped, ...]]


def _map_answers(
    old: Workflow,
    new: Workflow,
    migration: Migration,
    answers: Answers,
    today: date,
    lookups: Lookups | None,
) -> MappedAnswers:
    mapped: dict[str, dict[str, object]] = {}
    kept: list[Kept] = []
    dropped: list[Dropped] = []
    for step_id, values in answers.items():
        becomes = migration.step_for(step_id, new)
        if becomes is None or becomes not in new.steps:
            reason = f"step '{step_id}' is not in v{new.version}"
            dropped.extend(Dropped(AnswerRef(step_id, name), reason) for name in values)
            continue
        moved = _map_step_answers(step_id, new.step(becomes), migration, values, today, lookups)
        mapped[becomes], step_kept, step_dropped = moved
        kept.extend(step_kept)
        dropped.extend(step_dropped)
    return mapped, tuple(kept), tuple(dropped)


def _map_step_answers(
    old_step: str,
    step: Step,
    migration: Migration,
    values: Mapping[str, object],
    today: date,
    lookups: Lookups | None,
) -> tuple[dict[str, object], list[Kept], list[Dropped]]:
    candidates: dict[str, tuple[str, object]] = {}  # new name → (old name, value)
    dropped: list[Dropped] = []
    for name, value in values.items():
        becomes = migration.field_for(old_step, name)
        spec = step.field_named(becomes)
        problem = _field_problem(step, becomes, spec)
        if problem:
            dropped.append(Dropped(AnswerRef(old_step, name), problem))
        else:
            candidates[becomes] = (name, _rename_option(migration, old_step, name, value))
    data = {name: value for name, (_, value) in candidates.items()}
    checked, errors = validate(
        _checkable(step, lookups), data, lookups=lookups or _NO_LOOKUPS, today=today
    )
    rejected = {error.field: error.code for error in errors}
    result: dict[str, object] = {}
    kept: list[Kept] = []
    for name, (was, _) in candidates.items():
        if name in checked and name not in rejected:
            result[name] = checked[name]
            kept.append(Kept(AnswerRef(old_step, was), AnswerRef(step.id, name)))
        else:
            reason = f"rejected by the rules of '{step.id}' ({rejected.get(name, 'empty')})"
            dropped.append(Dropped(AnswerRef(old_step, was), reason))
    return result, kept, dropped


def _field_problem(step: Step, name: str, spec: Field | None) -> str | None:
    if spec is None:
        return f"'{step.id}' has no field '{name}'"
    if spec.secret:
        return f"'{step.id}.{name}' is secret: never stored"
    return None


def _rename_option(migration: Migration, step_id: str, name: str, value: object) -> object:
    if isinstance(value, str):
        return migration.option_for(step_id, name, value)
    if isinstance(value, list):
        return [_rename_option(migration, step_id, name, item) for item in value]
    return value
