"""The database adapter: engine, sessions, and write serialization for SQLite.

SQLite allows one writer at a time; concurrent writers in one process would otherwise meet
"database is locked". Writes therefore take a per-process lock (on PostgreSQL they do not, and
optimistic concurrency on the session row keeps them correct).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import NoOpMeter
from opentelemetry.trace import SpanKind, Status, StatusCode, TracerProvider
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app import jsoncodec
from app.db.sqlite_driver import OneTripDBAPI
from app.telemetry.head_sampling import recording
from app.telemetry.metrics import Metrics


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class _StatementTracer(EngineTracer):
    """The instrumentation's statement spans, only inside a trace being recorded.

    The instrumentation listens to the connection's events (before and after each cursor
    execution, errors, the pool's checkouts): an engine with any such listener makes every
    statement, begin and commit of every connection dispatch them, sampled or not. Here nothing
    listens to the connection; the dialect's `do_execute` events (one per cursor execution,
    `DialectEvents`) either hand the execution back at once, when the current span does not
    record (a statement of an unsampled request, or of a loop no request started: one check),
    or run it inside the instrumentation's span, which ends when the cursor execution does, as
    the instrumentation's own would.

    Inside a recorded trace each statement's span has the instrumentation's name and
    attributes, worked out once per statement text (the hot statements are built once at
    import) rather than each time; and a failed statement's span names the failure's type
    only (the driver's message may quote a value, e.g. PostgreSQL's "Key (…)=(…)")."""

    _SHOWN_AT_MOST = 512  # statement texts remembered (an IN list of another length is another)

    def __init__(self, tracer: Any, engine: Any, connections_usage: Any) -> None:
        self._shown: dict[str, tuple[str, dict[str, Any]]] = {}
        super().__init__(tracer, engine, connections_usage)  # type: ignore[no-untyped-call]
        event.listen(engine, "do_execute", self._execute)
        event.listen(engine, "do_executemany", self._execute_many)
        event.listen(engine, "do_execute_no_params", self._execute_no_params)

    @classmethod
    def _register_event_listener(cls, *args: Any, **kw: Any) -> None:
        """None of the instrumentation's own listeners (above)."""

    def _execute(self, cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        if not recording():
            return False  # SQLAlchemy executes it as untraced
        with self._span(cursor, statement, parameters, context, False):
            context.dialect.do_execute(cursor, statement, parameters, context)
        return True

    def _execute_many(self, cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        if not recording():
            return False
        with self._span(cursor, statement, parameters, context, True):
            context.dialect.do_executemany(cursor, statement, parameters, context)
        return True

    def _execute_no_params(self, cursor: Any, statement: str, context: Any) -> bool:
        if not recording():
            return False
        with self._span(cursor, statement, None, context, False):
            context.dialect.do_execute_no_params(cursor, statement, context)
        return True

    @contextmanager
    def _span(
        self, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> Iterator[None]:
        """The statement's span around the cursor's execution."""
        shown = self._shown.get(statement)
        if shown is None:  # the instrumentation's own span, and what it shows, remembered
            connection = context.root_connection
            self._before_cur_exec(connection, cursor, statement, parameters, context, many)  # type: ignore[no-untyped-call]
            span = context._otel_span
            self._remember(statement, span)
        else:
            name, attributes = shown
            span = self.tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        try:
            yield
        except BaseException as error:
            span.set_status(Status(StatusCode.ERROR, type(error).__name__))
            raise
        finally:
            span.end()

    def _remember(self, statement: Any, span: Any) -> None:
        name, attributes = getattr(span, "name", None), getattr(span, "attributes", None)
        if not isinstance(statement, str) or name is None or attributes is None:
            return
        if len(self._shown) >= self._SHOWN_AT_MOST:
            self._shown.clear()
        self._shown[statement] = (name, dict(attributes))


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
