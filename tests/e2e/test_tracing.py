"""Traces over a real server, into an in-memory exporter: one trace from the transition that
confirms a lead (its HTTP request, GraphQL operation and statements) through the relay's
handlers and their external calls until the lead is COMPLETED; no personal value in any span;
and no tracing at all unless it is asked for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from app.main import create_app
from tests.e2e.client import Api, Flow
from tests.e2e.conftest import RunningServer, quick_settings, serve
from tests.e2e.financing import applicant
from tests.e2e.walk import WORKFLOW, walk_to
from tests.support import answers

SAGA = ("relay lead.created", "relay lead.score", "relay lead.route", "relay lead.contact")
# Distinctive personal values: none may appear in a span.
CONTACT = {
    **answers.CONTACT,
    "first_name": "Zephyrine",
    "last_name": "Quillfeather",
    "email": "zephyrine.quill@example.org",
    "phone": "+14155550987",
    "message": "Call after the Vernissage.",
}
APPLICANT = {
    **applicant("587650120"),  # last digit 0: approved
    "full_name": "Zephyrine Quillfeather",
    "date_of_birth": "1977-03-14",
    "address_line": "77 Gooseberry Crescent",
    "annual_income": 123_457,
}
PERSONAL = (
    "Zephyrine",
    "Quillfeather",
    "zephyrine.quill@example.org",
    "4155550987",
    "Vernissage",
    "587650120",
    "587-65-0120",
    "1977-03-14",
    "Gooseberry",
    "123457",
    "95014",
)


@dataclass
class Traced:
    server: RunningServer
    api: Api
    spans: InMemorySpanExporter


@pytest.fixture
async def traced(tmp_path: Path) -> AsyncIterator[Traced]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = quick_settings(tmp_path)
    server = await serve(create_app(settings, tracer_provider=provider), settings)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        yield Traced(server, Api(http, server.ws_url), exporter)
    await server.stop()
    provider.shutdown()


async def _confirmed_lead(api: Api, contact: dict[str, Any]) -> Flow:
    """A buying lead confirmed, and followed (as a page reloads) until COMPLETED."""
    flow = await walk_to(api, "buying_confirmation")
    await flow.submit(contact)
    assert flow.step["leadStatus"] == "RECEIVED", flow.step
    async with asyncio.timeout(30):
        while (await flow.reload())["leadStatus"] != "COMPLETED":  # noqa: ASYNC110 - a page
            await asyncio.sleep(0.1)
    return flow


def _named(spans: Sequence[ReadableSpan], name: str) -> ReadableSpan:
    found = [span for span in spans if span.name == name]
    assert len(found) == 1, f"{len(found)} spans named {name}"
    return found[0]


def _trace_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return int(span.context.trace_id)


async def test_a_trace_links_a_transition_to_its_leads_asynchronous_work(traced: Traced) -> None:
    await _confirmed_lead(traced.api, answers.CONTACT)
    spans = traced.spans.get_finished_spans()
    created = _named(spans, "relay lead.created")
    lead_trace = [span for span in spans if _trace_id(span) == _trace_id(created)]
    names = [span.name for span in lead_trace]

    request = [s for s in lead_trace if s.kind is SpanKind.SERVER and s.parent is None]
    assert [s.name for s in request] == ["POST /graphql"], names
    mutation = _named(lead_trace, "mutation Transition")
    assert mutation.attributes == {
        "graphql.operation.type": "mutation",
        "graphql.operation.name": "Transition",
        # The service's answer, with the metrics' bounded labels (never a raw currentStep).
        "trex.workflow": "trex",
        "trex.version": str(WORKFLOW.version),  # the current one
        "trex.command": "transition",
        "trex.step": "buying_confirmation",
        "trex.outcome": "moved",
    }
    assert mutation.parent is not None
    assert request[0].context is not None
    statements = [s for s in lead_trace if s.attributes and "db.statement" in s.attributes]
    assert any(s.name.startswith("INSERT") for s in statements), names
    # The lead's insert and its outbox work belong to the transition's operation.
    assert any(_descends(s, mutation, lead_trace) for s in statements)
    for handler in SAGA:
        assert _named(lead_trace, handler).kind is SpanKind.CONSUMER
    calls = [s for s in lead_trace if s.kind is SpanKind.CLIENT and _url(s)]
    called = {_url(s).split("/sandbox/")[1].split("/")[0] for s in calls}
    assert {"lead-crm", "dealer-network", "communications"} <= called, names
    assert _named(lead_trace, "relay lead.score").parent is not None


def _url(span: ReadableSpan) -> str:
    attributes = span.attributes or {}
    return str(attributes.get("url.full") or attributes.get("http.url") or "")


def _descends(span: ReadableSpan, ancestor: ReadableSpan, spans: list[ReadableSpan]) -> bool:
    by_id = {s.context.span_id: s for s in spans if s.context is not None}
    assert ancestor.context is not None
    parent = span.parent
    while parent is not None:
        if parent.span_id == ancestor.context.span_id:
            return True
        above = by_id.get(parent.span_id)
        parent = above.parent if above is not None else None
    return False


async def test_no_personal_value_reaches_a_span(traced: Traced) -> None:
    await _confirmed_lead(traced.api, CONTACT)
    buyer = await walk_to(traced.api, "credit_check")  # the buyer's own financing
    result = await buyer.submit(APPLICANT)
    assert buyer.step_id == "credit_check_pending", result
    await buyer.wait_for("financing_result")
    spans = traced.spans.get_finished_spans()
    assert any(span.name.startswith("relay ") for span in spans)
    assert any("/checks" in _url(span) for span in spans), "the credit check's call is traced"
    for span in spans:
        texts = [span.name, *_texts(span.attributes)]
        texts += [text for event in span.events for text in _texts(event.attributes)]
        leaked = [value for value in PERSONAL for text in texts if value in text]
        assert not leaked, f"{span.name}: {leaked}"


def _texts(attributes: Any) -> list[str]:
    texts: list[str] = []
    for value in (attributes or {}).values():
        texts += [str(v) for v in value] if isinstance(value, tuple | list) else [str(value)]
    return texts


async def test_tracing_is_off_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SDK_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    settings = quick_settings(tmp_path)
    app = create_app(settings)
    assert app.state.tracer_provider is None
    assert app.state.schema.policy.tracer is None
    assert not any("OpenTelemetry" in str(m.cls) for m in app.user_middleware)
    server = await serve(app, settings)
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            await walk_to(Api(http, server.ws_url), "search_results")
        assert server.container.relay._tracer is None
    finally:
        await server.stop()
    # Nobody set a process-wide provider either: the API's default proxy, a no-op.
    assert type(trace.get_tracer_provider()).__name__ == "ProxyTracerProvider"
