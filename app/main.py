"""The ASGI application: routes, middleware and lifespan in one visible function."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from app.bootstrap import bootstrap
from app.settings import Settings
from app.web.frontend import frontend_routes
from app.web.graphiql import ASSETS_PATH, VENDOR
from app.web.graphql import TRexGraphQL
from app.web.limits import BodySizeLimit
from app.web.rest import rest_routes
from app.web.sandbox_route import SandboxRoute
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


class TRexApp(Starlette):
    """Starlette, with websockets for /graphql handed straight to the GraphQL endpoint.

    An open subscription keeps every layer it went through suspended for as long as it lives;
    the HTTP middleware (body limit, CORS, error pages, the sandbox mount) and the router do
    nothing for a websocket, and skipping them saves their frames on each of thousands of
    connections."""

    def __init__(self, graphql: TRexGraphQL, **options: Any) -> None:
        super().__init__(**options)
        self._graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/graphql":
            scope["app"] = self
            await self._graphql(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    graphql = TRexGraphQL(
        build_schema(),
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
        max_subscriptions_per_connection=10,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        container = await bootstrap(settings)
        app.state.container = container
        log.info("T-Rex ready on %s", settings.database_url)
        try:
            yield
        finally:
            await container.aclose()

    return TRexApp(
        graphql,
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount(ASSETS_PATH, StaticFiles(directory=VENDOR, check_dir=False)),
            *frontend_routes(),
            *rest_routes(),
        ],
        middleware=[
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-publishable-key"],
            ),
            Middleware(SandboxRoute),
        ],
        lifespan=lifespan,
    )
