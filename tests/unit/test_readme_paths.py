"""The READMEs and the documents of docs/ name files, folders and modules of the project; each
exists (a move updates the docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = (
    "README.md",
    "microfrontend/README.md",
    "docs/FLOWS.md",
    "docs/API.md",
    "docs/ARCHITECTURE.md",
)
NAMED = re.compile(r"`([A-Za-z0-9_.\-/]+\.(?:py|md|json|graphql|sh|toml|js|html|ini))`")
# A folder of the repository (`app/integrations/`) and a dotted module of its packages
# (`app.services`, `resolvers.root.build_schema`: a module, or a name defined in one).
FOLDER = re.compile(r"`([a-z][a-z0-9_\-]*(?:/[a-z0-9_\-]+)*/)`")
PACKAGES = ("app", "schema", "workflows", "resolvers", "sandbox", "vehicles", "tests")
MODULE = re.compile(rf"`((?:{'|'.join(PACKAGES)})(?:\.[a-z_][a-z0-9_]*)+)`")
SKIPPED = {".venv", "node_modules", ".git"}


def _exists(doc: Path, name: str) -> bool:
    """A path from the root, `app/` or the document's folder; a bare name (`unit/` in a table of
    `tests/`) anywhere."""
    if "/" not in name.rstrip("/"):
        name = name.rstrip("/")
        return any(not SKIPPED & set(found.relative_to(ROOT).parts) for found in ROOT.rglob(name))
    return any((base / name).exists() for base in (ROOT, ROOT / "app", doc.parent))


def _module_exists(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
        return True
    parent, name = path.parent.with_suffix(".py"), path.name
    defined = re.compile(rf"^(?:class |def |async def )?{name}\b", re.MULTILINE)
    return parent.is_file() and bool(defined.search(parent.read_text(encoding="utf-8")))


def _named(doc: Path) -> list[str]:
    """Files the document names, less the server's URLs and what a run writes (var/)."""
    names = set(NAMED.findall(doc.read_text(encoding="utf-8")))
    skipped = ("/", "var/")
    return sorted(n for n in names if not n.startswith(skipped) and n != "results.md")


@pytest.mark.parametrize("doc", DOCS)
def test_every_file_a_document_names_exists(doc: str) -> None:
    path = ROOT / doc
    named = _named(path)
    assert len(named) > 1
    assert [name for name in named if not _exists(path, name)] == []


@pytest.mark.parametrize("doc", DOCS)
def test_every_folder_and_module_a_document_names_exists(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    folders = sorted({n for n in FOLDER.findall(text) if not n.startswith("var/")})
    modules = sorted(n for n in set(MODULE.findall(text)) if not NAMED.fullmatch(f"`{n}`"))

    assert [name for name in folders if not _exists(ROOT / doc, name)] == []
    assert [name for name in modules if not _module_exists(name)] == []


def test_the_checks_catch_a_moved_file_folder_and_module() -> None:
    assert not _exists(ROOT / "README.md", "app/services/no_such_module.py")
    assert not _exists(ROOT / "README.md", "app/no_such_folder/")
    assert not _module_exists("app.services.no_such_module")
    assert not _module_exists("resolvers.root.no_such_name")
    assert _module_exists("resolvers.root.build_schema")
    assert _module_exists("app.services")
