"""`possibleTypes` for normalised client caches (Apollo Client's InMemoryCache, urql's
Graphcache): every interface and union with the types that can stand for it, read from the
schema by introspection, as Apollo's documentation generates it. Committed as
schema/possible-types.json (`make schema`); a test keeps it in step with the schema.

    .venv/bin/python -m resolvers.possible_types > schema/possible-types.json
"""

from __future__ import annotations

import json
import sys
from typing import Any, cast

from graphql import GraphQLSchema, build_schema, introspection_from_schema


def possible_types(schema: GraphQLSchema) -> dict[str, list[str]]:
    """Each abstract type's possible types, by name, sorted."""
    types = cast(list[dict[str, Any]], introspection_from_schema(schema)["__schema"]["types"])
    return {
        kind["name"]: sorted(member["name"] for member in kind["possibleTypes"])
        for kind in sorted(types, key=lambda t: t["name"])
        if kind.get("possibleTypes")
    }


def exported() -> str:
    """The committed file's text: the schema as exported (its SDL), introspected."""
    from resolvers.root import build_schema as build_trex

    return json.dumps(possible_types(build_schema(build_trex().as_str())), indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(exported())
