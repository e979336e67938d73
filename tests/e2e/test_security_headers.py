"""Security headers: every response, each page with the policy it works under."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx

from tests.e2e.client import Api
from tests.e2e.conftest import production_settings, start_sandbox, start_server

API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def assert_common(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff", response.headers
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def directives(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def inline_script_hashes(html: str) -> set[str]:
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.DOTALL)
    digests = (hashlib.sha256(script.encode()).digest() for script in scripts)
    return {f"'sha256-{base64.b64encode(d).decode()}'" for d in digests}


async def test_api_answers_may_not_be_framed_nor_load_anything(api: Api) -> None:
    answers = [
        await api.http.post("/graphql", json={"query": "{ __typename }"}),
        await api.http.post("/api/workflow/start", json={}),
        await api.http.post(
            "/api/workflow/start", content=b"x", headers={"content-type": "text/plain"}
        ),
        await api.http.post("/graphql", json={"query": "{ __typename }", "pad": "x" * 100_000}),
        await api.http.get("/healthz"),
        await api.http.get("/nowhere"),
    ]
    for response in answers:
        assert_common(response)
        assert response.headers["content-security-policy"] == API_POLICY, response.url
        assert response.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in response.headers  # development: plain HTTP


async def test_graphiql_gets_a_policy_of_its_own_that_allows_its_inline_script(api: Api) -> None:
    response = await api.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert_common(response)
    policy = directives(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert inline_script_hashes(response.text) <= set(policy["script-src"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'self'" in policy["connect-src"]


async def test_the_demo_pages_allow_their_module_and_import_map(api: Api) -> None:
    for path in ("/demo", "/demo/single-spa"):
        response = await api.http.get(path)
        assert_common(response)
        policy = directives(response)
        assert "'self'" in policy["script-src"]
        assert inline_script_hashes(response.text) <= set(policy["script-src"])
        assert policy["frame-ancestors"] == ["'self'"]


async def test_the_module_files_stay_loadable_from_any_origin(api: Api) -> None:
    entry = await api.http.get("/mf/v1/trex-workflow.js", headers={"origin": "https://a.example"})
    assert entry.status_code == 200
    assert_common(entry)
    assert entry.headers["cross-origin-resource-policy"] == "cross-origin"
    assert entry.headers["access-control-allow-origin"] == "*"
    assert "x-frame-options" not in entry.headers
    release = re.search(r'"(/mf/[^"]+)"', entry.text)
    assert release is not None
    module = await api.http.get(release.group(1))
    assert module.status_code == 200
    assert module.headers["cross-origin-resource-policy"] == "cross-origin"


async def test_production_adds_strict_transport_security(tmp_path: Path) -> None:
    sandbox = await start_sandbox()
    server = await start_server(production_settings(tmp_path, sandbox))
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            response = await http.get("/healthz")
    finally:
        await server.stop()
        await sandbox.stop()
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert response.headers["content-security-policy"] == API_POLICY
