"""The served OpenAPI document passes Redocly's recommended ruleset (redocly.yaml): no error and
no warning. Runs where Node and tests/node/node_modules are (`make test` installs them with npm
ci), as the graphql-http audit does; skips otherwise, saying what to install."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.client import Api

ROOT = Path(__file__).resolve().parents[2]
REDOCLY = ROOT / "tests" / "node" / "node_modules" / ".bin" / "redocly"
LINT_SECONDS = 60


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("install Node and npm (apt-get install -y nodejs npm), then make test")
    if not REDOCLY.exists():
        pytest.skip("install Redocly CLI: ./scripts/install-node-tests.sh (npm ci in tests/node)")
    return found


async def test_redocly_lint_passes_on_the_served_document(
    node: str, api: Api, tmp_path: Path
) -> None:
    served = (await api.http.get("/api/openapi.json")).json()
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(served))
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    process = await asyncio.create_subprocess_exec(
        node,
        str(REDOCLY),
        "lint",
        str(document),
        "--config",
        str(ROOT / "redocly.yaml"),
        "--format",
        "json",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), LINT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"redocly lint did not finish in {LINT_SECONDS} s") from None
    report = json.loads(out)
    problems = [(p["ruleId"], p["severity"], p["message"]) for p in report["problems"]]
    assert problems == [], problems
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, report["totals"]
    assert process.returncode == 0, err.decode()[-2000:]
