"""Walking a fresh session to any step of the current definitions, with valid answers.

The way to a step is the shortest path over the definition's transitions for which `ANSWERS`
knows a valid answer (a breadth-first search), so the tests follow the definition rather than
hand-copied routes. A step of the buyer's own financing is reached as a buyer would: a seller
sends the invitation, the buyer opens it (`tests/e2e/financing.py`), then walks on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from tests.e2e.client import Api, Flow
from tests.e2e.financing import applicant, invited_buyer
from tests.support.answers import (
    APPROVED_SSN,
    CARIN,
    CONTACT,
    DEALER_NETWORK,
    PRIVATE_BUYER,
    SEARCH,
    dealer_offer,
)
from workflows.model import Goto, Step, Workflow
from workflows.registry import definition

WORKFLOW = definition("trex")
FINANCING = definition("buyer_financing")
FIRST_STEP = WORKFLOW.entries[None]
Json = dict[str, Any]
Answer = Callable[[Json], Json]


def _fixed(data: Mapping[str, Any]) -> Answer:
    return lambda _step: dict(data)


def _first_listed_vehicle(step: Json) -> Json:
    assert step["vehicles"], f"{step['stepId']} lists no vehicle"
    return {"vehicle_id": step["vehicles"][0]["id"]}


def _first_dealer(step: Json) -> Json:
    return dealer_offer(step["dealers"][0]["id"])


def _invite_by_email(step: Json) -> Json:
    return {"invite_channel": "email", **step["values"]}


# A valid answer for each (step, next step) transition of the definition.
ANSWERS: dict[tuple[str, str], Answer] = {
    ("intent_selection", "vehicle_knowledge"): _fixed({"intent": "buying"}),
    ("intent_selection", "has_buyer"): _fixed({"intent": "selling"}),
    ("vehicle_knowledge", "vehicle_search"): _fixed({"knows_vehicle": True}),
    ("vehicle_knowledge", "carin_questions"): _fixed({"knows_vehicle": False}),
    ("vehicle_search", "search_results"): _fixed(SEARCH),
    ("search_results", "vehicle_selection"): _first_listed_vehicle,
    ("search_results", "vehicle_search"): _fixed({"refine": True}),
    ("carin_questions", "carin_results"): _fixed(CARIN),
    ("carin_results", "vehicle_selection"): _first_listed_vehicle,
    ("carin_results", "carin_questions"): _fixed({"refine": True}),
    ("vehicle_selection", "buying_confirmation"): _fixed({"confirm": True}),
    ("buying_confirmation", "buying_complete"): _fixed(CONTACT),
    ("has_buyer", "buyer_type"): _fixed({"has_buyer": True}),
    ("has_buyer", "dealer_network"): _fixed({"has_buyer": False}),
    ("buyer_type", "private_buyer_details"): _fixed({"buyer_type": "private"}),
    ("buyer_type", "dealer_information"): _fixed({"buyer_type": "dealer"}),
    ("private_buyer_details", "financing_needs"): _fixed(PRIVATE_BUYER),
    ("financing_needs", "buyer_financing_invite"): _fixed({"needs_financing": True}),
    ("financing_needs", "selling_confirmation"): _fixed({"needs_financing": False}),
    ("buyer_financing_invite", "selling_confirmation"): _invite_by_email,
    ("selling_confirmation", "replacement_check"): _fixed(CONTACT),
    ("dealer_information", "dealer_sale_confirmation"): _first_dealer,
    ("dealer_sale_confirmation", "replacement_check"): _fixed(CONTACT),
    ("financing_intro", "credit_check"): _fixed({"continue": True}),
    ("credit_check", "credit_check_pending"): _fixed(applicant(APPROVED_SSN)),
    ("financing_result", "financing_complete"): _fixed({"share_with_seller": "outcome_only"}),
    ("dealer_network", "credit_consent"): _fixed(DEALER_NETWORK),
    ("credit_consent", "dealer_confirmation"): _fixed({"consent": True}),
    ("dealer_confirmation", "replacement_check"): _fixed(CONTACT),
    ("replacement_check", "vehicle_knowledge"): _fixed({"wants_replacement": True}),
    ("replacement_check", "selling_complete"): _fixed({"wants_replacement": False}),
}


def goto_targets(step: Step) -> list[str]:
    """The steps a submit can go to by name (guards first, then the default)."""
    targets = [guard.target for guard in step.guards]
    if step.default is not None:
        targets.append(step.default)
    found = [t.step for t in targets if isinstance(t, Goto) and t.step != step.id]
    return list(dict.fromkeys(found))


def route_to(step_id: str, workflow: Workflow = WORKFLOW) -> list[tuple[str, str]]:
    """The shortest walk from the first step to `step_id` over transitions with known answers."""
    first = next(iter(workflow.entries.values()))
    came_from: dict[str, tuple[str, str] | None] = {first: None}
    queue = deque([first])
    while queue:
        current = queue.popleft()
        for target in goto_targets(workflow.step(current)):
            if target not in came_from and (current, target) in ANSWERS:
                came_from[target] = (current, target)
                queue.append(target)
    assert step_id in came_from, f"no known way to {step_id}"
    route: list[tuple[str, str]] = []
    edge = came_from[step_id]
    while edge is not None:
        route.append(edge)
        edge = came_from[edge[0]]
    return route[::-1]


async def walk_to(api: Api, step_id: str) -> Flow:
    """A fresh session brought to `step_id` with valid answers (a buyer's financing session,
    invited by a seller walked for it, for a step of that workflow)."""
    if step_id in WORKFLOW.steps:
        flow, workflow = await api.start(), WORKFLOW
    else:
        flow, workflow = await invited_buyer(api), FINANCING
    for source, target in route_to(step_id, workflow):
        assert flow.step_id == source, flow.step
        result = await flow.submit(ANSWERS[(source, target)](flow.step))
        assert flow.step_id == target, result
    return flow


def valid_answer(flow: Flow) -> Json:
    """A valid answer to the flow's current step (for its first known transition)."""
    workflow = WORKFLOW if flow.step_id in WORKFLOW.steps else FINANCING
    for target in goto_targets(workflow.step(flow.step_id)):
        answer = ANSWERS.get((flow.step_id, target))
        if answer is not None:
            return answer(flow.step)
    raise AssertionError(f"no valid answer known for {flow.step_id}")


def snapshot(step: Json) -> Json:
    """What must not change when a submission is refused."""
    return {
        "stepId": step["stepId"],
        "status": step["session"]["status"],
        "progress": step["navigation"]["progress"],
        "canGoBack": step["navigation"]["canGoBack"],
        "values": step["values"],
    }
