"""The GraphQL endpoint: Strawberry's ASGI view with our context, body checks, GraphiQL and
prepared operations (documents seen before run straight on graphql-core)."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from app import jsoncodec
from app.services.rates import REFUSAL_DELAY_SECONDS
from app.web.graphiql import graphiql_page
from app.web.prepared import PreparedOperations
from app.web.refusals import as_refusal
from app.web.websockets import LimitedTransportWS
from resolvers.root import LIMITS, Limits
from schema.context import Context
from schema.errors import RATE_LIMITED


class TRexGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = LimitedTransportWS

    def __init__(self, schema: strawberry.Schema, limits: Limits = LIMITS, **options: Any):
        super().__init__(schema, **options)
        self._prepared = PreparedOperations(schema, limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A JSON POST of a prepared operation is answered here, in a few steps; everything
        else (and a request this cannot answer) goes to Strawberry with its body replayed."""
        if scope["type"] == "http" and scope["method"] == "POST" and _is_json(scope):
            request = Request(scope, receive)
            body = await request.body()
            response = await self._prepared_response(request, body)
            if response is not None:
                await response(scope, receive, send)
                return
            receive = _replayed(body, receive)
        await super().__call__(scope, receive, send)

    async def _prepared_response(self, request: Request, body: bytes) -> Response | None:
        try:
            payload = jsoncodec.loads(body)
        except ValueError:
            return None
        if not isinstance(payload, dict) or payload.keys() - REQUEST_KEYS:
            return None
        query, variables = payload.get("query"), payload.get("variables")
        if not isinstance(query, str) or not isinstance(variables, dict | None):
            return None
        prepared = self._prepared.get(query, payload.get("operationName"))
        if prepared is None:
            return None
        context = await self.get_context(request, None)
        result = await self._prepared.run(prepared, context, variables)
        answer: dict[str, object] = {"data": result.data}
        if result.errors:
            answer["errors"] = [error.formatted for error in result.errors]
        response = Response(jsoncodec.dumps(answer), media_type="application/json")
        return as_refusal(response, answer)

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
        if result.data is None and result.errors and not _rate_limited(result):
            # A document refused whole (too complex, invalid, bad variables) is answered late,
            # like a rate limit's refusal: the refusal costs little, yet without the wait one
            # client on four connections sent 1,700 a second and took the visitors' CPU.
            await asyncio.sleep(REFUSAL_DELAY_SECONDS)
        return result

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        return as_refusal(super().create_response(response_data, sub_response), response_data)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        container = request.app.state.container
        address = request.client.host if request.client else None
        return Context(container.service, container.leads, request.headers, address)

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        """Origins are judged at the handshake, before this view (app.web.websockets)."""
        return True

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


REQUEST_KEYS = frozenset({"query", "variables", "operationName"})


def _rate_limited(result: ExecutionResult) -> bool:
    return any(
        (error.extensions or {}).get("code") == RATE_LIMITED for error in result.errors or ()
    )


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.split(b";")[0].strip().lower() == b"application/json")
    return False


def _replayed(body: bytes, receive: Receive) -> Receive:
    """`receive` as if the body had not been read yet."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
