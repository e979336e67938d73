"""Statement spans (app/db/database.py, `Database.trace`): inside a recorded trace each statement
is a span as the SQLAlchemy instrumentation shows it, placeholders and never values; outside one,
none; a failure names its type only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.db.database import Database
from tests import stack

SECRET = "Jane Roe 078-05-1120"  # a value no span may show
INSERT = text("INSERT INTO traced_notes (id, note) VALUES (:id, :note)")


@pytest.fixture
async def traced(
    tmp_path: Path,
) -> AsyncIterator[tuple[Database, TracerProvider, InMemorySpanExporter]]:
    db = Database(stack.database_url(tmp_path))
    async with db.write() as session:
        await session.execute(text("DROP TABLE IF EXISTS traced_notes"))
        await session.execute(text("CREATE TABLE traced_notes (id INTEGER PRIMARY KEY, note TEXT)"))
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    db.trace(provider)
    yield db, provider, exported
    async with db.write() as session:
        await session.execute(text("DROP TABLE traced_notes"))
    await db.dispose()
    provider.shutdown()


def _statements(exported: InMemorySpanExporter) -> list[ReadableSpan]:
    return [span for span in exported.get_finished_spans() if span.name != "request"]


async def test_each_statement_of_a_recorded_trace_is_a_span_alike_every_time(
    traced: tuple[Database, TracerProvider, InMemorySpanExporter],
) -> None:
    db, provider, exported = traced
    with provider.get_tracer("test").start_as_current_span("request") as request:
        for number in (1, 2, 3):
            async with db.write() as session:
                await session.execute(INSERT, {"id": number, "note": SECRET})
    spans = _statements(exported)
    inserts = [span for span in spans if "INSERT" in span.name]
    assert len(inserts) == 3
    assert all(
        span.parent and span.parent.span_id == request.get_span_context().span_id
        for span in inserts
    )
    first, *others = inserts
    assert first.name.startswith("INSERT")
    assert all(span.name == first.name and span.attributes == first.attributes for span in others)
    shown = dict(first.attributes or {})
    statement = shown.get("db.statement") or shown.get("db.query.text")
    assert statement is not None
    assert "traced_notes" in str(statement)
    assert all(
        SECRET not in str(value) for span in spans for value in (span.attributes or {}).values()
    )


async def test_no_statement_span_outside_a_recorded_trace(
    traced: tuple[Database, TracerProvider, InMemorySpanExporter],
) -> None:
    db, _, exported = traced
    async with db.write() as session:
        await session.execute(INSERT, {"id": 1, "note": SECRET})
    assert exported.get_finished_spans() == ()


async def test_a_failed_statement_names_the_failures_type_only(
    traced: tuple[Database, TracerProvider, InMemorySpanExporter],
) -> None:
    db, provider, exported = traced
    async with db.write() as session:
        await session.execute(INSERT, {"id": 1, "note": SECRET})
    with (
        provider.get_tracer("test").start_as_current_span("request"),
        pytest.raises(IntegrityError),
    ):
        async with db.write() as session:
            await session.execute(INSERT, {"id": 1, "note": SECRET})
    [failed] = [span for span in _statements(exported) if "INSERT" in span.name]
    assert failed.status.status_code is StatusCode.ERROR
    assert failed.status.description in {"IntegrityError", "UniqueViolationError"}
