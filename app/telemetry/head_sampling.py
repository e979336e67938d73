"""Head sampling: a request's trace is decided before the ASGI instrumentation runs.

The instrumentation does its work (attributes, a span, wrapped messages, its own metrics) for
every request, sampled or not: measured with `bench.observability`, tracing at 0% sampling cost
a fifth of the throughput. `HeadSampled` asks the configured sampler first. A request it drops
goes straight to the app under a parent that is not sampled, so nothing below it (the GraphQL
span, the statements, the work it puts in the outbox) records or starts a trace of its own; a
request it keeps goes through the instrumentation, and `HeadSampler` keeps every span of it. A
request that brings a `traceparent` follows that parent, as before.

Under a dropped request a span would be a non-recording child of a non-recording parent: the
tracers of a `HeadSampledProvider` hand back that parent instead (no sampler call, no span, no
change of context), so the GraphQL operation, the external calls and whatever else opens a span
there cost one context lookup each.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context, attach, detach
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, Span, SpanKind, TraceState
from opentelemetry.util.types import Attributes
from starlette.types import ASGIApp, Receive, Scope, Send

# True: this request was kept (every span of it is); False: dropped; None: the sampler decides.
_KEPT: ContextVar[bool | None] = ContextVar("trex_trace_kept", default=None)
_IDS = RandomIdGenerator()


class HeadSampler(Sampler):
    """The configured sampler, except inside a request `HeadSampled` decided already."""

    def __init__(self, decides: Sampler) -> None:
        self.decides = decides

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        kept = _KEPT.get()
        if kept is None:
            return self.decides.should_sample(
                parent_context, trace_id, name, kind, attributes, links, trace_state
            )
        decision = Decision.RECORD_AND_SAMPLE if kept else Decision.DROP
        return SamplingResult(decision, attributes if kept else None, trace_state)

    def get_description(self) -> str:
        return f"HeadSampler{{{self.decides.get_description()}}}"


class HeadSampled:
    """ASGI: the instrumentation only for the HTTP requests whose trace is kept."""

    def __init__(self, app: ASGIApp, tracer_provider: trace.TracerProvider, **options: Any) -> None:
        self._app = app
        self._traced = OpenTelemetryMiddleware(app, tracer_provider=tracer_provider, **options)
        sampler = getattr(tracer_provider, "sampler", None)  # the SDK's provider has one
        self._decides = sampler.decides if isinstance(sampler, HeadSampler) else None
        self._untraced = tuple(str(options.get("excluded_urls", "")).split(","))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._decides is None:
            await self._traced(scope, receive, send)
            return
        if scope["path"] in self._untraced:
            marked = _KEPT.set(False)  # probes and scrapes: nothing under them records either
            try:
                await self._app(scope, receive, send)
            finally:
                _KEPT.reset(marked)
            return
        if any(name == b"traceparent" for name, _ in scope["headers"]):
            await self._traced(scope, receive, send)  # the caller's sampling decides
            return
        trace_id = _IDS.generate_trace_id()
        decision = self._decides.should_sample(None, trace_id, "HTTP").decision
        kept = decision is Decision.RECORD_AND_SAMPLE
        marked = _KEPT.set(kept)
        try:
            if kept:
                await self._traced(scope, receive, send)
            else:
                await self._dropped(trace_id, scope, receive, send)
        finally:
            _KEPT.reset(marked)

    async def _dropped(self, trace_id: int, scope: Scope, receive: Receive, send: Send) -> None:
        """The app under a parent not sampled: what the request writes to the outbox carries
        that decision on to its handlers."""
        parent = trace.NonRecordingSpan(
            trace.SpanContext(trace_id, _IDS.generate_span_id(), is_remote=True)
        )
        token = attach(trace.set_span_in_context(parent))
        try:
            await self._app(scope, receive, send)
        finally:
            detach(token)


def _dropped_parent() -> Span | None:
    """The current span if it belongs to a request head sampling dropped, else None."""
    if _KEPT.get() is not False:
        return None
    current = trace.get_current_span()
    return None if current.is_recording() else current


class _Unchanged(AbstractContextManager[Span]):
    """`start_as_current_span` under a dropped request: the parent, current already."""

    __slots__ = ("_span",)

    def __init__(self, span: Span) -> None:
        self._span = span

    def __enter__(self) -> Span:
        return self._span

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class _HeadTracer(trace.Tracer):
    """The SDK's tracer, but under a dropped request the dropped parent itself."""

    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    def start_span(self, name: str, context: Context | None = None, *args: Any, **kw: Any) -> Span:
        if context is None and (parent := _dropped_parent()) is not None:
            return parent
        return self._tracer.start_span(name, context, *args, **kw)

    def start_as_current_span(  # type: ignore[override]  # a context manager, as the API's is
        self, name: str, context: Context | None = None, *args: Any, **kw: Any
    ) -> AbstractContextManager[Span]:
        if context is None and (parent := _dropped_parent()) is not None:
            return _Unchanged(parent)
        return self._tracer.start_as_current_span(name, context, *args, **kw)


class HeadSampledProvider(TracerProvider):
    """The SDK's provider whose tracers skip span work under a request head sampling dropped."""

    def get_tracer(self, *args: Any, **kw: Any) -> trace.Tracer:
        return _HeadTracer(super().get_tracer(*args, **kw))
