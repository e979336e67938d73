"""Head sampling (app/telemetry/head_sampling.py): a request's trace is decided before the ASGI
instrumentation, and what runs under a dropped request records nothing."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)
from opentelemetry.trace import SpanKind

from app.telemetry.head_sampling import (
    HeadSampled,
    HeadSampledProvider,
    HeadSampler,
    recording,
    starting_here,
)
from app.telemetry.tracing import continuing, traceparent

SAMPLED_PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
DROPPED_PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"


class App:
    """A real ASGI app that opens a span of its own and notes the trace context it ran in."""

    def __init__(self, provider: TracerProvider) -> None:
        self.tracer = provider.get_tracer("test")
        self.seen: list[str | None] = []
        self.opened: list[trace.Span] = []
        self.parents: list[trace.Span] = []
        self.clients: list[Any] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.clients.append(scope.get("client"))
        parent = trace.get_current_span()
        with self.tracer.start_as_current_span("inside") as span:
            self.seen.append(traceparent())
            self.opened.append(span)
        beside = self.tracer.start_span("beside")
        beside.end()
        self.opened.append(beside)
        self.parents.append(parent)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _request(app: Any, path: str = "/graphql", headers: list[Any] | None = None) -> None:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": headers or [], "client": ("203.0.113.9", 5000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert sent[0]["status"] == 200


def _sampled(context: str | None) -> bool:
    """The W3C flags' sampled bit (the SDK also sets the random-trace-id bit, 0x02)."""
    assert context is not None
    return bool(int(context.rsplit("-", 1)[1], 16) & 1)


def _stack(
    sampler: Sampler, kind: type[TracerProvider] = TracerProvider
) -> tuple[App, HeadSampled, InMemorySpanExporter]:
    exported = InMemorySpanExporter()
    provider = kind(sampler=HeadSampler(sampler))
    provider.add_span_processor(SimpleSpanProcessor(exported))
    inner = App(provider)
    return (
        inner,
        HeadSampled(inner, provider, excluded_urls="/healthz", exclude_spans=["receive", "send"]),
        exported,
    )


async def test_a_dropped_request_records_nothing_and_passes_the_decision_on() -> None:
    inner, app, exported = _stack(ALWAYS_OFF)
    await _request(app)
    assert exported.get_finished_spans() == ()
    [context] = inner.seen
    assert not _sampled(context)  # a valid context, not sampled: the outbox carries that on


async def test_a_kept_request_records_its_server_span_and_everything_under_it() -> None:
    inner, app, exported = _stack(ALWAYS_ON)
    await _request(app)
    spans = exported.get_finished_spans()
    assert {span.name for span in spans} == {"inside", "beside", "POST /graphql"}
    assert len({span.context.trace_id for span in spans}) == 1
    assert _sampled(inner.seen[0])


@pytest.mark.parametrize("traceparent", [None, SAMPLED_PARENT])
async def test_no_span_holds_the_clients_address_and_the_app_still_gets_it(
    traceparent: str | None,
) -> None:
    """A visitor's address is personal data: the server span has neither it nor the port, kept
    by the sampler or following a caller's trace; the app below sees the client as sent."""
    inner, app, exported = _stack(ParentBased(ALWAYS_ON))
    await _request(app, headers=[(b"traceparent", traceparent.encode())] if traceparent else [])
    [server] = [span for span in exported.get_finished_spans() if span.kind is SpanKind.SERVER]
    values = [str(value) for value in (server.attributes or {}).values()]
    assert not [value for value in values if "203.0.113.9" in value or value == "5000"], values
    assert not {"net.peer.ip", "net.peer.port", "client.address", "client.port"} & set(
        server.attributes or {}
    )
    assert inner.clients == [("203.0.113.9", 5000)]


async def test_a_callers_sampled_traceparent_is_followed() -> None:
    _, app, exported = _stack(ParentBased(ALWAYS_OFF))
    await _request(app, headers=[(b"traceparent", SAMPLED_PARENT.encode())])
    spans = exported.get_finished_spans()
    assert spans
    assert {format(span.context.trace_id, "032x") for span in spans} == {SAMPLED_PARENT[3:35]}


