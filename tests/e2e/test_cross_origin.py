"""CORS for the API: the registered origins of host sites get it, other origins do not, and a
site created or changed while the server runs counts at once, without a restart."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.bootstrap import now, prepare_database
from app.db.unit_of_work import SqlStorage
from app.services.host_sites import HostSites
from tests import stack
from tests.e2e.conftest import RunningServer, quick_settings, start_server
from tests.support.waiting import eventually

HEADERS = "authorization, content-type, x-publishable-key"


def an_origin() -> str:
    """A fresh origin nobody registered (the databases of the scale-out stack are shared)."""
    return f"https://cars-{secrets.token_hex(4)}.example"


@pytest.fixture
async def http(running: RunningServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as client:
        yield client


async def allowed(http: httpx.AsyncClient, origin: str) -> bool:
    return "access-control-allow-origin" in (await preflight(http, origin)).headers


async def until_allowed(http: httpx.AsyncClient, origin: str, wanted: bool = True) -> None:
    """Waits (5 s at most) until `origin` is allowed, or no longer allowed."""

    async def settled() -> bool:
        return await allowed(http, origin) == wanted

    await eventually(settled, f"{origin} {'allowed' if wanted else 'refused'}", 5, 0.1)


async def preflight(http: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await http.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": HEADERS,
        },
    )


async def simple(http: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": origin})


async def test_a_registered_origin_gets_cors(
    running: RunningServer, http: httpx.AsyncClient
) -> None:
    origin = an_origin()
    await running.container.sites.create("Acme", [origin])

    answer = await preflight(http, origin)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == origin
    allowed = answer.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "x-publishable-key"} <= set(allowed.split(", "))
    assert "POST" in answer.headers["access-control-allow-methods"]

    posted = await simple(http, origin)
    assert posted.status_code == 200
    assert posted.headers["access-control-allow-origin"] == origin
    assert "origin" in posted.headers["vary"].lower()


async def test_another_origin_gets_no_cors_header(http: httpx.AsyncClient) -> None:
    stranger = an_origin()

    answer = await preflight(http, stranger)
    assert answer.status_code == 400
    assert "access-control-allow-origin" not in answer.headers

    posted = await simple(http, stranger)
    assert "access-control-allow-origin" not in posted.headers
    assert "origin" in posted.headers["vary"].lower()  # caches keep answers per origin


async def test_never_a_wildcard_for_the_api(http: httpx.AsyncClient) -> None:
    for origin in (an_origin(), "null", "http://127.0.0.1:9"):
        posted = await simple(http, origin)
        assert posted.headers.get("access-control-allow-origin") != "*"


async def test_development_allows_loopback_pages(http: httpx.AsyncClient) -> None:
    for origin in ("http://127.0.0.1:5173", "http://localhost:3000", "http://[::1]:8080"):
        answer = await preflight(http, origin)
        assert answer.headers.get("access-control-allow-origin") == origin, origin
    lookalike = "http://localhost.evil.example"
    assert "access-control-allow-origin" not in (await preflight(http, lookalike)).headers


async def test_the_module_stays_readable_from_any_origin(http: httpx.AsyncClient) -> None:
    answer = await http.get("/mf/v1/trex-workflow.js", headers={"Origin": an_origin()})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"


async def test_changed_origins_count_at_once(
    running: RunningServer, http: httpx.AsyncClient
) -> None:
    old, new = an_origin(), an_origin()
    created = await running.container.sites.create("Moving", [old])
    assert "access-control-allow-origin" in (await preflight(http, old)).headers

    await running.container.sites.update_origins(created.site.id, [new])

    assert "access-control-allow-origin" not in (await preflight(http, old)).headers
    assert (await preflight(http, new)).headers["access-control-allow-origin"] == new


async def test_a_site_another_process_created_is_allowed_without_restart(
    running: RunningServer, http: httpx.AsyncClient
) -> None:
    """As `trex host-site create` does it: its own database connection, no notice in this
    stack; the server re-reads on an unknown origin (at most once a second)."""
    origin = an_origin()
    db = await prepare_database(running.container.settings)
    try:
        await HostSites(SqlStorage(db), now).create("Elsewhere", [origin])
    finally:
        await db.dispose()

    await until_allowed(http, origin)


@pytest.mark.skipif(not stack.SCALEOUT, reason="two servers share a bus on the scale-out stack")
async def test_another_server_learns_a_change_through_the_bus(tmp_path: Path) -> None:
    """A removed origin is not found by a miss: only the notice (or the 30 s re-read) tells
    the second server."""
    settings = quick_settings(tmp_path)
    first = await start_server(settings)
    second = await start_server(settings)
    try:
        origin = an_origin()
        created = await first.container.sites.create("Shared", [origin])
        async with httpx.AsyncClient(base_url=second.base_url, timeout=10) as other:
            await until_allowed(other, origin)
            await first.container.sites.update_origins(created.site.id, [an_origin()])
            await until_allowed(other, origin, wanted=False)
    finally:
        await second.stop()
        await first.stop()
