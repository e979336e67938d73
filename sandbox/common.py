"""What every sandbox service shares: JSON answers, request-body reading, idempotency keys."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

JsonObject = dict[str, Any]
IDEMPOTENCY_KEY = "Idempotency-Key"


class BadRequest(Exception):
    """A request the sandbox cannot read: answered 400 naming the `field` at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


async def bad_request(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, BadRequest)
    body = {"code": "bad_request", "field": error.field, "reason": str(error)}
    return JSONResponse(body, status_code=400)


def refusal(code: str, reason: str, status: int = 422) -> JSONResponse:
    """A business refusal, as the clients read it: `{code, reason}` with 409 or 422."""
    return JSONResponse({"code": code, "reason": reason}, status_code=status)


async def read_object(request: Request) -> JsonObject:
    try:
        body = json.loads(await request.body())
    except ValueError as error:
        raise BadRequest("body", f"not valid JSON ({error})") from None
    if not isinstance(body, dict):
        raise BadRequest("body", "must be a JSON object")
    return body


def text(body: JsonObject, name: str) -> str:
    value = body.get(name)
    if isinstance(value, str) and value.strip():
        return value
    raise BadRequest(name, "must be a non-empty string")


def obj(body: JsonObject, name: str) -> JsonObject:
    value = body.get(name, {})
    if not isinstance(value, dict):
        raise BadRequest(name, "must be a JSON object")
    return value


def idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_KEY, "").strip()
    if not key or len(key) > 255:
        raise BadRequest(IDEMPOTENCY_KEY, "this header is required (1 to 255 characters)")
    return key


@dataclass
class IdempotencyStore:
    """First answers by key. A key is a promise about one request: reusing it for a different
    body is refused. Bodies are remembered only as keyed hashes (the bureau's hold an SSN)."""

    _secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    _answers: dict[str, tuple[str, JsonObject]] = field(default_factory=dict)

    def replay(self, key: str, body: JsonObject) -> JsonObject | None:
        """The first answer to this key, None when it is new; `KeyReused` for another body."""
        known = self._answers.get(key)
        if known is None:
            return None
        if not hmac.compare_digest(known[0], self._fingerprint(body)):
            raise KeyReused(key)
        return known[1]

    def remember(self, key: str, body: JsonObject, answer: JsonObject) -> None:
        self._answers[key] = (self._fingerprint(body), answer)

    def _fingerprint(self, body: JsonObject) -> str:
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(self._secret, canonical, hashlib.sha256).hexdigest()


class KeyReused(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(f"idempotency key {key!r} was used for a different request")


def key_reused(error: KeyReused) -> JSONResponse:
    return refusal("idempotency_key_reused", str(error))
