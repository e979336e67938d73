"""The invitations a seller sends their buyer to apply for financing (one row each)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import INVITATIONS
from app.services.records import Invitation

_I = INVITATIONS.c
_BY_ID = select(INVITATIONS).where(_I.id == bindparam("_id"))
_LOCKED = _BY_ID.with_for_update()
_BY_TOKEN = select(INVITATIONS).where(_I.token_hash == bindparam("_hash"))
_USE = (
    update(INVITATIONS)
    .where(_I.id == bindparam("_id"))
    .where(_I.used_at.is_(None))
    .where(_I.expires_at > bindparam("_now"))
    .values(used_at=bindparam("_now"), applicant_session_id=bindparam("_session"))
    .returning(_I.id)
)
_COLUMNS = tuple(column.name for column in INVITATIONS.columns)


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, invitation: Invitation) -> None:
        """Adds the invitation, or replaces it (a seller who sends it again: a new token)."""
        values = {name: getattr(invitation, name) for name in _COLUMNS}
        found = await self._session.execute(_BY_ID, {"_id": invitation.id})
        if found.first() is None:
            await self._session.execute(INVITATIONS.insert(), values)
        else:
            changed = update(INVITATIONS).where(_I.id == invitation.id)
            await self._session.execute(changed, values)

    async def get(self, invitation_id: str) -> Invitation | None:
        return _record((await self._session.execute(_BY_ID, {"_id": invitation_id})).first())

    async def locked(self, invitation_id: str) -> Invitation | None:
        """The invitation, its row locked until the transaction ends (read, then written)."""
        return _record((await self._session.execute(_LOCKED, {"_id": invitation_id})).first())

    async def by_token(self, token_hash: str) -> Invitation | None:
        return _record((await self._session.execute(_BY_TOKEN, {"_hash": token_hash})).first())

    async def use(self, invitation_id: str, session_id: str, now: datetime) -> bool:
        """Marks it used by the applicant's session, unless used or expired meanwhile."""
        params = {"_id": invitation_id, "_now": now, "_session": session_id}
        return (await self._session.execute(_USE, params)).first() is not None


def _record(row: Row[tuple[object, ...]] | None) -> Invitation | None:
    if row is None:
        return None
    return Invitation(**{name: getattr(row, name) for name in _COLUMNS})
