"""Traces: OpenTelemetry, off unless the standard `OTEL_*` variables switch them on.

Off (the default) there is no provider: nothing is instrumented, no exporter exists, nothing is
sent anywhere, and the parts that open spans of their own (the GraphQL execution policy, the
relay) hold no tracer and skip that code. On (`OTEL_TRACES_EXPORTER=otlp` or `console`, or an
`OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT` alone, since OTLP is the standard's default exporter),
`provider_from_env` builds a TracerProvider for `OTEL_SERVICE_NAME` (default `trex`), sampled as
`OTEL_TRACES_SAMPLER`/`_ARG` say (default: parent-based, always on), its spans batched to the
OTLP/HTTP exporter (which reads its endpoint, headers and timeout from the environment too).

The composition root builds the provider (never at import), hands it to each instrumented part
and shuts it down; the tests pass a provider of their own over an in-memory exporter.

A trace crosses the outbox as W3C trace context: `traceparent()` is the current span's, stored
with the work a transaction writes; `continuing()` makes it the parent of the handler's span.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.middleware import Middleware

from app.telemetry.head_sampling import HeadSampled, HeadSampledProvider, HeadSampler, continued

__all__ = [
    "TRACER",
    "Tracer",
    "continuing",
    "http_server_middleware",
    "provider_from_env",
    "sampler_from_env",
    "traceparent",
]

Tracer = trace.Tracer
TRACER = "trex"  # the instrumentation scope of the spans T-Rex opens itself
DEFAULT_SERVICE = "trex"
# Probes and scrapes are not worth a trace each.
UNTRACED_PATHS = "/healthz,/readyz,/metrics"
_PROPAGATOR = TraceContextTextMapPropagator()
_SAMPLERS: dict[str, Callable[[float], Sampler]] = {
    "always_on": lambda _: ALWAYS_ON,
    "always_off": lambda _: ALWAYS_OFF,
    "traceidratio": TraceIdRatioBased,
    "parentbased_always_on": lambda _: ParentBased(ALWAYS_ON),
    "parentbased_always_off": lambda _: ParentBased(ALWAYS_OFF),
    "parentbased_traceidratio": lambda ratio: ParentBased(TraceIdRatioBased(ratio)),
}


def provider_from_env(env: Mapping[str, str]) -> HeadSampledProvider | None:
    """The provider the `OTEL_*` variables of `env` ask for; None (tracing off) unless they
    name an exporter or an OTLP endpoint."""
    exporters = _exporters(env)
    if not exporters:
        return None
    service = env.get("OTEL_SERVICE_NAME") or DEFAULT_SERVICE
    provider = HeadSampledProvider(
        resource=_Resource.of(Resource.create({SERVICE_NAME: service})),
        sampler=HeadSampler(sampler_from_env(env)),
    )
    for exporter in exporters:
        # The SDK's limits (OTEL_BSP_*): batches of 512 every 5 s at most, 2048 spans queued at
        # most (more are dropped, never waited for), sent from a thread of its own.
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


class _Resource(Resource):
    """The service's resource, hashed once: the OTLP encoder groups every span it sends by
    resource, and the SDK's hash serialises all the attributes to JSON each time."""

    _hash: int

    @classmethod
    def of(cls, resource: Resource) -> _Resource:
        made = cls(resource.attributes, resource.schema_url)
        made._hash = Resource.__hash__(made)
        return made

    def __hash__(self) -> int:
        return self._hash


def sampler_from_env(env: Mapping[str, str]) -> Sampler:
    """`OTEL_TRACES_SAMPLER` (the standard's names) with its ratio `OTEL_TRACES_SAMPLER_ARG`."""
    name = (env.get("OTEL_TRACES_SAMPLER") or "parentbased_always_on").strip().lower()
    if name not in _SAMPLERS:
        raise ValueError(f"OTEL_TRACES_SAMPLER={name}: not one of {', '.join(_SAMPLERS)}")
    ratio = float(env.get("OTEL_TRACES_SAMPLER_ARG") or "1.0")
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"OTEL_TRACES_SAMPLER_ARG={ratio}: not a ratio between 0 and 1")
    return _SAMPLERS[name](ratio)


def _exporters(env: Mapping[str, str]) -> list[SpanExporter]:
    if (env.get("OTEL_SDK_DISABLED") or "").strip().lower() == "true":
        return []
    traces_endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    names = env.get("OTEL_TRACES_EXPORTER") or ("otlp" if traces_endpoint or endpoint else "none")
    exporters: list[SpanExporter] = []
    for name in (part.strip().lower() for part in names.split(",")):
        if name == "otlp":
            url = traces_endpoint or (endpoint and endpoint.rstrip("/") + "/v1/traces")
            exporters.append(OTLPSpanExporter(endpoint=url or None))
        elif name == "console":
            exporters.append(ConsoleSpanExporter())
        elif name not in ("none", ""):
            raise ValueError(f"OTEL_TRACES_EXPORTER={name}: only otlp, console or none")
    return exporters


def traceparent() -> str | None:
    """The W3C trace context of the current span, or None outside any (tracing off: always).
    Stored with asynchronous work even when the span is not sampled, so that its handlers
    follow the same sampling decision."""
    if not trace.get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


@contextmanager
def continuing(stored: str | None) -> Iterator[None]:
    """The trace `stored` (a `traceparent()`) names as the current context, else a new one:
    never the caller's (the relay's loop, whose own statements are untraced). An unsampled
    one stays dropped: the spans opened under it are its own span again (`head_sampling`)."""
    fresh = Context()
    with continued(_PROPAGATOR.extract({"traceparent": stored}, fresh) if stored else fresh):
        yield


def http_server_middleware(provider: trace.TracerProvider) -> Middleware:
    """The ASGI instrumentation, a server span per HTTP request whose trace is kept (decided
    first: `head_sampling`): probes and scrapes untraced, no span per message sent or
    received, and no query string in a span (the path only)."""
    return Middleware(
        HeadSampled,  # type: ignore[arg-type]  # a pure ASGI class; Starlette types it as a factory
        tracer_provider=provider,
        excluded_urls=UNTRACED_PATHS,
        exclude_spans=["receive", "send"],
        server_request_hook=_without_query,
    )


def _without_query(span: trace.Span, scope: dict[str, Any]) -> None:
    recorded = getattr(span, "attributes", None) or {}
    if "http.url" in recorded:
        span.set_attribute("http.url", str(recorded["http.url"]).split("?", 1)[0])
    if "http.target" in recorded:
        span.set_attribute("http.target", str(scope.get("path", "")))
    if "url.query" in recorded:
        span.set_attribute("url.query", "")
