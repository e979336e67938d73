"""The cost cap: a document with more selections and directives than the cap is refused before
GraphQL's validation runs, and refused again without being parsed.

Validation is what makes a document expensive: graphql-core's OverlappingFieldsCanBeMerged
compares the fields of a selection set pairwise, so a 22 KB query of one field repeated, inside
the token limit, costs over 100 ms of CPU for every distinct copy (a space more makes a new
one, past every cache). Parsing is linear and bounded by the token limit; counting is linear in
what it counts and stops at the cap. The document is counted as written: spreading a fragment
again costs validation little (it compares each fragment's fields once per selection set, by
name) and execution merges what a fragment repeats.

A refusal is remembered by the document's digest (a bounded LRU of the schema's execution
policy, shared by every request of both execution paths), so the same document sent again
costs a hash and a dictionary lookup (parsing the 22 KB query alone takes 18 ms).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from functools import lru_cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    parse,
)

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
REMEMBERED = 1024
STAND_INS = 64


class CostCap:
    def __init__(self, max_selections: int, remembered: int = REMEMBERED) -> None:
        self.max_selections = max_selections
        self._remembered = remembered
        # What the refused documents asked for: their operations' types and names.
        self._refused: OrderedDict[bytes, str] = OrderedDict()
        self._stand_in = lru_cache(maxsize=STAND_INS)(_stand_in)

    def refused(self, query: str) -> tuple[DocumentNode, GraphQLError] | None:
        """For a document refused before, without parsing it: a stand-in with the same
        operations (types and names, which the layers around ask for) and the refusal."""
        operations = self._refused.get(_digest(query))
        if operations is None:
            return None
        return self._stand_in(operations), self._refusal()

    def check(self, query: str, document: DocumentNode) -> GraphQLError | None:
        """The refusal of `document` (the parse of `query`) when it is over the cap."""
        counted = selections(document, self.max_selections)
        if counted <= self.max_selections:
            return None
        self._refused[_digest(query)] = " ".join(
            f"{d.operation.value} {d.name.value if d.name else ''} {{ __typename }}"
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        )
        if len(self._refused) > self._remembered:
            self._refused.popitem(last=False)
        return self._refusal()

    def _refusal(self) -> GraphQLError:
        """A new error each time: the layers above may annotate the one they are given."""
        return GraphQLError(
            f"Query too complex: more than {self.max_selections} selections and directives "
            f"(fields, fragments, directives); the limit is {self.max_selections}.",
            extensions={"code": QUERY_TOO_COMPLEX, "limit": self.max_selections},
        )


def _stand_in(operations: str) -> DocumentNode:
    """Never validated nor executed: the refusal is the request's only answer."""
    return parse(operations or "{ __typename }", no_location=True)


def selections(document: DocumentNode, limit: int) -> int:
    """Fields, inline fragments, fragment spreads and directives of `document` as written;
    counting stops once past `limit`. One plain `__typename` per selection set is free: Apollo
    Client and urql add it to every selection set of every document they send."""
    count = 0
    pending: list[SelectionNode] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            count += sum(len(v.directives or ()) for v in definition.variable_definitions or ())
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            count += len(definition.directives or ())
            pending.extend(_counted(definition.selection_set.selections))
    # Each step counts one at least, so the work stops with the count.
    while pending and count <= limit:
        node = pending.pop()
        count += 1 + len(node.directives or ())
        if isinstance(node, FieldNode | InlineFragmentNode) and node.selection_set is not None:
            pending.extend(_counted(node.selection_set.selections))
    return count


def _counted(nodes: tuple[SelectionNode, ...]) -> list[SelectionNode]:
    """A selection set's selections but its first plain `__typename` (no alias, no
    directive): at most one skipped per selection set, each of which is counted."""
    for index, node in enumerate(nodes):
        if (
            isinstance(node, FieldNode)
            and node.name.value == "__typename"
            and node.alias is None
            and not node.directives
        ):
            return [*nodes[:index], *nodes[index + 1 :]]
    return list(nodes)


def _digest(query: str) -> bytes:
    return hashlib.blake2b(query.encode(), digest_size=16).digest()
