"""The committed schema/schema.graphql is the contract: it must match the code."""

from __future__ import annotations

from pathlib import Path

from resolvers.root import build_schema

COMMITTED = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    exported = build_schema().as_str() + "\n"
    assert COMMITTED.read_text() == exported, (
        "schema/schema.graphql drifted from the code: run `make schema` and review the diff"
    )


def test_every_component_has_a_union_member() -> None:
    from schema.steps import STEP_TYPES
    from workflows.model import Component

    assert set(STEP_TYPES) == set(Component)
    sdl = COMMITTED.read_text()
    union = sdl[sdl.index("union WorkflowResult") :].split("\n\n")[0]
    for step_type in STEP_TYPES.values():
        assert step_type.__name__ in union
    for member in ("ValidationFailed", "StaleStep", "SessionNotFound", "TransitionRejected"):
        assert member in union


def test_committed_possible_types_match_the_schema() -> None:
    """schema/possible-types.json, what Apollo's and urql's caches are given: every member of
    every union and interface (without it Apollo drops each `... on Step` field silently)."""
    import json

    from resolvers.possible_types import exported

    committed = COMMITTED.with_name("possible-types.json").read_text()
    assert committed == exported(), (
        "schema/possible-types.json drifted from the code: run `make schema` and review it"
    )
    types = json.loads(committed)
    from schema.steps import STEP_TYPES

    assert types["Step"] == sorted(t.__name__ for t in STEP_TYPES.values())
    assert set(types["Step"]) < set(types["WorkflowResult"])
