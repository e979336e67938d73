"""Apply the Alembic migrations once at start, never raced by several processes.

SQLite: an exclusive lock on a file beside the database. PostgreSQL: a session advisory lock.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from app.db.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_KEY = 7_362_001  # any constant shared by every T-Rex process


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(database: Database) -> None:
    if database.is_sqlite:
        await _migrate_sqlite(database)
    else:
        await _migrate_postgres(database)


async def _migrate_sqlite(database: Database) -> None:
    path = make_url(database.url).database
    lock_path = Path(f"{path}.migrate-lock") if path and path != ":memory:" else None
    if lock_path is None:
        async with database.engine.begin() as connection:
            await connection.run_sync(_upgrade)
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            async with database.engine.begin() as connection:
                await connection.run_sync(_upgrade)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


async def _migrate_postgres(database: Database) -> None:
    async with database.engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
        try:
            await connection.run_sync(_upgrade)
            await connection.commit()
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
            await connection.commit()
