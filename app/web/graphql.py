"""The GraphQL endpoint: Strawberry's ASGI view with our context and GraphiQL page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from app.web.graphiql import graphiql_page
from schema.context import Context


class TRexGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        container = request.app.state.container
        return Context(service=container.service, headers=request.headers)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_page())
