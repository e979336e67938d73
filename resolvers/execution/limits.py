"""The limits a document must keep to: tokens, depth, aliases, selections; and whether the
schema is shown to strangers (introspection, suggestions)."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 2_000
    max_aliases: int = 15
    max_selections: int = 150  # fields, fragments and directives (resolvers/execution/cost.py)
    cache_size: int = 256
    # Off in production: the schema is not served to strangers, nor guessed from suggestions.
    introspection: bool = True
    suggestions: bool = True


LIMITS = Limits()


def limit_rules(limits: Limits) -> tuple[type[ASTValidationRule], ...]:
    """The depth and alias limits as validation rules, beside GraphQL's own. Built once per
    schema: the validation cache is keyed by the rule classes, and the limiters make new ones
    per instance, which would miss it every time."""
    introspection = () if limits.introspection else (NoSchemaIntrospectionCustomRule,)
    return (
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
        *introspection,
    )
