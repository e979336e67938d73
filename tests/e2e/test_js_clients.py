"""Apollo Client and urql, the mainstream JavaScript clients, with their defaults plus only what
the README tells a developer to set (schema/possible-types.json, the Authorization header,
graphql-ws's connectionParams): each walks selling to a private buyer with financing over the
documented operations (graphql-examples/), up to the invitation the seller sends the buyer; then,
as the buyer with a client of their own, opens the invitation's link (the token the sandbox's
communications service delivered) and applies, the credit check's result pushed over graphql-ws.

Runs where Node and tests/node/node_modules are, as the graphql-http audit does; skips otherwise.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.client import operation
from tests.e2e.conftest import RunningServer
from tests.e2e.financing import applicant
from tests.e2e.test_graphql_http_audit import NODE_DIR, run_node
from tests.support import answers

SCRIPT = NODE_DIR / "clients.mjs"
POSSIBLE_TYPES = Path(__file__).resolve().parents[2] / "schema" / "possible-types.json"
PACKAGES = ("@apollo/client", "@urql/core", "graphql-ws", "graphql")


def before(buyer_email: str) -> list[tuple[str, dict[str, Any]]]:
    """Selling to a private buyer with financing, up to the invitation sent to `buyer_email`
    (the seller is then on `selling_confirmation`)."""
    return [
        ("has_buyer", {"has_buyer": True}),
        ("buyer_type", {"buyer_type": "private"}),
        ("private_buyer_details", {**answers.PRIVATE_BUYER, "buyer_email": buyer_email}),
        ("financing_needs", {"needs_financing": True}),
        ("buyer_financing_invite", {"invite_channel": "email", "buyer_email": buyer_email}),
    ]


def new_buyer_email() -> str:
    """An address of this walk alone: the sandbox's messages to it are the invitation's."""
    return f"buyer-{uuid.uuid4().hex[:10]}@example.com"


def of(seen: Any, client: str, who: str) -> Any:
    """What `client` saw of the seller's or the buyer's session."""
    return seen[client] if who == "seller" else seen[client]["buyer"]


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
        "before": {client: before(new_buyer_email()) for client in ("apollo", "urql")},
        "contact": answers.CONTACT,
        "after": [["replacement_check", {"wants_replacement": False}]],
        "messages": f"{running.base_url}/sandbox/communications/messages",
        "buyerBefore": [["financing_intro", {"continue": True}]],
        "credit": ["credit_check", applicant(answers.APPROVED_SSN)],
        "share": {"share_with_seller": "outcome_only"},
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
        "buyer_financing_invite",
        "selling_confirmation",
        "replacement_check",
        "selling_complete",
    ]
    assert walk["leadReference"]

    # The buyer, with a client of their own, from the link the seller's invitation sent.
    buyer = walk["buyer"]
    assert buyer["firstStep"]["typename"] == "FinancingIntroStep"
    assert buyer["firstStep"]["stepId"] == "financing_intro"
    assert buyer["firstStep"]["workflow"] == "buyer_financing"
    assert buyer["firstStep"]["id"].endswith(":financing_intro:1:start")
    assert isinstance(buyer["token"], str)
    assert len(buyer["token"]) >= 32
    assert buyer["token"] != walk["token"]
    assert buyer["dropped"] == []
    assert buyer["sessionFirst"] == "financing_intro"
    assert buyer["steps"] == ["credit_check", "credit_check_pending", "financing_complete"]
    assert [u["type"] for u in buyer["pushed"]] == ["STEP_CHANGED", "STEP_CHANGED"]
    first_seq = buyer["afterSeq"] + 1  # what came after the credit check's own step
    assert [u["seq"] for u in buyer["pushed"]] == [first_seq, first_seq + 1]
    assert buyer["pushed"][1] == {
        "type": "STEP_CHANGED",
        "seq": first_seq + 1,
        "stepId": "financing_result",
        "outcome": "approved",
    }


@pytest.mark.parametrize("who", ["seller", "buyer"])
def test_apollo_s_cache_keeps_the_token_after_every_later_answer(seen: Any, who: str) -> None:
    """The token is in a SessionStart of its own and on the start's own step view: no later
    answer (moves, the session query, and in the buyer's session the pushed steps) writes over
    either."""
    walk = of(seen, "apollo", who)
    kept = walk["tokenKept"]
    assert kept["entity"] == walk["token"], kept
    assert kept["onStartStep"] is True, kept


# Each session's first and last step: what a fresh `session` query shows at the start and the end.
ENDS = {
    "seller": ("has_buyer", "selling_complete"),
    "buyer": ("financing_intro", "financing_complete"),
}


@pytest.mark.parametrize("who", ["seller", "buyer"])
def test_urql_s_default_cache_answers_the_session_query_afresh(seen: Any, who: str) -> None:
    """urql's document cache drops a cached answer when a mutation answers any of its types:
    the session query after the moves (and, in the buyer's, the pushed steps) shows the current
    step."""
    assert of(seen, "urql", who)["sessionLast"]["stepId"] == ENDS[who][1]


@pytest.mark.parametrize("who", ["seller", "buyer"])
def test_apollo_s_cache_first_session_query_names_the_view_it_shows(seen: Any, who: str) -> None:
    """Apollo's cache-first answers a `session` query it answered before from the cache: no
    answer of a mutation touches a query's cached field, whatever the ids. The view it shows is
    the one first fetched, and its `id` (`<sessionId>:<stepId>:<seq>`) says so; the README
    tells a developer to read `session` with fetchPolicy network-only."""
    first = ENDS[who][0]
    last = of(seen, "apollo", who)["sessionLast"]
    assert last["stepId"] == first
    assert last["id"].endswith(f":{first}:1")
