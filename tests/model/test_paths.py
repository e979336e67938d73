"""Every path of the plan, end to end over GraphQL on a real server (HTTP and websockets), then
the figure: every reachable transition of the definition was taken."""

from __future__ import annotations

import pytest

from tests.e2e.client import Api
from tests.model.runner import run_path
from tests.model.trex_model import PLAN, STARTED, TAKEN
from tests.support.model_paths import Path, coverage


@pytest.mark.parametrize("path", PLAN.paths, ids=lambda path: path.name)
async def test_path(model_api: Api, path: Path) -> None:
    STARTED.add(path.name)
    await run_path(model_api, PLAN.workflow, path, TAKEN)


def test_every_reachable_transition_was_taken() -> None:
    """After the paths (pytest keeps a module's order); asserted when every path was started,
    so a path that fails or goes elsewhere, or one taken out of the plan, fails it."""
    missing = {path.name for path in PLAN.paths} - STARTED
    if missing:
        pytest.skip(f"{len(missing)} of {len(PLAN.paths)} paths not selected: not measured")
    covered, total = coverage(PLAN.reachable, TAKEN)
    missed = sorted(str(t) for t in PLAN.reachable - TAKEN)
    assert covered == total, f"{covered}/{total} transitions taken; not taken: {missed}"
