"""Processes starting together on a fresh database: the scale-out's first deploy brings every
server and worker up at once, and each must become ready.

The race is made certain rather than left to timing: the schema is migrated first (by the app's
own `migrate`, which every process runs under its advisory lock anyway), then a table the
processes seed at start (`dealers`: the inventory; `host_sites`: the demo site) is locked while two
servers start, until both wait (on it, or on any lock that serializes the seeding); then the lock
is released and both must become ready. (Before the seeds tolerated a concurrent first insert,
both inserted and one died at start-up on UniqueViolation.)
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from app.db.database import Database
from app.db.migrate import migrate
from tests.scaleout.harness import (
    Cluster,
    ProcessFailed,
    bare_cluster,
    measured,
    table_locks,
)
from tests.support.waiting import eventually


@pytest.fixture
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    async with bare_cluster("startup", tmp_path_factory.mktemp("startup")) as cluster:
        yield cluster


@pytest.mark.parametrize(
    "seeded",
    [("dealers",), ("host_sites",)],
    ids=["inventory", "demo-site"],
)
async def test_servers_starting_together_on_a_fresh_database_all_become_ready(
    cluster: Cluster, seeded: tuple[str, ...]
) -> None:
    database = Database(cluster.database_url)
    try:
        await migrate(database)
    finally:
        await database.dispose()
    servers = [cluster.add_server(name) for name in ("a", "b")]
    async with table_locks(cluster.database) as locks:
        await locks.hold(seeded, "SHARE ROW EXCLUSIVE")
        for server in servers:
            server.spawn()

        async def both_waiting() -> bool:
            for server in servers:
                if not server.running:
                    raise ProcessFailed(f"{server.name} exited early\n{server.tail()}")
            on_tables, on_anything = await locks.waiting(seeded)
            return on_tables >= 1 and on_anything >= len(servers)

        await eventually(both_waiting, "both servers waiting to seed", 45, 0.1)
        await locks.release()
    began = time.monotonic()
    for server in servers:
        await server.wait_ready(30)
    measured(
        f"two servers seeding a fresh database together ({seeded[0]}) → both ready",
        time.monotonic() - began,
    )
