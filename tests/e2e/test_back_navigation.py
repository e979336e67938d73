"""Back navigation (FLOWS.md, "Back navigation"): the previous step of this session's path with
its answers prefilled; refused at the steps that forbid it, across a submitted lead and across a
pending step; `navigation.canGoBack` says exactly when it is allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.client import Api, Flow, operation
from tests.e2e.conftest import RunningServer, quick_settings, start_server
from tests.e2e.financing import applicant, invited_buyer
from tests.e2e.walk import ANSWERS, FINANCING, WORKFLOW, route_to, snapshot, walk_to
from tests.support.answers import APPROVED_SSN, CARIN, SEARCH

Json = dict[str, Any]
STEPS = [*WORKFLOW.steps.values(), *FINANCING.steps.values()]  # the buyer's financing's too
BACK_STEPS = [
    step.id for step in STEPS if step.can_go_back and not step.terminal and step.awaits is None
]
NO_BACK_STEPS = [step.id for step in STEPS if not step.can_go_back]


@pytest.fixture(scope="module")
async def slow_credit(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    """Our own server whose sandbox bureau takes 0.6–1.8 s: long enough to act while pending."""
    folder: Path = tmp_path_factory.mktemp("back_slow_credit")
    settings = quick_settings(folder, sandbox_latency_scale=2.0, credit_deadline_seconds=5.0)
    server = await start_server(settings)
    yield server
    await server.stop()


@pytest.fixture
async def slow_api(slow_credit: RunningServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=slow_credit.base_url, timeout=10) as http:
        yield Api(http, slow_credit.ws_url)


async def walk_recording(api: Api, step_id: str) -> tuple[Flow, list[tuple[str, Json]]]:
    """A fresh session at `step_id`, with the answer given at each step on the way (a step of
    the buyer's financing in a buyer's session, invited by a seller walked for it)."""
    if step_id in WORKFLOW.steps:
        flow, workflow = await api.start(), WORKFLOW
    else:
        flow, workflow = await invited_buyer(api), FINANCING
    given: list[tuple[str, Json]] = []
    for source, target in route_to(step_id, workflow):
        data = ANSWERS[(source, target)](flow.step)
        await flow.submit(data)
        assert flow.step_id == target, flow.step
        given.append((source, data))
    return flow, given


async def back(flow: Flow) -> Json:
    """`back`, checking that `navigation.canGoBack` announced the answer exactly."""
    announced = flow.step["navigation"]["canGoBack"]
    before = snapshot(flow.step)
    result = await flow.back()
    if announced:
        assert result["__typename"] not in ("TransitionRejected", "StaleStep"), result
    else:
        assert result["__typename"] == "TransitionRejected", result
        assert result["code"] == "cannot_go_back", result
        assert result["reason"], result
        assert snapshot(result["step"]) == before, "a refused back changed the step"
    return result


async def assert_back_refused(flow: Flow) -> None:
    before = snapshot(flow.step)
    assert before["canGoBack"] is False, f"{flow.step_id} announces canGoBack"
    await back(flow)
    await flow.reload()
    assert snapshot(flow.step) == before, "a refused back changed the session"


def assert_prefilled(values: Json, given: Json) -> None:
    shown = {name: values.get(name) for name in given}
    assert shown == given, f"values {values} do not show the answers {given}"


@pytest.mark.parametrize("step_id", BACK_STEPS)
async def test_back_returns_the_previous_step_with_its_answers(api: Api, step_id: str) -> None:
    flow, given = await walk_recording(api, step_id)
    previous, answer = given[-1]
    done = flow.step["navigation"]["progress"]["stepsDone"]
    assert flow.step["navigation"]["canGoBack"] is True, flow.step["navigation"]

    result = await back(flow)
    assert result["stepId"] == previous, result
    # Consents are never prefilled (FLOWS.md): each is asked again.
    step = (WORKFLOW if previous in WORKFLOW.steps else FINANCING).step(previous)
    consents = {f.name: answer[f.name] for f in step.fields if f.consent and f.name in answer}
    assert not set(consents) & set(result["values"]), result["values"]
    assert_prefilled(result["values"], {k: v for k, v in answer.items() if k not in consents})
    assert result["navigation"]["progress"]["stepsDone"] == done - 1
    assert result["session"]["status"] == "ACTIVE"
    assert result["started"] is None

    reloaded = await flow.reload()
    assert snapshot(reloaded) == snapshot(result), "back was not persisted as answered"

    # The prefilled values (and the consents) are a valid answer: they lead on to the same step.
    await flow.submit({**result["values"], **consents})
    assert flow.step_id == step_id, flow.step
    assert flow.step["navigation"]["progress"]["stepsDone"] == done


async def test_search_results_back_and_refine_bring_the_search_back_prefilled(api: Api) -> None:
    flow = await walk_to(api, "search_results")
    result = await back(flow)
    assert result["stepId"] == "vehicle_search"
    assert_prefilled(result["values"], SEARCH)

    await flow.submit(SEARCH)
    result = await flow.submit({"refine": True})
    assert result["stepId"] == "vehicle_search", result
    assert_prefilled(result["values"], SEARCH)
    assert result["navigation"]["progress"]["stepsDone"] == 2, result["navigation"]
    assert result["navigation"]["canGoBack"] is True

    # New criteria replace the old ones: back shows the latest answers only.
    await flow.submit({"make": "Honda"})
    assert flow.step_id == "search_results"
    result = await back(flow)
    # The fuel type was left out: the form shows its default, "any".
    assert result["values"] == {"make": "Honda", "fuel_type": "any"}, result["values"]
    result = await back(flow)
    assert result["stepId"] == "vehicle_knowledge"
    assert result["values"] == {"knows_vehicle": True}


async def test_carin_refine_brings_the_questionnaire_back_prefilled(api: Api) -> None:
    flow = await walk_to(api, "carin_results")
    result = await flow.submit({"refine": True})
    assert result["stepId"] == "carin_questions", result
    assert_prefilled(result["values"], CARIN)
    result = await back(flow)
    assert result["stepId"] == "vehicle_knowledge"
    assert result["values"] == {"knows_vehicle": False}


def test_the_definition_forbids_back_where_flows_md_does() -> None:
    assert set(NO_BACK_STEPS) == {
        "intent_selection",
        "replacement_check",
        "buying_complete",
        "selling_complete",
        # The buyer's financing: its first step, the pending check, its result and its end.
        "financing_intro",
        "credit_check_pending",
        "financing_result",
        "financing_complete",
    }


async def test_back_is_refused_at_intent_selection(api: Api) -> None:
    flow = await api.start()
    await assert_back_refused(flow)


async def test_back_to_intent_selection_lets_the_visitor_change_their_mind(api: Api) -> None:
    flow = await api.start()
    await flow.submit({"intent": "selling"})
    result = await back(flow)
    assert result["stepId"] == "intent_selection"
    assert result["values"] == {"intent": "selling"}
    await assert_back_refused(flow)
    await flow.submit({"intent": "buying"})
    assert flow.step_id == "vehicle_knowledge"
    assert flow.step["navigation"]["progress"]["stepsDone"] == 1


async def test_a_session_started_with_a_known_intent_has_no_way_back_from_its_first_step(
    api: Api,
) -> None:
    for workflow_type, first in (("BUYING", "vehicle_knowledge"), ("SELLING", "has_buyer")):
        flow = await api.start(workflow_type)
        assert flow.step_id == first
        await assert_back_refused(flow)


async def test_back_is_refused_at_replacement_check_and_the_terminal_steps(api: Api) -> None:
    flow = await walk_to(api, "replacement_check")
    await assert_back_refused(flow)
    await flow.submit({"wants_replacement": False})
    assert flow.step_id == "selling_complete"
    await assert_back_refused(flow)

    flow = await walk_to(api, "buying_complete")
    await assert_back_refused(flow)


async def test_back_is_refused_while_credit_is_pending_and_after_it(slow_api: Api) -> None:
    flow = await walk_to(slow_api, "credit_check")  # the buyer's own financing
    await flow.submit(applicant(APPROVED_SSN))
    assert flow.step_id == "credit_check_pending", flow.step
    assert flow.step["session"]["status"] == "WAITING"
    await assert_back_refused(flow)

    await flow.wait_for("financing_result")
    assert flow.step["outcome"] == "approved", flow.step
    # Pending cannot be crossed: the step before financing_result is credit_check_pending.
    await assert_back_refused(flow)
    await flow.submit({"share_with_seller": "nothing"})
    assert flow.step_id == "financing_complete"
    await assert_back_refused(flow)


async def test_back_with_a_stale_current_step_gives_the_real_step(api: Api) -> None:
    flow = await walk_to(api, "vehicle_search")
    before = snapshot(flow.step)
    for stale in ("vehicle_knowledge", "intent_selection", "search_results", "no_such_step"):
        variables = {"input": {"sessionId": flow.session_id, "currentStep": stale}}
        result = (await api.execute(operation("back"), variables, flow.token))["back"]
        assert result["__typename"] == "StaleStep", result
        assert result["expectedStep"] == "vehicle_search"
        assert snapshot(result["step"]) == before
    await flow.reload()
    assert snapshot(flow.step) == before

    # A double click: the second back names a step the first one already left.
    variables = {"input": {"sessionId": flow.session_id, "currentStep": "vehicle_search"}}
    first = (await api.execute(operation("back"), variables, flow.token))["back"]
    second = (await api.execute(operation("back"), variables, flow.token))["back"]
    assert first["stepId"] == "vehicle_knowledge", first
    assert second["__typename"] == "StaleStep", second
    assert second["expectedStep"] == "vehicle_knowledge"
    await flow.reload()
    assert flow.step_id == "vehicle_knowledge"
    assert flow.step["navigation"]["progress"]["stepsDone"] == 1


async def test_back_never_crosses_a_submitted_lead(api: Api) -> None:
    flow = await walk_to(api, "replacement_check")
    await flow.submit({"wants_replacement": True})
    assert flow.step_id == "vehicle_knowledge"
    await flow.submit({"knows_vehicle": True})
    result = await back(flow)
    assert result["stepId"] == "vehicle_knowledge"
    result = await back(flow)
    assert result["stepId"] == "replacement_check", result
    assert result["values"] == {"wants_replacement": True}
    await assert_back_refused(flow)

    # The same after a buying lead of the replacement loop: the completion is a dead end.
    await flow.submit({"wants_replacement": True})
    for source, target in route_to("buying_complete")[1:]:
        await flow.submit(ANSWERS[(source, target)](flow.step))
        assert flow.step_id == target, flow.step
    assert flow.step["linkedLeadReferences"], flow.step
    await assert_back_refused(flow)
