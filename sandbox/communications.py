"""Sandbox e-mail and SMS provider: it keeps every message instead of sending it.

| call                     | answer                                                        |
|--------------------------|---------------------------------------------------------------|
| `POST /messages`         | `{channel, to, template, data}` with an `Idempotency-Key`     |
|                          | header → 201 `{message_id, …}`; the same key again → 200, the |
|                          | same message, none added; the key with another body → 422     |
|                          | `idempotency_key_reused`; 422 `invalid_recipient` for an      |
|                          | address that is not an e-mail address (email) or an E.164     |
|                          | number (sms)                                                  |
| `GET /messages?to=`      | inspection, not faulted: `{messages: [...]}`, newest last,    |
|                          | only those sent to `to` when given                            |
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.common import (
    BadRequest,
    IdempotencyStore,
    JsonObject,
    KeyReused,
    idempotency_key,
    key_reused,
    obj,
    read_object,
    refusal,
    text,
)
from sandbox.runtime import ServiceState

LATENCY_MS = (40, 150)
RECIPIENTS = {
    "email": re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    "sms": re.compile(r"\+[1-9][0-9]{7,14}"),
}


class Communications:
    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self._sent = IdempotencyStore()
        self._messages: list[JsonObject] = []

    def routes(self) -> list[Route]:
        return [
            Route("/messages", self.state.guard(self.send), methods=["POST"]),
            Route("/messages", self.list_messages, methods=["GET"]),
        ]

    async def send(self, request: Request) -> JSONResponse:
        key = idempotency_key(request)
        body = await read_object(request)
        try:
            earlier = self._sent.replay(key, body)
        except KeyReused as error:
            return key_reused(error)
        if earlier is not None:
            return JSONResponse(earlier, headers={"Idempotent-Replayed": "true"})
        channel, to = text(body, "channel"), text(body, "to")
        template, data = text(body, "template"), obj(body, "data")
        if channel not in RECIPIENTS:
            raise BadRequest("channel", "must be email or sms")
        if not RECIPIENTS[channel].fullmatch(to):
            return refusal("invalid_recipient", f"{to!r} cannot receive {channel}")
        message = {
            "message_id": self.state.new_id("msg"),
            "channel": channel,
            "to": to,
            "template": template,
            "data": data,
            "at": datetime.now(UTC).isoformat(),
        }
        self._messages.append(message)
        self._sent.remember(key, body, message)
        return JSONResponse(message, status_code=201)

    async def list_messages(self, request: Request) -> JSONResponse:
        to = request.query_params.get("to")
        messages = [m for m in self._messages if to is None or m["to"] == to]
        return JSONResponse({"messages": messages})
