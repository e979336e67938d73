"""The funnel's rollup: daily aggregates of the history, and the watermark of what is folded.

Every write of the rollup adds (`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`), in the
transaction that first moves the watermark from the value the fold started from: of two
processes folding the same rows, the second finds the watermark moved and writes nothing
(on PostgreSQL it waits for the first's row lock, then matches no row)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Insert, Select, Table, bindparam, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import (
    FUNNEL_DAYS,
    FUNNEL_STEPS,
    FUNNEL_TIMES,
    FUNNEL_WATERMARK,
    HISTORY,
    SESSIONS,
)
from workflows.funnel import (
    DayCounts,
    FunnelKey,
    Move,
    RollupDelta,
    RollupTotals,
    SessionMoves,
    StepCounts,
)

WATERMARK = "history"
KEY = ("host_site_id", "workflow", "definition_version", "variant")
_COUNTERS = {FUNNEL_DAYS: ("started", "leads"), FUNNEL_STEPS: ("reached", "dropped", "chosen")}
_COUNTERS[FUNNEL_TIMES] = ("visits",)


def _adding(dialect: Any, table: Table) -> Insert:
    """An insert that adds its counts to the row already there."""
    counters = _COUNTERS[table]
    keys = [c.name for c in table.primary_key.columns]
    statement = dialect.insert(table)
    added = {name: table.c[name] + statement.excluded[name] for name in counters}
    upsert: Insert = statement.on_conflict_do_update(index_elements=keys, set_=added)
    return upsert


_ADD = {
    name: {table.name: _adding(dialect, table) for table in _COUNTERS}
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_MAX_ID = select(func.coalesce(func.max(HISTORY.c.id), 0))
_LOCK_HISTORY = text("LOCK TABLE history IN SHARE MODE")
_WATERMARK = select(FUNNEL_WATERMARK.c.last_history_id).where(FUNNEL_WATERMARK.c.name == WATERMARK)
_ADVANCE = (
    update(FUNNEL_WATERMARK)
    .where(FUNNEL_WATERMARK.c.name == WATERMARK)
    .where(FUNNEL_WATERMARK.c.last_history_id == bindparam("_from"))
    .values(last_history_id=bindparam("_to"), folded_at=bindparam("_at"))
)
_NEW = (
    select(HISTORY.c.id, HISTORY.c.session_id)
    .where(HISTORY.c.id > bindparam("_after"), HISTORY.c.id <= bindparam("_through"))
    .order_by(HISTORY.c.id)
    .limit(bindparam("_limit"))
)
_MOVES = (
    select(
        HISTORY.c.session_id,
        HISTORY.c.id,
        HISTORY.c.action,
        HISTORY.c.from_step,
        HISTORY.c.to_step,
        HISTORY.c.at,
        SESSIONS.c.host_site_id,
        SESSIONS.c.workflow,
        SESSIONS.c.definition_version,
        SESSIONS.c.variant,
    )
    .join(SESSIONS, SESSIONS.c.id == HISTORY.c.session_id)
    .where(HISTORY.c.session_id.in_(bindparam("_ids", expanding=True)))
    .where(HISTORY.c.id <= bindparam("_through"))
    .order_by(HISTORY.c.session_id, HISTORY.c.id)
)


class FunnelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name

    async def horizon(self) -> int:
        """The last history id below which no row can still appear.

        PostgreSQL numbers rows before their transactions commit, in any order: a share lock on
        the table waits for every transaction writing history to end (new writers wait for it
        a moment). SQLite's writes are serialized, so what is visible is all there is."""
        if self._dialect == "postgresql":
            await self._session.execute(_LOCK_HISTORY)
        return int((await self._session.execute(_MAX_ID)).scalar_one())

    async def watermark(self) -> int:
        return int((await self._session.execute(_WATERMARK)).scalar_one())

    async def moves_after(
        self, after: int, through: int, limit: int
    ) -> tuple[int, list[SessionMoves]]:
        """The next at most `limit` history rows after `after`: the id of the last of them
        (`after` if none), and the whole history up to it of each session they touch."""
        found = await self._session.execute(
            _NEW, {"_after": after, "_through": through, "_limit": limit}
        )
        new = found.all()
        if not new:
            return after, []
        end = int(new[-1].id)
        ids = sorted({row.session_id for row in new})
        rows = (await self._session.execute(_MOVES, {"_ids": ids, "_through": end})).all()
        return end, _by_session(rows)

    async def advance(self, old: int, new: int, at: datetime) -> bool:
        """Move the watermark from `old` to `new`; False if another fold moved it first."""
        moved = await self._session.execute(_ADVANCE, {"_from": old, "_to": new, "_at": at})
        return bool(moved.rowcount)  # type: ignore[attr-defined]

    async def add(self, delta: RollupDelta) -> None:
        statements = _ADD[self._dialect]
        days = [
            _key(k, day) | {"started": c.started, "leads": c.leads}
            for (k, day), c in delta.days.items()
        ]
        steps = [
            _key(k, day)
            | {"step": step, "reached": c.reached, "dropped": c.dropped, "chosen": c.chosen}
            for (k, day, step), c in delta.steps.items()
        ]
        times = [
            _key(k, day) | {"step": step, "bucket": bucket, "visits": visits}
            for (k, day, step, bucket), visits in delta.times.items()
        ]
        for table, rows in ((FUNNEL_DAYS, days), (FUNNEL_STEPS, steps), (FUNNEL_TIMES, times)):
            if rows:
                await self._session.execute(statements[table.name], rows)

    async def totals(
        self, first: date, last: date, site_id: str | None, workflow: str | None
    ) -> RollupTotals:
        """The rollup of the days from `first` to `last` (inclusive), summed per funnel."""
        totals = RollupTotals()
        days = _summed(FUNNEL_DAYS, (), ("started", "leads"), first, last, site_id, workflow)
        for row in await self._session.execute(days):
            totals.days[_funnel_key(row)] = DayCounts(int(row.started), int(row.leads))
        steps = _summed(
            FUNNEL_STEPS,
            ("step",),
            ("reached", "dropped", "chosen"),
            first,
            last,
            site_id,
            workflow,
        )
        for row in await self._session.execute(steps):
            counts = StepCounts(int(row.reached), int(row.dropped), int(row.chosen))
            totals.steps[(_funnel_key(row), row.step)] = counts
        times = _summed(
            FUNNEL_TIMES, ("step", "bucket"), ("visits",), first, last, site_id, workflow
        )
        for row in await self._session.execute(times):
            buckets = totals.times.setdefault((_funnel_key(row), row.step), {})
            buckets[int(row.bucket)] = int(row.visits)
        return totals


