"""Where personal data sits, and the statements that delete or scrub it (retention, erasure).

Portable SQL only (SQLite and PostgreSQL): candidates are found with a text match on the JSON
columns (`LIKE`, escaped), then confirmed and scrubbed in Python by field name, so no
database-specific JSON operator is needed. Callers bound every batch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, delete, exists, false, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import (
    ERASURES,
    HISTORY,
    IDEMPOTENCY,
    LEADS,
    OUTBOX,
    RESUME_LINKS,
    SESSION_EVENTS,
    SESSIONS,
)
from app.services.records import LeadCopy, SessionCopy
from workflows.personal import REDACTED, scrubbed

# Digests of a lead's contact (the per-client caps): pseudonymous, erased with it.
_LEAD_DIGESTS = ("address_hash", "email_hash", "phone_hash", "confirmed_to_hash")
_LEAD_COLUMNS = select(LEADS.c.id, LEADS.c.session_id, LEADS.c.host_site_id, LEADS.c.contact)


def mentions(column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """The JSON column's text contains one of `values` (as JSON writes them), escaped."""
    needles = [json.dumps(value)[1:-1] for value in values]
    return or_(false(), *(cast(column, String).icontains(n, autoescape=True) for n in needles))


class PersonalDataRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def idle_sessions_without_lead(self, before: datetime, limit: int) -> list[str]:
        has_lead = exists().where(LEADS.c.session_id == SESSIONS.c.id)
        query = (
            select(SESSIONS.c.id)
            .where(SESSIONS.c.updated_at < before)
            .where(~has_lead)
            .order_by(SESSIONS.c.updated_at)
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars().all())

    async def delete_sessions(self, ids: Sequence[str], before: datetime) -> dict[str, int]:
        """Sessions still idle since before `before` (one revived meanwhile stays), and
        everything kept about them."""
        query = delete(SESSIONS).where(SESSIONS.c.id.in_(ids)).where(SESSIONS.c.updated_at < before)
        gone = list((await self._session.execute(query.returning(SESSIONS.c.id))).scalars())
        counts = {"sessions": len(gone)}
        for name, table in (
            ("history", HISTORY),
            ("events", SESSION_EVENTS),
            ("idempotency", IDEMPOTENCY),
            ("resume_links", RESUME_LINKS),
        ):
            result = await self._session.execute(delete(table).where(table.c.session_id.in_(gone)))
            counts[name] = int(result.rowcount)  # type: ignore[attr-defined]
        return counts

    async def leads_due(self, created_before: datetime, limit: int) -> list[LeadCopy]:
        query = (
            _LEAD_COLUMNS.where(LEADS.c.erased_at.is_(None))
            .where(LEADS.c.created_at < created_before)
            .order_by(LEADS.c.created_at)
            .limit(limit)
        )
        return [LeadCopy(*row) for row in (await self._session.execute(query)).all()]

    async def leads_of_site(
        self, site_id: str, *, contacts: Sequence[str] = (), lead_id: str | None = None
    ) -> list[LeadCopy]:
        """The site's leads whose contact mentions one of `contacts`, or the one lead."""
        match = (
            LEADS.c.id == lead_id if lead_id is not None else mentions(LEADS.c.contact, contacts)
        )
        query = _LEAD_COLUMNS.where(LEADS.c.host_site_id == site_id).where(match)
        return [LeadCopy(*row) for row in (await self._session.execute(query)).all()]

    async def leads_of_sessions(self, session_ids: Sequence[str]) -> list[LeadCopy]:
        query = _LEAD_COLUMNS.where(LEADS.c.session_id.in_(session_ids))
        return [LeadCopy(*row) for row in (await self._session.execute(query)).all()]

    async def sessions_of_site(
        self, site_id: str, contacts: Sequence[str], limit: int
    ) -> list[SessionCopy]:
        """The site's sessions whose answers mention one of `contacts` (to be confirmed)."""
        query = (
            select(SESSIONS.c.id, SESSIONS.c.answers)
            .where(SESSIONS.c.host_site_id == site_id)
            .where(mentions(SESSIONS.c.answers, contacts))
            .limit(limit)
        )
        return [SessionCopy(*row) for row in (await self._session.execute(query)).all()]

    async def scrub_session(
        self, session_id: str, names: frozenset[str], context_keys: Sequence[str]
    ) -> dict[str, int]:
        """The session's personal answers and context gone, its history and events scrubbed,
        its idempotency snapshots dropped. A new row version: copies held elsewhere are stale."""
        row = (
            await self._session.execute(
                select(SESSIONS.c.answers, SESSIONS.c.context).where(SESSIONS.c.id == session_id)
            )
        ).first()
        if row is None:
            return {}
        context = {k: v for k, v in dict(row.context).items() if k not in context_keys}
        await self._session.execute(
            update(SESSIONS)
            .where(SESSIONS.c.id == session_id)
            .values(
                answers=scrubbed(row.answers, names),
                context=context,
                row_version=SESSIONS.c.row_version + 1,
            )
        )
        return {
            "sessions": 1,
            "history": await self._scrub_history(session_id, names | frozenset(context_keys)),
            "events": await self._scrub_events(session_id, names),
            "idempotency": await self._drop_snapshots(session_id),
        }

    async def _scrub_history(self, session_id: str, names: frozenset[str]) -> int:
        query = select(HISTORY.c.id, HISTORY.c.input, HISTORY.c.result).where(
            HISTORY.c.session_id == session_id
        )
        changed = 0
        for entry_id, input_, result in (await self._session.execute(query)).all():
            new_input, new_result = _redacted(input_, names), _redacted(result, names)
            if (new_input, new_result) != (input_, result):
                changed += 1
                await self._session.execute(
                    update(HISTORY)
                    .where(HISTORY.c.id == entry_id)
                    .values(input=new_input, result=new_result)
                )
        return changed

    async def _scrub_events(self, session_id: str, names: frozenset[str]) -> int:
        events = SESSION_EVENTS
        query = select(events.c.seq, events.c.payload).where(events.c.session_id == session_id)
        changed = 0
        for seq, payload in (await self._session.execute(query)).all():
            clean = scrubbed(payload, names)
            if clean != payload:
                changed += 1
                await self._session.execute(
                    update(events)
                    .where(events.c.session_id == session_id)
                    .where(events.c.seq == seq)
                    .values(payload=clean)
                )
        return changed

    async def _drop_snapshots(self, session_id: str) -> int:
        result = await self._session.execute(
            delete(IDEMPOTENCY).where(IDEMPOTENCY.c.session_id == session_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def scrub_lead(self, lead_id: str, names: frozenset[str], now: datetime) -> None:
        details = (
            await self._session.execute(select(LEADS.c.details).where(LEADS.c.id == lead_id))
        ).scalar_one_or_none()
        digests = {name: None for name in _LEAD_DIGESTS if name in LEADS.c}
        await self._session.execute(
            update(LEADS)
            .where(LEADS.c.id == lead_id)
            .values(contact={}, details=scrubbed(details or {}, names), erased_at=now, **digests)
        )

    async def scrub_outbox(
        self, lead_ids: Sequence[str], names: frozenset[str], now: datetime
    ) -> int:
        """Work about these leads loses its personal payload; work not done yet is closed (no
        message goes to a customer whose data is gone)."""
        query = select(OUTBOX.c.id, OUTBOX.c.payload, OUTBOX.c.done_at).where(
            mentions(OUTBOX.c.payload, lead_ids)
        )
        changed = 0
        for item_id, payload, done_at in (await self._session.execute(query)).all():
            if str(payload.get("lead_id")) not in lead_ids:
                continue
            changed += 1
            await self._session.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id == item_id)
                .values(payload=scrubbed(payload, names), done_at=done_at or now)
            )
        return changed

    async def record_erasure(
        self,
        erasure_id: str,
        site_id: str,
        subject_hash: str,
        counts: dict[str, int],
        at: datetime,
        by: str,
    ) -> None:
        await self._session.execute(
            ERASURES.insert().values(
                id=erasure_id,
                host_site_id=site_id,
                subject_hash=subject_hash,
                counts=counts,
                at=at,
                by=by,
            )
        )


def _redacted(value: Any, names: frozenset[str]) -> Any:
    """History keeps which fields were given: a personal entry's value is replaced."""
    if isinstance(value, dict):
        return {k: REDACTED if k in names else _redacted(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(item, names) for item in value]
    return value
