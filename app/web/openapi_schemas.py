"""The schemas and examples of the REST contract's OpenAPI document (`app.web.openapi`).

The request schemas are what `app.web.rest` enforces: an unknown property, a missing one or one
of the wrong type is a 400 naming the field. `context` and `workflowType` may be null, as over
GraphQL (`StartWorkflowInput`), and so may `idempotencyKey`.
"""

from __future__ import annotations

from typing import Any

from workflows.graph import target_steps
from workflows.registry import definition

MAX_TEXT = 200
MAX_CONTEXT_BYTES = 4096  # app.services.starting.MAX_CONTEXT_BYTES, checked by the tests
JSON_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}
TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}
SESSION_ID = {**TEXT, "description": "The session's id, from start's answer (`sessionId`)."}
CURRENT_STEP = {
    **TEXT,
    "description": "The step the client shows (`stepId`): another one is answered 409.",
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


FIELD_ERROR = {
    "type": "object",
    "description": "One refused field: its name, what is wrong, and a code for that rule.",
    "required": ["field", "message", "code"],
    "properties": {
        "field": {"type": "string", "description": "The field, as named in the request."},
        "message": {
            "type": "string",
            "description": "What is wrong, for the visitor, in the session's locale (no value "
            "echoed).",
        },
        "code": {
            "type": "string",
            "description": "The rule: `required`, `enum`, `pattern`… for a step's answers, "
            "`bad_request` for the request's own shape.",
        },
        "messageId": {
            "type": ["string", "null"],
            "description": "The catalogue id of `message` (e.g. `error.required.email`), the "
            "same in every locale; absent or null outside the catalogue.",
        },
        "params": {
            "type": "object",
            "description": "The rule's parameters `message` is filled with (a limit, the "
            "allowed values); never the value given.",
            "additionalProperties": True,
        },
    },
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Bad input: the first failing field at the top, every one under `errors`.",
    "required": ["field", "message", "code", "errors"],
    "properties": {
        **FIELD_ERROR["properties"],  # type: ignore[dict-item]
        "errors": {"type": "array", "minItems": 1, "items": ref("FieldError")},
    },
}
UNREADABLE_BODY = {
    "type": "object",
    "description": "A body the endpoint cannot read: not sent as JSON, or compressed.",
    "required": ["message", "code", "errors"],
    "properties": {
        "field": {"type": "string", "const": "content-type"},
        "message": {"type": "string"},
        "code": {
            "type": "string",
            "enum": ["unsupported_media_type", "unsupported_content_encoding"],
        },
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
TOO_LARGE = {
    "type": "object",
    "description": "A body over the server's size limit "
    "(`TREX_MAX_BODY_BYTES`, 64 KiB by default).",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["message"],
                "properties": {"message": {"type": "string"}},
            },
        }
    },
}
STEP = {
    "type": "object",
    "description": "The step the session is on, as the visitor should see it.",
    "required": [
        "sessionId",
        "sessionToken",
        "status",
        "stepId",
        "componentName",
        "title",
        "data",
        "values",
        "validationRules",
        "navigationOptions",
        "uiConfig",
        "message",
    ],
    "properties": {
        "sessionId": {"type": "string"},
        "sessionToken": {
            "type": ["string", "null"],
            "description": "Only in start's answer (null elsewhere): send it as "
            "`Authorization: Bearer <sessionToken>` on every later call.",
        },
        "status": {"type": "string", "enum": ["ACTIVE", "WAITING", "SUBMITTED", "COMPLETED"]},
        "stepId": {"type": "string"},
        "componentName": {"type": "string", "description": "The component that renders it."},
        "title": {"type": "string"},
        "data": {**JSON_OBJECT, "description": "What the step shows (vehicles, dealers…)."},
        "values": {**JSON_OBJECT, "description": "The answers given to this step before."},
        "validationRules": {
            **JSON_OBJECT,
            "description": "The rules its answers must meet: `fields` by name, each with "
            "`messages` (rule code → the text the server gives when it fails, in the session's "
            "language), and `crossField`.",
        },
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
START_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "workflowType": {
            "type": ["string", "null"],
            "enum": ["buying", "selling", "buyer_financing", None],
            "description": "buying or selling skips the intent question; null or absent asks "
            "it; buyer_financing (with `invitation`) opens a buyer's own financing application.",
        },
        "context": {
            "type": ["object", "null"],
            "additionalProperties": True,
            "description": f"The host page's context (page, campaign), kept with the session, "
            f"at most {MAX_CONTEXT_BYTES} bytes of JSON (else 400 on `context`); its "
            "`visitorId` (a string, at most 100 characters) keeps a visitor in one variant of "
            "the site's split.",
        },
        "invitation": {
            "type": ["string", "null"],
            "maxLength": 200,
            "description": "The token of a seller's invitation (the buyer's link), with "
            "workflowType buyer_financing; an unknown, used or expired one is a 400.",
        },
    },
}
TRANSITION_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["sessionId", "currentStep", "data"],
    "properties": {
        "sessionId": SESSION_ID,
        "currentStep": CURRENT_STEP,
        "data": {
            **JSON_OBJECT,
            "description": "The step's answers, checked against its `validationRules` "
            "(a failing field is answered 400).",
        },
        "idempotencyKey": {
            "type": ["string", "null"],
            "minLength": 1,
            "maxLength": MAX_TEXT,
            "description": "The same key twice returns the first answer, once; the same key "
            "for another request is refused (422, `idempotency_key_reused`).",
        },
    },
}
BACK_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["sessionId", "currentStep"],
    "properties": {
        "sessionId": SESSION_ID,
        "currentStep": CURRENT_STEP,
        "toStep": {
            "type": ["string", "null"],
            "minLength": 1,
            "maxLength": MAX_TEXT,
            "description": "An earlier step of the session's path to go back to (a summary's "
            '"Change" links); absent or null: the previous step. A step not on the path before '
            "the current one is refused (422, `not_on_path`), and so is one across a submitted "
            "request or a pending step (422, `cannot_go_back`).",
        },
    },
}
SCHEMAS: dict[str, Any] = {
    "StartRequest": START_REQUEST,
    "TransitionRequest": TRANSITION_REQUEST,
    "BackRequest": BACK_REQUEST,
    "WorkflowStepResponse": STEP,
    "FieldError": FIELD_ERROR,
    "ValidationError": VALIDATION_ERROR,
    "SessionNotFound": {
        "type": "object",
        "description": "No such session, or a wrong or missing token: the two are not told apart.",
        "required": ["sessionId", "code"],
        "properties": {
            "sessionId": {"type": "string"},
            "code": {"type": "string", "const": "session_not_found"},
        },
    },
    "StaleStep": {
        "type": "object",
        "description": "currentStep is not the session's step: `step` is the one it is on.",
        "required": ["expectedStep", "step"],
        "properties": {"expectedStep": {"type": "string"}, "step": ref("WorkflowStepResponse")},
    },
    "TransitionRejected": {
        "type": "object",
        "description": "A business rule refused the move; `step` is where the session is.",
        "required": ["reason", "code", "messageId", "params", "step"],
        "properties": {
            "reason": {"type": "string", "description": "Why, in the session's language."},
            "code": {"type": "string"},
            "messageId": {
                "type": ["string", "null"],
                "description": "The catalogue id of `reason`, the same in every language "
                "(null: a refusal outside the catalogue).",
            },
            "params": {
                "type": "object",
                "description": 'What `reason` is filled with, e.g. {"limit": 3}.',
            },
            "step": ref("WorkflowStepResponse"),
        },
    },
    "RateLimited": {
        "type": "object",
        "description": "Refused by a rate limit: try again after `retryAfter` seconds.",
        "required": ["error", "message", "retryAfter"],
        "properties": {
            "error": {"type": "string", "const": "RATE_LIMITED"},
            "message": {"type": "string"},
            "retryAfter": {"type": "integer", "minimum": 1},
        },
    },
    "UnreadableBody": UNREADABLE_BODY,
    "TooLarge": TOO_LARGE,
}

