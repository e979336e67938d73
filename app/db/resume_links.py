"""Sessions' resume links (one row per session, replaced when sent again)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import RESUME_LINKS
from app.services.records import ResumeLink

_R = RESUME_LINKS.c
_BY_TOKEN = select(RESUME_LINKS).where(_R.token_hash == bindparam("_hash"))
_DROP = delete(RESUME_LINKS).where(_R.id == bindparam("_id"))
_USE = (
    update(RESUME_LINKS)
    .where(_R.id == bindparam("_id"))
    .where(_R.used_at.is_(None))
    .where(_R.expires_at > bindparam("_now"))
    .values(used_at=bindparam("_now"))
    .returning(_R.id)
)
_COLUMNS = tuple(column.name for column in RESUME_LINKS.columns)


class ResumeLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, link: ResumeLink) -> None:
        """Adds the link, replacing the session's earlier one (whose token stops working)."""
        await self._session.execute(_DROP, {"_id": link.id})
        await self._session.execute(
            RESUME_LINKS.insert(), {name: getattr(link, name) for name in _COLUMNS}
        )

    async def by_token(self, token_hash: str) -> ResumeLink | None:
        row = (await self._session.execute(_BY_TOKEN, {"_hash": token_hash})).first()
        return _record(row)

    async def use(self, link_id: str, now: datetime) -> bool:
        """Marks it used, unless it was used or expired meanwhile (the one winner of a race)."""
        params = {"_id": link_id, "_now": now}
        return (await self._session.execute(_USE, params)).first() is not None


def _record(row: Row[tuple[object, ...]] | None) -> ResumeLink | None:
    if row is None:
        return None
    return ResumeLink(**{name: getattr(row, name) for name in _COLUMNS})
