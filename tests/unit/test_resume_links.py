"""Opening a resume link on memory storage: the session's new token works and its old one is
refused by every process, even one whose cache still holds the session with the old token; a
link opens once, and never after it expired."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from app.integrations.clients import build_clients
from app.security import hash_token
from app.services.host_sites import HostSites
from app.services.inventory import InventoryService
from app.services.rates import ServiceRates
from app.services.records import ResumeLink
from app.services.resume_links import ResumeLinks, link_id
from app.services.session_cache import SessionCache
from app.services.session_loader import SessionLoader
from app.services.step_views import ViewBuilder
from sandbox.app import create_sandbox_app
from sandbox.faults import Faults
from tests.support.memory_service import T0, Process, Unread, process, small_flow
from tests.support.memory_storage import MemoryStorage
from workflows.outcomes import Moved, NotFound
from workflows.registry import Registry, Release
from workflows.resume import LinkRefused, Resumed


def resume_links(storage: MemoryStorage) -> ResumeLinks:
    """Another process's resume links: its own cache."""
    flows = Registry.of([Release(small_flow())])
    views = ViewBuilder(flows, InventoryService(Unread(), (), ()), storage, lambda: T0.date())
    sandbox = httpx.ASGITransport(create_sandbox_app(Faults()))
    rates = ServiceRates()
    return ResumeLinks(
        storage,
        SessionLoader(storage, SessionCache(), rates),
        views,
        rates,
        HostSites(Unread(), lambda: T0),
        build_clients("http://sandbox.test", sandbox).communications,
        lambda: T0,
    )


async def link_to(storage: MemoryStorage, session_id: str, token: str, *, days: float = 7) -> None:
    link = ResumeLink(
        link_id(session_id), hash_token(token), session_id, "email", T0, T0 + timedelta(days)
    )
    async with storage.write() as uow:
        await uow.resume_links.put(link)


@pytest.fixture
def server() -> Process:
    return process(MemoryStorage())


async def test_the_old_token_is_refused_even_from_a_cached_copy(server: Process) -> None:
    session_id, old = await server.started()
    await server.moved((session_id, old), "intro", {"go": True})  # cached here, old token
    await link_to(server.storage, session_id, "resume-me")

    opened = await resume_links(server.storage).open_link("resume-me")

    assert isinstance(opened, Resumed)
    new = opened.view.session.token
    assert new is not None
    assert new != old
    assert opened.view.step.id == "choose"
    refused = await server.submit((session_id, old), "choose", {"vehicle_id": "veh-1"})
    assert isinstance(refused, NotFound)
    assert isinstance(await server.service.current(session_id, old), NotFound)
    moved = await server.submit((session_id, new), "choose", {"vehicle_id": "veh-1"})
    assert isinstance(moved, Moved)
    assert moved.view.step.id == "confirm"


async def test_a_link_opens_once(server: Process) -> None:
    session_id, _ = await server.started()
    await link_to(server.storage, session_id, "once")
    links = resume_links(server.storage)
    assert isinstance(await links.open_link("once"), Resumed)
    again = await links.open_link("once")
    assert isinstance(again, LinkRefused)
    assert again.code == "used"


async def test_an_expired_or_unknown_link_opens_nothing(server: Process) -> None:
    session_id, token = await server.started()
    await link_to(server.storage, session_id, "late", days=0)
    links = resume_links(server.storage)
    late = await links.open_link("late")
    assert isinstance(late, LinkRefused)
    assert late.code == "expired"
    unknown = await links.open_link("never-sent")
    assert isinstance(unknown, LinkRefused)
    assert unknown.code == "unknown"
    assert isinstance(await server.service.current(session_id, token), Moved)  # token intact
