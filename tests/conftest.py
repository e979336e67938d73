"""Fixtures shared by every layer of tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults on a fresh SQLite file, with the sandbox services 50× faster."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'trex.db'}",
        sandbox_latency_scale=0.02,
        relay_poll_seconds=0.2,
        credit_deadline_seconds=2.0,
    )
