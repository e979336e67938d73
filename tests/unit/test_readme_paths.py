"""The READMEs name files of the project; each named file exists (a move updates the docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("README.md", "microfrontend/README.md")
NAMED = re.compile(r"`([A-Za-z0-9_.\-/]+\.(?:py|md|json|graphql|sh|toml|js|html|ini))`")
SKIPPED = {".venv", "node_modules", ".git"}


def _exists(doc: Path, name: str) -> bool:
    if "/" not in name:
        return any(not SKIPPED & set(found.relative_to(ROOT).parts) for found in ROOT.rglob(name))
    return any((base / name).exists() for base in (ROOT, ROOT / "app", doc.parent))


def _named(doc: Path) -> list[str]:
    """Files the document names, less the server's URLs, what a run writes (var/) and what
    lies outside the repository (../)."""
    names = set(NAMED.findall(doc.read_text(encoding="utf-8")))
    skipped = ("/", "var/", "../")
    return sorted(n for n in names if not n.startswith(skipped) and n != "results.md")


@pytest.mark.parametrize("doc", DOCS)
def test_every_file_a_readme_names_exists(doc: str) -> None:
    path = ROOT / doc
    named = _named(path)
    assert len(named) > 5
    assert [name for name in named if not _exists(path, name)] == []
