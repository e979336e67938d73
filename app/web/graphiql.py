"""GraphiQL, opened with one tab per documented example operation."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "graphql-examples"
PAGE = Path(__file__).with_name("graphiql.html")


def example_tabs(folder: Path = EXAMPLES) -> list[dict[str, str]]:
    """Each `NAME.graphql` with its `NAME.json` variables, as GraphiQL default tabs."""
    tabs = []
    for operation in sorted(folder.glob("*.graphql")):
        variables = operation.with_suffix(".json")
        tabs.append(
            {
                "query": operation.read_text(),
                "variables": variables.read_text() if variables.exists() else "{}",
            }
        )
    return tabs


@lru_cache(maxsize=1)
def graphiql_page() -> str:
    tabs = json.dumps(example_tabs()).replace("</", "<\\/")
    return PAGE.read_text().replace("__DEFAULT_TABS__", tabs)
