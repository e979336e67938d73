"""docs/API.md says only what schema/schema.graphql has: each SDL excerpt's types, fields (with
their arguments and types) and members are in the schema, and every GraphQL name it writes in
backticks is one of the schema's, but for a short list of other words and what is planned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    EnumTypeDefinitionNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    Node,
    ObjectTypeDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_schema,
    parse,
    print_ast,
)

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "docs" / "API.md"
SCHEMA = build_schema((ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8"))
BLOCK = re.compile(r"```graphql\n(.*?)```", re.DOTALL)
# A GraphQL-looking name in backticks: camelCase, PascalCase or one lowercase word, alone,
# called (`name(...)`) or given a value (`name: …`).
NAME = re.compile(r"`([A-Za-z][A-Za-z0-9]*)(?:\([^`]*\)|: [^`]*)?`")
# Words in backticks that are not the schema's: the REST contract's response, the HTTP header,
# the response key of GraphQL errors, the websocket protocol's message type.
OTHER_WORDS = {"WorkflowStepResponse", "Authorization", "extensions", "error"}
# Named as planned, and so not in the schema yet (when one lands, the document says it is built).
PLANNED: set[str] = set()


def _sdl_names(schema: GraphQLSchema) -> set[str]:
    names: set[str] = set()
    for name, kind in schema.type_map.items():
        names.add(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                names.add(field_name)
                names.update(field.args)
        elif isinstance(kind, GraphQLInputObjectType):
            names.update(kind.fields)
        elif isinstance(kind, GraphQLEnumType):
            names.update(kind.values)
    return names


def excerpts() -> list[DocumentNode]:
    return [parse(block) for block in BLOCK.findall(API.read_text(encoding="utf-8"))]


def _type_text(node: Node) -> str:
    return print_ast(node)


def excerpt_faults(document: DocumentNode, schema: GraphQLSchema) -> list[str]:
    """What an SDL excerpt shows that the schema does not have, each as one line."""
    faults: list[str] = []
    for node in document.definitions:
        assert isinstance(node, TypeDefinitionNode), "an excerpt holds type definitions"
        name = node.name.value
        actual = schema.type_map.get(name)
        if actual is None:
            faults.append(f"no type {name}")
            continue
        if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            assert isinstance(actual, GraphQLObjectType | GraphQLInterfaceType), name
            for spec in node.fields or ():
                field = actual.fields.get(spec.name.value)
                where = f"{name}.{spec.name.value}"
                if field is None:
                    faults.append(f"no field {where}")
                    continue
                if _type_text(spec.type) != str(field.type):
                    faults.append(f"{where}: {_type_text(spec.type)}, not {field.type}")
                for arg in spec.arguments or ():
                    real = field.args.get(arg.name.value)
                    if real is None or _type_text(arg.type) != str(real.type):
                        faults.append(f"{where}({arg.name.value}: {_type_text(arg.type)})")
            for interface in node.interfaces or ():
                if interface.name.value not in {i.name for i in actual.interfaces}:
                    faults.append(f"{name} does not implement {interface.name.value}")
        elif isinstance(node, InputObjectTypeDefinitionNode):
            assert isinstance(actual, GraphQLInputObjectType), name
            for item in node.fields or ():
                real = actual.fields.get(item.name.value)
                if real is None or _type_text(item.type) != str(real.type):
                    faults.append(f"{name}.{item.name.value}: {_type_text(item.type)}")
        elif isinstance(node, UnionTypeDefinitionNode):
            assert isinstance(actual, GraphQLUnionType), name
            shown = {member.name.value for member in node.types or ()}
            if shown != {member.name for member in actual.types}:
                faults.append(f"union {name} has other members")
        elif isinstance(node, EnumTypeDefinitionNode):
            assert isinstance(actual, GraphQLEnumType), name
            shown = {value.name.value for value in node.values or ()}
            if shown != set(actual.values):
                faults.append(f"enum {name} has other values")
    return faults


def test_the_document_names_the_schema_file_as_the_reference() -> None:
    assert "The reference is the committed" in API.read_text(encoding="utf-8")


@pytest.mark.parametrize("index", range(len(excerpts())))
def test_each_excerpt_is_what_the_schema_has(index: int) -> None:
    assert excerpt_faults(excerpts()[index], SCHEMA) == []


def test_the_excerpts_show_every_operation_of_the_schema() -> None:
    shown = {
        f"{node.name.value}.{field.name.value}"
        for document in excerpts()
        for node in document.definitions
        if isinstance(node, ObjectTypeDefinitionNode)
        and node.name.value in {"Query", "Mutation", "Subscription"}
        for field in node.fields or ()
    }
    roots = (SCHEMA.query_type, SCHEMA.mutation_type, SCHEMA.subscription_type)
    operations = {f"{root.name}.{name}" for root in roots if root for name in root.fields}

    assert sorted(operations - shown) == []


def test_every_graphql_name_in_backticks_is_the_schemas() -> None:
    written = set(NAME.findall(API.read_text(encoding="utf-8")))
    known = _sdl_names(SCHEMA)

    assert len(written) > 20
    assert sorted(written - known - OTHER_WORDS - PLANNED) == []


def test_what_is_planned_is_not_in_the_schema_yet() -> None:
    assert PLANNED & _sdl_names(SCHEMA) == set()


def test_the_checks_catch_a_wrong_type_a_missing_field_and_a_missing_member() -> None:
    wrong = parse(
        "type Mutation { back(input: TransitionInput!): WorkflowResult! }\n"
        "type Progress { stepsDone: Int  percent: Int! }\n"
        "union WorkflowResult = ChoiceStep | StaleStep\n"
        "type DealerOfferStep { stepId: String! }"
    )

    assert excerpt_faults(wrong, SCHEMA) == [
        "Mutation.back(input: TransitionInput!)",
        "Progress.stepsDone: Int, not Int!",
        "no field Progress.percent",
        "union WorkflowResult has other members",
        "no type DealerOfferStep",
    ]
