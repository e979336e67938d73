"""aiosqlite with one thread round trip per statement instead of three or four.

aiosqlite runs every call on its connection's own thread; SQLAlchemy's adapter makes a call each
to open a cursor, execute, fetch and close it, and each call costs a hand-over between threads
(a queue, a future, a wake-up of the event loop) that weighs more than SQLite's own work. This
adapter does the four in one call on that thread. Everything else is SQLAlchemy's aiosqlite
dialect as it is; the engine takes it as its DBAPI module (`module=`).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_only

Outcome = tuple[Any, list[Any] | None, int, int]


def _run(connection: aiosqlite.Connection, sql: str, parameters: Any, many: bool) -> Outcome:
    """On the connection's thread: the whole statement, cursor to close."""
    cursor = connection._conn.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.lastrowid or 0, cursor.rowcount
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._apply(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._apply(operation, seq_of_parameters, many=True)

    def _apply(self, operation: Any, parameters: Any, *, many: bool) -> None:
        try:
            description, rows, lastrowid, rowcount = self.await_(
                self._connection._execute(_run, self._connection, operation, parameters, many)
            )
        except Exception as error:  # noqa: BLE001 - SQLAlchemy maps it as for its own cursor
            self._adapt_connection._handle_exception(error)
        self.description = description
        if description:
            self.lastrowid = self.rowcount = -1
            self._rows = deque(rows or ())
        else:
            self.lastrowid, self.rowcount = lastrowid, rowcount


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        if server_side:
            return super().cursor(server_side=True)
        return OneTripCursor(self)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True
        return OneTripConnection(self, await_only(connection))  # type: ignore[arg-type]
