"""Fixtures shared by every layer of tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.settings import Settings
from tests import stack


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases() -> Iterator[None]:
    yield
    stack.drop_databases()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A fresh database of the stack under test, with the sandbox services 50× faster."""
    return stack.unrefusing(
        Settings(
            database_url=stack.database_url(tmp_path),
            redis_url=stack.redis_url(),
            sandbox_latency_scale=0.02,
            relay_poll_seconds=0.2,
            credit_deadline_seconds=2.0,
        )
    )
