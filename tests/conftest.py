"""Fixtures shared by every layer of tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults on a fresh SQLite file, with a quick sandbox credit bureau."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'trex.db'}",
        credit_latency_ms=(20, 60),
        credit_deadline_seconds=2.0,
    )