@pytest.mark.parametrize("sampler", [ALWAYS_ON, ALWAYS_OFF])
async def test_probes_are_never_traced(sampler: Sampler) -> None:
    inner, app, exported = _stack(sampler)
    await _request(app, path="/healthz")
    assert exported.get_finished_spans() == ()
    assert not _sampled(inner.seen[0])


async def test_under_a_dropped_request_the_providers_tracers_hand_back_the_parent() -> None:
    """No span objects, no sampler call, no context switch: the dropped parent itself."""
    inner, app, exported = _stack(ALWAYS_OFF, HeadSampledProvider)
    await _request(app)
    [parent] = inner.parents
    assert not parent.is_recording()
    assert parent.get_span_context().is_valid
    assert inner.opened == [parent, parent]
    assert not _sampled(inner.seen[0])
    assert exported.get_finished_spans() == ()


async def test_a_kept_request_of_the_provider_records_as_before() -> None:
    inner, app, exported = _stack(ALWAYS_ON, HeadSampledProvider)
    await _request(app)
    spans = exported.get_finished_spans()
    assert {span.name for span in spans} == {"inside", "beside", "POST /graphql"}
    assert len({id(span) for span in [*inner.opened, *inner.parents]}) == 3  # spans of their own
    assert _sampled(inner.seen[0])


def test_outside_any_request_the_providers_sampler_decides() -> None:
    exported = InMemorySpanExporter()
    provider = HeadSampledProvider(sampler=HeadSampler(ALWAYS_ON))
    provider.add_span_processor(SimpleSpanProcessor(exported))
    with provider.get_tracer("relay").start_as_current_span("relay lead.created"):
        pass
    assert [span.name for span in exported.get_finished_spans()] == ["relay lead.created"]


def test_work_of_a_dropped_trace_continues_dropped_and_records_nothing() -> None:
    """The relay's delivery of what an unsampled request wrote: no span of its own, and the
    work it writes carries the same decision on."""
    exported = InMemorySpanExporter()
    provider = HeadSampledProvider(sampler=HeadSampler(ALWAYS_ON))  # a fresh trace: kept
    provider.add_span_processor(SimpleSpanProcessor(exported))
    tracer = provider.get_tracer("relay")
    with continuing(DROPPED_PARENT), tracer.start_as_current_span("relay lead.created") as span:
        parent = trace.get_current_span()
        assert span is parent
        assert not span.is_recording()
        assert tracer.start_span("beside") is parent
        assert traceparent() == DROPPED_PARENT
    with continuing(SAMPLED_PARENT), tracer.start_as_current_span("relay lead.score"):
        assert _sampled(traceparent())
    with continuing(None), tracer.start_as_current_span("relay lead.route"):
        pass
    spans = exported.get_finished_spans()
    assert [span.name for span in spans] == ["relay lead.score", "relay lead.route"]
    assert format(spans[0].context.trace_id, "032x") == SAMPLED_PARENT[3:35]


@pytest.mark.parametrize(
    "sampler",
    [
        ParentBased(TraceIdRatioBased(0.3)),
        TraceIdRatioBased(0.01),
        ParentBased(ALWAYS_ON),
        ParentBased(ALWAYS_OFF),
        ALWAYS_ON,
        ParentBased(TraceIdRatioBased(0.0)),
    ],
)
def test_a_request_starting_a_trace_is_kept_as_the_sampler_decides(sampler: Sampler) -> None:
    keeps = starting_here(sampler)
    ids = RandomIdGenerator()
    for trace_id in [ids.generate_trace_id() for _ in range(3000)]:
        decision = sampler.should_sample(None, trace_id, "HTTP").decision
        assert keeps(trace_id) is (decision is Decision.RECORD_AND_SAMPLE)


async def test_nothing_records_under_a_dropped_request_and_a_kept_one_records() -> None:
    seen: list[bool] = []

    class Notes(App):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            seen.append(recording())
            await super().__call__(scope, receive, send)

    for sampler in (ALWAYS_OFF, ALWAYS_ON):
        provider = HeadSampledProvider(sampler=HeadSampler(sampler))
        await _request(HeadSampled(Notes(provider), provider, exclude_spans=["receive", "send"]))
    assert seen == [False, True]
    assert not recording()  # outside any request, no span
