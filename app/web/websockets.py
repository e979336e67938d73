"""Websocket policy for /graphql: who may open a socket, how big a message may be, how many
sockets and subscriptions one client may hold.

- At the handshake (`WebSocketGate`, before the GraphQL endpoint): a browser's `Origin` must be
  a host site's registered origin (or loopback in development, or T-Rex's own); a handshake
  without `Origin` is a server-side client, guarded by its token or secret key. Only the
  `graphql-transport-ws` subprotocol; at most `ws_connections_per_address` open sockets per
  client address. Refused before the socket opens (HTTP 403).
- By uvicorn (`uvicorn_options`): messages over `ws_max_message_bytes` close the socket with
  1009. permessage-deflate is off, so the size counted is the size held in memory.
- By the protocol (`LimitedTransportWS`): a message that is not a protocol message (not a JSON
  object, an `id` or a payload field of the wrong type) closes the socket with 4400 "Invalid
  message received" (naming the field), as graphql-transport-ws says; `connection_init`
  within `ws_init_timeout_seconds` (4408 after), its payload an object or null; each subscribe
  counts against the client address's rate and, for
  `sessionUpdates`, against `subscriptions_per_session` live subscriptions across every socket.
  A refused subscribe is an `error` message for its id, and the socket stays open.

Every refusal logs one line, without the query, token or address. Each socket gets a request id
at its handshake and each subscribe one of its own (`app.web.request_ids`), for its log lines.
Each refusal also counts in `trex_websocket_refusals_total`; open sockets and their live
operations are gauges.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLFormattedError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    parse,
)
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.websocket_origin import is_same_origin
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    Message,
    SubscribeMessage,
)

from app.bus.rate_limiter import RateLimiter
from app.bus.socket_slots import MemorySlots, RedisSlots, Slots
from app.security import is_id
from app.services.site_origins import RegisteredOrigins
from app.settings import Settings
from app.telemetry.logs import bind, close_context, new_id, open_context
from app.telemetry.metrics import Metrics
from app.web.request_ids import request_id
from resolvers.execution.limits import LIMITS
from schema.context import Context

log = logging.getLogger("trex.websockets")
MAX_SESSION_ID = 64  # longer is no session id; not worth a counter


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's settings for the websocket limits and the client address, for `trex serve`
    and the tests alike."""
    return {
        "ws_max_size": settings.ws_max_message_bytes,
        "ws_per_message_deflate": False,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.trusted_proxies,
    }


