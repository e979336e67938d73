"""The funnel from the transition history: folded into a daily rollup as it grows, answered
from the rollup.

The fold runs in the relay's housekeeping (once a minute, a bounded number of batches) and, before
every answer, up to the last transition, so an answer is exact and a month of a busy site sums a
few thousand rollup rows instead of reading its history. Two processes folding at once are safe:
each batch is written only by the one that moves the watermark from where it read it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from app.services.funnel_fold import FunnelShape, ShapeOf, fold, quantile
from app.services.host_sites import HostSites
from app.services.storage import FunnelStorage
from workflows.funnel import (
    BranchFigures,
    FunnelFigures,
    FunnelKey,
    FunnelReport,
    RollupTotals,
    StepCounts,
    StepFigures,
)
from workflows.model import Workflow

log = logging.getLogger("trex.funnel")
BATCH = 1000
BATCHES_PER_PASS = 20


class Funnel:
    def __init__(
        self,
        storage: FunnelStorage,
        sites: HostSites,
        flows: Iterable[Workflow],
        clock: Callable[[], datetime],
        *,
        batch: int = BATCH,
    ) -> None:
        self._storage = storage
        self._sites = sites
        self._shapes = {(w.name, w.version): FunnelShape.of(w) for w in flows}
        self._clock = clock
        self._batch = batch

    async def fold(self, max_batches: int | None = None) -> int:
        """Fold the history written so far into the rollup, a batch per transaction (at most
        `max_batches`); returns the batches this process wrote."""
        async with self._storage.write() as uow:
            horizon = await uow.funnel.horizon()
        written = batches = 0
        while max_batches is None or batches < max_batches:
            batches += 1
            async with self._storage.read() as uow:
                mark = await uow.funnel.watermark()
                end, sessions = await uow.funnel.moves_after(mark, horizon, self._batch)
            if end == mark:
                break
            delta = fold(sessions, mark, self._shape_of)
            async with self._storage.write() as uow:
                if await uow.funnel.advance(mark, end, self._clock()):
                    await uow.funnel.add(delta)
                    written += 1
        return written

    async def sweep(self) -> None:
        """The periodic pass (the relay's housekeeping): bounded, the next goes on from here."""
        written = await self.fold(BATCHES_PER_PASS)
        if written:
            log.info("funnel: %d history batches folded", written)

    async def report(
        self, first: date, last: date, site_id: str | None = None, workflow: str | None = None
    ) -> FunnelReport:
        """The sessions started from `first` to `last` (inclusive), of one site or all."""
        await self.fold()
        async with self._storage.read() as uow:
            totals = await uow.funnel.totals(first, last, site_id, workflow)
        return FunnelReport(first, last, figures(totals, self._shape_of))

    def _shape_of(self, key: FunnelKey) -> FunnelShape:
        """The shape of the key's version (an undefined one: its steps in the order seen)."""
        return self._shapes.get((key.workflow, key.version), UNKNOWN_SHAPE)

    async def for_site(
        self, secret_key: str | None, since: datetime, until: datetime, workflow: str | None
    ) -> FunnelReport | None:
        """The site's own funnel over the days [since, until) touches; None for a wrong key."""
        site = await self._sites.by_secret_key(secret_key)
        if site is None:
            return None
        first, last = days_of(since, until)
        return await self.report(first, last, site.id, workflow)


def days_of(since: datetime, until: datetime) -> tuple[date, date]:
    """The UTC days the period [since, until) touches (naive times are UTC): first and last."""
    since, until = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (since, until))
    first = since.astimezone(UTC).date()
    return first, max(first, (until.astimezone(UTC) - timedelta(microseconds=1)).date())


UNKNOWN_SHAPE = FunnelShape((), frozenset(), frozenset(), ())


def figures(totals: RollupTotals, shape_of: ShapeOf) -> tuple[FunnelFigures, ...]:
    keys = sorted(
        {*totals.days, *(key for key, _ in totals.steps)},
        key=lambda k: (k.site_id, k.workflow, k.version, k.variant),
    )
    return tuple(_funnel(key, totals, shape_of(key)) for key in keys)


def _funnel(key: FunnelKey, totals: RollupTotals, shape: FunnelShape) -> FunnelFigures:
    day = totals.days.get(key)
    seen = [step for k, step in totals.steps if k == key]
    order = [*shape.steps, *sorted(set(seen) - set(shape.steps))]
    steps = tuple(_step(key, step, totals) for step in order)
    branches = tuple(
        BranchFigures(
            branch.name,
            tuple(
                (option, totals.steps.get((key, step), StepCounts()).chosen)
                for step, option in branch.options.items()
            ),
        )
        for branch in shape.branches
    )
    return FunnelFigures(key, day.started if day else 0, day.leads if day else 0, steps, branches)


def _step(key: FunnelKey, step: str, totals: RollupTotals) -> StepFigures:
    counts = totals.steps.get((key, step), StepCounts())
    times = totals.times.get((key, step), {})
    return StepFigures(
        step, counts.reached, counts.dropped, quantile(times, 0.5), quantile(times, 0.9)
    )
