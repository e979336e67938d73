"""Which stack the tests run on: the embedded default (SQLite, in-process events), or the
scale-out one (PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379) when
TREX_TEST_STACK=scaleout. `make test` runs the suite on both."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from pathlib import Path

from app.settings import RateLimits, Settings
from tests.support.processes import psql

SCALEOUT = os.environ.get("TREX_TEST_STACK") == "scaleout"
# The tests (and the benchmarks) speak from one loopback address with one contact, hundreds of
# times: every limit is counted as usual, but too high to refuse; the tests of the limits
# themselves set tight ones.
UNREFUSING_LIMITS = {
    **{f"TREX_RATE_{name.upper()}": "1000000/second" for name in RateLimits.__dataclass_fields__},
    "TREX_HOLDS_PER_CLIENT": "1000000",
    "TREX_LEADS_PER_CLIENT_PER_DAY": "1000000",
    "TREX_WS_CONNECTIONS_PER_ADDRESS": "1000000",
    "TREX_SUBSCRIPTIONS_PER_SESSION": "1000000",
}


def unrefusing(settings: Settings) -> Settings:
    """`settings` with every limit of UNREFUSING_LIMITS."""
    raised = Settings.from_env(UNREFUSING_LIMITS)
    return replace(
        settings,
        rate_limits=raised.rate_limits,
        holds_per_client=raised.holds_per_client,
        leads_per_client_per_day=raised.leads_per_client_per_day,
        ws_connections_per_address=raised.ws_connections_per_address,
        subscriptions_per_session=raised.subscriptions_per_session,
    )


POSTGRES = os.environ.get("TREX_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TREX_TEST_REDIS", "redis://127.0.0.1:6379/0")
_created: list[str] = []


def postgres_url(name: str, driver: str = "postgresql+asyncpg") -> str:
    """The URL of database `name` on the cluster of POSTGRES (`driver` "postgresql" for psql)."""
    cluster = POSTGRES.rsplit("/", 1)[0].split("://", 1)[1]
    return f"{driver}://{cluster}/{name}"


def database_url(folder: Path) -> str:
    """A fresh, empty database: a SQLite file in `folder`, or a new PostgreSQL database."""
    if not SCALEOUT:
        return f"sqlite+aiosqlite:///{folder / 'trex.db'}"
    name = f"trex_test_{uuid.uuid4().hex[:12]}"
    psql(POSTGRES, f"CREATE DATABASE {name}")
    _created.append(name)
    return postgres_url(name)


def redis_url() -> str | None:
    return REDIS if SCALEOUT else None


def drop_databases() -> None:
    while _created:
        psql(POSTGRES, f"DROP DATABASE IF EXISTS {_created.pop()} WITH (FORCE)")
