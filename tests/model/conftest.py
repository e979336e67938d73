"""The model-based tests' server, and the coverage figure printed at the end of the run."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.e2e.client import Api
from tests.e2e.conftest import RunningServer, quick_settings, start_server
from tests.model.trex_model import PLANS, TAKEN
from tests.support.model_paths import coverage


@pytest.fixture(scope="session")
async def model_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    """A server of these tests' own: the bureau faults they set touch no other test."""
    server = await start_server(quick_settings(tmp_path_factory.mktemp("model")))
    yield server
    await server.stop()


@pytest.fixture
async def model_api(model_server: RunningServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=model_server.base_url, timeout=10) as http:
        yield Api(http, model_server.ws_url)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not any(TAKEN.values()):
        return
    terminalreporter.write_sep("-", "model-based tests: transition coverage")
    for name, plan in PLANS.items():
        taken = TAKEN[name]
        if not taken:
            continue
        covered, total = coverage(plan.reachable, taken)
        terminalreporter.write_line(
            f"{plan.workflow.name} v{plan.workflow.version}: {covered}/{total} reachable "
            f"transitions taken over the API ({100 * covered / total:.0f}%), "
            f"{len(plan.cover)} paths + {len(plan.variants)} variants"
        )
        for missed in sorted(plan.reachable - taken):
            terminalreporter.write_line(f"  not taken: {missed}")
