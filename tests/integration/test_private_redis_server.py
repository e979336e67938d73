"""The private redis-server of the tests (`tests/support/processes.py`) does what the bus tests
rely on: its own port, and a restart on the same port with nothing saved."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.processes import RedisServer, running_redis


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with running_redis() as server:
        yield server


def test_the_private_server_answers_on_its_own_port(redis_server: RedisServer) -> None:
    assert redis_server.port != 6379
    assert redis_server.cli("PING") == "PONG"


def test_the_private_server_restarts_on_the_same_port(redis_server: RedisServer) -> None:
    redis_server.cli("SET", "k", "v")
    redis_server.kill()
    assert not redis_server.running
    redis_server.start()
    assert redis_server.cli("GET", "k") == ""  # nothing saved: a fresh Redis, as after a crash
