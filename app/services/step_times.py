"""The median seconds visitors spend on each step, per workflow version, kept in memory.

Read from the funnel's rollup (its time buckets, summed over every site and variant of the last
`WINDOW_DAYS` days) at most every `REFRESH_SECONDS`, by the relay's housekeeping; the views read
the copy in memory, so building a step never queries. A step with fewer than `MIN_VISITS`
visits in the window has no median here, and the estimate uses its component's default
(`workflows.estimate.DEFAULT_SECONDS`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from app.services.funnel_fold import quantile
from app.services.storage import FunnelStorage
from workflows.estimate import NO_MEDIANS

WINDOW_DAYS = 28
REFRESH_SECONDS = 300.0
MIN_VISITS = 5

Medians = Mapping[str, float]


class StepTimes:
    def __init__(
        self,
        storage: FunnelStorage,
        clock: Callable[[], datetime],
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._medians: dict[tuple[str, int], dict[str, float]] = {}
        self._refreshed_at: float | None = None

    def medians(self, workflow: str, version: int) -> Medians:
        """The step id → median seconds of the version, as last read (none before)."""
        return self._medians.get((workflow, version), NO_MEDIANS)

    async def refresh_if_due(self) -> None:
        """The housekeeping chore: a refresh when the last is `refresh_seconds` old."""
        at = self._refreshed_at
        if at is None or self._monotonic() - at >= self._refresh_seconds:
            await self.refresh()

    async def refresh(self) -> None:
        """Read the medians of the window from the rollup (one query per rollup table)."""
        last = self._clock().date()
        async with self._storage.read() as uow:
            totals = await uow.funnel.totals(
                last - timedelta(days=WINDOW_DAYS - 1), last, None, None
            )
        merged: dict[tuple[str, int, str], dict[int, int]] = {}
        for (key, step), buckets in totals.times.items():
            into = merged.setdefault((key.workflow, key.version, step), {})
            for bucket, visits in buckets.items():
                into[bucket] = into.get(bucket, 0) + visits
        medians: dict[tuple[str, int], dict[str, float]] = {}
        for (workflow, version, step), buckets in merged.items():
            median = quantile(buckets, 0.5)
            if median is not None and sum(buckets.values()) >= MIN_VISITS:
                medians.setdefault((workflow, version), {})[step] = median
        self._medians = medians
        self._refreshed_at = self._monotonic()
