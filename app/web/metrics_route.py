"""`/metrics` on the main port, and the count of HTTP responses it shows.

Who may read it (`operator_refusal`, also the rule for other operators' pages):
- with `TREX_METRICS_TOKEN` set, a request bearing it (`Authorization: Bearer …`, compared in
  constant time); a wrong or missing one gets 401;
- in development, any loopback client as well;
- nobody else: 404, as if there were no such page (production without a token).

`TREX_METRICS_PORT` serves the same registry on a port of its own instead (bound to
`TREX_METRICS_HOST`, loopback by default), started by the composition root for the server and
the worker alike.
"""

from __future__ import annotations

import hmac

from prometheus_client import Counter
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import Settings
from app.telemetry.metrics import CONTENT_TYPE_LATEST, Metrics
from app.web.sandbox_route import is_loopback

BEARER = "bearer "
# The endpoint label of a path, by its first segment: a bounded set, never the path itself.
ENDPOINTS = {
    "graphql": "graphql",
    "api": "rest",
    "mf": "module",
    "healthz": "probe",
    "readyz": "probe",
    "metrics": "metrics",
    "demo": "demo",
    "sandbox": "sandbox",
}


def operator_refusal(settings: Settings, request: Request) -> Response | None:
    """Why `request` may not read an operator's page (a response to send), or None."""
    token = settings.metrics_token
    if not settings.production and is_loopback(request.scope):
        return None
    if token is None:
        return PlainTextResponse("Not Found", status_code=404)
    given = request.headers.get("authorization", "")
    presented = given[len(BEARER) :] if given.lower().startswith(BEARER) else ""
    if hmac.compare_digest(presented.encode(), token.encode()):
        return None
    return PlainTextResponse(
        "Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"}
    )


def metrics_route(settings: Settings) -> Route:
    async def metrics(request: Request) -> Response:
        refusal = operator_refusal(settings, request)
        if refusal is not None:
            return refusal
        registry: Metrics = request.app.state.container.metrics
        return Response(registry.exposition(), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", metrics, methods=["GET"])


class ResponseMetrics:
    """Counts each HTTP response by endpoint and status (`trex_http_responses_total`) into the
    app's metrics, its label children cached (one app, one container, one registry)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._children: dict[tuple[str, int], Counter] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        container = getattr(scope["app"].state, "container", None)
        if scope["type"] != "http" or container is None:
            await self.app(scope, receive, send)
            return
        endpoint = ENDPOINTS.get(scope["path"].split("/", 2)[1], "other")

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                key = (endpoint, message["status"])
                child = self._children.get(key)
                if child is None:
                    labels = container.metrics.http_responses.labels
                    child = self._children[key] = labels(endpoint, str(key[1]))
                child.inc()
            await send(message)

        await self.app(scope, receive, counted)