# The examples walk the shipped flow's first steps for a buyer, so they stay true to it.
_FLOW = definition("trex")
_FIRST = _FLOW.step(_FLOW.entries["buying"])
_FIRST_FIELD = _FIRST.fields[0].name
_SEARCH = _FLOW.step(target_steps(_FIRST.guards[0].target)[0])
_RESULTS = target_steps(_SEARCH.default)[0] if _SEARCH.default else None
SESSION = "9fb1d82c-6916-42de-a833-5376a3641490"
TOKEN = "fxCHRrv8E9PSIJeUo06HcwvTeX5OO4JCkgaFWVaeokE"
KNOWLEDGE_STEP: dict[str, Any] = {
    "sessionId": SESSION,
    "sessionToken": TOKEN,
    "status": "ACTIVE",
    "stepId": _FIRST.id,
    "componentName": _FIRST.component.value,
    "title": _FIRST.title,
    "data": {},
    "values": {},
    "validationRules": {
        "fields": {
            _FIRST_FIELD: {
                "type": "boolean",
                "required": True,
                "messages": {"required": "Choose one.", "type": "Choose yes or no."},
            }
        },
        "crossField": [],
    },
    "navigationOptions": {
        "canGoBack": False,
        "nextStepId": None,
        "progress": {
            "steps_done": 0,
            "min_remaining": 5,
            "max_remaining": 5,
            "seconds_remaining": 215,
            "remaining_text": "About 4 minutes left",
        },
    },
    "uiConfig": {},
    "message": None,
}
SEARCH_STEP: dict[str, Any] = {
    **KNOWLEDGE_STEP,
    "sessionToken": None,
    "stepId": _SEARCH.id,
    "componentName": _SEARCH.component.value,
    "title": _SEARCH.title,
    "validationRules": {
        "fields": {
            "make": {
                "type": "string",
                "required": True,
                "maxLength": 100,
                "messages": {
                    "required": "Fill this in.",
                    "max_length": "Use 100 characters or fewer.",
                },
            }
        },
        "crossField": [],
    },
    "navigationOptions": {
        "canGoBack": True,
        "nextStepId": _RESULTS,
        "progress": {
            "steps_done": 1,
            "min_remaining": 4,
            "max_remaining": 4,
            "seconds_remaining": 195,
            "remaining_text": "About 3 minutes left",
        },
    },
}
REFUSED_FIELD = {
    "field": _FIRST_FIELD,
    "message": f"{_FIRST_FIELD} is required.",
    "code": "required",
}
EXAMPLES: dict[str, Any] = {
    "StartRequest": {"workflowType": "buying", "context": {"page": "/cars", "campaign": "spring"}},
    "TransitionRequest": {
        "sessionId": SESSION,
        "currentStep": _FIRST.id,
        "data": {_FIRST_FIELD: True},
        "idempotencyKey": "7d1f0c1e-answer-1",
    },
    "BackRequest": {"sessionId": SESSION, "currentStep": _SEARCH.id},
    "started": KNOWLEDGE_STEP,
    "moved": SEARCH_STEP,
    "back": {**KNOWLEDGE_STEP, "sessionToken": None},
    "ValidationError": {**REFUSED_FIELD, "errors": [REFUSED_FIELD]},
    "SessionNotFound": {"sessionId": SESSION, "code": "session_not_found"},
    "StaleStep": {"expectedStep": _SEARCH.id, "step": SEARCH_STEP},
    "TransitionRejected": {
        "reason": "There is no earlier step to go back to.",
        "code": "cannot_go_back",
        "messageId": "rejection.back.first",
        "params": {},
        "step": {**KNOWLEDGE_STEP, "sessionToken": None},
    },
    "RateLimited": {
        "error": "RATE_LIMITED",
        "message": "Too many requests; retry after 12 s.",
        "retryAfter": 12,
    },
    "UnreadableBody": {
        "field": "content-type",
        "message": "The request body must be JSON, sent as Content-Type: application/json.",
        "code": "unsupported_media_type",
        "errors": [{"field": "content-type", "code": "unsupported_media_type"}],
    },
    "TooLarge": {"errors": [{"message": "Request body over 65536 bytes."}]},
}
