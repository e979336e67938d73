"""The schema: root types and the protective extensions, built once per app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache
from strawberry.schema.config import StrawberryConfig

from resolvers.cost import cost_cap
from resolvers.error_log import QuietSchema
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
    max_selections: int = 150  # fields, fragments and directives (resolvers/cost.py)
    cache_size: int = 256
    # Off in production: the schema is not served to strangers, nor guessed from suggestions.
    introspection: bool = True
    suggestions: bool = True


LIMITS = Limits()
MASKED = "Internal error."


class Guard(MaskErrors):
    """Every protection of the schema in one extension: the token limit, the depth and alias
    rules, parsing and validation cached, faults masked.

    Strawberry runs each extension's hooks around every phase of every request and around
    every result of every subscription, so five extensions cost five times the hooks (and the
    memory, for each open subscription); one does the same work once. The caches are
    Strawberry's own, module-level and keyed by size, so they outlive every request."""

    def __init__(self, limits: Limits, rules: tuple[type[ASTValidationRule], ...]) -> None:
        super().__init__(should_mask_error=should_mask, error_message=MASKED)
        self._max_tokens = limits.max_tokens
        self._suggestions = limits.suggestions
        self._rules = rules
        self._cap = cost_cap(limits.max_selections)
        self._parse = _get_parse_cache(limits.cache_size)
        self._validate = _get_validate_cache(limits.cache_size)

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self._max_tokens
        context.validation_rules = context.validation_rules + self._rules
        yield from super().on_operation()

    def on_parse(self) -> Iterator[None]:
        """Parsed, and refused here when over the cost cap: validation never sees it."""
        context = self.execution_context
        query = context.query or ""
        remembered = self._cap.refused(query)
        refused: GraphQLError | None
        if remembered is not None:
            context.graphql_document, refused = remembered
        else:
            context.graphql_document = self._parse(query, **context.parse_options)
            refused = self._cap.check(query, context.graphql_document)
        if refused is not None:  # the request's answer; on_validate leaves it so
            context.pre_execution_errors = [refused]
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None:
            context.pre_execution_errors = self._validate(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
        yield

    def _process_result(self, result: object) -> None:
        """Cheaper than MaskErrors' check, which asks a runtime-checkable Protocol for every
        result of every subscriber (7% of a fan-out's CPU)."""
        errors = getattr(result, "errors", None)
        if errors:
            if not self._suggestions:
                for error in errors:
                    error.message = without_suggestion(error.message)
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def without_suggestion(message: str) -> str:
    """graphql-core's "Did you mean …?" taken off a message (it names fields and values)."""
    return message.split(" Did you mean ", 1)[0]


def limit_rules(limits: Limits) -> list[type[ASTValidationRule]]:
    """The depth and alias limits as validation rules, beside GraphQL's own."""
    introspection = [] if limits.introspection else [NoSchemaIntrospectionCustomRule]
    return [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
        *introspection,
    ]


def build_schema(limits: Limits = LIMITS) -> strawberry.Schema:
    # The depth and alias rules are built once: the validation cache is keyed by the rule
    # classes, and the limiters make new ones per instance, which would miss it every time.
    rules = tuple(limit_rules(limits))
    # A factory: a fresh extension per request (it holds the request's execution context).
    extensions: list[Callable[[], SchemaExtension]] = [lambda: Guard(limits, rules)]
    return QuietSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=SharedEventExecution,
        config=StrawberryConfig(disable_field_suggestions=not limits.suggestions),
    )
