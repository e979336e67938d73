"""The GraphQL endpoint: Strawberry's ASGI view with our context, body checks, GraphiQL and
the schema's prepared operations (documents seen before run straight on graphql-core)."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationType, get_operation_ast
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from app import jsoncodec
from app.services.rates import REFUSAL_DELAY_SECONDS
from app.web.graphiql import graphiql_page
from app.web.media import JSON, negotiated, shaped
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
        goes to Strawberry with its body replayed. Each answer is in the media type the
        request accepts (app.web.media)."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        media = negotiated(request.headers.get("accept"))
        if is_json_post(scope):
            body = await request.body()
            response = await prepared_response(
                self._prepared, body, lambda: self.get_context(request, None), media
            )
            if response is not None:
                await response(scope, receive, send)
                return
            request = Request(scope, replayed(body, receive))
        try:
            response = await self.run(request)
        except MethodNotAllowed as refused:
            response = refused.response(media)
        except HTTPException as refused:  # as Strawberry answers it
            response = PlainTextResponse(refused.reason, status_code=refused.status_code)
        await response(scope, receive, send)

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
        if request_adapter.method == "GET":
            return await self._over_get(
                request, request_adapter, sub_response, context, request_data
            )
        if query is not None and self._is_subscription(query, request_data.operation_name):
            # A client's mistake, answered as one (not as a fault with a traceback).
            return ExecutionResult(data=None, errors=[GraphQLError(SUBSCRIPTION_OVER_HTTP)])
        if query is None or request_data.extensions:
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

    async def _over_get(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """GET runs no operation (a mutation must not, and queries are not served over GET: a
        query string would carry session tokens into access logs): 405 with `Allow: POST`."""
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, None, request_data
            )
        except HTTPException as refused:
            if isinstance(refused.__cause__, InvalidOperationTypeError):
                raise MethodNotAllowed() from refused
            raise

    def _is_subscription(self, query: str, operation_name: str | None) -> bool:
        if "subscription" not in query or self._prepared.get(query, operation_name) is not None:
            return False  # no subscription in it, or a query or a mutation known already
        try:
            document, _ = self._policy.parse(query, {"max_tokens": self._policy.limits.max_tokens})
        except GraphQLError:
            return False  # refused as it should be, on the way it takes
        operation = get_operation_ast(document, operation_name)
        return operation is not None and operation.operation is OperationType.SUBSCRIPTION

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """The media type the answer will have rides on the sub-response to `create_response`."""
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiated(request.headers.get("accept"))
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media = sub_response.media_type or JSON
        status, body = shaped(response_data, media)
        response = super().create_response(cast(GraphQLHTTPResponse, body), sub_response)
        response.status_code = sub_response.status_code or status
        response.headers["content-type"] = media
        return as_refusal(response, response_data)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        container = request.app.state.container
        address = request.client.host if request.client else None
        return Context(
            container.service,
            container.leads,
            container.funnel,
            request.headers,
            address,
            resume=container.resume_links,
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


class MethodNotAllowed(HTTPException):
    """An operation sent over GET: a GraphQL answer with 405 and `Allow: POST`."""

    MESSAGE = (
        "Operations are run over POST only: send a POST with a JSON body "
        "(Content-Type: application/json)."
    )

    def __init__(self) -> None:
        super().__init__(405, self.MESSAGE)

    def response(self, media: str) -> Response:
        error = GraphQLError(self.MESSAGE, extensions={"code": "METHOD_NOT_ALLOWED"})
        body = jsoncodec.dumps({"errors": [error.formatted]})
        return Response(body, status_code=405, media_type=media, headers={"Allow": "POST"})


def _rate_limited(result: ExecutionResult) -> bool:
    return any(
        (error.extensions or {}).get("code") == RATE_LIMITED for error in result.errors or ()
    )
