"""Inserts that leave rows already there alone: what two processes starting at once both seed
(the demo site, the demo inventory) is written once, with no error to catch."""

from __future__ import annotations

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_new(session: AsyncSession, table: Table) -> Insert:
    """`INSERT … ON CONFLICT DO NOTHING`, in the session's dialect (SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
