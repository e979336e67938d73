"""Sessions' recorded histories, read back whole for a shadow replay (`trex flows replay`).

Bounded: at most `limit` sessions (the oldest first), their rows read a chunk of sessions at a
time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import HISTORY, SESSIONS
from workflows.replay import RecordedRow, RecordedSession, workflow_type_of

CHUNK = 500
_SESSIONS = (
    select(SESSIONS.c.id)
    .where(SESSIONS.c.workflow == bindparam("_workflow"))
    .where(SESSIONS.c.definition_version == bindparam("_version"))
    .order_by(SESSIONS.c.created_at, SESSIONS.c.id)
    .limit(bindparam("_limit"))
)
_ROWS = (
    select(
        HISTORY.c.session_id,
        HISTORY.c.action,
        HISTORY.c.from_step,
        HISTORY.c.to_step,
        HISTORY.c.input,
        HISTORY.c.at,
    )
    .where(HISTORY.c.session_id.in_(bindparam("_ids", expanding=True)))
    .order_by(HISTORY.c.session_id, HISTORY.c.id)
)


async def recorded_sessions(
    session: AsyncSession, workflow: str, version: int, limit: int
) -> list[RecordedSession]:
    found = await session.execute(
        _SESSIONS, {"_workflow": workflow, "_version": version, "_limit": limit}
    )
    ids = list(found.scalars().all())
    rows: dict[str, list[Any]] = {session_id: [] for session_id in ids}
    for start in range(0, len(ids), CHUNK):
        chunk = await session.execute(_ROWS, {"_ids": ids[start : start + CHUNK]})
        for row in chunk:
            rows[row.session_id].append(row)
    return [_session(session_id, workflow, version, rows[session_id]) for session_id in ids]


def _session(session_id: str, workflow: str, version: int, rows: Sequence[Any]) -> RecordedSession:
    recorded = tuple(
        RecordedRow(row.action, row.from_step, row.to_step, dict(row.input or {}), _utc(row.at))
        for row in rows
    )
    return RecordedSession(session_id, workflow, version, workflow_type_of(recorded), recorded)


def _utc(at: datetime) -> datetime:
    """SQLite hands back naive times; they were written in UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)
