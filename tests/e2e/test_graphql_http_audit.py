"""The GraphQL-over-HTTP spec, audited by graphql-http's own audit suite (`auditServer`, the
npm package pinned in tests/node) against the real server: every MUST and every SHOULD passes.

Runs where Node and tests/node/node_modules are (`make test` installs them with npm ci), as the
browser tests run where Chromium is; skips otherwise, saying what to install.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import RunningServer

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
AUDIT = NODE_DIR / "audit.mjs"
AUDIT_SECONDS = 60
# MAY: queries over GET. Not served, on purpose: a query string would carry session ids and
# tokens into proxies' and browsers' logs and histories (README, "The GraphQL endpoint").
GET_QUERIES = {"5A70", "D6D5", "6A70"}


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("install Node and npm (apt-get install -y nodejs npm), then make test")
    if not (NODE_DIR / "node_modules" / "graphql-http").is_dir():
        pytest.skip("install the audit: ./scripts/install-node-tests.sh (npm ci in tests/node)")
    return found


async def audit(node: str, url: str) -> list[dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        node,
        str(AUDIT),
        url,
        cwd=NODE_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), AUDIT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"the audit did not finish in {AUDIT_SECONDS} s") from None
    assert process.returncode == 0, err.decode()[-2000:]
    results: list[dict[str, Any]] = json.loads(out)
    return results


async def test_every_graphql_over_http_audit_passes(node: str, running: RunningServer) -> None:
    results = await audit(node, f"{running.base_url}/graphql")
    assert len(results) >= 60, results  # the whole suite ran
    failed = [r for r in results if r["status"] in ("error", "warn")]
    assert failed == [], json.dumps(failed, indent=1)
    notices = {r["id"] for r in results if r["status"] == "notice"}
    assert notices <= GET_QUERIES, [r for r in results if r["id"] in notices - GET_QUERIES]
    assert sum(r["status"] == "ok" for r in results) == len(results) - len(notices)
