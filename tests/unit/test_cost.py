"""The cost cap's count: what it counts, that it stops, and what a refusal remembers."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse

from resolvers.execution.cost import QUERY_TOO_COMPLEX, CostCap, selections

EXAMPLES = Path(__file__).resolve().parents[2] / "graphql-examples"


def test_fields_fragments_spreads_and_directives_count_as_written() -> None:
    document = parse(
        "query Q($a: Int @x) @y { a b @include(if: true) { c ...F ... on T { d } } }"
        " fragment F on T @z { e }"
    )
    # a b c ...F ...on d e = 7, directives @x @y @include @z = 4
    assert selections(document, 1000) == 11


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.graphql")), ids=lambda p: p.stem)
def test_every_documented_operation_is_within_the_default_cap(path: Path) -> None:
    assert selections(parse(path.read_text()), 250) <= 225


def _with_typenames(text: str) -> str:
    """`text` as Apollo Client and urql send it: `__typename` added to every selection set."""
    from graphql import FieldNode, NameNode, SelectionSetNode, Visitor, print_ast, visit

    class AddTypename(Visitor):
        def enter_selection_set(self, node: SelectionSetNode, *_: object) -> SelectionSetNode:
            names = [s.name.value for s in node.selections if isinstance(s, FieldNode)]
            if "__typename" in names:
                return node
            typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
            return SelectionSetNode(selections=(*node.selections, typename))

    return print_ast(visit(parse(text), AddTypename()))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.graphql")), ids=lambda p: p.stem)
def test_the_typename_a_client_adds_to_each_selection_set_is_free(path: Path) -> None:
    written = selections(parse(path.read_text()), 150)
    sent = _with_typenames(path.read_text())
    assert sent.count("__typename") > path.read_text().count("__typename") + 3
    assert selections(parse(sent), 150) == written


def test_only_one_plain_typename_per_selection_set_is_free() -> None:
    assert selections(parse("{ __typename a { __typename b } }"), 100) == 2
    assert selections(parse("{ __typename __typename t: __typename }"), 100) == 2
    assert selections(parse("{ __typename @skip(if: true) }"), 100) == 2


def test_counting_stops_past_the_limit_and_goes_as_deep_as_the_parser() -> None:
    wide = parse("{ " + " ".join(["__typename"] * 1980) + " }")
    assert selections(wide, 150) == 151
    deep = parse("{ a " * 190 + "}" * 190, max_tokens=2000)  # graphql-core stops at 200
    assert selections(deep, 10_000) == 190


def test_a_refusal_names_the_limit_and_is_remembered_with_its_operations() -> None:
    cap = CostCap(3)
    query = "mutation Big { a b c d }"
    assert cap.refused(query) is None
    error = cap.check(query, parse(query))
    assert isinstance(error, GraphQLError)
    assert error.extensions == {"code": QUERY_TOO_COMPLEX, "limit": 3}
    assert "the limit is 3" in error.message
    remembered = cap.refused(query)
    assert remembered is not None
    stand_in, again = remembered
    (operation,) = stand_in.definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert operation.operation is OperationType.MUTATION
    assert operation.name is not None
    assert operation.name.value == "Big"
    assert again is not error  # a fresh error each time
    assert cap.check("{ a }", parse("{ a }")) is None
    assert cap.refused("{ a }") is None


def test_the_memory_of_refusals_is_bounded() -> None:
    cap = CostCap(0, remembered=2)
    for name in ("a", "b", "c"):
        cap.check(f"{{ {name} }}", parse(f"{{ {name} }}"))
    assert cap.refused("{ a }") is None
    assert cap.refused("{ c }") is not None
