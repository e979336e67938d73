"""The HTTP adapter every external-service client is built on: the only module touching httpx.

A `ServiceClient` gets its transport as a parameter (`httpx.ASGITransport(app=sandbox)` in
process, a real network transport otherwise), and around each request it adds:

- a timeout per attempt (`asyncio.timeout`, which also bounds in-process transports that ignore
  httpx's own timeouts);
- bounded retries with exponential backoff and full jitter, only for idempotent requests (GET,
  PUT, DELETE, or a POST carrying an `Idempotency-Key`): a retried non-idempotent POST could
  act twice;
- a circuit breaker: each failed attempt counts; an open circuit fails fast with `CircuitOpen`;
- the translation of httpx's exceptions and of statuses into `app.integrations.errors`. A
  business refusal (409/422) is an answer, so it counts as a success for the breaker;
- with a tracer provider, a span per attempt (httpx's OpenTelemetry instrumentation, around
  this client's transport only), whose URL is the call's route (`/vins/{vin}`), never a value;
- the metrics: each call by outcome, each attempt's time and failure, each retry
  (`app.telemetry.metrics.ServiceMeter`), and the breaker's state, read when scraped.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from opentelemetry.instrumentation.httpx import AsyncOpenTelemetryTransport, RequestInfo
from opentelemetry.trace import Span, TracerProvider

from app.integrations.breaker import CircuitBreaker
from app.integrations.errors import (
    CircuitOpen,
    IntegrationError,
    Rejected,
    Unavailable,
    UnexpectedResponse,
)
from app.telemetry.metrics import Metrics

log = logging.getLogger("trex.integrations")

JsonObject = dict[str, Any]
Sleep = Callable[[float], Awaitable[None]]
IDEMPOTENCY_KEY = "Idempotency-Key"
REFUSAL_STATUSES = frozenset({409, 422})
TRANSIENT_STATUSES = frozenset({408, 429})
_SNIPPET = 200
# The outcome label of a call that raised (the most specific class first).
OUTCOMES = (
    (CircuitOpen, "circuit_open"),
    (Unavailable, "unavailable"),
    (Rejected, "rejected"),
    (UnexpectedResponse, "unexpected"),
)
_ROUTE = "trex.route"  # the request extension carrying the URL a span shows
_URL_ATTRIBUTES = ("url.full", "http.url")  # the new and the old semantic conventions


@dataclass(frozen=True, slots=True)
class ClientPolicy:
    """Timeout per attempt; `retries` more attempts after the first, for idempotent calls only."""

    timeout_seconds: float = 2.0
    retries: int = 2
    backoff_base_seconds: float = 0.05
    backoff_max_seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.timeout_seconds <= 0 or self.retries < 0:
            raise ValueError("need timeout_seconds > 0 and retries >= 0")
        if not 0 <= self.backoff_base_seconds <= self.backoff_max_seconds:
            raise ValueError("need 0 <= backoff_base_seconds <= backoff_max_seconds")

    def backoff_ceiling(self, retry: int) -> float:
        """The longest wait before retry number `retry` (1 for the first retry)."""
        return min(self.backoff_max_seconds, self.backoff_base_seconds * 2.0 ** (retry - 1))

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Full jitter: a uniform draw in [0, ceiling], so retrying clients spread out."""
        return rng.uniform(0.0, self.backoff_ceiling(retry))


