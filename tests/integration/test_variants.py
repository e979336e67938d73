"""A host site's variants on the real database (SQLite, or PostgreSQL with
TREX_TEST_STACK=scaleout): new sessions start on their variant's version with the variant
recorded, the site's lead query shows it and the funnel counts each variant apart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from app.bootstrap import Container, bootstrap, now
from app.db.unit_of_work import SqlStorage
from app.services.host_sites import NewHostSite
from app.services.site_variants import configure
from app.settings import Settings
from tests.support.answers import CONTACT, PRIVATE_BUYER
from workflows.commands import StartWorkflow, Transition
from workflows.outcomes import Caller, CompletionData, Moved, StepView
from workflows.registry import Registry, Release, definition
from workflows.variants import VariantsRefused

ORIGIN = "https://cars.acme.example"
SELLING_PRIVATELY = [
    ("intent_selection", {"intent": "selling"}),
    ("has_buyer", {"has_buyer": True}),
    ("buyer_type", {"buyer_type": "private"}),
    ("private_buyer_details", PRIVATE_BUYER),
    ("financing_needs", {"needs_financing": False}),
    ("selling_confirmation", CONTACT),
    ("replacement_check", {"wants_replacement": False}),
]
FLOWS = Registry.of(
    [Release(definition("trex", 1)), Release(replace(definition("trex", 1), version=2))]
)


@pytest.fixture
async def container(settings: Settings) -> AsyncIterator[Container]:
    container = await bootstrap(settings, FLOWS)
    try:
        yield container
    finally:
        await container.aclose()


async def _site(container: Container, split: str | None) -> NewHostSite:
    created = await container.sites.create("Acme", [ORIGIN])
    await configure(container.sites, FLOWS, "trex", created.site.id, split)
    return created


async def _start(container: Container, site: NewHostSite, context: dict[str, Any]) -> StepView:
    caller = Caller(site.publishable_key, ORIGIN, "127.0.0.1")
    started = await container.service.start(StartWorkflow(None, context, caller))
    assert isinstance(started, Moved), started
    return started.view


async def _walk(container: Container, view: StepView) -> StepView:
    session = view.session
    assert session.token is not None
    for step, data in SELLING_PRIVATELY:
        moved = await container.service.transition(
            Transition(session.id, session.token, step, data, None)
        )
        assert isinstance(moved, Moved), moved
        view = moved.view
    return view


async def test_a_split_places_visitors_on_both_versions_and_keeps_each_on_its_own(
    container: Container,
) -> None:
    site = await _site(container, "a=1:50,b=2:50")
    placed: dict[str, tuple[str, int]] = {}
    views = []
    for n in range(12):
        view = (await _start(container, site, {"visitorId": f"visitor-{n}"})).session
        placed[f"visitor-{n}"] = (view.variant, view.version)
        views.append(view)
    assert set(placed.values()) == {("a", 1), ("b", 2)}
    for visitor, first in list(placed.items())[:4]:  # sticky: again and again the same
        again = (await _start(container, site, {"visitorId": visitor})).session
        assert (again.variant, again.version) == first
    async with SqlStorage(container.db).read() as uow:
        stored = [await uow.sessions.get(view.id) for view in views]
    assert [(s.variant, s.definition_version) for s in stored if s] == [
        (v.variant, v.version) for v in views
    ]
    # Without an id the address decides: the same client, the same variant.
    by_address = {(await _start(container, site, {})).session.variant for _ in range(3)}
    assert len(by_address) == 1


async def test_a_site_pinned_to_an_old_version_starts_there_and_others_on_the_current(
    container: Container,
) -> None:
    pinned = await _site(container, "old=1")
    other = await _site(container, None)
    view = (await _start(container, pinned, {"visitorId": "v"})).session
    assert (view.variant, view.version) == ("old", 1)
    async with SqlStorage(container.db).read() as uow:
        stored = await uow.sessions.get(view.id)
    assert stored is not None
    assert (stored.variant, stored.definition_version) == ("old", 1)
    plain = (await _start(container, other, {"visitorId": "v"})).session
    assert (plain.variant, plain.version) == ("default", 2)
    await configure(container.sites, FLOWS, "trex", pinned.site.id, None)  # cleared
    cleared = (await _start(container, pinned, {"visitorId": "v"})).session
    assert (cleared.variant, cleared.version) == ("default", 2)


async def test_a_version_the_registry_lacks_or_an_unknown_site_is_refused(
    container: Container,
) -> None:
    created = await container.sites.create("Acme", [ORIGIN])
    with pytest.raises(VariantsRefused, match="version 3 of 'trex' is not defined"):
        await configure(container.sites, FLOWS, "trex", created.site.id, "a=1:1,b=3:1")
    assert await configure(container.sites, FLOWS, "trex", "site_nope", "a=1") is None
    assert (await container.sites.get(created.site.id)) == created.site  # unchanged


async def test_the_lead_query_and_the_funnel_show_each_variant(container: Container) -> None:
    site = await _site(container, "a=1:50,b=2:50")
    leads: dict[str, str] = {}
    started: dict[str, int] = {}
    for n in range(10):
        view = await _start(container, site, {"visitorId": f"visitor-{n}"})
        variant = view.session.variant
        started[variant] = started.get(variant, 0) + 1
        if variant not in leads:
            done = await _walk(container, view)
            assert isinstance(done.data, CompletionData)
            leads[variant] = done.data.lead_id
    assert set(leads) == {"a", "b"}
    for variant, lead_id in leads.items():
        lead = await container.leads.lead(lead_id, site.secret_key)
        assert lead is not None
        assert lead.session is not None
        expected = 1 if variant == "a" else 2
        assert (lead.session.workflow, lead.session.version, lead.session.variant) == (
            "trex",
            expected,
            variant,
        )
    today = now().date()
    report = await container.funnel.report(today, today, site.site.id)
    by_variant = {f.key.variant: f for f in report.funnels}
    assert set(by_variant) == {"a", "b"}
    assert {v: f.key.version for v, f in by_variant.items()} == {"a": 1, "b": 2}
    assert {v: f.started for v, f in by_variant.items()} == started
    assert {v: f.leads for v, f in by_variant.items()} == {"a": 1, "b": 1}
