"""GraphiQL at GET /graphql, opened with the documented examples."""

from __future__ import annotations

import re

from app.web.graphiql import CDN, VENDOR, example_tabs
from tests.e2e.client import EXAMPLES, Api


async def test_graphiql_opens_with_one_tab_per_example(api: Api) -> None:
    response = await api.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    page = response.text
    assert "__DEFAULT_TABS__" not in page
    for operation in EXAMPLES.glob("*.graphql"):
        first_line = operation.read_text().splitlines()[0]
        assert first_line.replace("'", "\\u0027")[:30] in page or first_line[:30] in page


async def test_graphiql_assets_are_served_locally_when_vendored(api: Api) -> None:
    page = (await api.http.get("/graphql", headers={"accept": "text/html"})).text
    for name, cdn_url in CDN.items():
        if (VENDOR / name).exists():
            assert f"/graphql-assets/{name}" in page
            asset = await api.http.get(f"/graphql-assets/{name}")
            assert asset.status_code == 200
            assert len(asset.content) == (VENDOR / name).stat().st_size
        else:
            assert cdn_url in page


def test_tabs_follow_the_walk_of_a_flow() -> None:
    found = [
        re.search(r"(?:query|mutation|subscription) (\w+)", t["query"]) for t in example_tabs()
    ]
    titles = [match.group(1) for match in found if match]
    assert titles[:5] == ["StartWorkflow", "Transition", "Back", "Session", "SessionUpdates"]
