"""The database adapter: engine, sessions, and write serialization for SQLite.

SQLite allows one writer at a time; concurrent writers in one process would otherwise meet
"database is locked". Writes therefore take a per-process lock (on PostgreSQL they do not, and
optimistic concurrency on the session row keeps them correct).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import NoOpMeter
from opentelemetry.trace import SpanKind, Status, StatusCode, TracerProvider, get_current_span
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app import jsoncodec
from app.db.sqlite_driver import OneTripDBAPI
from app.telemetry.metrics import Metrics


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class _StatementTracer(EngineTracer):
    """The instrumentation's statement spans, only inside a trace being recorded: a statement
    of an unsampled request (or of a loop no request started) costs one check, not the
    instrumentation's attribute parsing and a span; and no pool bookkeeping (that is
    `Database.measure`'s).

    Inside a recorded trace each statement's span has the instrumentation's name and
    attributes, worked out once per statement text (the hot statements are built once at
    import) rather than each time; and a failed statement's span names the failure's type
    only (the driver's message may quote a value, e.g. PostgreSQL's "Key (…)=(…)")."""

    _SHOWN_AT_MOST = 512  # statement texts remembered (an IN list of another length is another)

    def __init__(self, *args: Any, **kw: Any) -> None:
        self._shown: dict[str, tuple[str, dict[str, Any]]] = {}
        super().__init__(*args, **kw)  # type: ignore[no-untyped-call]

    def _before_cur_exec(
        self, conn: Any, cursor: Any, statement: Any, params: Any, context: Any, *rest: Any
    ) -> Any:
        if not get_current_span().is_recording():
            return statement, params
        shown = self._shown.get(statement)
        if shown is None:  # the instrumentation's own span, and what it shows, remembered
            kept = super()._before_cur_exec(conn, cursor, statement, params, context, *rest)  # type: ignore[no-untyped-call]
            self._remember(statement, context._otel_span)
            return kept
        name, attributes = shown
        context._otel_span = self.tracer.start_span(
            name, kind=SpanKind.CLIENT, attributes=attributes
        )
        return statement, params

    def _remember(self, statement: Any, span: Any) -> None:
        name, attributes = getattr(span, "name", None), getattr(span, "attributes", None)
        if not isinstance(statement, str) or name is None or attributes is None:
            return
        if len(self._shown) >= self._SHOWN_AT_MOST:
            self._shown.clear()
        self._shown[statement] = (name, dict(attributes))

    @classmethod
    def _register_event_listener(cls, target: Any, identifier: str, *args: Any, **kw: Any) -> None:
        if identifier == "handle_error":
            super()._register_event_listener(target, identifier, _failed, **kw)  # type: ignore[no-untyped-call]
        elif identifier in _STATEMENT_EVENTS:  # pool events: each checkout would pay a listener
            super()._register_event_listener(target, identifier, *args, **kw)  # type: ignore[no-untyped-call]


_STATEMENT_EVENTS = frozenset({"before_cursor_execute", "after_cursor_execute"})


def _failed(context: Any) -> None:
    span = getattr(context.execution_context, "_otel_span", None)
    if span is None:
        return
    span.set_status(Status(StatusCode.ERROR, type(context.original_exception).__name__))
    span.end()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # SQLite: every write block commits or rolls back itself and reads open no transaction,
        # so a connection going back to the pool needs no rollback (a thread round trip each).
        options: dict[str, Any] = (
            {"pool_reset_on_return": None, "module": OneTripDBAPI()}
            if self.is_sqlite
            else {"pool_size": 10, "max_overflow": 10}
        )
        self.engine: AsyncEngine = create_async_engine(
            url, json_serializer=jsoncodec.dumps_text, json_deserializer=jsoncodec.loads, **options
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._write_lock is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock, self._sessions() as session, session.begin():
            yield session

    def trace(self, provider: TracerProvider) -> None:
        """Each statement a span of `provider`'s, with its SQL as written here (bind
        placeholders, never the parameters' values: no personal data).

        This engine only: the instrumentor's `instrument()` would also patch SQLAlchemy's
        engine factories for the whole process, and works once per process."""
        tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
        # The pool's connection counts are the metrics' business (prometheus-client), not here.
        unmeasured = NoOpMeter("trex").create_up_down_counter("db.client.connections.usage")
        _StatementTracer(tracer, self.engine.sync_engine, unmeasured)

    def measure(self, metrics: Metrics) -> None:
        """The pool's size and the connections checked out and beyond it, read at each scrape
        (SQLAlchemy stays here: the metrics only call back)."""
        metrics.watch_pool(self._pool_status)

    def _pool_status(self) -> tuple[int, int, int]:
        pool: Any = self.engine.pool
        if not hasattr(pool, "checkedout"):  # a pool that does not count (static, null)
            return 0, 0, 0
        return pool.size(), pool.checkedout(), max(0, pool.overflow())

    async def reachable(self, seconds: float = 2.0) -> bool:
        try:
            async with asyncio.timeout(seconds), self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not reachable"
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()
