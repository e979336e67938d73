"""A request id for every HTTP request and websocket operation: in each log line about it
(`app.telemetry.logs`) and in the `X-Request-Id` response header, errors and refusals
included, so the microfrontend's error banner can show it and support can find the line.

A client's (or a proxy's) own `X-Request-Id` is kept when it is short and plain
(`[A-Za-z0-9._-]{1,64}`): anything else could forge log fields or grow the log, so it is
replaced by a fresh one. Pure ASGI: one context and one header per request, nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.telemetry.logs import close_context, new_id, open_context

HEADER = b"x-request-id"
_SAFE = re.compile(rb"[A-Za-z0-9._-]{1,64}")


def request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The client's `X-Request-Id` when it is safe to keep, else a fresh one."""
    for name, value in headers:
        if name == HEADER:
            return value.decode("ascii") if _SAFE.fullmatch(value) else new_id()
    return new_id()


class RequestIds:
    """Outermost on HTTP: so the ids are on the error pages' lines and headers too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope["headers"])
        header = (HEADER, rid.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        token = open_context(rid)
        # On an exception the context stays (the request's own task ends with it), so the
        # server's traceback line still carries the request id.
        await self.app(scope, receive, send_with_id)
        close_context(token)
