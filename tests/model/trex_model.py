"""The plan the model-based tests run: the paths of the T-Rex definition, and what they took.

`ENVIRONMENT` names what the outside world does to a session here (tests/model/world.py makes
each happen); `TAKEN` collects the transitions the server was seen to take, for the figure the
conftest prints."""

from __future__ import annotations

from tests.support.answers import WALK_ANSWERS
from tests.support.model_paths import Environment, Plan, Transition, plan
from workflows.model import Workflow
from workflows.registry import default

ENVIRONMENT = Environment(
    outcomes={"credit_result": ("approved", "declined", "referred", "unavailable")},
    rejections={"submit_buying_lead": "vehicle_taken"},
    after_commit={"submit_buying_lead": ("crm_refuses",)},
)


def plan_for(workflow: Workflow) -> Plan:
    return plan(workflow, ENVIRONMENT, WALK_ANSWERS)


def definitions() -> list[Workflow]:
    """Every shipped definition: each version the registry serves."""
    return list(default())


def current(name: str = "trex") -> Workflow:
    """The version new sessions start on: the highest of `name`."""
    versions = [workflow for workflow in definitions() if workflow.name == name]
    return max(versions, key=lambda workflow: workflow.version)


PLAN = plan_for(current())
TAKEN: set[Transition] = set()
# The names of the paths this run started over the API.
STARTED: set[str] = set()