class ServiceClient:
    """Requests to one service at `base_url`, with its own policy and breaker."""

    def __init__(
        self,
        name: str,
        base_url: str,
        transport: httpx.AsyncBaseTransport,
        *,
        policy: ClientPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        tracer_provider: TracerProvider | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """`tracer_provider` None: no spans (tracing off); `metrics` None: a registry of its
        own, which nobody reads."""
        self.name = name
        self.policy = policy or ClientPolicy()
        self.breaker = breaker or CircuitBreaker(name)
        self._meter = (metrics or Metrics()).service(name, self.breaker)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._root = base_url.rstrip("/") if tracer_provider else None
        if tracer_provider is not None:
            transport = AsyncOpenTelemetryTransport(
                transport, tracer_provider=tracer_provider, request_hook=_route_as_url
            )
        self._http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=httpx.Timeout(self.policy.timeout_seconds),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        idempotent: bool,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
        route: str | None = None,
    ) -> JsonObject:
        """The JSON object the service answered, or an `IntegrationError`. `route`: the path
        as a span shows it when it holds a value that could be personal (`/vins/{vin}`); the
        query is never shown."""
        method = method.upper()
        headers = httpx.Headers(headers)
        if idempotent and method == "POST" and IDEMPOTENCY_KEY not in headers:
            raise ValueError(f"a POST is only idempotent with an {IDEMPOTENCY_KEY} header")
        attempts = 1 + (self.policy.retries if idempotent else 0)
        build = self._http.build_request
        traced = None if self._root is None else {_ROUTE: self._root + (route or path)}
        request = build(method, path, json=json, headers=headers, params=params, extensions=traced)
        try:
            body = await self._attempts(request, attempts, f"{method} {path}")
        except IntegrationError as error:
            self._meter.called(next(name for kind, name in OUTCOMES if isinstance(error, kind)))
            raise
        self._meter.called("ok")
        return body

    async def _attempts(self, request: httpx.Request, attempts: int, call: str) -> JsonObject:
        """Up to `attempts` tries of `request`, backing off between them."""
        for attempt in range(1, attempts + 1):
            self.breaker.before_call()
            try:
                response = await self._attempt(request)
            except Unavailable as error:
                self.breaker.record_failure()
                if attempt == attempts:
                    raise Unavailable(self.name, error.detail, attempt) from error
                self.breaker.raise_if_open()
                await self._back_off(attempt, attempts, call, error.detail)
            else:
                self.breaker.record_success()
                return self._body(response)
        raise AssertionError("unreachable: the loop returns or raises")

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One try; transient failures raise `Unavailable`, any other answer is returned."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.policy.timeout_seconds):
                response = await self._http.send(request)
        except (TimeoutError, httpx.TimeoutException):
            self._meter.failed("timeout", started)
            detail = f"no answer within {self.policy.timeout_seconds:g}s"
            raise Unavailable(self.name, detail) from None
        except httpx.RequestError as error:
            self._meter.failed("connection", started)
            raise Unavailable(self.name, f"{type(error).__name__}: {error}") from error
        if response.status_code >= 500 or response.status_code in TRANSIENT_STATUSES:
            self._meter.failed("status", started)
            detail = f"HTTP {response.status_code} {_snippet(response)}".rstrip()
            raise Unavailable(self.name, detail)
        self._meter.answered(started)
        return response

    async def _back_off(self, attempt: int, attempts: int, call: str, detail: str) -> None:
        delay = self.policy.backoff(attempt, self._rng)
        self._meter.retried()
        log.warning(
            "%s: %s failed (%s); retry %d of %d in %.0f ms",
            self.name,
            call,
            detail,
            attempt,
            attempts - 1,
            delay * 1000,
        )
        await self._sleep(delay)

    def _body(self, response: httpx.Response) -> JsonObject:
        status = response.status_code
        if status == 204:
            return {}
        try:
            body = response.json()
        except ValueError:
            body = None
        if status in REFUSAL_STATUSES and _is_refusal(body):
            raise Rejected(self.name, body["code"], body["reason"])
        if 200 <= status < 300 and isinstance(body, dict):
            return body
        detail = "not a JSON object" if 200 <= status < 300 else _snippet(response)
        raise UnexpectedResponse(self.name, detail or "(empty body)", status)


async def _route_as_url(span: Span, request: RequestInfo) -> None:
    """The span's URL replaced by the call's route, without its query."""
    url = request.extensions.get(_ROUTE) if request.extensions else None
    if url is None or not span.is_recording():
        return
    recorded = getattr(span, "attributes", None) or {}
    for name in _URL_ATTRIBUTES:
        if name in recorded:
            span.set_attribute(name, url)


def _is_refusal(body: object) -> bool:
    return (
        isinstance(body, dict)
        and isinstance(body.get("code"), str)
        and isinstance(body.get("reason"), str)
    )


def _snippet(response: httpx.Response) -> str:
    text = response.text.strip()
    return text if len(text) <= _SNIPPET else text[:_SNIPPET] + "…"