def graphql_options(settings: Settings) -> dict[str, Any]:
    """Strawberry's view options for the protocol's limits."""
    return {
        "subscription_protocols": (GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        "connection_init_wait_timeout": timedelta(seconds=settings.ws_init_timeout_seconds),
    }


@dataclass
class WebSocketLimits:
    settings: Settings
    origins: RegisteredOrigins
    slots: Slots = field(default_factory=MemorySlots)

    @classmethod
    def for_settings(cls, settings: Settings, origins: RegisteredOrigins) -> WebSocketLimits:
        if settings.redis_url:
            return cls(settings, origins, RedisSlots(settings.redis_url))
        return cls(settings, origins)

    def start(self) -> None:
        if isinstance(self.slots, RedisSlots):
            self.slots.start()

    async def aclose(self) -> None:
        await self.slots.aclose()

    async def handshake_refusal(self, scope: Scope) -> str | None:
        """Why the handshake is refused (for the log), or None."""
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        if origin is not None and not (
            is_same_origin(origin, headers.get("host")) or await self.origins.check(origin)
        ):
            return "the origin is not registered for any host site"
        if GRAPHQL_TRANSPORT_WS_PROTOCOL not in scope.get("subprotocols", ()):
            return "graphql-transport-ws is not among the subprotocols asked for"
        return None

    async def subscribe_refusal(
        self, limiter: RateLimiter, address: str, payload: dict[str, Any]
    ) -> tuple[GraphQLFormattedError | None, tuple[str, str] | None]:
        """(the `error` payload item, None) when refused, else (None, the session's slot)."""
        wait = await limiter.hit("subscriptions_per_address", address)
        if wait is not None:
            retry = max(1, math.ceil(wait))
            log.info("subscribe refused: subscription rate of the client address")
            message = f"Too many subscriptions; try again in {retry} s."
            return _error(message, code="RATE_LIMITED", retryAfter=retry), None
        session = subscribed_session(payload)
        if session is None:
            return None, None
        if is_id(session):  # the one it asks for (anything else may be what the client typed)
            bind(session_id=session)
        key = f"subs:{session}"
        slot = await self.slots.take(key, self.settings.subscriptions_per_session)
        if slot is None:
            log.info("subscribe refused: live subscriptions of one session")
            cap = self.settings.subscriptions_per_session
            message = f"This session already has {cap} live subscriptions; complete one first."
            return _error(message, code="TOO_MANY_SUBSCRIPTIONS", limit=cap), None
        return None, (key, slot)


def _error(message: str, **extensions: object) -> GraphQLFormattedError:
    return GraphQLError(message, extensions=extensions).formatted


class WebSocketGate:
    """The handshake's checks, then the GraphQL endpoint for as long as the socket is open."""

    def __init__(self, app: ASGIApp, limits: WebSocketLimits) -> None:
        self._app = app
        self._limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        open_context(request_id(scope["headers"]))  # the socket's own task: ends with it
        metrics = _metrics(scope)
        refusal = await self._limits.handshake_refusal(scope)
        if refusal is not None:
            log.info("websocket handshake refused: %s", refusal)
            metrics.websocket_refusals.labels("handshake").inc()
            await _deny(scope, receive, send)
            return
        key = f"conn:{client_address(scope)}"
        cap = self._limits.settings.ws_connections_per_address
        slot = await self._limits.slots.take(key, cap)
        if slot is None:
            log.info("websocket handshake refused: over %d open sockets of one address", cap)
            metrics.websocket_refusals.labels("connections").inc()
            await _deny(scope, receive, send)
            return
        metrics.websockets_open.inc()
        try:
            await self._app(scope, receive, send)
        finally:
            metrics.websockets_open.dec()
            await self._limits.slots.give_back(key, slot)


def _metrics(scope: Scope) -> Metrics:
    metrics: Metrics = scope["app"].state.container.metrics
    return metrics


def client_address(scope: Scope) -> str:
    """The client's address; behind a trusted proxy, the one it forwarded (uvicorn sets it)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def _deny(scope: Scope, receive: Receive, send: Send) -> None:
    """Closing before accepting: uvicorn answers the upgrade with 403. (Not a denial response
    with our own status: uvicorn 0.54's default websocket protocol logs each one as an ERROR,
    "ASGI callable returned without completing handshake".)"""
    await WebSocket(scope, receive, send).close(code=1008)


class LimitedTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, with each message checked and each subscribe
    counted first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session_slots: dict[str, tuple[str, str]] = {}

    async def handle_message(self, message: Message) -> None:
        fault = message_fault(message)
        if fault is not None:
            log.info("websocket closed: invalid message (%s)", fault)
            await self.handle_invalid_message(f"{INVALID_MESSAGE}: {fault}")
            return
        if message["type"] == "connection_init" and message.get("payload") is None:
            message = ConnectionInitMessage(type="connection_init", payload={})
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """In a log context of its own, which the operation's task inherits."""
        token = open_context(new_id())
        try:
            await self._subscribe(message)
        finally:
            close_context(token)

    async def _subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        if (
            not self.connection_acknowledged
            or message.get("id") in self.operations
            or not isinstance(payload, dict)
        ):
            await super().handle_subscribe(message)  # refuses these as the protocol says
            return
        app = self._websocket.scope["app"]
        limits: WebSocketLimits = app.state.websocket_limits
        limiter: RateLimiter = app.state.container.limiter
        address = self.context.address or "unknown"
        refusal, slot = await limits.subscribe_refusal(limiter, address, dict(payload))
        if refusal is not None:
            code = str((refusal.get("extensions") or {}).get("code", "refused")).lower()
            _metrics(self._websocket.scope).websocket_refusals.labels(code).inc()
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[refusal]))
            return
        await super().handle_subscribe(message)
        if slot is None:
            return
        if message["id"] in self.operations:
            self._session_slots[message["id"]] = slot
        else:  # refused by the per-connection cap
            await limits.slots.give_back(*slot)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        live = _metrics(self._websocket.scope).subscriptions_open
        live.inc()
        try:
            await super().run_operation(operation)
        finally:
            live.dec()
            slot = self._session_slots.pop(operation.id, None)
            if slot is not None:
                limits: WebSocketLimits = self._websocket.scope["app"].state.websocket_limits
                await limits.slots.give_back(*slot)

    @property
    def _websocket(self) -> WebSocket:
        return cast(ASGIWebSocketAdapter, self.websocket).ws


