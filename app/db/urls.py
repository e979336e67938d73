"""Database URLs as the rest of the app needs them, without importing SQLAlchemy there."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url


def printable_url(url: str) -> str:
    """The URL for logs and start-up lines: its password masked."""
    return make_url(url).render_as_string(hide_password=True)


def ensure_sqlite_folder(url: str) -> None:
    """A SQLite file's folder exists before the first connection creates the file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
