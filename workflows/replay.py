"""Shadow replay: the recorded answers of past sessions walked again over another version.

Pure: the engine and validation only, no effect runs and nothing is written. Each session
starts as it started (its `workflowType`), then every history row is applied where the replay
stands at the row's step: a transition validates the recorded answers and follows the guards, a
back is `Engine.back`, a resume the pending step's resumption, a business rejection the step's
`on_reject`. A row for a step the replay does not stand at is skipped (the new version went
elsewhere), so a replay that rejoins the recorded path goes on from there.

What the history does not keep is made up: a redacted personal or secret value becomes a valid
synthetic one (`workflows.synthetic`, counted), and options only the service knows (makes,
listed vehicles, dealers) are taken as the recorded value: the replay is about the flow, not
the stock. Each answer is validated on the day it was given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from workflows.engine import Engine, Go, Refused, SessionState, UnknownWorkflowType
from workflows.model import Step, Workflow
from workflows.personal import REDACTED
from workflows.synthetic import synthetic

START = "(start)"
T = TypeVar("T")
ACTIONS = ("start", "transition", "back", "resume", "rejected")
# A session moved onto another version (`trex flows migrate`): its rows before this one were
# answered on that other version's steps, so it is counted, not replayed.
MIGRATED = "migrate"


@dataclass(frozen=True, slots=True)
class RecordedRow:
    """One history row: what was asked (`input`, personal values redacted) and where it led."""

    action: str
    from_step: str | None
    to_step: str
    input: Mapping[str, object]
    at: datetime


@dataclass(frozen=True, slots=True)
class RecordedSession:
    session_id: str
    workflow: str
    version: int
    workflow_type: str | None
    rows: tuple[RecordedRow, ...]  # its start first, in order


@dataclass(frozen=True, slots=True)
class ReplayedMove:
    action: str
    from_step: str | None
    to_step: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Divergence:
    """Where a version sends a session elsewhere than it went: at `step` (START: its entry)."""

    step: str
    recorded: str
    now: str


@dataclass(frozen=True, slots=True)
class RejectedAnswer:
    step: str
    field: str
    code: str


@dataclass(frozen=True, slots=True)
class SessionReplay:
    session_id: str
    moves: tuple[ReplayedMove, ...]
    divergence: Divergence | None  # the first
    rejected: tuple[RejectedAnswer, ...]  # the answer the replay stopped at
    stuck_at: str | None  # the replay stands here with nothing recorded to answer
    missing_steps: tuple[str, ...]  # recorded steps the version does not have
    synthetic: int  # answers made up for redacted values
    accepted_lookups: int  # answers of service options taken as recorded
    skipped: int  # rows for steps the replay did not stand at


@dataclass(frozen=True, slots=True)
class Counted(Generic[T]):
    what: T
    sessions: int


@dataclass(frozen=True, slots=True)
class ReplayReport:
    workflow: str
    version: int
    sessions: int  # replayed
    migrated: int  # left out: moved between versions on the way
    followed: int  # sessions that went exactly where they went
    divergences: tuple[Counted[Divergence], ...]
    rejections: tuple[Counted[RejectedAnswer], ...]
    stuck: tuple[Counted[str], ...]  # by the step the replay stands at
    missing_steps: tuple[Counted[str], ...]
    synthetic: int
    accepted_lookups: int
    skipped: int
    replays: tuple[SessionReplay, ...]


class RecordedLookups:
    """Service options as recorded: a field answered from `source` allows what was answered."""

    def __init__(self, step: Step, data: Mapping[str, object]) -> None:
        self._allowed: dict[str, set[str]] = {}
        for spec in step.fields:
            value = data.get(spec.name)
            if spec.options_from is not None and value is not None:
                self._allowed.setdefault(spec.options_from, set()).add(str(value))

    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None:
        return self._allowed.get(source, set())


def replay(workflow: Workflow, sessions: Iterable[RecordedSession]) -> ReplayReport:
    """Every session replayed over `workflow`, and what they add up to."""
    engine = Engine(workflow)
    recorded = list(sessions)
    whole = [s for s in recorded if all(row.action != MIGRATED for row in s.rows)]
    replays = tuple(replay_session(engine, session) for session in whole)
    return ReplayReport(
        workflow=workflow.name,
        version=workflow.version,
        sessions=len(replays),
        migrated=len(recorded) - len(whole),
        followed=sum(_followed(r) for r in replays),
        divergences=_counted(r.divergence for r in replays if r.divergence),
        rejections=_counted(answer for r in replays for answer in r.rejected),
        stuck=_counted(r.stuck_at for r in replays if r.stuck_at is not None),
        missing_steps=_counted(step for r in replays for step in r.missing_steps),
        synthetic=sum(r.synthetic for r in replays),
        accepted_lookups=sum(r.accepted_lookups for r in replays),
        skipped=sum(r.skipped for r in replays),
        replays=replays,
    )


def _followed(r: SessionReplay) -> bool:
    return not (r.divergence or r.rejected or r.stuck_at or r.skipped)


def _counted(found: Iterable[T]) -> tuple[Counted[T], ...]:
    counts = Counter(found)
    return tuple(Counted(what, n) for what, n in sorted(counts.items(), key=_by_count))


def _by_count(item: tuple[T, int]) -> tuple[int, str]:
    return (-item[1], repr(item[0]))


def replay_session(engine: Engine, session: RecordedSession) -> SessionReplay:
    return _Replay(engine, session).run()


class _Replay:
    def __init__(self, engine: Engine, session: RecordedSession) -> None:
        self.engine, self.session = engine, session
        self.moves: list[ReplayedMove] = []
        self.divergence: Divergence | None = None
        self.rejected: tuple[RejectedAnswer, ...] = ()
        self.synthetic = self.accepted = self.skipped = 0
        self.skipped_since_move = False

    def run(self) -> SessionReplay:
        rows = self.session.rows
        state = self._start(rows[0] if rows else None)
        if state is None:
            return self._result(None, START)
        for index, row in enumerate(rows[1:], start=2):
            if row.from_step != state.current_step or row.action not in ACTIONS:
                self.skipped += 1
                self.skipped_since_move = True
                continue
            moved = self._apply(state, row)
            if moved is None:  # an answer the version refuses: the replay stops there
                self.skipped += len(rows) - index
                break
            state = moved
        return self._result(state, None)

    def _start(self, row: RecordedRow | None) -> SessionState | None:
        try:
            state = self.engine.start(self.session.workflow_type)
        except UnknownWorkflowType:
            return None
        if row is not None:
            self._moved("start", None, state.current_step, row)
        return state

    def _apply(self, state: SessionState, row: RecordedRow) -> SessionState | None:
        step = self.engine.workflow.step(state.current_step)
        if row.action == "transition":
            return self._transition(state, step, row)
        if row.action == "back":
            # To the step the row went back to (a "Change" link's), else the previous one.
            moved = self.engine.back(state, row.to_step) or self.engine.back(state)
        elif row.action == "resume":
            moved = self.engine.resume(state)
        else:
            moved = self.engine.rejected(state, step)
        moved = moved or state
        self._moved(row.action, state.current_step, moved.current_step, row)
        return moved

    def _transition(self, state: SessionState, step: Step, row: RecordedRow) -> SessionState | None:
        today = row.at.date()
        data = self._answers(step, row.input, today)
        lookups = RecordedLookups(step, data)
        self.accepted += sum(1 for s in step.fields if s.options_from and s.name in data)
        decision = self.engine.decide(state, step.id, data, lookups=lookups, today=today)
        if isinstance(decision, Refused):
            self.rejected = tuple(RejectedAnswer(step.id, e.field, e.code) for e in decision.errors)
            return None
        if not isinstance(decision, Go):  # the version's step waits or ends: nothing to answer
            self.rejected = (RejectedAnswer(step.id, "data", "no_input"),)
            return None
        self._moved("transition", step.id, decision.target, row)
        return self.engine.advance(state, decision.values, decision.target)

    def _answers(
        self, step: Step, recorded: Mapping[str, object], today: date
    ) -> dict[str, object]:
        data = dict(recorded)
        for name, value in recorded.items():
            spec = step.field_named(name)
            if value == REDACTED and spec is not None:
                data[name] = synthetic(spec, today)
                self.synthetic += 1
        return data

    def _moved(self, action: str, source: str | None, target: str, row: RecordedRow) -> None:
        self.moves.append(ReplayedMove(action, source, target, row.at))
        self.skipped_since_move = False
        if self.divergence is None and target != row.to_step:
            self.divergence = Divergence(source or START, row.to_step, target)

    def _result(self, state: SessionState | None, stuck: str | None) -> SessionReplay:
        rows = self.session.rows
        if state is not None and not self.rejected and self.skipped_since_move:
            # Moves were recorded after the replay's last one, and none of them applies here.
            step = self.engine.workflow.step(state.current_step)
            ended_alike = bool(rows) and rows[-1].to_step == step.id
            if not (step.terminal or step.awaits or ended_alike):
                stuck = step.id
        known = self.engine.workflow.steps
        recorded = [s for row in rows for s in (row.from_step, row.to_step) if s]
        missing = tuple(dict.fromkeys(s for s in recorded if s not in known))
        return SessionReplay(
            self.session.session_id,
            tuple(self.moves),
            self.divergence,
            self.rejected,
            stuck,
            missing,
            self.synthetic,
            self.accepted,
            self.skipped,
        )


def workflow_type_of(rows: Sequence[RecordedRow]) -> str | None:
    """The host page's intent the session started with (its start row's input)."""
    if not rows or rows[0].action != "start":
        return None
    value = rows[0].input.get("workflowType")
    return value if isinstance(value, str) else None


def recorded_moves(session: RecordedSession) -> tuple[ReplayedMove, ...]:
    """The session's moves as it made them (for the recorded side of a comparison)."""
    return tuple(ReplayedMove(r.action, r.from_step, r.to_step, r.at) for r in session.rows)


def of_version(
    sessions: Sequence[RecordedSession], workflow: str, version: int
) -> list[RecordedSession]:
    return [s for s in sessions if (s.workflow, s.version) == (workflow, version)]
