"""Back to an earlier step of the path (FLOWS.md, "Back navigation": `toStep`, the "Change" links
of a summary) over GraphQL: the step with its answers prefilled; a changed answer that sends the
session another way drops the answers of the steps it no longer reaches and keeps the others; the
same limits as back (a commit, a pending step), and every other `toStep` refused as a union
member, never an error."""

from __future__ import annotations

from typing import Any

from app.services.site_variants import configure
from tests.e2e.client import Api, Flow, operation
from tests.e2e.conftest import RunningServer
from tests.e2e.walk import snapshot, walk_to
from tests.support.answers import (
    APPROVED_SSN,
    CARIN,
    CONTACT,
    PRIVATE_BUYER,
    SEARCH,
    credit_applicant,
)
from workflows import registry

Json = dict[str, Any]
ORIGIN = "https://back.example"
START_IN = """mutation Start($input: StartWorkflowInput!) { startWorkflow(input: $input) {
  ... on Step { stepId session { id version } started { token } } } }"""


async def back_to(flow: Flow, to_step: str | None, current: str | None = None) -> Json:
    """`back` with `toStep`, as the documented operation sends it."""
    variables = {
        "input": {
            "sessionId": flow.session_id,
            "currentStep": current or flow.step_id,
            "toStep": to_step,
        }
    }
    result: Json = (await flow.api.execute(operation("back"), variables, flow.token))["back"]
    if result["__typename"] not in ("TransitionRejected", "StaleStep", "SessionNotFound"):
        flow.step = result
    return result


def chosen(step: Json) -> Json:
    return {"vehicle_id": step["vehicles"][0]["id"]}


async def at_summary(api: Api) -> Flow:
    """intent → vehicle_knowledge → vehicle_search → results → selection → buying_confirmation."""
    flow = await walk_to(api, "buying_confirmation")
    assert flow.seen == [
        "intent_selection",
        "vehicle_knowledge",
        "vehicle_search",
        "search_results",
        "vehicle_selection",
        "buying_confirmation",
    ]
    assert flow.step["values"]["zip"] == SEARCH["zip"]  # prefilled from the search
    return flow


def without_defaults(values: Json) -> Json:
    """A step's values less what its form shows before anything is answered."""
    return {name: value for name, value in values.items() if value not in ("any", None)}


async def test_change_a_search_criterion_keeps_every_later_answer(api: Api) -> None:
    flow = await at_summary(api)
    vehicle = flow.step["summary"]["vehicle"]

    result = await back_to(flow, "vehicle_search")
    assert result["stepId"] == "vehicle_search", result
    assert without_defaults(result["values"]) == SEARCH
    assert result["navigation"]["progress"]["stepsDone"] == 2
    assert result["navigation"]["canGoBack"] is True
    reloaded = await flow.reload()
    assert snapshot(reloaded) == snapshot(result), "the jump was not persisted"

    # Another make leaves the route as it was: nothing is dropped, the visitor walks forward
    # with every later answer prefilled (the search runs again, the new vehicle is chosen).
    await flow.submit({**SEARCH, "make": "Honda"})
    assert flow.step_id == "search_results"
    assert {v["make"] for v in flow.step["vehicles"]} == {"Honda"}
    await flow.submit(chosen(flow.step))
    assert flow.step_id == "vehicle_selection"
    assert flow.step["values"] == {"confirm": True}
    await flow.submit(flow.step["values"])
    assert flow.step_id == "buying_confirmation"
    assert flow.step["values"]["zip"] == SEARCH["zip"]
    assert flow.step["summary"]["vehicle"]["make"] == "Honda"
    assert flow.step["summary"]["vehicle"] != vehicle


async def test_a_changed_choice_drops_the_answers_of_the_steps_left_behind(api: Api) -> None:
    flow = await at_summary(api)

    result = await back_to(flow, "vehicle_knowledge")
    assert result["stepId"] == "vehicle_knowledge", result
    assert result["values"] == {"knows_vehicle": True}
    assert result["navigation"]["progress"]["stepsDone"] == 1

    # Not knowing the vehicle after all: the search and its results are off every way ahead.
    await flow.submit({"knows_vehicle": False})
    assert flow.step_id == "carin_questions"
    assert without_defaults(flow.step["values"]) == {}
    await flow.submit(CARIN)
    await flow.submit(chosen(flow.step))
    assert flow.step_id == "vehicle_selection"
    assert flow.step["values"] == {"confirm": True}  # kept: the CarIn results lead here too
    await flow.submit(flow.step["values"])
    assert flow.step_id == "buying_confirmation"
    # The ZIP is the questionnaire's now: the dropped search's would have come first.
    assert flow.step["values"]["zip"] == CARIN["zip"]

    # Back on the search side, the search form is empty: its answers were dropped.
    await back_to(flow, "vehicle_knowledge")
    await flow.submit({"knows_vehicle": True})
    assert flow.step_id == "vehicle_search"
    assert without_defaults(flow.step["values"]) == {}


