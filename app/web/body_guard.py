"""Request bodies the endpoints cannot read are answered here, as a client's mistake.

- A `Content-Encoding` other than `identity` (a gzip body, say) gets 415 naming what is
  accepted: no endpoint inflates bodies, and reading compressed bytes as JSON only fails later
  with a vaguer message (inflating them would also step around the body size limit).
- A client that goes away before its body is complete leaves nobody to answer: one line at INFO,
  no traceback (Starlette raises `ClientDisconnect` from the endpoint's read).
"""

from __future__ import annotations

import json
import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("trex.http")
IDENTITY = {b"", b"identity"}


class BodyGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        encoding = dict(scope["headers"]).get(b"content-encoding", b"").strip().lower()
        if encoding not in IDENTITY:
            await _unsupported_encoding(send)
            return
        try:
            await self.app(scope, receive, send)
        except ClientDisconnect:
            log.info(
                "%s %s: the client left before its request body ended",
                scope["method"],
                scope["path"],
            )


async def _unsupported_encoding(send: Send) -> None:
    message = "Request bodies are accepted without Content-Encoding (or identity) only."
    error = {"message": message, "code": "unsupported_content_encoding"}
    body = json.dumps({**error, "errors": [error]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 415, "headers": headers})
    await send({"type": "http.response.body", "body": body})
