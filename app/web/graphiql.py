"""GraphiQL, opened with one tab per documented example operation."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "graphql-examples"
PAGE = Path(__file__).with_name("graphiql.html")
VENDOR = Path(__file__).with_name("vendor")
ASSETS_PATH = "/graphql-assets"
# Served from VENDOR when `make` could fetch them (offline use), else from a CDN.
CDN = {
    "graphiql.min.css": "https://unpkg.com/graphiql@3.8.3/graphiql.min.css",
    "graphiql.min.js": "https://unpkg.com/graphiql@3.8.3/graphiql.min.js",
    "react.production.min.js": "https://unpkg.com/react@18.2.0/umd/react.production.min.js",
    "react-dom.production.min.js": "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js",
}


# The order of a walk through a flow; other examples follow by name.
ORDER = ("start_workflow", "transition", "back", "session", "session_updates")


def example_tabs(folder: Path = EXAMPLES) -> list[dict[str, str]]:
    """Each `NAME.graphql` with its `NAME.json` variables, as GraphiQL default tabs."""
    tabs = []
    operations = sorted(
        folder.glob("*.graphql"),
        key=lambda path: (ORDER.index(path.stem) if path.stem in ORDER else len(ORDER), path.stem),
    )
    for operation in operations:
        variables = operation.with_suffix(".json")
        tabs.append(
            {
                "query": operation.read_text(),
                "variables": variables.read_text() if variables.exists() else "{}",
            }
        )
    return tabs


def asset_url(name: str) -> str:
    return f"{ASSETS_PATH}/{name}" if (VENDOR / name).exists() else CDN[name]


@lru_cache(maxsize=1)
def graphiql_page() -> str:
    page = PAGE.read_text()
    for name in CDN:
        page = page.replace(f"__{name}__", asset_url(name))
    tabs = json.dumps(example_tabs()).replace("</", "<\\/")
    return page.replace("__DEFAULT_TABS__", tabs)
