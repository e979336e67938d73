"""The ASGI application: routes, middleware and lifespan in one visible function."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from opentelemetry.trace import TracerProvider
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from app.bootstrap import bootstrap
from app.db.urls import printable_url
from app.services.site_origins import RegisteredOrigins
from app.settings import Settings, UnsafeSettings
from app.telemetry.tracing import TRACER, http_server_middleware, provider_from_env
from app.web.body_guard import BodyGuard
from app.web.cors import RegisteredOriginsCORS
from app.web.frontend import frontend_routes
from app.web.funnel_page import funnel_route
from app.web.graphiql import ASSETS_PATH, VENDOR
from app.web.graphql import TRexGraphQL
from app.web.headers import SecurityHeaders
from app.web.limits import BodySizeLimit
from app.web.metrics_route import ResponseMetrics, metrics_route
from app.web.request_ids import RequestIds
from app.web.rest import rest_routes
from app.web.sandbox_route import SandboxRoute
from app.web.websockets import WebSocketGate, WebSocketLimits, graphql_options
from resolvers.execution.limits import LIMITS
from resolvers.root import build_schema

log = logging.getLogger("trex")


async def healthz(_: Request) -> JSONResponse:
    """Alive: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready: the database and the bus are reachable, the relay and its listeners alive."""
    container = getattr(request.app.state, "container", None)
    if container is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    checks = await container.readiness()
    ready = all(checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


async def home(_: Request) -> RedirectResponse:
    return RedirectResponse("/graphql")


def what_is_served(settings: Settings, sandbox_here: bool) -> str:
    """The start-up line: the profile, and what is on where."""
    base = f"http://{settings.host}:{settings.port}"
    production = settings.production
    on = [f"GraphQL {base}/graphql", f"REST {base}/api", f"module {base}/mf/v1/trex-workflow.js"]
    if settings.graphiql and not production:
        on.append(f"GraphiQL {base}/graphql")
    if not production:
        on.append(f"demo {base}/demo")
    if settings.metrics_port:
        on.append(f"metrics http://{settings.metrics_host}:{settings.metrics_port}/metrics")
    if settings.metrics_token or not production:
        who = " or ".join(
            ["its token"] * bool(settings.metrics_token) + ["loopback clients"] * (not production)
        )
        on.append(f"metrics {base}/metrics ({who})")
    if sandbox_here:
        on.append(f"sandbox {base}/sandbox (loopback clients only)")
    elif settings.sandbox_url:
        on.append(f"sandbox {settings.sandbox_url}")
    rules = "key-less sessions go to the demo site"
    if production:
        rules = "introspection, suggestions, GraphiQL, demo, sandbox off; publishable key required"
    database = printable_url(settings.database_url)
    return f"T-Rex {settings.env} on {database}: {', '.join(on)}; {rules}"


class TRexApp(Starlette):
    """Starlette, with websockets for /graphql handed straight to the GraphQL endpoint.

    An open subscription keeps every layer it went through suspended for as long as it lives;
    the HTTP middleware (body limit, CORS, error pages, the sandbox mount) and the router do
    nothing for a websocket, and skipping them saves their frames on each of thousands of
    connections."""

    def __init__(self, graphql: ASGIApp, **options: Any) -> None:
        """`graphql`: the websocket endpoint (the handshake's gate, then the GraphQL view)."""
        super().__init__(**options)
        self._graphql = graphql
        # Outside Starlette's error middleware, so its 500 pages carry the request id too.
        self._http = RequestIds(super().__call__)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/graphql":
            scope["app"] = self
            await self._graphql(scope, receive, send)
            return
        await self._http(scope, receive, send)


def create_app(
    settings: Settings | None = None, tracer_provider: TracerProvider | None = None
) -> Starlette:
    """The app for `settings`; an unsafe production configuration stops here, naming each fault.

    Traced with `tracer_provider` (its owner shuts it down), else as the `OTEL_*` variables say
    (app.telemetry.tracing: off unless they ask; the app shuts down the provider it built)."""
    settings = settings or Settings.from_env()
    built = None if tracer_provider else provider_from_env(os.environ)
    tracer_provider = tracer_provider or built
    faults = settings.production_faults()
    if faults:
        raise UnsafeSettings(faults)
    development = not settings.production
    limits = replace(
        LIMITS,
        introspection=development,
        suggestions=development,
        max_selections=settings.max_selections,
    )
    graphiql = settings.graphiql and development
    # The schema holds the app's execution caches (resolvers.execution): one per app.
    schema = build_schema(limits, tracer_provider.get_tracer(TRACER) if tracer_provider else None)
    graphql = TRexGraphQL(
        schema,
        graphql_ide="graphiql" if graphiql else None,
        allow_queries_via_get=False,
        max_subscriptions_per_connection=10,
        **graphql_options(settings),
    )
    origins = RegisteredOrigins(loopback=development)
    websocket_limits = WebSocketLimits.for_settings(settings, origins)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        container = await bootstrap(settings, tracer_provider=tracer_provider)
        app.state.container = container
        app.state.websocket_limits = websocket_limits
        await origins.start(container.sites, container.bus)
        websocket_limits.start()
        log.info("%s", what_is_served(settings, container.sandbox is not None))
        try:
            yield
        finally:
            await websocket_limits.aclose()
            await origins.aclose()
            await container.aclose()
            if built is not None:
                built.shutdown()  # the spans still batched go out

    app = TRexApp(
        WebSocketGate(graphql, websocket_limits),
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            metrics_route(settings),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *([Mount(ASSETS_PATH, StaticFiles(directory=VENDOR, check_dir=False))] * graphiql),
            *frontend_routes(demo=development),
            *rest_routes(),
            funnel_route(settings),
        ],
        middleware=[
            # A trace per HTTP request; websockets on /graphql skip it (TRexApp), each of
            # their operations a trace of its own (resolvers.execution.spans).
            *([http_server_middleware(tracer_provider)] if tracer_provider else []),
            Middleware(ResponseMetrics),
            Middleware(SecurityHeaders, production=settings.production),
            Middleware(BodyGuard),
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
            Middleware(RegisteredOriginsCORS, origins=origins),
            *([Middleware(SandboxRoute)] if development else []),
        ],
        lifespan=lifespan,
    )
    app.state.schema = schema
    app.state.tracer_provider = tracer_provider
    return app
