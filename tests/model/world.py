"""The outside world of the T-Rex paths: how each environment event of `trex_model.ENVIRONMENT`
is made to happen over the API and the sandbox, and what it must show.

- a credit outcome: the applicant the sandbox bureau decides it for (README, "The credit check"),
  or, for `unavailable`, the bureau down; either way slowed (`/sandbox/credit-bureau/faults`)
  until the result, so the session is still pending while the path checks it;
- `vehicle_taken`: a second session walks the same answers and confirms the same vehicle first;
- `crm_refuses`: an e-mail at `@blocked.example`, which the sandbox CRM refuses;
- a buyer_financing entry: a seller walked to the invitation it sends the buyer, and the token
  of the link the sandbox's communications service delivered (tests/e2e/financing.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from tests.e2e import financing
from tests.e2e.client import Api, Flow, Subscription
from tests.support.answers import SSN_FOR_OUTCOME
from tests.support.model_paths import Move
from workflows.model import Workflow

Json = dict[str, Any]
# How long the bureau takes to answer while a path waits for it: the refused back and the
# reload of the pending step happen well within it.
PENDING_MS = 250


async def start(api: Api, workflow_type: str | None) -> Flow:
    """A new session at the entry of `workflow_type`; the buyer's financing from an invitation."""
    if workflow_type == "buyer_financing":
        return await financing.invited_buyer(api)
    return await api.start(workflow_type.upper() if workflow_type else None)


def resolved(move: Move, following: Move | None, view: Json, session_id: str) -> Json:
    """`move`'s answers for the step shown: listed ids taken from it, and the applicant or the
    e-mail that makes the environment events of `move` and of the resumption after it happen."""
    answers = dict(move.answers)
    for name, source in move.from_view.items():
        if source == "listed_vehicles":
            assert view["vehicles"], f"{view['stepId']} lists no vehicle"
            answers[name] = view["vehicles"][0]["id"]
        elif source == "dealers":
            answers[name] = view["dealers"][0]["id"]
    if following is not None and following.transition.kind == "resume" and "ssn" in answers:
        answers["ssn"] = SSN_FOR_OUTCOME.get(following.transition.detail, answers["ssn"])
    if "crm_refuses" in move.events:
        answers["email"] = f"model-{session_id[:8]}@blocked.example"
    return answers


@asynccontextmanager
async def outcome_arranged(api: Api, outcome: str) -> AsyncIterator[None]:
    """While the result is awaited: the bureau slow enough for the checks made while pending
    (PENDING_MS) and, for `unavailable`, down."""
    fault: Json = {"latency_ms": PENDING_MS, "down": outcome == "unavailable"}
    response = await api.http.post("/sandbox/credit-bureau/faults", json=fault)
    assert response.status_code == 200, response.text
    try:
        yield
    finally:
        await api.http.delete("/sandbox/credit-bureau/faults")


def check_outcome(outcome: str, step: Json) -> None:
    """The step the outcome moved to shows it: the buyer's financing result, or (trex v1) the
    seller's confirmation with the buyer's credit."""
    if step["__typename"] == "FinancingResultStep":
        assert step["outcome"] == outcome, step["outcome"]
        assert step["canRetry"] is (outcome == "unavailable"), step["canRetry"]
    else:
        assert step["credit"]["status"] == outcome, step["credit"]


async def take_vehicle(
    api: Api,
    workflow: Workflow,
    flow: Flow,
    workflow_type: str | None,
    given: Sequence[tuple[str, Json]],
    answers: Json,
) -> str:
    """Another visitor gives the same answers and confirms `flow`'s vehicle first: its id."""
    racer = await api.start(workflow_type.upper() if workflow_type else None)
    for step_id, data in given:
        if racer.step_id != step_id and workflow.step(racer.step_id).awaits:
            await racer.wait_for(step_id)
        assert racer.step_id == step_id, (racer.step_id, step_id)
        await racer.submit(data)
    assert racer.step_id == flow.step_id, racer.step
    vehicle_id = str(flow.step["summary"]["vehicle"]["id"])
    assert racer.step["summary"]["vehicle"]["id"] == vehicle_id
    won = await racer.submit(answers)
    assert won["__typename"] == "CompletionStep", won
    return vehicle_id


def check_rejection(event: str, result: Json, vehicle_id: str | None) -> None:
    assert event == "vehicle_taken", event
    assert result["code"] == "vehicle_unavailable", result
    step = result["step"]
    assert step["message"] == result["reason"], step["message"]
    assert vehicle_id not in {vehicle["id"] for vehicle in step["vehicles"]}


async def lead_rejected(updates: Subscription, flow: Flow, seconds: float = 10) -> None:
    """The CRM refused the lead: REJECTED is pushed, the session stays at its end."""
    async with asyncio.timeout(seconds):
        while True:
            event = (await updates.next(seconds))["payload"]["data"]["sessionUpdates"]
            if event["type"] == "LEAD_STATUS" and event["lead"]["status"] == "REJECTED":
                break
    await flow.reload()
    assert flow.step["leadStatus"] == "REJECTED", flow.step["leadStatus"]
