"""The GraphQL-over-HTTP media types: which one a request accepts, and what an answer's status
is in each.

- `application/graphql-response+json` when the client names it with a quality at least that
  of `application/json` (named, or reached by `application/*` or `*/*`): a request error
  (resolvers.execution.request_errors: refused before execution) is a 400 without `data`;
  an answer whose execution began is a 200, whatever its errors.
- `application/json` otherwise (no Accept, a wildcard, or JSON preferred): every answer is a
  200 with `data`, as legacy clients expect.

A rate limit's refusal is a 429 in both (app.web.refusals, applied after this).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from resolvers.execution.request_errors import is_request_error_answer

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
WILDCARDS = frozenset({"application/*", "*/*"})
MAX_RANGES = 32  # a longer Accept is read no further


def negotiated(accept: str | None) -> str:
    """The media type of the answer to a request with this Accept header."""
    wanted: float | None = None
    json_named: float | None = None
    json_wildcard = 0.0
    for media_range in (accept or "").split(",")[:MAX_RANGES]:
        media, *parameters = media_range.split(";")
        media = media.strip().lower()
        quality = _quality(parameters)
        if media == GRAPHQL_RESPONSE:
            wanted = max(wanted or 0.0, quality)
        elif media == JSON:
            json_named = max(json_named or 0.0, quality)
        elif media in WILDCARDS:
            json_wildcard = max(json_wildcard, quality)
    json = json_named if json_named is not None else json_wildcard
    return GRAPHQL_RESPONSE if wanted and wanted >= json else JSON


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return 0.0 if math.isnan(quality) else min(max(quality, 0.0), 1.0)
    return 1.0


def shaped(answer: object, media: str) -> tuple[int, object]:
    """(status, body) of a GraphQL answer (one; a batch stays a 200) in `media`."""
    if media != GRAPHQL_RESPONSE or not isinstance(answer, Mapping):
        return 200, answer
    if is_request_error_answer(answer):
        body: dict[str, Any] = {key: value for key, value in answer.items() if key != "data"}
        return 400, body
    return 200, answer