INVALID_MESSAGE = "Invalid message received"
# The fields of a protocol message that graphql-transport-ws types, and the JSON type of each.
OBJECT_OR_NULL: tuple[type, ...] = (dict, type(None))
STRING_OR_NULL: tuple[type, ...] = (str, type(None))
PAYLOAD_FIELDS: dict[str, tuple[tuple[str, tuple[type, ...], str], ...]] = {
    "subscribe": (
        ("query", (str,), "a string"),
        ("variables", OBJECT_OR_NULL, "an object or null"),
        ("operationName", STRING_OR_NULL, "a string or null"),
        ("extensions", OBJECT_OR_NULL, "an object or null"),
    ),
}
WITH_ID = frozenset({"subscribe", "complete"})


def message_fault(message: object) -> str | None:
    """What makes `message` no graphql-transport-ws message (the field and the rule), or
    None. An unknown `type` is left to Strawberry, which closes with 4400 naming it."""
    if not isinstance(message, dict):
        return "a message must be a JSON object"
    kind = message.get("type")
    if not isinstance(kind, str):
        return '"type" must be a string'
    if kind in WITH_ID and not (isinstance(message.get("id"), str) and message["id"]):
        return '"id" must be a non-empty string'
    payload = message.get("payload")
    if kind == "subscribe":
        if not isinstance(payload, dict):
            return '"payload" must be an object'
        for name, types, rule in PAYLOAD_FIELDS[kind]:
            if not isinstance(payload.get(name), types):  # absent reads as null
                return f'"payload.{name}" must be {rule}'
    elif kind in {"connection_init", "ping", "pong"} and not isinstance(payload, OBJECT_OR_NULL):
        return '"payload" must be an object or null'
    return None


def subscribed_session(payload: dict[str, Any]) -> str | None:
    """The `sessionId` a subscribe's `sessionUpdates` asks for (literal or variable), or None:
    not a sessionUpdates, or a document the schema will refuse anyway."""
    query, variables = payload.get("query"), payload.get("variables") or {}
    if not isinstance(query, str) or not isinstance(variables, dict):
        return None
    try:
        document = parse(query, no_location=True, max_tokens=LIMITS.max_tokens)
    except GraphQLError:
        return None
    field_node = _root_field(document, payload.get("operationName"), "sessionUpdates")
    if field_node is None:
        return None
    for argument in field_node.arguments or ():
        if argument.name.value != "sessionId":
            continue
        value: object = None
        if isinstance(argument.value, StringValueNode):
            value = argument.value.value
        elif isinstance(argument.value, VariableNode):
            value = variables.get(argument.value.name.value)
        if isinstance(value, str) and 0 < len(value) <= MAX_SESSION_ID:
            return value
    return None


def _root_field(document: DocumentNode, name: object, wanted: str) -> FieldNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if name is None or (o.name and o.name.value == name)]
    if len(chosen) != 1:
        return None
    fragments = {
        d.name.value: d.selection_set
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    return _find_field(chosen[0].selection_set, fragments, wanted, depth=0)


def _find_field(
    selections: SelectionSetNode, fragments: dict[str, SelectionSetNode], wanted: str, depth: int
) -> FieldNode | None:
    """The root field named `wanted`, looking through fragments (as graphql-core collects
    root fields); `depth` bounds fragments that spread each other."""
    if depth > LIMITS.max_depth:
        return None
    for selection in selections.selections:
        inner: SelectionSetNode | None = None
        if isinstance(selection, FieldNode) and selection.name.value == wanted:
            return selection
        if isinstance(selection, InlineFragmentNode):
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            inner = fragments.get(selection.name.value)
        found = inner and _find_field(inner, fragments, wanted, depth + 1)
        if found:
            return found
    return None
