"""The GraphQL endpoint: Strawberry's ASGI view with our context, body checks, GraphiQL and
prepared operations (documents seen before run straight on graphql-core)."""

from __future__ import annotations

from typing import Any

import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from app import jsoncodec
from app.web.graphiql import graphiql_page
from app.web.prepared import PreparedOperations
from resolvers.root import LIMITS, Limits
from schema.context import Context


class TRexGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: strawberry.Schema, limits: Limits = LIMITS, **options: Any):
        super().__init__(schema, **options)
        self._prepared = PreparedOperations(schema, limits)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        query = request_data.query
        if request_adapter.method != "POST" or query is None or request_data.extensions:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        prepared = self._prepared.get(query, request_data.operation_name)
        if prepared is not None:
            return await self._prepared.run(prepared, context, request_data.variables)
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        self._prepared.learn(query)
        return result

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        container = request.app.state.container
        return Context(service=container.service, leads=container.leads, headers=request.headers)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_page())

    def decode_json(self, data: str | bytes) -> object:
        """JSON too deeply nested is a decode error like any malformed input (HTTP and websocket
        messages alike)."""
        return jsoncodec.loads(data)

    def encode_json(self, data: object) -> str:
        """Text, not bytes: Strawberry sends bytes over websockets as binary frames."""
        return jsoncodec.dumps_text(data)

    def parse_json(self, data: str | bytes) -> Any:
        parsed = super().parse_json(data)
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return parsed
