"""The architecture document's REST contract, over the same service as GraphQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from app.web.openapi import openapi_document
from tests.e2e.client import Api
from tests.support import answers

COMMITTED = Path(__file__).resolve().parents[2] / "schema" / "openapi.json"


async def _post(api: Api, path: str, body: object, token: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await api.http.post(f"/api/workflow/{path}", json=body, headers=headers)


async def test_a_buying_flow_walks_to_its_end_over_rest(api: Api) -> None:
    started = (await _post(api, "start", {"workflowType": "buying"})).json()
    session, token = started["sessionId"], started["sessionToken"]
    assert started["stepId"] == "vehicle_knowledge"
    step: dict[str, Any] = started
    for data in ({"knows_vehicle": True}, answers.SEARCH, None, {"confirm": True}, answers.CONTACT):
        if data is None:
            data = {"vehicle_id": step["data"]["vehicles"][0]["id"]}
        body = {"sessionId": session, "currentStep": step["stepId"], "data": data}
        response = await _post(api, "transition", body, token)
        assert response.status_code == 200, response.text
        step = response.json()
        assert step["sessionToken"] is None
    assert step["stepId"] == "buying_complete"
    assert step["data"]["lead_reference"].startswith("TRX-")
    assert step["navigationOptions"]["canGoBack"] is False


async def test_errors_have_the_documented_shapes(api: Api) -> None:
    started = (await _post(api, "start", {})).json()
    session, token = started["sessionId"], started["sessionToken"]
    invalid = await _post(
        api,
        "transition",
        {"sessionId": session, "currentStep": "intent_selection", "data": {"intent": "renting"}},
        token,
    )
    assert invalid.status_code == 400
    assert invalid.json()["field"] == "intent"
    assert invalid.json()["code"] == "enum"
    stale = await _post(api, "back", {"sessionId": session, "currentStep": "has_buyer"}, token)
    assert stale.status_code == 409
    assert stale.json()["expectedStep"] == "intent_selection"
    unknown = await _post(api, "back", {"sessionId": session, "currentStep": "x"}, "wrong")
    assert unknown.status_code == 404
    refused = await _post(
        api, "back", {"sessionId": session, "currentStep": "intent_selection"}, token
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "cannot_go_back"
    for bad in (b"not json", b"[1]", b'{"sessionId": 5}'):
        response = await api.http.post(
            "/api/workflow/transition", content=bad, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "bad_request"


async def test_the_openapi_document_is_served_and_committed(api: Api) -> None:
    served = (await api.http.get("/api/openapi.json")).json()
    assert served == openapi_document()
    assert json.loads(COMMITTED.read_text()) == served, "run: make openapi, and review the diff"


async def test_an_id_no_database_would_store_reads_as_unknown(api: Api) -> None:
    """Found by schemathesis on PostgreSQL: a NUL in an id made the driver fail with a 500."""
    for odd in ("\x00", "a\x00b", "\U0001f600", "x" * 200):
        response = await _post(api, "back", {"sessionId": odd, "currentStep": "x"}, "token")
        assert response.status_code == 404, (odd, response.text)


async def test_start_reads_its_body_as_its_schema_says(api: Api) -> None:
    """`context: null` is no context, as over GraphQL; an unknown property is refused by name."""
    started = await _post(api, "start", {"workflowType": None, "context": None})
    assert started.status_code == 200, started.text
    assert started.json()["stepId"] == "intent_selection"
    for body, field in (
        ({"workflow_type": "buying"}, "workflow_type"),
        ({"context": [1]}, "context"),
        ({"workflowType": "renting"}, "workflowType"),
    ):
        refused = await _post(api, "start", body)
        assert refused.status_code == 400, refused.text
        assert refused.json()["field"] == field, refused.text
    session = started.json()
    unknown = await _post(
        api,
        "back",
        {"sessionId": session["sessionId"], "currentStep": "intent_selection", "extra": 1},
        session["sessionToken"],
    )
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "extra"
