"""Every workflow and every version of it, read from the definition files.

A version is a file, `workflows/definitions/<name>/v<version>.json` (see
`workflows.serialization`); besides the flow it may declare how sessions of the previous
version move to it (`"migration"`). New sessions start on a workflow's current version, its
highest; a session runs to its end on the version it started on, so a version stays in the
registry while any session is on it (`app.services.versions` refuses to start otherwise).
Reading the package's own data files, like importing a module, is the one read the domain core
makes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from workflows.checker import ensure_valid
from workflows.engine import Engine
from workflows.model import Workflow
from workflows.serialization import FormatError, loads

FILE_NAME = re.compile(r"v([1-9][0-9]*)\.json")


class UnknownVersion(LookupError):
    def __init__(self, name: str, version: int | None = None) -> None:
        what = f"workflow '{name}'" if version is None else f"version {version} of '{name}'"
        super().__init__(f"no {what} is defined")
        self.name, self.version = name, version


@dataclass(frozen=True, slots=True)
class Release:
    """One version's definition, and the declared move of the previous version's sessions."""

    workflow: Workflow
    migration: Mapping[str, object] | None = None
    source: str = ""


@dataclass(frozen=True)
class Registry:
    releases: Mapping[tuple[str, int], Release]
    _engines: dict[tuple[str, int], Engine] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, releases: Iterable[Release]) -> Registry:
        found: dict[tuple[str, int], Release] = {}
        for release in releases:
            key = (release.workflow.name, release.workflow.version)
            if key in found:
                raise ValueError(f"version {key[1]} of '{key[0]}' is defined twice")
            found[key] = release
        return cls(dict(sorted(found.items())))

    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for name, _ in self.releases))

    def versions(self, name: str) -> tuple[int, ...]:
        return tuple(version for known, version in self.releases if known == name)

    def current(self, name: str) -> Workflow:
        versions = self.versions(name)
        if not versions:
            raise UnknownVersion(name)
        return self.releases[(name, versions[-1])].workflow

    def get(self, name: str, version: int | None = None) -> Workflow:
        """A version of a workflow (its current one when `version` is None)."""
        if version is None:
            return self.current(name)
        release = self.releases.get((name, version))
        if release is None:
            raise UnknownVersion(name, version)
        return release.workflow

    def release(self, name: str, version: int) -> Release:
        self.get(name, version)
        return self.releases[(name, version)]

    def engine(self, name: str, version: int) -> Engine:
        """The engine of a version (built once)."""
        key = (name, version)
        engine = self._engines.get(key)
        if engine is None:
            engine = self._engines[key] = Engine(self.get(name, version))
        return engine

    def __iter__(self) -> Iterator[Workflow]:
        return (release.workflow for release in self.releases.values())


def load(root: Traversable | None = None) -> Registry:
    """Every definition file under `root` (the package's `definitions`), each checked."""
    root = root or files("workflows").joinpath("definitions")
    releases = []
    for folder in sorted(root.iterdir(), key=lambda item: item.name):
        if not folder.is_dir() or folder.name.startswith(("_", ".")):
            continue
        for item in sorted(folder.iterdir(), key=lambda item: item.name):
            if item.name.endswith(".json"):
                releases.append(read_release(item, folder.name))
    return Registry.of(releases)


def read_release(item: Traversable, name: str) -> Release:
    where = f"{name}/{item.name}"
    matched = FILE_NAME.fullmatch(item.name)
    if matched is None:
        raise FormatError(f"{where}: a version file is named v<version>.json")
    workflow, extra = loads(item.read_text(encoding="utf-8"), where)
    if (workflow.name, workflow.version) != (name, int(matched.group(1))):
        raise FormatError(f"{where}: declares {workflow.name} v{workflow.version}")
    unknown = sorted(set(extra) - {"migration"})
    if unknown:
        raise FormatError(f"{where}: unknown keys {unknown}")
    ensure_valid(workflow)
    migration = extra.get("migration")
    if migration is not None and not isinstance(migration, dict):
        raise FormatError(f"{where}: 'migration' is an object")
    return Release(workflow, migration, where)


@cache
def default() -> Registry:
    """The registry of the definitions shipped with the product."""
    return load()


def definition(name: str, version: int | None = None) -> Workflow:
    """A shipped definition: `version` of `name`, or its current version."""
    return default().get(name, version)
