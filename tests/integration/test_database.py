"""Persistence on a real SQLite file: migrations, optimistic concurrency, holds, events."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlmodel import SQLModel

import app.db.tables  # noqa: F401  (registers the tables)
from app.db.database import Database
from app.db.inventory import InventoryRepository
from app.db.leads import LeadRepository
from app.db.migrate import migrate
from app.db.session_events import EventRepository
from app.db.sessions import SessionRepository
from app.db.tables import VEHICLES, VehicleRow
from app.services.records import SessionRecord, StoredEvent
from tests import stack
from workflows.engine import SessionState
from workflows.model import SessionStatus

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _url(tmp_path: Path) -> str:
    return stack.database_url(tmp_path)


def _session(session_id: str = "s-1") -> SessionRecord:
    state = SessionState("intent_selection", SessionStatus.ACTIVE, {}, ("intent_selection",))
    return SessionRecord(session_id, "hash", "trex", 1, state, {}, NOW, NOW, last_seq=1)


async def _migrated(tmp_path: Path) -> Database:
    db = Database(_url(tmp_path))
    await migrate(db)
    return db


async def test_migrations_create_exactly_the_models_tables(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    async with db.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
        )
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await db.dispose()
    assert diff == []
    assert {"sessions", "history", "session_events", "leads", "vehicles", "dealers"} <= tables


async def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    await migrate(db)
    async with db.read() as session:
        query = text("SELECT version_num FROM alembic_version")
        versions = list((await session.execute(query)).scalars())
    await db.dispose()
    assert versions == [_head()]  # the head revision, once


def _head() -> str:
    """The newest migration's revision (the one head of the scripts)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.db.migrate import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_processes_starting_together_migrate_once(tmp_path: Path) -> None:
    script = (
        "import asyncio, sys\n"
        "from app.db.database import Database\n"
        "from app.db.migrate import migrate\n"
        "asyncio.run(migrate(Database(sys.argv[1])))\n"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, _url(tmp_path)], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    errors = [run.communicate(timeout=60)[1].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], errors


@pytest.mark.skipif(stack.SCALEOUT, reason="SQLite only")
async def test_the_wal_journal_is_on(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    async with db.read() as session:
        mode = (await session.execute(text("PRAGMA journal_mode"))).scalar_one()
    await db.dispose()
    assert mode == "wal"


async def test_a_stale_row_version_is_refused(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    async with db.write() as session:
        await SessionRepository(session).add(_session())
    async with db.write() as session:
        first = await SessionRepository(session).save(_session())
    async with db.write() as session:
        second = await SessionRepository(session).save(_session())  # read before `first`
    async with db.read() as session:
        stored = await SessionRepository(session).get("s-1")
    await db.dispose()
    assert first is not None
    assert first.row_version == 2
    assert second is None
    assert stored is not None
    assert stored.row_version == 2


async def test_concurrent_writers_do_not_meet_a_locked_database(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)

    async def write(index: int) -> None:
        async with db.write() as session:
            repo = SessionRepository(session)
            await repo.add(_session(f"s-{index}"))
            await EventRepository(session).add(
                StoredEvent(f"s-{index}", 1, "STEP_CHANGED", {}, NOW)
            )

    await asyncio.gather(*(write(index) for index in range(50)))
    async with db.read() as session:
        count = (await session.execute(text("SELECT count(*) FROM sessions"))).scalar_one()
    await db.dispose()
    assert count == 50


def _vehicle(vehicle_id: str = "veh-1") -> VehicleRow:
    return VehicleRow(
        id=vehicle_id,
        vin="1HGCM82633A004352",
        make="Honda",
        model="Accord",
        year=2003,
        price=4000,
        mileage=150_000,
        fuel_type="gasoline",
        body_type="sedan",
        seats=5,
        transmission="automatic",
        drivetrain="fwd",
        features=[],
        color="blue",
        dealer_id="d-1",
    )


async def test_a_vehicle_is_held_for_one_lead_only(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    async with db.write() as session:
        session.add(_vehicle())
    results = []
    until = NOW + timedelta(hours=48)
    for lead in ("lead-a", "lead-b"):
        async with db.write() as session:
            results.append(await LeadRepository(session).hold_vehicle("veh-1", lead, NOW, until))
    async with db.read() as session:
        held = await session.get(VehicleRow, "veh-1")
        unavailable = await InventoryRepository(session).unavailable_ids(NOW)
    await db.dispose()
    assert results == [True, False]
    assert held is not None
    assert held.held_by_lead == "lead-a"
    assert unavailable == {"veh-1"}


async def test_a_hold_that_ran_out_frees_the_vehicle_for_the_next_lead(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    async with db.write() as session:
        session.add(_vehicle())
    later = NOW + timedelta(hours=49)
    async with db.write() as session:
        leads = LeadRepository(session)
        assert await leads.hold_vehicle("veh-1", "lead-a", NOW, NOW + timedelta(hours=48))
    async with db.read() as session:
        before = await InventoryRepository(session).unavailable_ids(NOW + timedelta(hours=47))
        after = await InventoryRepository(session).unavailable_ids(later)
    async with db.write() as session:
        taken = await LeadRepository(session).hold_vehicle("veh-1", "lead-b", later, later)
        await LeadRepository(session).release_hold("lead-a")  # the old lead's late release
    async with db.read() as session:
        held = await session.get(VehicleRow, "veh-1")
    await db.dispose()
    assert (before, after, taken) == ({"veh-1"}, set(), True)
    assert held is not None
    assert held.held_by_lead == "lead-b"


async def test_the_housekeeping_releases_only_holds_that_ran_out(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    async with db.write() as session:
        session.add(_vehicle("veh-1"))
        session.add(_vehicle("veh-2"))
    async with db.write() as session:
        leads = LeadRepository(session)
        await leads.hold_vehicle("veh-1", "lead-a", NOW, NOW + timedelta(hours=1))
        await leads.hold_vehicle("veh-2", "lead-b", NOW, NOW + timedelta(hours=3))
    async with db.write() as session:
        released = await LeadRepository(session).release_expired_holds(NOW + timedelta(hours=2))
    async with db.read() as session:
        query = select(VEHICLES.c.id, VEHICLES.c.status, VEHICLES.c.held_by_lead)
        statuses = {v.id: (v.status, v.held_by_lead) for v in await session.execute(query)}
    await db.dispose()
    assert released == 1
    assert statuses == {"veh-1": ("available", None), "veh-2": ("held", "lead-b")}


async def test_events_replay_in_order_after_a_sequence_number(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    async with db.write() as session:
        events = EventRepository(session)
        for seq in (3, 1, 2):
            await events.add(StoredEvent("s-1", seq, "STEP_CHANGED", {"seq": seq}, NOW))
    async with db.read() as session:
        after_one = await EventRepository(session).after("s-1", 1)
    await db.dispose()
    assert [event.seq for event in after_one] == [2, 3]


async def test_an_idempotency_key_remembers_its_first_outcome(tmp_path: Path) -> None:
    db = await _migrated(tmp_path)
    async with db.write() as session:
        await SessionRepository(session).remember_outcome("s-1", "k", {"step": "x"}, NOW)
    async with db.read() as session:
        repo = SessionRepository(session)
        found, missing = (
            await repo.idempotent_outcome("s-1", "k"),
            await repo.idempotent_outcome("s-1", "other"),
        )
    await db.dispose()
    assert found == {"step": "x"}
    assert missing is None
