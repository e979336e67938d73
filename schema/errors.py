"""Errors whose message a client may see; every other fault is masked."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from graphql import GraphQLError

from workflows.outcomes import InvalidStart, RateLimited

RATE_LIMITED = "RATE_LIMITED"
T = TypeVar("T")


class PublicError(Exception):
    """Raised by resolvers for failures that are not union members (subscriptions)."""

    extensions: dict[str, object] | None = None  # graphql-core copies them onto the error


def should_mask(error: GraphQLError) -> bool:
    """Mask faults (exceptions from code). Keep what describes the client's own request: syntax,
    validation and variable errors (GraphQLError), and PublicError."""
    original = error.original_error
    return original is not None and not isinstance(original, PublicError | GraphQLError)


def start_refused(refused: InvalidStart) -> PublicError:
    """startWorkflow's refusal as its GraphQL error: the text (in the context's language where
    the visitor reads it), the field it names and its catalogue id (null: US English only)."""
    error = PublicError(str(refused))
    error.extensions = {"field": refused.field, "messageId": refused.message_id}
    return error


class RateLimitedError(PublicError):
    """A rate limit refused the call. graphql-core copies `extensions` onto the error; the HTTP
    layer answers such an error with 429 and Retry-After."""

    def __init__(self, refused: RateLimited) -> None:
        super().__init__(str(refused))
        self.extensions = {"code": RATE_LIMITED, "retryAfter": refused.seconds}


async def limited(call: Awaitable[T]) -> T:
    """`call`'s result, a rate limit's refusal as its GraphQL error."""
    try:
        return await call
    except RateLimited as refused:
        raise RateLimitedError(refused) from None