def _summed(
    table: Table,
    by: tuple[str, ...],
    counters: tuple[str, ...],
    first: date,
    last: date,
    site_id: str | None,
    workflow: str | None,
) -> Select[Any]:
    groups = [table.c[name] for name in (*KEY, *by)]
    statement = (
        select(*groups, *(func.sum(table.c[name]).label(name) for name in counters))
        .where(table.c.day >= first, table.c.day <= last)
        .group_by(*groups)
    )
    if site_id is not None:
        statement = statement.where(table.c.host_site_id == site_id)
    if workflow is not None:
        statement = statement.where(table.c.workflow == workflow)
    return statement


def _key(key: FunnelKey, day: date) -> dict[str, Any]:
    return {
        "host_site_id": key.site_id,
        "workflow": key.workflow,
        "definition_version": key.version,
        "variant": key.variant,
        "day": day,
    }


def _funnel_key(row: Any) -> FunnelKey:
    return FunnelKey(row.host_site_id, row.workflow, int(row.definition_version), row.variant)


def _by_session(rows: Sequence[Any]) -> list[SessionMoves]:
    """Rows ordered by session then id, as each session's moves."""
    sessions: list[SessionMoves] = []
    moves: list[Move] = []
    for index, row in enumerate(rows):
        moves.append(Move(int(row.id), row.action, row.from_step, row.to_step, row.at))
        if index + 1 == len(rows) or rows[index + 1].session_id != row.session_id:
            key = _funnel_key(row)  # the session's site, workflow, version and variant
            sessions.append(SessionMoves(row.session_id, key, tuple(moves)))
            moves = []
    return sessions
