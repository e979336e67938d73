"""The schema: root types and the protective extensions, built once per app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from resolvers.mutations import Mutation
from resolvers.queries import Query
from resolvers.subscriptions import Subscription
from schema.errors import should_mask


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 2_000
    max_aliases: int = 15
    cache_size: int = 256


def build_schema(limits: Limits = Limits()) -> strawberry.Schema:
    extensions: list[Any] = [
        MaxTokensLimiter(max_token_count=limits.max_tokens),
        MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        QueryDepthLimiter(max_depth=limits.max_depth),
        ParserCache(maxsize=limits.cache_size),
        ValidationCache(maxsize=limits.cache_size),
        MaskErrors(should_mask_error=should_mask, error_message="Internal error."),
    ]
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Instances, not classes: the parser and validation caches must outlive a request.
        extensions=extensions,
    )
