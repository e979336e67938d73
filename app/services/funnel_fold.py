"""The funnel's arithmetic, pure: history rows folded into daily aggregates, and figures out of
merged time buckets.

A session counts in the day it started (UTC), whatever day it moves on. The fold of a batch is
the difference between each session's summary over its whole history so far and over the part
already folded (up to the watermark): reached steps and a reached lead only ever appear; where
an unfinished session stopped (its drop-off) and its latest branch choice move, so they are
taken from one step and given to another; visits that ended are added to the time buckets.
Nothing is read but the step ids, actions and times: the branch a session took is the step it
reached, never its answer.

Time spent is per visit of a step (entered → left for another step; a page of results or a
refused confirmation that lands on the same step continues the visit), kept in log-spaced
buckets: bucket 0 is under 10 ms, then four buckets per doubling (each 19% wide, so a median
or p90 read from the merged buckets is within ±9% of the true value), the last one from about
6.9 days on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from workflows.funnel import (
    DayCounts,
    FunnelKey,
    Move,
    RollupDelta,
    RollupTotals,
    SessionMoves,
    StepCounts,
)
from workflows.model import Branch, Goto, Workflow

FIRST_BOUND_SECONDS = 0.01
BUCKETS_PER_DOUBLING = 4
LAST_BUCKET = 104
CHOOSING_ACTIONS = ("start", "transition")


@dataclass(frozen=True, slots=True)
class FunnelShape:
    """What the fold needs of a definition: its steps in order, where a session is finished,
    the steps only a submitted lead leads to, and the branches."""

    steps: tuple[str, ...]
    terminal: frozenset[str]
    after_lead: frozenset[str]
    branches: tuple[Branch, ...]

    @classmethod
    def of(cls, workflow: Workflow) -> FunnelShape:
        """The shape of a checked definition (the checker verifies its branches' steps)."""
        after_lead = {
            step.default.step
            for step in workflow.steps.values()
            if isinstance(step.default, Goto) and step.lead_kind is not None
        }
        terminal = frozenset(s.id for s in workflow.steps.values() if s.terminal)
        return cls(tuple(workflow.steps), terminal, frozenset(after_lead), workflow.branches)


@dataclass(frozen=True, slots=True)
class _Summary:
    day: date
    reached: frozenset[str]
    stopped_at: str | None  # the last step, unless it is terminal
    lead: bool
    visits: tuple[tuple[str, float], ...]  # (step, seconds) of each visit that ended
    choices: Mapping[str, str]  # branch name → option step


def bucket_of(seconds: float) -> int:
    if seconds < FIRST_BOUND_SECONDS:
        return 0
    doublings = math.log2(seconds / FIRST_BOUND_SECONDS)
    return min(LAST_BUCKET, 1 + math.floor(BUCKETS_PER_DOUBLING * doublings))


def bucket_value(bucket: int) -> float:
    """The bucket's geometric middle (bucket 0: half its bound)."""
    if bucket == 0:
        return FIRST_BOUND_SECONDS / 2
    return FIRST_BOUND_SECONDS * 2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING)


def quantile(buckets: Mapping[int, int], q: float) -> float | None:
    """The nearest-rank `q` quantile of the counted values, as its bucket's middle."""
    total = sum(buckets.values())
    if total <= 0:
        return None
    rank, seen = max(1, math.ceil(q * total)), 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        if seen >= rank:
            return bucket_value(bucket)
    return bucket_value(max(buckets))


ShapeOf = Callable[[FunnelKey], FunnelShape]


def fold(sessions: Iterable[SessionMoves], watermark: int, shape_of: ShapeOf) -> RollupDelta:
    """What the moves after `watermark` add to the rollup (each session's moves in order, read
    with the shape of its workflow version)."""
    delta = RollupDelta()
    for session in sessions:
        shape = shape_of(session.key)
        before = _summary([m for m in session.moves if m.id <= watermark], shape)
        after = _summary(list(session.moves), shape)
        if after is not None:
            _add_difference(delta, session.key, before, after)
    _drop_zeros(delta)
    return delta


def _summary(moves: list[Move], shape: FunnelShape) -> _Summary | None:
    if not moves:
        return None
    visits: list[tuple[str, float]] = []
    step, entered = moves[0].to_step, moves[0].at
    choices: dict[str, str] = {}
    for move in moves:
        if move.to_step != step:
            visits.append((step, (move.at - entered).total_seconds()))
            step, entered = move.to_step, move.at
        if move.action in CHOOSING_ACTIONS:
            for branch in shape.branches:
                if move.to_step in branch.options and move.from_step in branch.chosen_at:
                    choices[branch.name] = move.to_step
    reached = frozenset(m.to_step for m in moves)
    return _Summary(
        day=moves[0].at.date(),
        reached=reached,
        stopped_at=None if step in shape.terminal else step,
        lead=bool(reached & shape.after_lead),
        visits=tuple(visits),
        choices=choices,
    )


def _add_difference(
    delta: RollupDelta, key: FunnelKey, before: _Summary | None, after: _Summary
) -> None:
    day = after.day
    counts = delta.days.setdefault((key, day), DayCounts())
    counts.started += int(before is None)
    counts.leads += int(after.lead and not (before is not None and before.lead))

    def step(step_id: str) -> StepCounts:
        return delta.steps.setdefault((key, day, step_id), StepCounts())

    for reached in after.reached - (before.reached if before else frozenset()):
        step(reached).reached += 1
    if before is None or before.stopped_at != after.stopped_at:
        if before is not None and before.stopped_at is not None:
            step(before.stopped_at).dropped -= 1
        if after.stopped_at is not None:
            step(after.stopped_at).dropped += 1
    for name, chosen in after.choices.items():
        earlier = before.choices.get(name) if before else None
        if earlier != chosen:
            if earlier is not None:
                step(earlier).chosen -= 1
            step(chosen).chosen += 1
    for visited, seconds in after.visits[len(before.visits) if before else 0 :]:
        bucket = (key, day, visited, bucket_of(seconds))
        delta.times[bucket] = delta.times.get(bucket, 0) + 1


def _drop_zeros(delta: RollupDelta) -> None:
    """What adds up to nothing (a move within a visit, a choice taken back) is not written."""
    for day in [k for k, c in delta.days.items() if not (c.started or c.leads)]:
        del delta.days[day]
    for at in [k for k, c in delta.steps.items() if not (c.reached or c.dropped or c.chosen)]:
        del delta.steps[at]


def totals_of(*deltas: RollupDelta) -> RollupTotals:
    """Deltas summed over their days, as the rollup store's `totals` answers (a replay's
    funnel, folded in memory)."""
    totals = RollupTotals()
    for delta in deltas:
        for (key, _), day in delta.days.items():
            found = totals.days.setdefault(key, DayCounts())
            found.started, found.leads = found.started + day.started, found.leads + day.leads
        for (key, _, step), counts in delta.steps.items():
            found_step = totals.steps.setdefault((key, step), StepCounts())
            found_step.reached += counts.reached
            found_step.dropped += counts.dropped
            found_step.chosen += counts.chosen
        for (key, _, step, bucket), visits in delta.times.items():
            buckets = totals.times.setdefault((key, step), {})
            buckets[bucket] = buckets.get(bucket, 0) + visits
    return totals
