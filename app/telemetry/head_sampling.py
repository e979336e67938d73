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
there cost one context lookup each. The relay continues a stored trace the same way
(`continued`): a delivery of work an unsampled request wrote is a dropped trace too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context, attach, detach
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, Span, SpanKind, TraceState
from opentelemetry.util.types import Attributes
from starlette.types import ASGIApp, Receive, Scope, Send

# True: this request was kept (every span of it is); False: dropped; None: the sampler decides.
_KEPT: ContextVar[bool | None] = ContextVar("trex_trace_kept", default=None)
_IDS = RandomIdGenerator()
_CLIENT = "trex.client"  # the scope's client while the instrumentation reads the scope


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


Keeps = Callable[[int], bool]  # whether the trace of a request starting here, by its id, is kept


def starting_here(sampler: Sampler) -> Keeps:
    """`sampler`'s decision for a trace that starts with a request here (no parent): a
    parent-based sampler's root sampler decides it. A ratio is its bound compared with the trace
    id as the SDK's `TraceIdRatioBased` compares it, and always on or off a constant, without
    the SDK's sampling result; any other sampler is asked."""
    if isinstance(sampler, ParentBased):
        sampler = sampler._root  # the SDK keeps the root sampler there, unexposed
    if isinstance(sampler, TraceIdRatioBased):
        bound, low_bits = sampler.bound, TraceIdRatioBased.TRACE_ID_LIMIT
        return lambda trace_id: trace_id & low_bits < bound
    if sampler is ALWAYS_ON or sampler is ALWAYS_OFF:
        kept = sampler is ALWAYS_ON
        return lambda _: kept
    return lambda trace_id: (
        sampler.should_sample(None, trace_id, "HTTP").decision is Decision.RECORD_AND_SAMPLE
    )


class HeadSampled:
    """ASGI: the instrumentation only for the HTTP requests whose trace is kept.

    A dropped request costs an id, a comparison and the dropped parent made current: one
    coroutine frame more around the app (each frame is walked again whenever the request
    resumes after a wait)."""

    def __init__(self, app: ASGIApp, tracer_provider: trace.TracerProvider, **options: Any) -> None:
        self._app = app
        self._instrumentation = OpenTelemetryMiddleware(
            self._with_client, tracer_provider=tracer_provider, **options
        )
        sampler = getattr(tracer_provider, "sampler", None)  # the SDK's provider has one
        self._keeps = starting_here(sampler.decides) if isinstance(sampler, HeadSampler) else None
        self._untraced = frozenset(str(options.get("excluded_urls", "")).split(","))

    async def _traced(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The instrumentation, not shown the client's address and port (it would put them on
        the server span, and a visitor's address is personal data here); the app below gets
        them back."""
        if "client" in scope:
            scope[_CLIENT], scope["client"] = scope["client"], None
        await self._instrumentation(scope, receive, send)

    async def _with_client(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _CLIENT in scope:
            scope["client"] = scope.pop(_CLIENT)
        await self._app(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        keeps = self._keeps
        if keeps is None or scope["type"] != "http":
            await self._traced(scope, receive, send)
            return
        if scope["path"] in self._untraced:  # probes and scrapes: nothing under them records
            marked, token = _KEPT.set(False), None
        else:
            for name, _ in scope["headers"]:
                if name == b"traceparent":
                    await self._traced(scope, receive, send)  # the caller's sampling decides
                    return
            trace_id = _IDS.generate_trace_id()
            if keeps(trace_id):
                marked = _KEPT.set(True)
                try:
                    await self._traced(scope, receive, send)
                finally:
                    _KEPT.reset(marked)
                return
            # The app under a parent not sampled: what the request writes to the outbox
            # carries that decision on to its handlers.
            marked = _KEPT.set(False)
            parent = trace.NonRecordingSpan(
                trace.SpanContext(trace_id, _IDS.generate_span_id(), is_remote=True)
            )
            token = attach(trace.set_span_in_context(parent))
        try:
            await self._app(scope, receive, send)
        finally:
            if token is not None:
                detach(token)
            _KEPT.reset(marked)


def recording() -> bool:
    """Whether the current span records: under a request head sampling dropped, at once."""
    return _KEPT.get() is not False and trace.get_current_span().is_recording()


@contextmanager
def continued(context: Context) -> Iterator[None]:
    """`context` (a stored trace's) current while the block runs. A trace whose stored span was
    not sampled was dropped at its head: what opens a span in the block gets that span back, as
    under a dropped request; any other (sampled, or none) is for the sampler to decide."""
    stored = trace.get_current_span(context).get_span_context()
    token = attach(context)
    marked = _KEPT.set(False) if stored.is_valid and not stored.trace_flags.sampled else None
    try:
        yield
    finally:
        if marked is not None:
            _KEPT.reset(marked)
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
