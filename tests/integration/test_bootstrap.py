"""Start-up: a broken definition stops it; sessions left waiting are moved on."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from app.bootstrap import UNAVAILABLE_AFTER_RESTART, bootstrap
from app.db.sessions import SessionRepository
from app.services.versions import VersionsMissing
from app.settings import Settings
from tests.support.answers import CONTACT
from workflows.checker import DefinitionError
from workflows.commands import StartWorkflow, Transition
from workflows.model import Goto, SessionStatus
from workflows.outcomes import Caller, ConfirmationData, Moved
from workflows.registry import Registry, Release, definition


async def test_a_broken_definition_stops_start_up_naming_the_step(settings: Settings) -> None:
    workflow = definition("trex", 1)
    steps = dict(workflow.steps)
    steps["financing_needs"] = replace(steps["financing_needs"], default=Goto("nowhere"))
    with pytest.raises(DefinitionError, match="financing_needs: transition to unknown step"):
        await bootstrap(settings, Registry.of([Release(replace(workflow, steps=steps))]))


async def test_a_deploy_that_dropped_a_version_with_sessions_on_it_stops_naming_them(
    settings: Settings,
) -> None:
    container = await bootstrap(settings)
    await container.service.start(StartWorkflow("buying", None, Caller()))
    await container.aclose()
    only_v2 = Registry.of([Release(replace(definition("trex", 1), version=2))])
    with pytest.raises(VersionsMissing, match=r"trex v1 \(1 sessions\).*trex flows migrate"):
        await bootstrap(settings, only_v2)
    both = Registry.of([Release(definition("trex", 1)), *only_v2.releases.values()])
    container = await bootstrap(settings, both)
    await container.aclose()


async def test_a_session_left_waiting_by_a_stopped_process_moves_on(settings: Settings) -> None:
    """Past twice the credit deadline (plus 5 s) no live process can still be asking."""
    container = await bootstrap(settings)
    service = container.service
    started = await service.start(StartWorkflow("selling", None, Caller()))
    assert isinstance(started, Moved)
    session_id, token = started.view.session.id, started.view.session.token
    for step, data in [
        ("has_buyer", {"has_buyer": True}),
        ("buyer_type", {"buyer_type": "private"}),
        (
            "private_buyer_details",
            {
                "make": "Honda",
                "model": "Civic",
                "year": 2018,
                "mileage": 48_000,
                "condition": "good",
                "agreed_price": 9_000,
                "buyer_name": "Grace",
                "buyer_phone": "4155550123",
            },
        ),
        ("financing_needs", {"needs_financing": True}),
    ]:
        moved = await service.transition(Transition(session_id, token, step, data, None))
        assert isinstance(moved, Moved), moved
    # A crash: the session waits for a credit result that the stopped process will never get,
    # and has waited longer than any live process would.
    async with container.db.write() as session:
        repo = SessionRepository(session)
        record = await repo.get(session_id)
        assert record is not None
        waiting = replace(
            record.state,
            current_step="credit_check_pending",
            status=SessionStatus.WAITING,
            path=(*record.state.path, "credit_check", "credit_check_pending"),
        )
        long_ago = record.updated_at - timedelta(seconds=2 * settings.credit_deadline_seconds + 6)
        await repo.save(replace(record, state=waiting, updated_at=long_ago))
    await container.aclose()
    restarted = await bootstrap(settings)
    async with asyncio.timeout(5):
        while True:  # the sweeper runs at start and then every few seconds
            resumed = await restarted.service.current(session_id, token)
            if isinstance(resumed, Moved) and resumed.view.step.id != "credit_check_pending":
                break
            await asyncio.sleep(0.05)
    await restarted.aclose()
    assert isinstance(resumed, Moved)
    assert resumed.view.step.id == "selling_confirmation"
    assert isinstance(resumed.view.data, ConfirmationData)
    assert resumed.view.data.credit is not None
    assert resumed.view.data.credit.status == UNAVAILABLE_AFTER_RESTART["credit"]["status"]


async def test_shutdown_returns_when_a_commit_wakes_the_relay_as_it_is_stopped(
    settings: Settings,
) -> None:
    """On Python 3.11 `asyncio.wait_for` can swallow the cancel that stops the relay when its
    wake-up arrives at the same moment; the relay then looped on and shutdown never returned
    (seen in 1 of 4-8 shutdowns right after a submission)."""
    for attempt in range(12):
        container = await bootstrap(settings)
        service = container.service
        started = await service.start(StartWorkflow("buying", None, Caller()))
        assert isinstance(started, Moved)
        session_id, token = started.view.session.id, started.view.session.token
        make = ("Toyota", "Honda", "Ford")[attempt % 3]
        knows = await service.transition(
            Transition(session_id, token, "vehicle_knowledge", {"knows_vehicle": True}, None)
        )
        assert isinstance(knows, Moved), knows
        moved = await service.transition(
            Transition(session_id, token, "vehicle_search", {"make": make}, None)
        )
        assert isinstance(moved, Moved), moved
        vehicles = getattr(moved.view.data, "vehicles", ())
        for step, data in [
            ("search_results", {"vehicle_id": vehicles[attempt % len(vehicles)].id}),
            ("vehicle_selection", {"confirm": True}),
            ("buying_confirmation", CONTACT),
        ]:
            assert isinstance(
                await service.transition(Transition(session_id, token, step, data, None)), Moved
            )
        async with asyncio.timeout(10):
            await container.aclose()
