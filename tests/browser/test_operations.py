"""The GraphQL documents of microfrontend/module/operations.js: valid against the committed
schema, selecting every member of the WorkflowResult union, as graphql-examples/ do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLInterfaceType, GraphQLUnionType, build_schema, parse, validate

from app.web.frontend import MODULE

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
SCHEMA = build_schema(SCHEMA_FILE.read_text())
TEMPLATE = re.compile(r"^(export )?const (\w+) = `(.*?)`;", re.S | re.M)
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def documents() -> dict[str, str]:
    """The exported documents, with their ${FRAGMENT} placeholders filled in."""
    source = (MODULE / "operations.js").read_text()
    texts = {name: text for _, name, text in TEMPLATE.findall(source)}
    exported = {name for export, name, _ in TEMPLATE.findall(source) if export}

    def filled(text: str) -> str:
        return PLACEHOLDER.sub(lambda found: filled(texts[found.group(1)]), text)

    return {name: filled(texts[name]) for name in sorted(exported)}


@pytest.mark.parametrize("name", documents())
def test_each_document_is_valid_against_the_schema(name: str) -> None:
    assert validate(SCHEMA, parse(documents()[name])) == []


def test_every_union_member_is_selected() -> None:
    union = SCHEMA.type_map["WorkflowResult"]
    assert isinstance(union, GraphQLUnionType)
    selected = set(re.findall(r"\.\.\. on (\w+)", documents()["TRANSITION"]))
    step = SCHEMA.type_map["Step"]
    assert isinstance(step, GraphQLInterfaceType)
    steps = [member for member in union.types if step in member.interfaces]
    for member in steps:
        own = set(member.fields) - set(step.fields)
        # A step type with fields of its own needs its fragment; one without needs none.
        assert not own or member.name in selected, f"{member.name}: {own} not asked for"
    errors = {member.name for member in union.types} - {member.name for member in steps}
    assert errors <= selected
