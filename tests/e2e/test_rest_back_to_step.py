"""`POST /api/workflow/back` with `toStep`: the REST mirror of GraphQL's back to an earlier step,
with the REST contract's statuses (422 for a refusal, 409 stale, 400 for a body off its schema)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.client import Api
from tests.support import answers

Json = dict[str, Any]


async def _post(api: Api, path: str, body: object, token: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"}
    return await api.http.post(f"/api/workflow/{path}", json=body, headers=headers)


async def _at_summary(api: Api) -> tuple[str, str, Json]:
    started = (await api.http.post("/api/workflow/start", json={"workflowType": "buying"})).json()
    session, token = started["sessionId"], started["sessionToken"]
    step: Json = started
    for data in ({"knows_vehicle": True}, answers.SEARCH, None, {"confirm": True}):
        if data is None:
            data = {"vehicle_id": step["data"]["vehicles"][0]["id"]}
        body = {"sessionId": session, "currentStep": step["stepId"], "data": data}
        response = await _post(api, "transition", body, token)
        assert response.status_code == 200, response.text
        step = response.json()
    assert step["stepId"] == "buying_confirmation"
    return session, token, step


async def test_to_step_goes_back_to_an_earlier_step_over_rest(api: Api) -> None:
    session, token, step = await _at_summary(api)
    body = {"sessionId": session, "currentStep": step["stepId"], "toStep": "vehicle_search"}
    response = await _post(api, "back", body, token)
    assert response.status_code == 200, response.text
    back = response.json()
    assert back["stepId"] == "vehicle_search"
    assert {k: back["values"][k] for k in answers.SEARCH} == answers.SEARCH
    assert back["navigationOptions"]["progress"]["steps_done"] == 1

    # null is the previous step; a stale currentStep is 409 whatever toStep says.
    body = {"sessionId": session, "currentStep": "vehicle_search", "toStep": None}
    response = await _post(api, "back", body, token)
    assert (response.status_code, response.json()["stepId"]) == (200, "vehicle_knowledge")
    body = {"sessionId": session, "currentStep": "buying_confirmation", "toStep": "x"}
    response = await _post(api, "back", body, token)
    assert response.status_code == 409
    assert response.json()["expectedStep"] == "vehicle_knowledge"


async def test_a_to_step_off_the_path_is_422_and_one_off_the_schema_400(api: Api) -> None:
    session, token, step = await _at_summary(api)
    for to_step in ("carin_questions", "buying_confirmation", "buying_complete", "nope"):
        body = {"sessionId": session, "currentStep": step["stepId"], "toStep": to_step}
        response = await _post(api, "back", body, token)
        assert response.status_code == 422, response.text
        refused = response.json()
        assert refused["code"] == "not_on_path"
        assert refused["step"]["stepId"] == "buying_confirmation"
    for bad in ("", "x" * 201, 5, ["vehicle_search"], {"step": "vehicle_search"}):
        body = {"sessionId": session, "currentStep": step["stepId"], "toStep": bad}
        response = await _post(api, "back", body, token)
        assert response.status_code == 400, response.text
        assert (response.json()["field"], response.json()["code"]) == ("toStep", "bad_request")
