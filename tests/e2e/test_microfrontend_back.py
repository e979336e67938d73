"""The microfrontend's API call for back (`ApiClient.back` of microfrontend/module/api.js), run
by Node against the server: to the previous step, to an earlier one (`toStep`), and a refusal
answered as the union member it is. Skips where Node is not installed."""

from __future__ import annotations

import asyncio
import json
import shutil
from typing import Any

import pytest

from tests.e2e.client import Api
from tests.e2e.conftest import RunningServer
from tests.e2e.test_graphql_http_audit import NODE_DIR
from tests.e2e.walk import walk_to
from tests.support.answers import SEARCH

SCRIPT = NODE_DIR / "back-to-step.mjs"
SECONDS = 30


async def run_back(node: str, plan: dict[str, Any]) -> list[dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        node,
        str(SCRIPT),
        json.dumps(plan),
        cwd=NODE_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"{SCRIPT.name} did not finish in {SECONDS} s") from None
    assert process.returncode == 0, err.decode()[-2000:]
    answers: list[dict[str, Any]] = json.loads(out)
    return answers


async def test_the_microfrontends_back_call_takes_to_step(api: Api, running: RunningServer) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("install Node (apt-get install -y nodejs) to run the microfrontend's call")
    flow = await walk_to(api, "buying_confirmation")
    session = flow.session_id
    plan = {
        "http": f"{running.base_url}/graphql",
        "token": flow.token,
        "calls": [
            {"sessionId": session, "currentStep": "buying_confirmation", "toStep": "nope"},
            {"sessionId": session, "currentStep": "buying_confirmation"},
            {"sessionId": session, "currentStep": "vehicle_selection", "toStep": "vehicle_search"},
        ],
    }

    refused, previous, jumped = await run_back(node, plan)

    assert (refused["typename"], refused["code"]) == ("TransitionRejected", "not_on_path")
    assert refused["stepId"] == "buying_confirmation"
    assert (previous["typename"], previous["stepId"]) == (
        "VehicleSelectionStep",
        "vehicle_selection",
    )
    assert (jumped["typename"], jumped["stepId"]) == ("VehicleSearchStep", "vehicle_search")
    assert {name: jumped["values"][name] for name in SEARCH} == SEARCH
    assert (await flow.reload())["stepId"] == "vehicle_search"
