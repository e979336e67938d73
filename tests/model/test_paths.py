"""The model paths of each workflow's current definition, run over the API; then what they took."""

from __future__ import annotations

import pytest

from tests.e2e.client import Api
from tests.model.runner import run_path
from tests.model.trex_model import PLANS, STARTED, TAKEN, path_id
from tests.support.model_paths import Path, Plan, coverage

RUNS = [(plan, path) for plan in PLANS.values() for path in plan.paths]


@pytest.mark.parametrize(
    ("plan", "path"), RUNS, ids=[path_id(plan.workflow, path.name) for plan, path in RUNS]
)
async def test_path(model_api: Api, plan: Plan, path: Path) -> None:
    STARTED.add(path_id(plan.workflow, path.name))
    await run_path(model_api, plan.workflow, path, TAKEN[plan.workflow.name])


@pytest.mark.parametrize("plan", PLANS.values(), ids=PLANS.keys())
def test_every_reachable_transition_was_taken(plan: Plan) -> None:
    """After the paths (pytest keeps a module's order); asserted when every path of the
    workflow was started, so a path that fails or goes elsewhere, or one taken out of the plan,
    fails it."""
    missing = {path_id(plan.workflow, path.name) for path in plan.paths} - STARTED
    if missing:
        pytest.skip(f"{len(missing)} of {len(plan.paths)} paths not selected: not measured")
    taken = TAKEN[plan.workflow.name]
    covered, total = coverage(plan.reachable, taken)
    missed = sorted(str(t) for t in plan.reachable - taken)
    assert covered == total, f"{covered}/{total} transitions taken; not taken: {missed}"
