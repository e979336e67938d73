"""The GraphQL endpoint: Strawberry's ASGI view with our context, body checks and GraphiQL."""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from app.web.graphiql import graphiql_page
from schema.context import Context


class TRexGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        container = request.app.state.container
        return Context(service=container.service, leads=container.leads, headers=request.headers)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_page())

    def decode_json(self, data: str | bytes) -> object:
        """JSON too deeply nested for the parser is malformed input, not a fault (HTTP and
        websocket messages alike)."""
        try:
            return json.loads(data)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "", 0) from None

    def parse_json(self, data: str | bytes) -> Any:
        parsed = super().parse_json(data)
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed
