"""Every type, field, argument and enum value of the GraphQL schema says what it is (GraphiQL's
docs and hover show them), read from the schema as introspection gives it."""

from __future__ import annotations

from typing import Any

from graphql import get_introspection_query, graphql_sync

from resolvers.execution.internals import core_schema
from resolvers.root import build_schema
from schema.common import SessionStatusEnum
from workflows.model import SessionStatus


def _introspected() -> list[dict[str, Any]]:
    result = graphql_sync(core_schema(build_schema()), get_introspection_query(descriptions=True))
    assert result.errors is None
    assert result.data is not None
    types: list[dict[str, Any]] = result.data["__schema"]["types"]
    return [t for t in types if not t["name"].startswith("__")]


def undescribed(types: list[dict[str, Any]]) -> list[str]:
    """`Type`, `Type.field`, `Type.field(arg)` and `Enum.VALUE` without a description."""
    missing: list[str] = []

    def check(item: dict[str, Any], name: str) -> None:
        if not (item.get("description") or "").strip():
            missing.append(name)

    for kind in types:
        name = kind["name"]
        check(kind, name)
        for field in (kind.get("fields") or []) + (kind.get("inputFields") or []):
            check(field, f"{name}.{field['name']}")
            for arg in field.get("args") or []:
                check(arg, f"{name}.{field['name']}({arg['name']})")
        for value in kind.get("enumValues") or []:
            check(value, f"{name}.{value['name']}")
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    types = _introspected()
    assert len(types) > 40  # the whole schema, not an empty answer
    missing = undescribed(types)
    assert missing == [], f"{len(missing)} without a description: {', '.join(missing)}"


def test_the_count_names_what_is_missing() -> None:
    types: list[dict[str, Any]] = [
        {
            "name": "Thing",
            "description": "A thing.",
            "fields": [
                {"name": "a", "description": "", "args": [{"name": "x", "description": None}]}
            ],
            "inputFields": None,
            "enumValues": None,
        },
        {"name": "Kind", "description": None, "enumValues": [{"name": "ONE"}]},
    ]
    assert undescribed(types) == ["Thing.a", "Thing.a(x)", "Kind", "Kind.ONE"]


def test_the_session_status_enum_mirrors_the_domain_one() -> None:
    assert [m.name for m in SessionStatusEnum] == [m.name for m in SessionStatus]
    assert all(SessionStatusEnum(status.value).name == status.name for status in SessionStatus)
