"""Erasure and retention on a real database (SQLite, or PostgreSQL with TREX_TEST_STACK=scaleout):
the customer's data leaves every table that held it, and nobody else's does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db.database import Database
from app.db.leads import LeadRepository
from app.db.migrate import migrate
from app.db.outbox import OutboxRepository
from app.db.resume_links import ResumeLinkRepository
from app.db.session_events import EventRepository
from app.db.sessions import SessionRepository
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
from app.db.unit_of_work import SqlStorage
from app.services.erasure import Eraser
from app.services.records import LeadRecord, ResumeLink, SessionRecord, StoredEvent
from app.services.retention import Retention
from tests import stack
from workflows.engine import SessionState
from workflows.erasure import ErasureRequest
from workflows.model import SessionStatus
from workflows.registry import definition

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
ADA_PRIVATE = (
    "Lovelace",
    "ada@example.com",
    "+14155550123",
    "10001",
    "Weekday evenings",
    "1 Infinite Loop",
)
GRACE = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}
WORKFLOW = definition("trex", 1)


def _contact(person: dict[str, str], phone: str) -> dict[str, Any]:
    return {**person, "phone": phone, "zip": "10001", "message": "Weekday evenings are best."}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(stack.database_url(tmp_path))
    await migrate(database)
    yield database
    await database.dispose()


async def _seed(
    db: Database,
    session_id: str,
    contact: dict[str, Any] | None,
    *,
    site: str = "demo",
    at: datetime = NOW,
) -> str | None:
    """A session as a visitor leaves it: answers, context, history with values (as rows
    written before redaction had), events, an idempotency snapshot; a lead and its work when
    `contact` is given. Returns the lead id."""
    answers: dict[str, Any] = {"vehicle_search": {"make": "Kia", "zip": "10001"}}
    if contact is not None:
        answers["buying_confirmation"] = contact
    state = SessionState("buying_complete", SessionStatus.SUBMITTED, answers, ("buying_complete",))
    context = {"host": {"customer": "Ada Lovelace"}, "credit": {"amount": 34_000}, "search": {}}
    record = SessionRecord(session_id, "hash", "trex", 1, state, context, at, at, 1, 2, site)
    lead_id = None if contact is None else f"{session_id[:-12]}{int(session_id[-12:]) + 500:012d}"
    async with db.write() as session:
        repo = SessionRepository(session)
        await repo.add(record)
        await repo.add_history(session_id, "transition", "a", "b", at, contact or {}, {})
        await repo.add_history(session_id, "resume", "p", "q", at, {}, context)
        payload = {"step": "b", "detail": {"buyer": contact or {}}}
        await EventRepository(session).add(StoredEvent(session_id, 1, "LEAD_STATUS", payload, at))
        snapshot = {"record": {"answers": answers, "context": context}}
        await repo.remember_outcome(session_id, "key-1", snapshot, at)
        link = ResumeLink(session_id, f"{session_id:0>64}", session_id, "email", at, at)
        await ResumeLinkRepository(session).put(link)
        if contact is not None and lead_id is not None:
            await _lead(session, lead_id, session_id, contact, site, at)
    return lead_id


async def _lead(
    session: Any, lead_id: str, session_id: str, contact: dict[str, Any], site: str, at: datetime
) -> None:
    details = {"vehicle": {"make": "Kia"}, "financing": {"amount": 34_000}, "buyer": contact}
    lead = LeadRecord(
        lead_id, f"TRX-{lead_id[-6:]}", session_id, "buying", "COMPLETED", at,
        contact=contact, details=details, host_site_id=site,
    )  # fmt: skip
    await LeadRepository(session).add(lead)
    outbox = OutboxRepository(session)
    await outbox.add("lead.soft_credit", {"lead_id": lead_id, "full_name": "Ada Lovelace"}, at)
    await outbox.add("lead.contact", {"lead_id": lead_id}, at)


async def _everything_about(db: Database, session_id: str) -> str:
    """Every row that names the session or its leads, as text."""
    async with db.read() as session:
        rows: list[Any] = []
        for table in (SESSIONS, HISTORY, SESSION_EVENTS, IDEMPOTENCY, LEADS, RESUME_LINKS):
            column = table.c.id if table is SESSIONS else table.c.session_id
            found = await session.execute(select(table).where(column == session_id))
            rows += [dict(row._mapping) for row in found]
        leads = {row["id"] for row in rows if "reference" in row}
        work = await session.execute(select(OUTBOX))
        rows += [dict(row._mapping) for row in work if row.payload["lead_id"] in leads]
    return json.dumps(rows, default=str)


def _sid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


async def test_an_erasure_removes_the_customer_everywhere_and_nobody_else(db: Database) -> None:
    ada, grace, elsewhere = _sid(1), _sid(2), _sid(3)
    await _seed(db, ada, _contact(ADA, "+14155550123"), site="demo")
    await _seed(db, grace, _contact(GRACE, "+14155550199"), site="demo")
    await _seed(db, elsewhere, _contact(ADA, "+14155550123"), site="other")
    eraser = Eraser(SqlStorage(db), [WORKFLOW], lambda: NOW)

    counts = await eraser.erase_customer("demo", ErasureRequest(email="ADA@example.com"), "test")

    assert (counts.sessions, counts.leads) == (1, 1)
    assert counts.history == 2
    assert counts.events == 1
    assert counts.idempotency == 1
    kept = await _everything_about(db, ada)
    assert ada in kept
    assert not [value for value in (*ADA_PRIVATE, "Ada", "34000") if value in kept]
    assert "grace@example.com" in await _everything_about(db, grace)
    assert "ada@example.com" in await _everything_about(db, elsewhere)
    async with db.read() as session:
        lead = (await session.execute(select(LEADS).where(LEADS.c.session_id == ada))).one()
        erasure = (await session.execute(select(ERASURES))).one()
        soft = await session.execute(select(OUTBOX).where(OUTBOX.c.topic == "lead.soft_credit"))
        pending = {row.payload["lead_id"]: row.done_at for row in soft}
    assert lead.contact == {}
    assert lead.erased_at is not None
    assert lead.details == {"vehicle": {"make": "Kia"}, "buyer": {}}
    assert pending[lead.id] is not None  # no more work about an erased customer
    assert [done for lead_id, done in pending.items() if lead_id != lead.id] == [None, None]
    assert erasure.host_site_id == "demo"
    assert erasure.counts["leads"] == 1
    assert "ada" not in erasure.subject_hash
    assert len(erasure.subject_hash) == 64


async def test_a_customer_is_found_by_phone_in_any_format_or_by_lead(db: Database) -> None:
    first, second = _sid(11), _sid(12)
    lead = await _seed(db, first, _contact(ADA, "+14155550123"))
    await _seed(db, second, _contact(GRACE, "+14155550199"))
    eraser = Eraser(SqlStorage(db), [WORKFLOW], lambda: NOW)
    by_phone = await eraser.erase_customer("demo", ErasureRequest(phone="+14155550123"), "t")
    assert (by_phone.sessions, by_phone.leads) == (1, 1)
    assert "+14155550123" not in await _everything_about(db, first)
    by_lead = await eraser.erase_customer("demo", ErasureRequest(lead_id=lead), "t")
    assert by_lead.leads == 1  # again: nothing personal left, the lead still is
    wrong_site = await eraser.erase_customer("other", ErasureRequest(email=GRACE["email"]), "t")
    assert (wrong_site.sessions, wrong_site.leads) == (0, 0)
    assert "grace@example.com" in await _everything_about(db, second)


async def test_retention_deletes_idle_sessions_and_erases_old_leads_in_batches(
    db: Database,
) -> None:
    days = timedelta(days=1)
    idle, active, old_lead, new_lead = _sid(21), _sid(22), _sid(23), _sid(24)
    idle_too = _sid(25)
    await _seed(db, idle, None, at=NOW - 31 * days)
    await _seed(db, idle_too, None, at=NOW - 40 * days)
    await _seed(db, active, None, at=NOW - 29 * days)
    await _seed(db, old_lead, _contact(ADA, "+14155550123"), at=NOW - 366 * days)
    await _seed(db, new_lead, _contact(GRACE, "+14155550199"), at=NOW - 364 * days)
    storage = SqlStorage(db)
    eraser = Eraser(storage, [WORKFLOW], lambda: NOW)
    retention = Retention(storage, eraser, lambda: NOW, session_days=30, lead_days=365, batch=1)

    swept = await retention.sweep()

    assert (swept.sessions_deleted, swept.leads_erased) == (2, 1)
    assert await _everything_about(db, idle) == "[]"
    assert await _everything_about(db, idle_too) == "[]"
    assert "Kia" in await _everything_about(db, active)
    old = await _everything_about(db, old_lead)
    assert old_lead in old
    assert not [value for value in ADA_PRIVATE if value in old]
    assert "grace@example.com" in await _everything_about(db, new_lead)
    assert await retention.sweep() == type(swept)()  # nothing left to do


async def test_trex_erase_erases_like_the_mutation_and_refuses_clearly(tmp_path: Path) -> None:
    from app.erase_command import ErasureRefused, erase
    from app.services.host_sites import HostSites
    from app.settings import Settings

    settings = Settings(database_url=stack.database_url(tmp_path))
    db = Database(settings.database_url)
    await migrate(db)
    await HostSites(SqlStorage(db), lambda: NOW).ensure_demo()  # as every server's start does
    await _seed(db, _sid(31), _contact(ADA, "+14155550123"))
    await db.dispose()
    with pytest.raises(ErasureRefused, match="No host site 'nope'"):
        await erase(settings, "nope", "ada@example.com", None, None)
    with pytest.raises(ErasureRefused, match="--phone"):
        await erase(settings, "demo", None, "call me", None)
    done = await erase(settings, "demo", None, "(415) 555-0123", None)
    assert done == {
        "site": "demo",
        "erased": {
            "sessions": 1,
            "leads": 1,
            "history": 2,
            "events": 1,
            "idempotency": 1,
            "outbox": 2,
        },
    }
