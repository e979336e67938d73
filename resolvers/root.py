"""The schema: root types and the protective extensions, built once per app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import strawberry
from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from resolvers.mutations import Mutation
from resolvers.queries import Query
from resolvers.shared_events import SharedEventExecution
from resolvers.subscriptions import Subscription
from schema.errors import should_mask


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 2_000
    max_aliases: int = 15
    cache_size: int = 256


LIMITS = Limits()
MASKED = "Internal error."


class MaskFaults(MaskErrors):
    """Strawberry's MaskErrors, with the check for errors that every result of every
    subscriber passes through made cheap (it asked a runtime-checkable Protocol: 7% of a
    fan-out's CPU)."""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def limit_rules(limits: Limits) -> list[type[ASTValidationRule]]:
    """The depth and alias limits as validation rules, beside GraphQL's own."""
    return [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]


def build_schema(limits: Limits = LIMITS) -> strawberry.Schema:
    # The depth and alias rules are built once: the validation cache is keyed by the rule
    # classes, and the limiters make new ones per instance, which would miss it every time.
    rules = limit_rules(limits)
    # Factories: a fresh extension per request; the parser and validation caches are
    # module-level in Strawberry, keyed by maxsize, so they outlive every request.
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=limits.cache_size),
        lambda: ValidationCache(maxsize=limits.cache_size),
        lambda: MaskFaults(should_mask_error=should_mask, error_message=MASKED),
    ]
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=SharedEventExecution,
    )
