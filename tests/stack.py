"""Which stack the tests run on: the embedded default (SQLite, in-process events), or the
scale-out one (PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379) when
TREX_TEST_STACK=scaleout. `make test` runs the suite on both."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

SCALEOUT = os.environ.get("TREX_TEST_STACK") == "scaleout"
POSTGRES = os.environ.get("TREX_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TREX_TEST_REDIS", "redis://127.0.0.1:6379/0")
_created: list[str] = []


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", POSTGRES, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        timeout=30,
    )


def database_url(folder: Path) -> str:
    """A fresh, empty database: a SQLite file in `folder`, or a new PostgreSQL database."""
    if not SCALEOUT:
        return f"sqlite+aiosqlite:///{folder / 'trex.db'}"
    name = f"trex_test_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name}")
    _created.append(name)
    return POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"


def redis_url() -> str | None:
    return REDIS if SCALEOUT else None


def drop_databases() -> None:
    while _created:
        _psql(f"DROP DATABASE IF EXISTS {_created.pop()} WITH (FORCE)")
