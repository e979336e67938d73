"""The OpenAPI document of the REST contract (committed as schema/openapi.json)."""

from __future__ import annotations

from typing import Any

JSON_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}
TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 200}
ERROR = {
    "type": "object",
    "required": ["field", "message", "code", "errors"],
    "properties": {
        "field": {"type": "string"},
        "message": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    },
}
STEP = {
    "type": "object",
    "required": [
        "sessionId",
        "status",
        "stepId",
        "componentName",
        "title",
        "data",
        "values",
        "validationRules",
        "navigationOptions",
        "uiConfig",
    ],
    "properties": {
        "sessionId": {"type": "string"},
        "sessionToken": {
            "type": ["string", "null"],
            "description": "Only in start's answer: send it as a bearer token.",
        },
        "status": {"type": "string", "enum": ["ACTIVE", "WAITING", "SUBMITTED", "COMPLETED"]},
        "stepId": {"type": "string"},
        "componentName": {"type": "string"},
        "title": {"type": "string"},
        "data": JSON_OBJECT,
        "values": JSON_OBJECT,
        "validationRules": JSON_OBJECT,
        "navigationOptions": {
            "type": "object",
            "required": ["canGoBack", "nextStepId", "progress"],
            "properties": {
                "canGoBack": {"type": "boolean"},
                "nextStepId": {"type": ["string", "null"]},
                "progress": JSON_OBJECT,
            },
        },
        "uiConfig": JSON_OBJECT,
        "message": {"type": ["string", "null"]},
    },
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(summary: str, request: str, statuses: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {
        "summary": summary,
        "requestBody": {"required": True, **_json(_ref(request))},
        "responses": {
            status: {"description": text, **_json(_ref(schema)), **HEADERS.get(status, {})}
            for status, (text, schema) in statuses.items()
        },
    }


COMMON = {
    "400": ("Bad input: every failing field, each with a code", "ValidationError"),
    "404": ("No such session, or a wrong or missing token", "SessionNotFound"),
    "409": ("currentStep is not the session's current step", "StaleStep"),
    "422": ("A business rule refused it; `step` is where to go", "TransitionRejected"),
    "429": ("Too many requests from this client, session or site", "RateLimited"),
}
RETRY_AFTER = {"description": "Whole seconds to wait", "schema": {"type": "integer", "minimum": 1}}
HEADERS = {"429": {"headers": {"Retry-After": RETRY_AFTER}}}


def openapi_document() -> dict[str, Any]:
    step_answer = {"200": ("The next step", "WorkflowStepResponse")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "T-Rex Workflow Engine API", "version": "1.0.0"},
        "paths": {
            "/api/workflow/start": {
                "post": _operation(
                    "Start a session",
                    "StartRequest",
                    {**step_answer, "400": COMMON["400"], "429": COMMON["429"]},
                )
            },
            "/api/workflow/transition": {
                "post": _operation(
                    "Submit the current step's answers",
                    "TransitionRequest",
                    {**step_answer, **COMMON},
                )
            },
            "/api/workflow/back": {
                "post": _operation(
                    "Return to the previous step", "BackRequest", {**step_answer, **COMMON}
                )
            },
        },
        "components": {
            "schemas": {
                "StartRequest": {
                    "type": "object",
                    "properties": {
                        "sessionId": {"type": "string"},
                        "workflowType": {
                            "type": ["string", "null"],
                            "enum": ["buying", "selling", None],
                        },
                        "context": JSON_OBJECT,
                    },
                },
                "TransitionRequest": {
                    "type": "object",
                    "required": ["sessionId", "currentStep", "data"],
                    "properties": {
                        "sessionId": TEXT,
                        "currentStep": TEXT,
                        "data": JSON_OBJECT,
                        "idempotencyKey": TEXT,
                    },
                },
                "BackRequest": {
                    "type": "object",
                    "required": ["sessionId", "currentStep"],
                    "properties": {
                        "sessionId": TEXT,
                        "currentStep": TEXT,
                    },
                },
                "WorkflowStepResponse": STEP,
                "FieldError": {
                    "type": "object",
                    "required": ["field", "message", "code"],
                    "properties": {
                        "field": {"type": "string"},
                        "message": {"type": "string"},
                        "code": {"type": "string"},
                    },
                },
                "ValidationError": ERROR,
                "SessionNotFound": {
                    "type": "object",
                    "required": ["sessionId", "code"],
                    "properties": {"sessionId": {"type": "string"}, "code": {"type": "string"}},
                },
                "StaleStep": {
                    "type": "object",
                    "required": ["expectedStep", "step"],
                    "properties": {
                        "expectedStep": {"type": "string"},
                        "step": _ref("WorkflowStepResponse"),
                    },
                },
                "RateLimited": {
                    "type": "object",
                    "required": ["error", "message", "retryAfter"],
                    "properties": {
                        "error": {"type": "string", "const": "RATE_LIMITED"},
                        "message": {"type": "string"},
                        "retryAfter": {"type": "integer", "minimum": 1},
                    },
                },
                "TransitionRejected": {
                    "type": "object",
                    "required": ["reason", "code", "step"],
                    "properties": {
                        "reason": {"type": "string"},
                        "code": {"type": "string"},
                        "step": _ref("WorkflowStepResponse"),
                    },
                },
            }
        },
    }
