"""The architecture document's REST contract (its section 6), over the same service as GraphQL.

`POST /api/workflow/start`, `/transition` and `/back` answer a `WorkflowStepResponse`, or a
`ValidationError` (400), `StaleStep` (409), `SessionNotFound` (404) or `TransitionRejected`
(422). The session token is returned once by `start` (`sessionToken`) and expected afterwards as
`Authorization: Bearer <token>`, as over GraphQL. No GraphQL runs here. Each body is read as its
schema in the OpenAPI document (`app.web.openapi`) says: an unknown property, or one missing or
of the wrong type, is a 400 naming it; `context`, `workflowType` and `idempotencyKey` may be null.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse as _StarletteJSON
from starlette.responses import Response
from starlette.routing import Route

from app import jsoncodec
from app.web.openapi import openapi_document
from schema.context import bearer
from workflows.commands import Back, StartWorkflow, Transition
from workflows.outcomes import (
    Caller,
    Invalid,
    InvalidStart,
    Moved,
    NotFound,
    Outcome,
    RateLimited,
    Rejected,
    Stale,
    StepView,
)
from workflows.ports import WorkflowPort

WORKFLOW_TYPES = {"buying", "selling", "buyer_financing"}
# Each body's properties, as its schema in the OpenAPI document lists them: any other is refused
# (400 naming it), as GraphQL refuses a field its input type does not have.
START_FIELDS = ("workflowType", "context", "invitation")
TRANSITION_FIELDS = ("sessionId", "currentStep", "data", "idempotencyKey")
BACK_FIELDS = ("sessionId", "currentStep", "toStep")


class BadRequest(Exception):
    """`message_id`: the catalogue's id of `message`, for a refusal the visitor reads (an
    invitation's, in the context's language); None for the request's own shape."""

    def __init__(self, field: str, message: str, message_id: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message_id = message_id


class NotJson(BadRequest):
    """A body that does not say it is JSON: 415, whatever it holds."""

    def __init__(self) -> None:
        super().__init__(
            "content-type", "The request body must be JSON, sent as Content-Type: application/json."
        )


class JSONResponse(_StarletteJSON):
    """Encoded by orjson: the views' dataclasses, tuples and datetimes need no conversion."""

    def render(self, content: Any) -> bytes:
        return jsoncodec.dumps(content)


def step_response(view: StepView) -> dict[str, Any]:
    """A `WorkflowStepResponse`: the document's fields, plus the session and progress."""
    navigation = view.navigation
    return {
        "sessionId": view.session.id,
        "sessionToken": view.session.token,
        "status": view.session.status.value,
        "stepId": view.step.id,
        "componentName": view.step.component.value,
        "title": view.step.title,
        "data": view.data if view.data is not None else {},
        "values": view.values,
        "validationRules": view.validation_rules,
        "navigationOptions": {
            "canGoBack": navigation.can_go_back,
            "nextStepId": navigation.next_step_id,
            "progress": navigation.progress,
        },
        "uiConfig": view.ui,
        "message": view.message,
    }


def outcome_response(outcome: Outcome) -> JSONResponse:
    if isinstance(outcome, Moved):
        return JSONResponse(step_response(outcome.view))
    if isinstance(outcome, Invalid):
        errors = [
            {
                "field": e.field,
                "message": e.message,
                "code": e.code,
                "messageId": e.message_id,
                "params": dict(e.params),
            }
            for e in outcome.errors
        ]
        return JSONResponse({**errors[0], "errors": errors}, status_code=400)
    if isinstance(outcome, Stale):
        body = {"expectedStep": outcome.expected_step, "step": step_response(outcome.view)}
        return JSONResponse(body, status_code=409)
    if isinstance(outcome, Rejected):
        rejected: dict[str, object] = {
            "reason": outcome.reason,
            "code": outcome.code,
            "messageId": outcome.message_id,
            "params": dict(outcome.params),
            "step": step_response(outcome.view),
        }
        return JSONResponse(rejected, status_code=422)
    assert isinstance(outcome, NotFound)
    return JSONResponse({"sessionId": outcome.session_id, "code": "session_not_found"}, 404)


async def _body(request: Request, fields: tuple[str, ...]) -> dict[str, Any]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise NotJson
    try:
        body = jsoncodec.loads(await request.body())
    except (ValueError, RecursionError):  # UnicodeDecodeError (not UTF-8) is a ValueError
        raise BadRequest(
            "body", "The request body must be JSON (UTF-8), complete and valid."
        ) from None
    if not isinstance(body, dict):
        raise BadRequest("body", "The request body must be a JSON object.")
    for name in body:
        if name not in fields:
            known = ", ".join(fields)
            raise BadRequest(str(name)[:100], f"Unknown property; this body takes {known}.")
    return body


def _text(body: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 200:
        raise BadRequest(name, f"{name} must be a non-empty string of at most 200 characters.")
    return value


def _caller(request: Request) -> Caller:
    headers, client = request.headers, request.client
    address = client.host if client else None
    return Caller(headers.get("x-publishable-key"), headers.get("origin"), address)


def _service(request: Request) -> WorkflowPort:
    service: WorkflowPort = request.app.state.container.service
    return service


async def start(request: Request) -> Response:
    body = await _body(request, START_FIELDS)
    kind = _text(body, "workflowType", required=False)
    if kind is not None and kind not in WORKFLOW_TYPES:
        raise BadRequest(
            "workflowType", "workflowType must be buying, selling, buyer_financing or absent."
        )
    invitation = _text(body, "invitation", required=False)
    try:
        command = StartWorkflow(kind, body.get("context"), _caller(request), invitation)
        outcome = await _service(request).start(command)
    except InvalidStart as error:
        raise BadRequest(error.field, str(error), error.message_id) from None
    return outcome_response(outcome)


async def transition(request: Request) -> Response:
    body = await _body(request, TRANSITION_FIELDS)
    session_id, step = _text(body, "sessionId"), _text(body, "currentStep")
    key = _text(body, "idempotencyKey", required=False)
    if "data" not in body:
        raise BadRequest("data", "data is required (the step's answers, a JSON object).")
    token = bearer(request.headers.get("authorization"))
    command = Transition(str(session_id), token, str(step), body["data"], key, _caller(request))
    return outcome_response(await _service(request).transition(command))


async def back(request: Request) -> Response:
    body = await _body(request, BACK_FIELDS)
    session_id, step = _text(body, "sessionId"), _text(body, "currentStep")
    to_step = _text(body, "toStep", required=False)
    token = bearer(request.headers.get("authorization"))
    command = Back(str(session_id), token, str(step), _caller(request), to_step)
    return outcome_response(await _service(request).back(command))


def _guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except NotJson as error:
            body = {"field": error.field, "message": str(error), "code": "unsupported_media_type"}
            return JSONResponse({**body, "errors": [body]}, status_code=415)
        except BadRequest as error:
            body = {"field": error.field, "message": str(error), "code": "bad_request"}
            if error.message_id is not None:
                body["messageId"] = error.message_id
            return JSONResponse({**body, "errors": [body]}, status_code=400)
        except RateLimited as refused:
            return rate_limited(refused)

    return endpoint


def rate_limited(refused: RateLimited) -> JSONResponse:
    wait = refused.seconds
    body = {"error": "RATE_LIMITED", "message": str(refused), "retryAfter": wait}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(wait)})


async def openapi(_: Request) -> JSONResponse:
    return JSONResponse(openapi_document())


def rest_routes() -> list[Route]:
    return [
        Route("/api/workflow/start", _guarded(start), methods=["POST"]),
        Route("/api/workflow/transition", _guarded(transition), methods=["POST"]),
        Route("/api/workflow/back", _guarded(back), methods=["POST"]),
        Route("/api/openapi.json", openapi, methods=["GET"]),
    ]
