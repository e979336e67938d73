"""The parser and validation caches hit for a repeated operation (measured: validation was half
of a server's CPU while they missed)."""

from __future__ import annotations

from functools import _lru_cache_wrapper
from typing import cast

from strawberry.extensions.validation_cache import _get_validate_cache

from resolvers.root import Limits
from tests.e2e.client import Api, operation


async def test_a_repeated_operation_is_validated_once(api: Api) -> None:
    cache = cast("_lru_cache_wrapper[object]", _get_validate_cache(Limits().cache_size))
    query = operation("workflow_definition")
    await api.execute(query, {"name": "trex"})
    before = cache.cache_info()
    for _ in range(5):
        await api.execute(query, {"name": "trex"})
    after = cache.cache_info()
    assert after.hits - before.hits == 5
    assert after.misses == before.misses
