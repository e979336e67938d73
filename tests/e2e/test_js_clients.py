"""Apollo Client and urql, the mainstream JavaScript clients, with their defaults plus only what
the README tells a developer to set (schema/possible-types.json, the Authorization header,
graphql-ws's connectionParams): each walks selling to a private buyer with financing over the
documented operations (graphql-examples/), the credit check's result pushed over graphql-ws.

Runs where Node and tests/node/node_modules are, as the graphql-http audit does; skips otherwise.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.client import operation
from tests.e2e.conftest import RunningServer
from tests.e2e.test_graphql_http_audit import NODE_DIR, run_node
from tests.support import answers

SCRIPT = NODE_DIR / "clients.mjs"
POSSIBLE_TYPES = Path(__file__).resolve().parents[2] / "schema" / "possible-types.json"
PACKAGES = ("@apollo/client", "@urql/core", "graphql-ws", "graphql")
# Selling to a private buyer with financing, up to the credit check.
BEFORE: list[tuple[str, dict[str, Any]]] = [
    ("has_buyer", {"has_buyer": True}),
    ("buyer_type", {"buyer_type": "private"}),
    ("private_buyer_details", answers.PRIVATE_BUYER),
    ("financing_needs", {"needs_financing": True}),
]


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("install Node and npm (apt-get install -y nodejs npm), then make test")
    if not all((NODE_DIR / "node_modules" / p).is_dir() for p in PACKAGES):
        pytest.skip("install the clients: ./scripts/install-node-tests.sh (npm ci in tests/node)")
    return found


@pytest.fixture(scope="module")
async def seen(node: str, running: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    plan = {
        "http": f"{running.base_url}/graphql",
        "ws": running.ws_url,
        "possibleTypes": str(POSSIBLE_TYPES),
        "documents": {
            "start": operation("start_workflow"),
            "transition": operation("transition"),
            "session": operation("session"),
            "updates": operation("session_updates"),
        },
        "startVariables": {"input": {"workflowType": "SELLING"}},
        "before": BEFORE,
        "credit": ["credit_check", answers.credit_applicant(answers.APPROVED_SSN)],
        "contact": answers.CONTACT,
        "after": [["replacement_check", {"wants_replacement": False}]],
    }
    path = tmp_path_factory.mktemp("clients") / "plan.json"
    path.write_text(json.dumps(plan))
    return await run_node(node, SCRIPT, str(path))


@pytest.mark.parametrize("client", ["apollo", "urql"])
def test_the_client_walks_the_flow_with_the_pushed_credit_result(seen: Any, client: str) -> None:
    walk = seen[client]
    assert "failed" not in walk, walk.get("failed")
    # Every `... on Step` field arrived (Apollo drops them silently without possibleTypes).
    assert walk["firstStep"]["typename"] == "ChoiceStep"
    assert walk["firstStep"]["stepId"] == "has_buyer"
    assert walk["firstStep"]["id"].endswith(":has_buyer:1:start")
    assert isinstance(walk["token"], str)
    assert len(walk["token"]) >= 32
    assert walk["dropped"] == []
    assert walk["sessionFirst"] == "has_buyer"
    assert walk["steps"] == [
        "buyer_type",
        "private_buyer_details",
        "financing_needs",
        "credit_check",
        "credit_check_pending",
        "replacement_check",
        "selling_complete",
    ]
    assert [u["type"] for u in walk["pushed"]] == ["STEP_CHANGED", "STEP_CHANGED"]
    assert walk["pushed"][1] == {
        "type": "STEP_CHANGED",
        "stepId": "selling_confirmation",
        "credit": "approved",
    }
    assert walk["leadReference"]


def test_apollo_s_cache_keeps_the_token_after_every_later_answer(seen: Any) -> None:
    """The token is in a SessionStart of its own and on the start's own step view: no later
    answer (moves, the session query, the pushed steps) writes over either."""
    kept = seen["apollo"]["tokenKept"]
    assert kept["entity"] == seen["apollo"]["token"], kept
    assert kept["onStartStep"] is True, kept


def test_urql_s_default_cache_answers_the_session_query_afresh(seen: Any) -> None:
    """urql's document cache drops a cached answer when a mutation answers any of its types:
    the session query after the moves shows the current step."""
    assert seen["urql"]["sessionLast"]["stepId"] == "selling_complete"


def test_apollo_s_cache_first_session_query_names_the_view_it_shows(seen: Any) -> None:
    """Apollo's cache-first answers a `session` query it answered before from the cache: no
    answer of a mutation touches a query's cached field, whatever the ids. The view it shows is
    the one first fetched, and its `id` (`<sessionId>:<stepId>:<seq>`) says so; the README
    tells a developer to read `session` with fetchPolicy network-only."""
    last = seen["apollo"]["sessionLast"]
    assert last["stepId"] == "has_buyer"
    assert last["id"].endswith(":has_buyer:1")
