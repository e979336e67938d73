"""A GraphQL answer refused by a rate limit is an HTTP 429 with Retry-After (API.md)."""

from __future__ import annotations

from collections.abc import Iterator

from starlette.responses import Response

from schema.errors import RATE_LIMITED


def retry_after(answers: object) -> int | None:
    """The longest wait a rate limit asked for in these answers (one, or a batch), else None."""
    waits = [wait for wait in _waits(answers) if isinstance(wait, int)]
    return max(waits) if waits else None


def as_refusal(response: Response, answers: object) -> Response:
    """`response` as a 429 with Retry-After when a rate limit refused any of `answers`."""
    wait = retry_after(answers)
    if wait is not None:
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
    return response


def _waits(answers: object) -> Iterator[object]:
    for answer in answers if isinstance(answers, list) else [answers]:
        errors = answer.get("errors") if isinstance(answer, dict) else None
        for error in errors if isinstance(errors, list) else ():
            extensions = error.get("extensions") if isinstance(error, dict) else None
            if isinstance(extensions, dict) and extensions.get("code") == RATE_LIMITED:
                yield extensions.get("retryAfter")
