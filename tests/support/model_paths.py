"""Model-based paths: from a workflow definition, walks that together take every transition.

Pure: a `Workflow` (and the names of what the outside world can do) in, paths out. A transition
is a workflow entry, a guard's target, a default, each reachable alternative of a `ReturnTo`, an
`on_reject` edge, or a pending step's resumption by each outcome of what it awaits. The paths are
found over the session states the definition allows (the current step and the path walked, which
decides a `ReturnTo`), chosen greedily, then pruned until every path takes a transition no other
path takes. The answers that take a guard are derived from its condition and the field's type and
rules, on top of one valid answer per step (`tests/support/answers.py`, or generated), with
each field the answer makes required (`required_when`) given too. A transition the service takes
only after some outcome of the latest resumption (`Environment.after_outcome`: a retry after the
bureau did not answer) is planned only after it; the outcome is part of the session state.

The tests of `tests/model/` run the paths over the API; `coverage()` is the figure they report.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflows.model import Condition, Field, FieldType, Goto, Op, Step, Target, Workflow

Json = dict[str, Any]
START = "start"
# The value of a field whose options only the service knows (a listed vehicle, a dealer): the
# runner takes one the shown step offers.
FROM_VIEW = "<from the step shown>"
# A path's bound: it goes on to transitions not yet taken for at most this many moves.
MAX_MOVES = 40


@dataclass(frozen=True, order=True)
class Transition:
    """One edge of the definition: `kind` is entry, guard, default, reject or resume."""

    source: str
    kind: str
    target: str
    index: int = 0  # the guard's position among the step's guards
    detail: str = ""  # the entry's workflow type, or the outcome a resumption follows

    def __str__(self) -> str:
        label = {
            "entry": f"start {self.detail or 'any'}",
            "guard": f"guard {self.index}",
            "default": "otherwise",
            "reject": "rejected",
            "resume": f"resumed: {self.detail}",
        }[self.kind]
        return f"{self.source} -[{label}]-> {self.target}"


@dataclass(frozen=True)
class Environment:
    """What the outside world can do to a session, by name.

    `outcomes`: the outcomes of each awaited result (`Step.awaits`) the tests can produce.
    `rejections`: the event that makes an effect reject its step (`Step.on_reject`).
    `after_commit`: events that follow an effect's commit without moving the session (a
    refusal further down the pipeline); each is taken once, on a variant of a cover path.
    `after_outcome`: (source, target) of transitions the service takes only when the latest
    resumption followed one of these outcomes (an effect refuses them otherwise); a transition
    whose outcomes the tests cannot produce stays untakeable."""

    outcomes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rejections: Mapping[str, str] = field(default_factory=dict)
    after_commit: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    after_outcome: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Move:
    """Take `transition`: submit `answers` (none for an entry or a resumption), with the fields of
    `from_view` set to an option the shown step lists, under the environment's `events`."""

    transition: Transition
    answers: Mapping[str, Any] = field(default_factory=dict)
    from_view: Mapping[str, str] = field(default_factory=dict)
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Path:
    name: str
    moves: tuple[Move, ...]

    @property
    def transitions(self) -> frozenset[Transition]:
        return frozenset(move.transition for move in self.moves)

    @property
    def workflow_type(self) -> str | None:
        return self.moves[0].transition.detail or None