async def test_to_step_that_is_not_earlier_on_the_path_is_refused_as_not_on_path(
    api: Api,
) -> None:
    flow = await at_summary(api)
    before = snapshot(flow.step)
    for to_step in (
        "",
        "buying_confirmation",
        "buying_complete",
        "carin_questions",
        "no_such_step",
        "x" * 20_000,
        "ü\x00<script>",
    ):
        result = await back_to(flow, to_step)
        assert result["__typename"] == "TransitionRejected", result
        assert result["code"] == "not_on_path", result
        assert result["reason"]
        assert to_step[:30] not in result["reason"] or not to_step
        assert snapshot(result["step"]) == before
    await flow.reload()
    assert snapshot(flow.step) == before

    # null is the previous step, as without toStep.
    result = await back_to(flow, None)
    assert result["stepId"] == "vehicle_selection"


async def test_a_stale_current_step_is_stale_whatever_to_step_says(api: Api) -> None:
    flow = await at_summary(api)
    before = snapshot(flow.step)
    for stale, to_step in (("vehicle_selection", "vehicle_search"), ("nope", "nope"), ("", "")):
        result = await back_to(flow, to_step, current=stale or "x")
        assert result["__typename"] == "StaleStep", result
        assert result["expectedStep"] == "buying_confirmation"
        assert snapshot(result["step"]) == before

    # A double click on a "Change" link: the second names a step the first already left.
    first = await back_to(flow, "vehicle_search", current="buying_confirmation")
    second = await back_to(flow, "vehicle_search", current="buying_confirmation")
    assert first["stepId"] == "vehicle_search"
    assert second["__typename"] == "StaleStep"
    assert second["expectedStep"] == "vehicle_search"


async def test_never_back_across_a_submitted_lead(api: Api) -> None:
    flow = await walk_to(api, "replacement_check")
    await flow.submit({"wants_replacement": True})
    await flow.submit({"knows_vehicle": True})
    assert flow.step_id == "vehicle_search"
    before = snapshot(flow.step)
    committed = next(s for s in flow.seen if s.endswith("_confirmation"))
    for to_step in (committed, flow.seen[0], flow.seen[1]):
        result = await back_to(flow, to_step)
        assert result["__typename"] == "TransitionRejected", (to_step, result)
        assert result["code"] == "cannot_go_back"
        assert "submitted" in result["reason"]
        assert snapshot(result["step"]) == before
    result = await back_to(flow, "replacement_check")
    assert result["stepId"] == "replacement_check"
    assert result["values"] == {"wants_replacement": True}


async def test_never_back_across_a_pending_credit_check(api: Api, running: RunningServer) -> None:
    """Version 1, where a seller's own credit check is pending before the confirmation."""
    site = await running.container.sites.create("Back Cars", [ORIGIN])
    await configure(running.container.sites, registry.default(), "trex", site.site.id, "old=1")
    response = await api.http.post(
        "/graphql",
        json={"query": START_IN, "variables": {"input": {"workflowType": "SELLING"}}},
        headers={"x-publishable-key": site.publishable_key, "origin": ORIGIN},
    )
    started = response.json()["data"]["startWorkflow"]
    assert started["session"]["version"] == 1
    flow = Flow(api, started["session"]["id"], started["started"]["token"], started)
    for data in (
        {"has_buyer": True},
        {"buyer_type": "private"},
        PRIVATE_BUYER,
        {"needs_financing": True},
    ):
        await flow.submit(data)
    assert flow.step_id == "credit_check"
    await flow.submit(credit_applicant(APPROVED_SSN))
    await flow.wait_for("selling_confirmation")
    before = snapshot(flow.step)

    for to_step, said in (("credit_check_pending", "waiting"), ("financing_needs", "submitted")):
        result = await back_to(flow, to_step)
        assert result["__typename"] == "TransitionRejected", result
        assert result["code"] == "cannot_go_back"
        assert said in result["reason"]
        assert snapshot(result["step"]) == before
    await flow.submit(CONTACT)
    assert flow.step_id == "replacement_check"
