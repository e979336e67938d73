"""Sessions, their history and their idempotency keys: the session aggregate's SQL.

Every statement is SQLAlchemy Core, built once with bind parameters: building one costs more
than running it, and a transition runs several. The store never commits; its unit of work does.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.history import recorded_sessions
from app.db.tables import HISTORY, IDEMPOTENCY, SESSIONS
from app.services.records import SessionRecord, session_columns, session_record, state_columns
from workflows.model import SessionStatus
from workflows.replay import RecordedSession

_GET = select(SESSIONS).where(SESSIONS.c.id == bindparam("_id"))
_WAITING = (
    select(SESSIONS.c.id)
    .where(SESSIONS.c.status == SessionStatus.WAITING.value)
    .where(SESSIONS.c.updated_at < bindparam("_before"))
)
_IN_FLIGHT = (
    select(SESSIONS.c.id)
    .where(SESSIONS.c.workflow == bindparam("_workflow"))
    .where(SESSIONS.c.definition_version == bindparam("_version"))
    .where(SESSIONS.c.status.in_([SessionStatus.ACTIVE.value, SessionStatus.WAITING.value]))
    .order_by(SESSIONS.c.created_at, SESSIONS.c.id)
)
_VERSIONS = select(
    SESSIONS.c.workflow, SESSIONS.c.definition_version, func.count().label("n")
).group_by(SESSIONS.c.workflow, SESSIONS.c.definition_version)
_ADD = insert(SESSIONS)
_SAVE = (
    update(SESSIONS)
    .where(SESSIONS.c.id == bindparam("_id"))
    .where(SESSIONS.c.row_version == bindparam("_version"))
    .values(row_version=SESSIONS.c.row_version + 1, last_seq=SESSIONS.c.last_seq + 1)
    .returning(SESSIONS.c.last_seq)
)
_NEXT_SEQ = (
    update(SESSIONS)
    .where(SESSIONS.c.id == bindparam("_id"))
    .values(last_seq=SESSIONS.c.last_seq + 1)
    .returning(SESSIONS.c.last_seq)
)
_SET_STATUS = (
    update(SESSIONS)
    .where(SESSIONS.c.id == bindparam("_id"))
    .values(row_version=SESSIONS.c.row_version + 1)
)
_SET_TOKEN = (
    update(SESSIONS)
    .where(SESSIONS.c.id == bindparam("_id"))
    .values(token_hash=bindparam("_hash"), row_version=SESSIONS.c.row_version + 1)
)
_ADD_HISTORY = insert(HISTORY)
_OUTCOME = (
    select(IDEMPOTENCY.c.outcome)
    .where(IDEMPOTENCY.c.session_id == bindparam("_id"))
    .where(IDEMPOTENCY.c.key == bindparam("_key"))
)
_REMEMBER = insert(IDEMPOTENCY)


def _key_digest(key: str) -> str:
    """Idempotency keys are the client's, of any length: store a fixed-size digest."""
    return hashlib.sha256(key.encode()).hexdigest()


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, session_id: str) -> SessionRecord | None:
        row = (await self._session.execute(_GET, {"_id": session_id})).first()
        return None if row is None else session_record(dict(row._mapping))

    async def waiting_ids(self, since_before: datetime) -> list[str]:
        """Sessions waiting for an outcome since before `since_before`."""
        found = await self._session.execute(_WAITING, {"_before": since_before})
        return list(found.scalars().all())

    async def in_flight(self, workflow: str, version: int) -> list[str]:
        """The sessions of `workflow` `version` not ended yet (active or waiting), oldest first."""
        bound = {"_workflow": workflow, "_version": version}
        found = await self._session.execute(_IN_FLIGHT, bound)
        return list(found.scalars().all())

    async def versions_in_use(self) -> dict[tuple[str, int], int]:
        rows = await self._session.execute(_VERSIONS)
        return {(row.workflow, int(row.definition_version)): int(row.n) for row in rows}

    async def add(self, record: SessionRecord) -> None:
        await self._session.execute(_ADD, session_columns(record))

    async def save(self, record: SessionRecord) -> SessionRecord | None:
        """Write the new state if nobody else did since it was read (optimistic concurrency),
        and number its event: the saved record carries the next row version and event seq.

        None on a conflict."""
        columns = {k: v for k, v in state_columns(record).items() if k != "last_seq"}
        result = await self._session.execute(
            _SAVE, {"_id": record.id, "_version": record.row_version, **columns}
        )
        seq = result.scalar_one_or_none()
        if seq is None:
            return None
        return replace(record, row_version=record.row_version + 1, last_seq=seq)

    async def next_seq(self, session_id: str) -> int | None:
        """Number one more event of the session without touching its state (lead progress)."""
        result = await self._session.execute(_NEXT_SEQ, {"_id": session_id})
        return result.scalar_one_or_none()

    async def set_status(self, session_id: str, status: SessionStatus) -> None:
        """A new row version too: whoever read the session before must read it again."""
        await self._session.execute(_SET_STATUS, {"_id": session_id, "status": status.value})

    async def set_token(self, session_id: str, token_hash: str) -> None:
        """A new token, and a new row version (a cached copy's write conflicts)."""
        await self._session.execute(_SET_TOKEN, {"_id": session_id, "_hash": token_hash})

    async def add_history(
        self,
        session_id: str,
        action: str,
        from_step: str | None,
        to_step: str,
        at: datetime,
        input_: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
    ) -> None:
        entry = {
            "session_id": session_id,
            "action": action,
            "from_step": from_step,
            "to_step": to_step,
            "input": input_ or {},
            "result": result or {},
            "at": at,
        }
        await self._session.execute(_ADD_HISTORY, entry)

    async def recorded(self, workflow: str, version: int, limit: int) -> list[RecordedSession]:
        return await recorded_sessions(self._session, workflow, version, limit)

    async def idempotent_outcome(self, session_id: str, key: str) -> dict[str, Any] | None:
        found = await self._session.execute(_OUTCOME, {"_id": session_id, "_key": _key_digest(key)})
        outcome: dict[str, Any] | None = found.scalar()
        return outcome

    async def remember_outcome(
        self, session_id: str, key: str, outcome: dict[str, Any], at: datetime
    ) -> None:
        remembered = {"session_id": session_id, "key": _key_digest(key), "outcome": outcome}
        await self._session.execute(_REMEMBER, {**remembered, "at": at})
