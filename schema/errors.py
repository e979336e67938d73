"""Errors whose message a client may see; every other fault is masked."""

from __future__ import annotations

from graphql import GraphQLError


class PublicError(Exception):
    """Raised by resolvers for failures that are not union members (subscriptions)."""


def should_mask(error: GraphQLError) -> bool:
    """Mask faults (exceptions from code). Keep what describes the client's own request: syntax,
    validation and variable errors (GraphQLError), and PublicError."""
    original = error.original_error
    return original is not None and not isinstance(original, PublicError | GraphQLError)
