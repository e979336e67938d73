"""The production profile (`TREX_ENV=production`) closes what development opens on loopback:
sandbox routes, the demo pages, GraphiQL, introspection, field suggestions and key-less sessions;
it refuses to start with an unsafe configuration, naming each fault."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from app.services.host_sites import NewHostSite
from app.settings import Settings, UnsafeSettings
from tests.e2e.client import Api, Flow, operation
from tests.e2e.conftest import (
    RunningServer,
    production_settings,
    quick_settings,
    start_sandbox,
    start_server,
)
from tests.support import answers
from tests.support.waiting import eventually

ORIGIN = "https://cars.acme.example"
INTROSPECTION = "{ __schema { queryType { name } } }"
MISSPELT = '{ sesion(sessionId: "x") { __typename } }'


@dataclass
class Production:
    server: RunningServer
    sandbox: RunningServer
    site: NewHostSite
    log: list[str]


@pytest.fixture(scope="module")
async def production(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Production]:
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("trex")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    sandbox = await start_sandbox()
    try:
        folder = tmp_path_factory.mktemp("production")
        server = await start_server(production_settings(folder, sandbox))
        site = await server.container.sites.create("Acme Motors", [ORIGIN])
        yield Production(server, sandbox, site, lines)
        await server.stop()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        await sandbox.stop()


@pytest.fixture
async def http(production: Production) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=production.server.base_url, timeout=10) as client:
        yield client


async def _graphql(
    http: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None
) -> dict[str, object]:
    answer = await http.post("/graphql", json={"query": query}, headers=headers or {})
    assert answer.status_code in (200, 400), answer.text
    body: dict[str, object] = answer.json()
    return body


def _start() -> dict[str, object]:
    return {
        "query": operation("start_workflow"),
        "variables": {"input": {"workflowType": "BUYING"}},
    }


def _messages(body: dict[str, object]) -> list[str]:
    return [error["message"] for error in body.get("errors", [])]  # type: ignore[attr-defined]


# --- refusing to start


def test_production_without_service_urls_refuses_to_start_naming_each(tmp_path: Path) -> None:
    settings = quick_settings(tmp_path, env="production", graphiql=False)
    with pytest.raises(UnsafeSettings) as refused:
        create_app(settings)
    message = str(refused.value)
    for variable in (
        "TREX_VEHICLE_DATA_URL",
        "TREX_CREDIT_BUREAU_URL",
        "TREX_LEAD_CRM_URL",
        "TREX_DEALER_NETWORK_URL",
        "TREX_COMMUNICATIONS_URL",
    ):
        assert variable in message


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("TREX_GRAPHIQL", "1", "TREX_GRAPHIQL"),
        ("TREX_TRUSTED_PROXIES", "*", "TREX_TRUSTED_PROXIES"),
        ("TREX_LEAD_CRM_URL", "ftp://crm.example", "TREX_LEAD_CRM_URL=ftp://crm.example"),
        ("TREX_MAX_BODY_BYTES", str(8 * 1024 * 1024), "TREX_MAX_BODY_BYTES"),
    ],
)
def test_an_unsafe_production_setting_is_named(variable: str, value: str, named: str) -> None:
    env = {"TREX_ENV": "production", "TREX_SANDBOX_URL": "http://127.0.0.1:8100", variable: value}
    faults = Settings.from_env(env).production_faults()
    assert len(faults) == 1
    assert named in faults[0]


def test_an_unknown_profile_is_refused() -> None:
    faults = Settings.from_env({"TREX_ENV": "prod"}).production_faults()
    assert faults == ["TREX_ENV=prod: not production or development."]


def test_production_switches_graphiql_off_by_default() -> None:
    env = {"TREX_ENV": "production", "TREX_SANDBOX_URL": "http://127.0.0.1:8100"}
    settings = Settings.from_env(env)
    assert settings.production
    assert not settings.graphiql
    assert settings.production_faults() == []
    assert settings.service_url("lead-crm") == "http://127.0.0.1:8100/sandbox/lead-crm"


def test_each_service_can_have_its_own_url() -> None:
    env = {"TREX_SANDBOX_URL": "http://127.0.0.1:8100", "TREX_LEAD_CRM_URL": "https://crm.example"}
    settings = Settings.from_env(env)
    assert settings.service_url("lead-crm") == "https://crm.example"
    assert settings.service_url("credit-bureau") == "http://127.0.0.1:8100/sandbox/credit-bureau"


# --- what production closes


async def test_production_serves_no_sandbox_routes(http: httpx.AsyncClient) -> None:
    for path in ("/sandbox/lead-crm/leads", "/sandbox/communications/messages"):
        assert (await http.get(path)).status_code == 404
    refused = await http.post("/sandbox/credit-bureau/faults", json={"down": True})
    assert refused.status_code in (404, 405)


async def test_production_sends_leads_to_its_services_urls(
    http: httpx.AsyncClient, production: Production
) -> None:
    """No sandbox in the server's process: the lead reaches the CRM at its URL (the sandbox's
    own server, as `trex sandbox` runs it)."""
    assert production.server.container.sandbox is None
    headers = {"x-publishable-key": production.site.publishable_key, "origin": ORIGIN}
    started = (await http.post("/graphql", json=_start(), headers=headers)).json()
    step = started["data"]["startWorkflow"]
    session_id, token = step["session"]["id"], step["started"]["token"]
    flow = Flow(Api(http, production.server.ws_url), session_id, token, step)
    await flow.submit({"knows_vehicle": True})
    await flow.submit({"make": "Kia"})
    await flow.submit({"vehicle_id": flow.step["vehicles"][0]["id"]})
    await flow.submit({"confirm": True})
    await flow.submit(answers.CONTACT)
    reference = flow.step["leadReference"]
    async with httpx.AsyncClient(base_url=production.sandbox.base_url) as sandbox:

        async def in_the_crm() -> bool:
            leads = (await sandbox.get("/sandbox/lead-crm/leads")).json()
            return any(reference in str(lead) for lead in leads.get("leads", leads))

        await eventually(in_the_crm, f"lead {reference} in the sandbox CRM", 10, 0.1)


async def test_production_serves_no_demo_pages_and_no_graphiql(http: httpx.AsyncClient) -> None:
    for path in ("/demo", "/demo/single-spa"):
        assert (await http.get(path)).status_code == 404
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    assert (await http.get("/mf/v1/trex-workflow.js")).status_code == 200


async def test_production_refuses_introspection(http: httpx.AsyncClient) -> None:
    body = await _graphql(http, INTROSPECTION)
    assert body.get("data") is None
    assert any("introspection" in message.lower() for message in _messages(body))


async def test_production_gives_no_field_suggestions(http: httpx.AsyncClient) -> None:
    body = await _graphql(http, MISSPELT)
    assert _messages(body) == ["Cannot query field 'sesion' on type 'Query'."]


async def test_production_requires_a_publishable_key(
    http: httpx.AsyncClient, production: Production
) -> None:
    keyless = (await http.post("/graphql", json=_start())).json()
    assert keyless["data"] is None
    assert _messages(keyless) == ["A publishable key (the X-Publishable-Key header) is required."]
    rest = await http.post("/api/workflow/start", json={"workflowType": "buying"})
    assert rest.status_code == 400
    assert rest.json()["errors"][0]["field"] == "publishableKey"
    headers = {"x-publishable-key": production.site.publishable_key, "origin": ORIGIN}
    keyed = (await http.post("/graphql", json=_start(), headers=headers)).json()
    assert keyed["data"]["startWorkflow"]["stepId"] == "vehicle_knowledge"


async def test_production_logs_what_is_on_where_at_start(production: Production) -> None:
    started = [line for line in production.log if line.startswith("T-Rex production")]
    assert len(started) == 1
    line = started[0]
    assert "GraphQL http://" in line
    assert "GraphiQL" not in line.split(";")[0]
    assert f"sandbox {production.sandbox.base_url}" in line
    assert "publishable key required" in line


# --- what development keeps open, on loopback


async def test_development_opens_the_sandbox_to_loopback_only(running: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as http:
        assert (await http.get("/sandbox/communications/messages")).status_code == 200
        # uvicorn trusts X-Forwarded-For from 127.0.0.1: this request is from a remote client.
        remote = {"x-forwarded-for": "203.0.113.7"}
        refused = await http.get("/sandbox/lead-crm/leads", headers=remote)
        assert refused.status_code == 403
        assert "loopback" in refused.json()["error"]
        faults = await http.post(
            "/sandbox/credit-bureau/faults", json={"down": True}, headers=remote
        )
        assert faults.status_code == 403


async def test_development_keeps_introspection_suggestions_demo_and_keyless_starts(
    running: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as http:
        introspected = await _graphql(http, INTROSPECTION)
        assert introspected["data"] == {"__schema": {"queryType": {"name": "Query"}}}
        assert "Did you mean 'session'?" in _messages(await _graphql(http, MISSPELT))[0]
        assert (await http.get("/demo")).status_code == 200
        keyless = (await http.post("/graphql", json=_start())).json()
        assert keyless["data"]["startWorkflow"]["stepId"] == "vehicle_knowledge"
