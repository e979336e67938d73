"""The GraphQL endpoint: Strawberry's ASGI view with our context, body checks, GraphiQL and
the schema's prepared operations (documents seen before run straight on graphql-core)."""

from __future__ import annotations

import asyncio
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationType, get_operation_ast
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from app import jsoncodec
from app.services.rates import REFUSAL_DELAY_SECONDS
from app.web.graphiql import graphiql_page
from app.web.prepared import is_json_post, prepared_response, replayed
from app.web.refusals import as_refusal
from app.web.websockets import LimitedTransportWS
from resolvers.execution.schema import PolicedSchema
from schema.context import Context
from schema.errors import RATE_LIMITED

SUBSCRIPTION_OVER_HTTP = (
    "Subscriptions are served over websockets (the graphql-transport-ws protocol) only."
)


class TRexGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = LimitedTransportWS

    def __init__(self, schema: PolicedSchema, **options: Any):
        super().__init__(schema, **options)
        self._prepared = schema.prepared
        self._policy = schema.policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A JSON POST of a prepared operation is answered before Strawberry's view
        (app.web.prepared); everything else (and a request that cannot be answered there)
        goes to Strawberry with its body replayed."""
        if is_json_post(scope):
            request = Request(scope, receive)
            body = await request.body()
            response = await prepared_response(
                self._prepared, body, lambda: self.get_context(request, None)
            )
            if response is not None:
                await response(scope, receive, send)
                return
            receive = replayed(body, receive)
        await super().__call__(scope, receive, send)

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
        if query is not None and self._is_subscription(query, request_data.operation_name):
            # A client's mistake, answered as one (not as a fault with a traceback).
            return ExecutionResult(data=None, errors=[GraphQLError(SUBSCRIPTION_OVER_HTTP)])
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

    def _is_subscription(self, query: str, operation_name: str | None) -> bool:
        if "subscription" not in query or self._prepared.get(query, operation_name) is not None:
            return False  # no subscription in it, or a query or a mutation known already
        try:
            document, _ = self._policy.parse(query, {"max_tokens": self._policy.limits.max_tokens})
        except GraphQLError:
            return False  # refused as it should be, on the way it takes
        operation = get_operation_ast(document, operation_name)
        return operation is not None and operation.operation is OperationType.SUBSCRIPTION

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        return as_refusal(super().create_response(response_data, sub_response), response_data)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        container = request.app.state.container
        address = request.client.host if request.client else None
        return Context(
            container.service, container.leads, container.funnel, request.headers, address
        )

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


def _rate_limited(result: ExecutionResult) -> bool:
    return any(
        (error.extensions or {}).get("code") == RATE_LIMITED for error in result.errors or ()
    )
