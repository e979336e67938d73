"""The version a session runs on: each session to its end on the definition it started on.

`ensure_kept` is the start-up check that every version with sessions in flight is still in the
registry (a deploy that dropped its file would strand them: it stops instead, naming them)."""

from __future__ import annotations

from app.services.records import SessionRecord
from app.services.storage import SessionStorage
from workflows.engine import Engine
from workflows.model import Workflow
from workflows.registry import Registry


class VersionsMissing(RuntimeError):
    pass


def engine_of(flows: Registry, record: SessionRecord) -> Engine:
    return flows.engine(record.workflow, record.definition_version)


def workflow_of(flows: Registry, record: SessionRecord) -> Workflow:
    return flows.get(record.workflow, record.definition_version)


async def ensure_kept(flows: Registry, storage: SessionStorage) -> None:
    """Raises VersionsMissing if stored sessions run on a version the registry lacks."""
    async with storage.read() as uow:
        in_use = await uow.sessions.versions_in_use()
    missing = [
        f"{name} v{version} ({count} sessions)"
        for (name, version), count in sorted(in_use.items())
        if (name, version) not in flows.releases
    ]
    if missing:
        raise VersionsMissing(
            "sessions in flight run on versions that are no longer defined: "
            + ", ".join(missing)
            + "; keep their definition files, or migrate the sessions first (trex flows migrate)"
        )
