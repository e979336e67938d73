"""The plans the model-based tests run: the paths of each workflow's current definition (trex,
and the buyer's own financing its sellers invite to), and what they took.

`ENVIRONMENT` names what the outside world does to a session here (tests/model/world.py makes
each happen); `TAKEN` collects, by workflow, the transitions the server was seen to take, for
the figure the conftest prints."""

from __future__ import annotations

from tests.e2e.financing import applicant
from tests.support.answers import APPROVED_SSN, WALK_ANSWERS
from tests.support.model_paths import Environment, Plan, Transition, plan
from workflows.model import Workflow
from workflows.registry import default

ENVIRONMENT = Environment(
    outcomes={"credit_result": ("approved", "declined", "referred", "unavailable")},
    rejections={"submit_buying_lead": "vehicle_taken"},
    after_commit={"submit_buying_lead": ("crm_refuses",)},
    # FLOWS.md: a retry only when the bureau did not answer (`share_financing` refuses it else).
    after_outcome={("financing_result", "credit_check"): ("unavailable",)},
)
# The base answers by workflow: the buyer's own credit check asks the address in full.
ANSWERS = {
    "trex": WALK_ANSWERS,
    "buyer_financing": {"credit_check": applicant(APPROVED_SSN)},
}


def plan_for(workflow: Workflow) -> Plan:
    return plan(workflow, ENVIRONMENT, ANSWERS.get(workflow.name, WALK_ANSWERS))


def definitions() -> list[Workflow]:
    """Every shipped definition: each version the registry serves."""
    return list(default())


def current(name: str = "trex") -> Workflow:
    """The version new sessions start on: the highest of `name`."""
    versions = [workflow for workflow in definitions() if workflow.name == name]
    return max(versions, key=lambda workflow: workflow.version)


# Each workflow's current version, trex first.
PLANS: dict[str, Plan] = {
    name: plan_for(current(name))
    for name in sorted({workflow.name for workflow in definitions()}, key=lambda n: n != "trex")
}
PLAN = PLANS["trex"]
FINANCING = PLANS["buyer_financing"]
TAKEN: dict[str, set[Transition]] = {name: set() for name in PLANS}
# The ids of the paths this run started over the API (`path_id`).
STARTED: set[str] = set()


def path_id(workflow: Workflow, name: str) -> str:
    return f"{workflow.name}-{name}"
