"""What counts a write counts only what was written: `after_commit` runs once the unit of work
has committed, never when it rolled back (SQLite and PostgreSQL alike, and the memory twin)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.db.database import Database
from app.db.migrate import migrate
from app.db.unit_of_work import SqlStorage
from tests import stack
from tests.support.memory_storage import MemoryStorage


class Refused(Exception):
    pass


@pytest.fixture
async def sql(tmp_path: Path) -> AsyncIterator[SqlStorage]:
    database = Database(stack.database_url(tmp_path))
    await migrate(database)
    yield SqlStorage(database)
    await database.dispose()


async def _count(storage: SqlStorage | MemoryStorage) -> list[str]:
    ran: list[str] = []
    async with storage.write() as uow:
        uow.after_commit(lambda: ran.append("committed"))
        assert ran == []  # not before the commit
    with pytest.raises(Refused):
        await _refused_write(storage, ran)
    return ran


async def _refused_write(storage: SqlStorage | MemoryStorage, ran: list[str]) -> None:
    async with storage.write() as uow:
        uow.after_commit(lambda: ran.append("rolled back"))
        raise Refused


async def test_an_action_runs_after_a_commit_and_never_after_a_rollback(sql: SqlStorage) -> None:
    assert await _count(sql) == ["committed"]


async def test_the_memory_twin_keeps_the_same_promise() -> None:
    assert await _count(MemoryStorage()) == ["committed"]
