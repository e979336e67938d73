"""The GraphQL-over-HTTP spec, audited by graphql-http's own audit suite (`auditServer`, the
npm package pinned in tests/node) against the real server: every MUST and every SHOULD passes.
And graphql-transport-ws as graphql-ws's own client sees it: a refusal reaches `sink.error`.

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
WS_CLIENT = NODE_DIR / "ws-client.mjs"
AUDIT_SECONDS = 60
# MAY: queries over GET. Not served, on purpose: a query string would carry session ids and
# tokens into proxies' and browsers' logs and histories (README, "The GraphQL endpoint").
GET_QUERIES = {"5A70", "D6D5", "6A70"}


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("install Node and npm (apt-get install -y nodejs npm), then make test")
    if not all((NODE_DIR / "node_modules" / p).is_dir() for p in ("graphql-http", "graphql-ws")):
        pytest.skip("install the audit: ./scripts/install-node-tests.sh (npm ci in tests/node)")
    return found


async def run_node(node: str, script: Path, url: str) -> Any:
    """`script`'s one line of JSON, run against `url` (bounded in time)."""
    process = await asyncio.create_subprocess_exec(
        node,
        str(script),
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
        raise AssertionError(f"{script.name} did not finish in {AUDIT_SECONDS} s") from None
    assert process.returncode == 0, err.decode()[-2000:]
    return json.loads(out)


async def test_every_graphql_over_http_audit_passes(node: str, running: RunningServer) -> None:
    results: list[dict[str, Any]] = await run_node(node, AUDIT, f"{running.base_url}/graphql")
    assert len(results) >= 60, results  # the whole suite ran
    failed = [r for r in results if r["status"] in ("error", "warn")]
    assert failed == [], json.dumps(failed, indent=1)
    notices = {r["id"] for r in results if r["status"] == "notice"}
    assert notices <= GET_QUERIES, [r for r in results if r["id"] in notices - GET_QUERIES]
    assert sum(r["status"] == "ok" for r in results) == len(results) - len(notices)


async def test_graphql_ws_s_client_sees_refusals_as_errors(
    node: str, running: RunningServer
) -> None:
    """A refusal before execution fires the sink's `error` (not `next`, then `complete`); a
    query completes; the client's connection_init carries no payload."""
    seen: dict[str, dict[str, Any]] = await run_node(node, WS_CLIENT, running.ws_url)
    assert seen["query"] == {
        "next": [{"data": {"__typename": "Query"}}],
        "error": None,
        "complete": True,
    }
    refusals = {
        "unknownSession": "Session nope not found.",
        "invalid": "Cannot query field 'nope' on type 'Subscription'.",
        "twoOperations": "The document has 2 operations: operationName must name the one to run.",
    }
    for case, message in refusals.items():
        assert seen[case] == {"next": [], "error": [message], "complete": False}, case