@dataclass(frozen=True)
class Plan:
    """The paths to run and what they cover of the definition."""

    workflow: Workflow
    # Every transition some session state of the definition enables.
    reachable: frozenset[Transition]
    # Those no answer or environment event known here can take (they keep coverage below 100%).
    untakeable: frozenset[Transition]
    cover: tuple[Path, ...]
    # Cover paths again with an `after_commit` event: they take nothing the cover does not.
    variants: tuple[Path, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.cover + self.variants


def coverage(reachable: Iterable[Transition], taken: Iterable[Transition]) -> tuple[int, int]:
    """(covered, total) of the reachable transitions."""
    total = frozenset(reachable)
    return len(total & frozenset(taken)), len(total)


# --- the definition's transitions -------------------------------------------------------------


def _targets(target: Target) -> tuple[str, ...]:
    return (target.step,) if isinstance(target, Goto) else target.steps


def step_transitions(step: Step, environment: Environment) -> list[Transition]:
    found = [
        Transition(step.id, "guard", target, index)
        for index, guard in enumerate(step.guards)
        for target in _targets(guard.target)
    ]
    if step.default is not None and step.awaits is not None:
        outcomes = environment.outcomes.get(step.awaits) or (step.awaits,)
        found += [
            Transition(step.id, "resume", target, detail=outcome)
            for outcome in outcomes
            for target in _targets(step.default)
        ]
    elif step.default is not None:
        found += [Transition(step.id, "default", target) for target in _targets(step.default)]
    if step.on_reject is not None:
        found += [Transition(step.id, "reject", target) for target in _targets(step.on_reject)]
    return found


def _target_of(step: Step, transition: Transition) -> Target:
    if transition.kind == "guard":
        return step.guards[transition.index].target
    if transition.kind == "reject":
        assert step.on_reject is not None
        return step.on_reject
    assert step.default is not None
    return step.default


def resolve(target: Target, path: tuple[str, ...]) -> str:
    """Where a target leads from `path`: a `ReturnTo` to the latest of its steps walked, else
    its first (FLOWS.md)."""
    if isinstance(target, Goto):
        return target.step
    return next((sid for sid in reversed(path) if sid in target.steps), target.steps[0])


def moved(path: tuple[str, ...], target: str) -> tuple[str, ...]:
    """The path after moving to `target`: a step already walked is returned to, the steps after
    it dropped (so a path never holds a step twice and the states are finite)."""
    if path[-1] == target:
        return path
    if target in path:
        return path[: path.index(target) + 1]
    return (*path, target)


# --- answers ----------------------------------------------------------------------------------


def generated_value(spec: Field, today: date) -> Any:
    """A value that passes `spec`'s type and rules."""
    if spec.options_from is not None:
        return FROM_VIEW
    if spec.type is FieldType.BOOLEAN:
        return True
    if spec.type in (FieldType.ENUM, FieldType.MULTI_ENUM):
        first = spec.options[0].value
        return [first] if spec.type is FieldType.MULTI_ENUM else first
    if spec.type in (FieldType.INTEGER, FieldType.NUMBER):
        low = spec.minimum if spec.minimum is not None else (spec.exclusive_minimum or 0) + 1
        high = today.year + 1 if spec.maximum_is_next_year else spec.maximum
        return int(low if high is None else min(low, high))
    if spec.type is FieldType.DATE:
        years = (spec.min_age or 0) + 1 if spec.min_age is not None else 30
        return date(today.year - years, 1, 1).isoformat()
    fixed = {
        FieldType.EMAIL: "model@example.com",
        FieldType.PHONE: "+14155550123",
        FieldType.ZIP: "10001",
        FieldType.VIN: "1HGCM82633A004352",
        FieldType.SSN: "123456780",
    }
    if spec.type in fixed:
        return fixed[spec.type]
    return "x" * max(spec.min_length or 1, 1)


def generated_answer(step: Step, today: date) -> Json:
    """Every required field, one of each `required_unless` group, and each field required by
    the others' values (`required_when`)."""
    answer: Json = {}
    for spec in step.fields:
        alternatives_given = any(
            other in answer or _required(step, other) for other in spec.required_unless
        )
        if spec.required or (spec.required_unless and not alternatives_given):
            answer[spec.name] = generated_value(spec, today)
    return completed(step, answer, today)


def _required(step: Step, name: str) -> bool:
    spec = step.field_named(name)
    return spec is not None and spec.required


def _needed(spec: Field, answer: Mapping[str, Any]) -> bool:
    """Required, or required by the answer's other values (`required_when`)."""
    return spec.required or (spec.required_when is not None and spec.required_when.holds(answer))


def completed(step: Step, answer: Mapping[str, Any], today: date) -> Json:
    """`answer` with a generated value for each field it lacks and needs: a required field the
    base answer left out, or one its values make required (`required_when`, "the e-mail for the
    channel chosen"). Repeated until nothing more is needed, as a value given may require
    another."""
    done = dict(answer)
    while missing := [
        spec for spec in step.fields if done.get(spec.name) is None and _needed(spec, done)
    ]:
        for spec in missing:
            done[spec.name] = generated_value(spec, today)
    return done


def _other_option(spec: Field, excluded: Iterable[object]) -> Any:
    if spec.type is FieldType.BOOLEAN:
        return next((v for v in (True, False) if v not in set(excluded)), None)
    return next((o.value for o in spec.options if o.value not in set(excluded)), None)


def _satisfy(step: Step, when: Condition, answer: Json, today: date) -> bool:
    spec = step.field_named(when.field)
    if spec is None:
        return False
    if when.op is Op.EQUALS:
        answer[spec.name] = when.value
    elif when.op is Op.IN:
        if not isinstance(when.value, tuple) or not when.value:
            return False
        answer[spec.name] = when.value[0]
    elif when.op in (Op.IS_TRUE, Op.IS_FALSE):
        answer[spec.name] = when.op is Op.IS_TRUE
    elif answer.get(spec.name) is None:
        answer[spec.name] = generated_value(spec, today)
    # Alternatives of the field just given are no longer required: leave them out.
    for other in step.fields:
        if spec.name in other.required_unless and not other.required:
            answer.pop(other.name, None)
    return when.holds(answer)


def _falsify(step: Step, when: Condition, answer: Json) -> bool:
    if not when.holds(answer):
        return True
    spec = step.field_named(when.field)
    if spec is None:
        return False
    if not _needed(spec, answer):
        answer.pop(spec.name, None)
    elif when.op in (Op.EQUALS, Op.IN):
        excluded = when.value if isinstance(when.value, tuple) else (when.value,)
        answer[spec.name] = _other_option(spec, excluded)
    elif when.op in (Op.IS_TRUE, Op.IS_FALSE):
        answer[spec.name] = when.op is Op.IS_FALSE
    return not when.holds(answer)


def answer_for(
    step: Step, transition: Transition, base: Mapping[str, Any], today: date
) -> Json | None:
    """Answers to `step` that take `transition` (its guard holds and no earlier one does; for a
    default or a rejection, no guard holds), or None if none can be derived."""
    answer = dict(base)
    chosen = transition.index if transition.kind == "guard" else len(step.guards)
    for guard in step.guards[:chosen]:
        if not _falsify(step, guard.when, answer):
            return None
    if transition.kind == "guard" and not _satisfy(step, step.guards[chosen].when, answer, today):
        return None
    answer = completed(step, answer, today)
    first = next((i for i, g in enumerate(step.guards) if g.when.holds(answer)), len(step.guards))
    return answer if first == chosen else None


# --- the search -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class State:
    """A session state: the steps walked (the current one last), and the outcome of the latest
    resumption, which decides the transitions of `Environment.after_outcome`."""

    walked: tuple[str, ...]
    outcome: str = ""

    @property
    def current(self) -> str:
        return self.walked[-1]


@dataclass
class _Search:
    workflow: Workflow
    environment: Environment
    answers: Mapping[str, Mapping[str, Any]]
    today: date

    def moves_from(self, state: State, *, takeable: bool) -> list[tuple[Move, State]]:
        """The moves the definition allows from `state` (with `takeable`, only those the known
        answers and environment can take)."""
        step = self.workflow.step(state.current)
        if step.terminal:
            return []
        found = []
        for transition in step_transitions(step, self.environment):
            if transition.target not in self.workflow.steps:
                continue
            if resolve(_target_of(step, transition), state.walked) != transition.target:
                continue
            if takeable and not self.allowed_after(state, transition):
                continue
            move = self.move(step, transition) if takeable else Move(transition)
            if move is not None:
                outcome = transition.detail if transition.kind == "resume" else state.outcome
                found.append((move, State(moved(state.walked, transition.target), outcome)))
        return found

    def allowed_after(self, state: State, transition: Transition) -> bool:
        """Whether the service takes `transition` after the latest resumption's outcome."""
        outcomes = self.environment.after_outcome.get((transition.source, transition.target))
        return outcomes is None or state.outcome in outcomes

    def move(self, step: Step, transition: Transition) -> Move | None:
        events: tuple[str, ...] = ()
        if transition.kind == "resume":
            return Move(transition)
        if transition.kind == "reject":
            event = next(
                (
                    self.environment.rejections[e]
                    for e in step.effects
                    if e in self.environment.rejections
                ),
                None,
            )
            if event is None:
                return None
            events = (event,)
        base = self.answers.get(step.id) or generated_answer(step, self.today)
        answer = answer_for(step, transition, base, self.today)
        if answer is None:
            return None
        from_view = {
            spec.name: spec.options_from
            for spec in step.fields
            if spec.options_from is not None and spec.name in answer
        }
        return Move(transition, answer, from_view, events)

    def entries(self) -> list[tuple[Move, State]]:
        return [
            (Move(Transition(START, "entry", first, detail=kind or "")), State((first,)))
            for kind, first in self.workflow.entries.items()
            if first in self.workflow.steps
        ]

    def explore(self, *, takeable: bool) -> dict[State, tuple[State | None, Move]]:
        """Breadth-first over the session states: each state with the shortest way to it."""
        came: dict[State, tuple[State | None, Move]] = {}
        queue: deque[State] = deque()
        for move, state in self.entries():
            if state not in came:
                came[state] = (None, move)
                queue.append(state)
        while queue:
            state = queue.popleft()
            for move, nxt in self.moves_from(state, takeable=takeable):
                if nxt not in came:
                    came[nxt] = (state, move)
                    queue.append(nxt)
        return came

    def way_to(self, came: Mapping[State, tuple[State | None, Move]], state: State) -> list[Move]:
        moves: list[Move] = []
        current: State | None = state
        while current is not None:
            previous, move = came[current]
            moves.append(move)
            current = previous
        return moves[::-1]

    def onwards(self, state: State, uncovered: set[Transition]) -> tuple[list[Move], State]:
        """From `state`, on to the nearest transition not yet taken, again and again while the
        session can still end and the walk is at most MAX_MOVES long."""
        walked: list[Move] = []
        while len(walked) < MAX_MOVES:
            found = self.nearest(state, uncovered)
            if found is None:
                break
            moves, state = found
            walked += moves
            uncovered -= {m.transition for m in moves}
        return walked, state

    def nearest(self, state: State, uncovered: set[Transition]) -> tuple[list[Move], State] | None:
        came: dict[State, tuple[State, Move] | None] = {state: None}
        queue = deque([state])
        while queue:
            current = queue.popleft()
            for move, nxt in self.moves_from(current, takeable=True):
                if move.transition in uncovered and self.way_out(nxt) is not None:
                    moves = [move]
                    while (edge := came[current]) is not None:
                        current, earlier = edge
                        moves.append(earlier)
                    return moves[::-1], nxt
                if nxt not in came:
                    came[nxt] = (current, move)
                    queue.append(nxt)
        return None

    def way_out(self, state: State) -> list[Move] | None:
        """The fewest moves from `state` to a terminal step."""
        came: dict[State, tuple[State, Move] | None] = {state: None}
        queue = deque([state])
        while queue:
            current = queue.popleft()
            if self.workflow.step(current.current).terminal:
                moves: list[Move] = []
                while (edge := came[current]) is not None:
                    current, move = edge
                    moves.append(move)
                return moves[::-1]
            for move, nxt in self.moves_from(current, takeable=True):
                if nxt not in came:
                    came[nxt] = (current, move)
                    queue.append(nxt)
        return None


def plan(
    workflow: Workflow,
    environment: Environment | None = None,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
    today: date | None = None,
) -> Plan:
    """Paths that together take every takeable transition of `workflow`, each ending at a
    terminal step, each taking one transition no other path takes."""
    search = _Search(workflow, environment or Environment(), answers or {}, today or date.today())
    reachable_states = search.explore(takeable=False)
    reachable = frozenset(move.transition for _, move in reachable_states.values()) | frozenset(
        move.transition
        for state in reachable_states
        for move, _ in search.moves_from(state, takeable=False)
    )
    came = search.explore(takeable=True)
    # Each takeable transition: the nearest state it is taken from (none for an entry), the
    # move and the state after it.
    enabled: dict[Transition, tuple[State | None, Move, State]] = {
        move.transition: (state, move, nxt)
        for state in reversed(list(came))
        for move, nxt in search.moves_from(state, takeable=True)
    }
    for first, (previous, move) in came.items():
        if previous is None:
            enabled[move.transition] = (None, move, first)

    def depth(transition: Transition) -> int:
        state = enabled[transition][0]
        return 0 if state is None else len(state.walked)

    paths: list[list[Move]] = []
    uncovered = set(enabled)
    for transition in sorted(enabled, key=lambda t: (depth(t), t)):
        if transition not in uncovered:
            continue
        state, move, after = enabled[transition]
        moves = [*search.way_to(came, state), move] if state is not None else [move]
        if search.way_out(after) is None:
            continue
        uncovered -= {m.transition for m in moves}
        walked, after = search.onwards(after, uncovered)
        rest = search.way_out(after)
        assert rest is not None
        paths.append(moves + walked + rest)
        uncovered -= {m.transition for m in walked + rest}
    cover = _pruned([tuple(p) for p in paths])
    named = tuple(Path(f"p{i:02d}-{_name(moves)}", moves) for i, moves in enumerate(cover, 1))
    taken = frozenset().union(*(p.transitions for p in named)) if named else frozenset()
    return Plan(
        workflow,
        reachable,
        reachable - taken,
        named,
        _variants(workflow, search.environment, named),
    )


def _pruned(paths: list[tuple[Move, ...]]) -> list[tuple[Move, ...]]:
    """Drop, longest first, each path whose transitions the others take too."""
    kept = list(paths)
    for candidate in sorted(paths, key=len, reverse=True):
        others = [p for p in kept if p is not candidate]
        if {m.transition for m in candidate} <= {m.transition for p in others for m in p}:
            kept = others
    return kept


def _name(moves: tuple[Move, ...]) -> str:
    first = moves[0].transition.detail or "any"
    special = [m.transition for m in moves if m.transition.kind in ("reject", "resume")]
    tail = "-".join(f"{t.kind}-{t.detail or t.target}" for t in special)
    return f"{first}-to-{moves[-1].transition.target}" + (f"-{tail}" if tail else "")


def _variants(
    workflow: Workflow, environment: Environment, cover: tuple[Path, ...]
) -> tuple[Path, ...]:
    """Each `after_commit` event once, on the shortest cover path that commits its effect."""
    found = []
    for effect, events in environment.after_commit.items():
        for event in events:
            candidates = [
                (len(path.moves), path, index)
                for path in cover
                for index, move in enumerate(path.moves)
                if move.transition.kind == "default"
                and effect in workflow.steps[move.transition.source].effects
            ]
            if not candidates:
                continue
            _, path, index = min(candidates, key=lambda c: (c[0], c[1].name))
            moves = list(path.moves)
            moves[index] = Move(
                moves[index].transition,
                moves[index].answers,
                moves[index].from_view,
                (*moves[index].events, event),
            )
            found.append(Path(f"{path.name}-{event}", tuple(moves)))
    return tuple(found)
