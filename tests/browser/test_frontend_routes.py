"""app/web/frontend.py over HTTP: a content-addressed module with immutable caching, a stable
entry point cached briefly, gzip, CORS for other origins, and the demo pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.web.frontend import MODULE, module_version
from tests.browser.conftest import FrontendServer


@pytest.fixture
async def http(frontend: FrontendServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=frontend.base_url) as client:
        yield client


async def current_module(http: httpx.AsyncClient) -> str:
    entry = await http.get("/mf/v1/trex-workflow.js")
    found = re.fullmatch(
        r'export \* from "(/mf/v1\.[0-9a-f]{12}/trex-workflow\.js)";\n', entry.text
    )
    assert found, entry.text
    return found.group(1)


async def test_the_stable_entry_point_names_the_current_release(http: httpx.AsyncClient) -> None:
    entry = await http.get("/mf/v1/trex-workflow.js", headers={"Origin": "https://dealer.example"})

    assert entry.status_code == 200
    assert entry.headers["content-type"].startswith("text/javascript")
    assert entry.headers["cache-control"] == "public, max-age=300"
    assert entry.headers["access-control-allow-origin"] == "*"
    assert await current_module(http) == f"/mf/{module_version()}/trex-workflow.js"


async def test_a_release_is_immutable_gzipped_and_readable_cross_origin(
    http: httpx.AsyncClient,
) -> None:
    url = await current_module(http)
    response = await http.get(url, headers={"Origin": "https://dealer.example"})

    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["access-control-allow-origin"] == "*"
    styles = await http.get(url.replace("trex-workflow.js", "ui/styles.js"))
    assert styles.headers["content-encoding"] == "gzip"
    assert "--trex-color-primary" in styles.text


async def test_a_missing_file_is_not_cached(http: httpx.AsyncClient) -> None:
    url = await current_module(http)
    missing = await http.get(url.replace("trex-workflow.js", "nothing-here.js"))

    assert missing.status_code == 404
    assert "cache-control" not in missing.headers


async def test_the_demo_pages_load_the_current_release(http: httpx.AsyncClient) -> None:
    url = await current_module(http)
    for path in ("/demo", "/demo/single-spa"):
        page = await http.get(path)
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-cache"
        assert url in page.text
    assert (await http.get("/demo/assets/root-config.js")).status_code == 200


def test_any_change_to_the_module_is_a_new_release(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("export const a = 1;\n")
    before = module_version(tmp_path)
    (tmp_path / "a.js").write_text("export const a = 2;\n")

    assert module_version(tmp_path) != before
    assert re.fullmatch(r"v1\.[0-9a-f]{12}", before)
    assert module_version() == module_version(MODULE)
