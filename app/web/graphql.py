"""The GraphQL endpoint: Strawberry's ASGI view with our context, body checks and GraphiQL."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from app import jsoncodec
from app.web.graphiql import graphiql_page
from schema.context import Context


class TRexGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        container = request.app.state.container
        return Context(service=container.service, leads=container.leads, headers=request.headers)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_page())

    def decode_json(self, data: str | bytes) -> object:
        """orjson: JSON too deeply nested is a decode error like any malformed input (HTTP and
        websocket messages alike)."""
        return jsoncodec.loads(data)

    def encode_json(self, data: object) -> str:
        """Text, not bytes: Strawberry sends bytes over websockets as binary frames."""
        return jsoncodec.dumps_text(data)

    def parse_json(self, data: str | bytes) -> Any:
        parsed = super().parse_json(data)
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed
