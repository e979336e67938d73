"""The prepared operations' fast path before Strawberry's view: a JSON POST of a document the
schema has prepared (resolvers.execution.prepared) is answered from its raw body in a few steps;
anything else goes on to Strawberry, with its body replayed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response
from starlette.types import Message, Receive, Scope

from app import jsoncodec
from app.web.media import JSON, shaped
from app.web.refusals import as_refusal
from resolvers.execution.prepared import PreparedOperations
from schema.context import Context

REQUEST_KEYS = frozenset({"query", "variables", "operationName"})


def is_json_post(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.split(b";")[0].strip().lower() == b"application/json")
    return False


async def prepared_response(
    prepared: PreparedOperations,
    body: bytes,
    context: Callable[[], Awaitable[Context]],
    media: str = JSON,
) -> Response | None:
    """The answer to `body` in `media` (app.web.media) when it asks for a prepared operation,
    else None (Strawberry's view answers it, and anything malformed, its way)."""
    try:
        payload = jsoncodec.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.keys() - REQUEST_KEYS:
        return None
    query, variables = payload.get("query"), payload.get("variables")
    if not isinstance(query, str) or not isinstance(variables, dict | None):
        return None
    operation = prepared.get(query, payload.get("operationName"))
    if operation is None:
        return None
    result = await prepared.run(operation, await context(), variables)
    answer: dict[str, object] = {"data": result.data}
    if result.errors:
        answer["errors"] = [error.formatted for error in result.errors]
    status, shaped_answer = shaped(answer, media)
    response = Response(jsoncodec.dumps(shaped_answer), status_code=status, media_type=media)
    return as_refusal(response, answer)


def replayed(body: bytes, receive: Receive) -> Receive:
    """`receive` as if the body had not been read yet."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
