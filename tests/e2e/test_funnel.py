"""The funnel served: to a host site for its own sessions (the `funnel` query, by its secret
key), to operators (`trex funnel`, and `/funnel` in development or with the metrics token)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from app.services.host_sites import HostSites, NewHostSite
from app.web.funnel_page import funnel_route
from tests.e2e.client import Api, operation
from tests.e2e.conftest import RunningServer

ORIGIN = "https://funnel.acme.example"
TOKEN = "t" * 40


@dataclass
class Sites:
    acme: NewHostSite
    other: NewHostSite


@pytest.fixture(scope="module")
async def sites(running: RunningServer) -> Sites:
    """Acme with two sessions: one on the search, one that chose CarIn."""
    registry: HostSites = running.container.sites
    acme = await registry.create("Funnel Motors", [ORIGIN])
    other = await registry.create("Funnel Others", ["https://funnel.other.example"])
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as http:
        for knows in (True, False):
            await _walk(http, acme.publishable_key, knows)
    return Sites(acme, other)


async def _walk(http: httpx.AsyncClient, key: str, knows: bool) -> None:
    headers = {"x-publishable-key": key, "origin": ORIGIN}
    start = {
        "query": operation("start_workflow"),
        "variables": {"input": {"workflowType": "BUYING"}},
    }
    step = (await http.post("/graphql", json=start, headers=headers)).json()["data"][
        "startWorkflow"
    ]
    session = step["session"]
    variables = {
        "input": {
            "sessionId": session["id"],
            "currentStep": "vehicle_knowledge",
            "data": {"knows_vehicle": knows},
        }
    }
    moved = await http.post(
        "/graphql",
        json={"query": operation("transition"), "variables": variables},
        headers={**headers, "authorization": f"Bearer {step['started']['token']}"},
    )
    assert moved.status_code == 200
    assert "errors" not in moved.json(), moved.text


def _period() -> dict[str, str]:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return {"from": today.isoformat(), "to": (today + timedelta(days=1)).isoformat()}


async def _funnel(api: Api, key: str | None) -> Any:
    return (await api.execute(operation("funnel"), _period(), key))["funnel"]


async def test_a_host_site_reads_its_own_funnel_with_its_secret_key(api: Api, sites: Sites) -> None:
    (funnel,) = (await _funnel(api, sites.acme.secret_key))["funnels"]
    assert (funnel["workflow"], funnel["variant"], funnel["started"]) == ("trex", "default", 2)
    branches = {
        b["name"]: {o["option"]: o["sessions"] for o in b["options"]} for b in funnel["branches"]
    }
    assert branches["intent"] == {"buying": 2, "selling": 0}
    assert branches["search"] == {"search": 1, "carin": 1}
    dropped = {s["step"]: s["dropped"] for s in funnel["steps"] if s["dropped"]}
    assert dropped == {"vehicle_search": 1, "carin_questions": 1}


async def test_the_funnel_is_refused_without_a_key_and_empty_with_another_sites(
    api: Api, sites: Sites
) -> None:
    assert await _funnel(api, None) is None
    assert await _funnel(api, "sk_not-a-key") is None
    assert (await _funnel(api, sites.other.secret_key))["funnels"] == []


async def _trex(database_url: str, *args: str) -> tuple[int, str, str]:
    """`trex *args` on the server's database: its exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *args,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_trex_funnel_prints_a_sites_table_and_its_json(
    running: RunningServer, sites: Sites
) -> None:
    url = running.container.settings.database_url
    today = datetime.now(UTC).date()
    period = ["--from", str(today), "--to", str(today + timedelta(days=1))]
    code, table, _ = await _trex(url, "funnel", "--site", sites.acme.site.id, *period)
    assert code == 0, table
    assert "2 started, 0 reached a lead" in table
    assert "search: search 1, carin 1" in table
    code, text, _ = await _trex(url, "funnel", "--site", sites.acme.site.id, *period, "--json")
    (funnel,) = json.loads(text)["funnels"]
    assert funnel["started"] == 2
    code, _, refused = await _trex(url, "funnel", "--site", "site_nobody", *period)
    assert code == 2
    assert refused.strip().endswith("No host site 'site_nobody'.")


async def test_the_funnel_page_draws_charts_for_a_loopback_client_in_development(
    running: RunningServer, sites: Sites
) -> None:
    async with httpx.AsyncClient(base_url=running.base_url) as http:
        page = await http.get("/funnel", params={"site": sites.acme.site.id})
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "<script" not in page.text
    assert "style=" not in page.text
    assert "2 sessions started" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


async def test_the_funnel_page_in_production_needs_the_metrics_token(
    running: RunningServer, sites: Sites
) -> None:
    settings = running.container.settings

    async def status(token: str | None, configured: str | None) -> int:
        production = replace(settings, env="production", metrics_token=configured)
        app = Starlette(routes=[funnel_route(production)])
        app.state.container = running.container
        headers = {"authorization": f"Bearer {token}"} if token else {}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            return (await http.get("/funnel", headers=headers)).status_code

    assert await status(None, None) == 404
    assert await status(None, TOKEN) == 401
    assert await status("wrong" * 8, TOKEN) == 401
    assert await status(TOKEN, TOKEN) == 200
