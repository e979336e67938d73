"""The funnel's vocabulary: what the fold reads from the history, what it adds to the rollup,
and the figures a host site or an operator is shown.

Plain data, shared by the service that folds and answers (app/services/funnel.py), the store
that keeps the rollup (app/db/funnel.py) and the GraphQL types (schema/funnel.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# A session's variant (workflows/variants.py): "default" unless its host site has variants.
from workflows.variants import DEFAULT_VARIANT as DEFAULT_VARIANT


@dataclass(frozen=True, slots=True)
class FunnelKey:
    """Whose funnel a session counts in."""

    site_id: str
    workflow: str
    version: int
    variant: str = DEFAULT_VARIANT


@dataclass(frozen=True, slots=True)
class Move:
    """One history row, without its input or result: the funnel reads no answer."""

    id: int
    action: str
    from_step: str | None
    to_step: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SessionMoves:
    """A session's history up to the end of a fold's batch, in order."""

    session_id: str
    key: FunnelKey
    moves: tuple[Move, ...]


@dataclass
class StepCounts:
    reached: int = 0
    dropped: int = 0  # sessions not finished whose last step this is
    chosen: int = 0  # sessions whose branch choice is this step (branch options only)


@dataclass
class DayCounts:
    started: int = 0
    leads: int = 0


@dataclass
class RollupDelta:
    """What a fold adds to the daily rollup: counts may go down (a session moved on from where
    it stopped), the time buckets only up."""

    days: dict[tuple[FunnelKey, date], DayCounts] = field(default_factory=dict)
    steps: dict[tuple[FunnelKey, date, str], StepCounts] = field(default_factory=dict)
    times: dict[tuple[FunnelKey, date, str, int], int] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.days or self.steps or self.times)


@dataclass(frozen=True, slots=True)
class StepFigures:
    step: str
    reached: int
    dropped: int
    # Time spent per visit, estimated from the merged log buckets (None: no visit ended).
    median_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True, slots=True)
class BranchFigures:
    """Sessions by the option they took at one branch of the flow (their latest choice)."""

    name: str
    options: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class FunnelFigures:
    key: FunnelKey
    started: int
    leads: int
    steps: tuple[StepFigures, ...]
    branches: tuple[BranchFigures, ...]


@dataclass(frozen=True, slots=True)
class FunnelReport:
    """The sessions started on the days from `first_day` to `last_day` (UTC), inclusive."""

    first_day: date
    last_day: date
    funnels: tuple[FunnelFigures, ...]


@dataclass
class RollupTotals:
    """The rollup summed over a period's days, per funnel."""

    days: dict[FunnelKey, DayCounts] = field(default_factory=dict)
    steps: dict[tuple[FunnelKey, str], StepCounts] = field(default_factory=dict)
    times: dict[tuple[FunnelKey, str], dict[int, int]] = field(default_factory=dict)
