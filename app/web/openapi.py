"""The OpenAPI document of the REST contract, served at /api/openapi.json and committed as
schema/openapi.json (`make openapi`).

Redocly's recommended ruleset passes on it (`redocly.yaml`), and schemathesis checks the server
against it with every check it has (tests/e2e/test_rest_fuzz.py). Its schemas and examples are
in `app.web.openapi_schemas`.
"""

from __future__ import annotations

from typing import Any

from app.web.openapi_schemas import EXAMPLES, SCHEMAS, ref

RETRY_AFTER = {
    "description": "Whole seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 1},
    "example": 12,
}
# status: (description, schema, example)
ERRORS: dict[str, tuple[str, str, str]] = {
    "400": (
        "Bad input: the body is not a JSON object, a property is unknown, missing or of the "
        "wrong type, or an answer breaks the step's rules; every failing field is named.",
        "ValidationError",
        "ValidationError",
    ),
    "404": (
        "No such session, or a wrong or missing token (the two are not told apart).",
        "SessionNotFound",
        "SessionNotFound",
    ),
    "409": ("currentStep is not the session's current step.", "StaleStep", "StaleStep"),
    "413": ("The body is over the server's size limit.", "TooLarge", "TooLarge"),
    "415": ("The body is not sent as JSON, or is compressed.", "UnreadableBody", "UnreadableBody"),
    "422": (
        "A business rule refused the move; `step` is where the session is.",
        "TransitionRejected",
        "TransitionRejected",
    ),
    "429": (
        "Too many requests from this client, session or host site.",
        "RateLimited",
        "RateLimited",
    ),
}
START_ERRORS = ("400", "413", "415", "429")
SESSION_ERRORS = ("400", "404", "409", "413", "415", "422", "429")


def _content(schema: str, example: str) -> dict[str, Any]:
    return {"application/json": {"schema": ref(schema), "example": EXAMPLES[example]}}


# Where a step answer leads: the same session's next transition or back (schemathesis walks them).
NEXT_CALLS = {
    name: {
        "operationId": name,
        "description": f"`{name}` from the step answered, with the session's token.",
        "requestBody": {
            "sessionId": "$response.body#/sessionId",
            "currentStep": "$response.body#/stepId",
        },
    }
    for name in ("transition", "back")
}


def _response(description: str, schema: str, example: str) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": _content(schema, example)}
    if example == "RateLimited":
        answer["headers"] = {"Retry-After": RETRY_AFTER}
    return answer


def _operation(
    operation_id: str,
    summary: str,
    description: str,
    request: str,
    answer: tuple[str, str],
    errors: tuple[str, ...],
    security: list[dict[str, list[str]]],
) -> dict[str, Any]:
    ok, example = answer
    return {
        "operationId": operation_id,
        "tags": ["workflow"],
        "summary": summary,
        "description": description,
        "security": security,
        "requestBody": {"required": True, "content": _content(request, request)},
        "responses": {
            "200": {**_response(ok, "WorkflowStepResponse", example), "links": NEXT_CALLS},
            **{status: _response(*ERRORS[status]) for status in errors},
        },
    }


SESSION_TOKEN: list[dict[str, list[str]]] = [{"sessionToken": []}]
SECURITY_SCHEMES = {
    "sessionToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "opaque",
        "description": "The session's token, `sessionToken` in start's answer (and nowhere "
        "else): `Authorization: Bearer <sessionToken>`. A wrong or missing token is answered "
        "as an unknown session (404). A host site's secret key (`Bearer sk_…`) opens its leads "
        "over GraphQL only; no REST operation takes it.",
    },
    "publishableKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Publishable-Key",
        "description": "A host site's publishable key (`pk_…`), accepted only from the site's "
        "allowed origins; it ties the new session to the site. Required in production "
        "(`TREX_ENV=production`); without it, in development, the session belongs to the "
        "built-in demo site. A missing, unknown or misplaced key is a 400 on `publishableKey`.",
    },
}


def _paths() -> dict[str, Any]:
    return {
        "/api/workflow/start": {
            "post": _operation(
                "startWorkflow",
                "Start a session",
                "Opens a session on its first step and returns its token, once.",
                "StartRequest",
                ("The session's first step, with its id and token.", "started"),
                START_ERRORS,
                [{"publishableKey": []}, {}],
            )
        },
        "/api/workflow/transition": {
            "post": _operation(
                "transition",
                "Submit the current step's answers",
                "Checks `data` against the current step's rules and moves the session on.",
                "TransitionRequest",
                ("The step the session moved to.", "moved"),
                SESSION_ERRORS,
                SESSION_TOKEN,
            )
        },
        "/api/workflow/back": {
            "post": _operation(
                "back",
                "Return to the previous step, or to an earlier one",
                "Moves the session back one step, or to `toStep` earlier on its path, with the "
                "answers given to it.",
                "BackRequest",
                ("The step gone back to, with its answers in `values`.", "back"),
                SESSION_ERRORS,
                SESSION_TOKEN,
            )
        },
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "T-Rex Workflow Engine API",
            "version": "1.0.0",
            "summary": "The REST mirror of T-Rex's GraphQL workflow mutations.",
            "description": "Start a session, submit each step's answers, go back: the same "
            "service as GraphQL's `startWorkflow`, `transition` and `back`, answering a "
            "`WorkflowStepResponse` or a typed error. Every error body names what is wrong; "
            "a rate limit answers 429 with `Retry-After`.",
        },
        "servers": [
            {
                "url": "/",
                "description": "The server this document is read from "
                "(in development, `make run`: http://127.0.0.1:8000).",
            }
        ],
        "tags": [{"name": "workflow", "description": "A visitor's session, step by step."}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }
