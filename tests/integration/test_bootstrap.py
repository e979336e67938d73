"""Start-up: a broken definition stops it; sessions left waiting are moved on."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.bootstrap import UNAVAILABLE_AFTER_RESTART, Container, bootstrap
from app.db.sessions import SessionRepository
from app.services.versions import VersionsMissing
from app.settings import Settings
from tests.support.answers import CONTACT, PRIVATE_BUYER
from tests.support.waiting import eventually
from workflows.checker import DefinitionError
from workflows.commands import StartWorkflow, Transition
from workflows.financing import FinancingResultData
from workflows.model import Goto, SessionStatus
from workflows.outcomes import Caller, Moved
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
    started = await container.service.start(StartWorkflow("buying", None, Caller()))
    assert isinstance(started, Moved)
    await container.aclose()
    current = definition("trex")
    assert started.view.session.version == current.version
    # The next deploy ships a version after it and dropped the file of the one in use.
    next_only = Registry.of(
        [
            Release(replace(current, version=current.version + 1)),
            Release(definition("buyer_financing")),
        ]
    )
    missing = rf"trex v{current.version} \(1 sessions\).*trex flows migrate"
    with pytest.raises(VersionsMissing, match=missing):
        await bootstrap(settings, next_only)
    kept = Registry.of([Release(current), *next_only.releases.values()])
    container = await bootstrap(settings, kept)
    await container.aclose()


async def _invited_buyer(container: Container) -> tuple[str, str]:
    """A seller's private sale with financing sends the buyer's invitation; the buyer opens the
    link the sandbox's communications service delivered: their session (id, token), on
    `financing_intro`."""
    service = container.service
    started = await service.start(StartWorkflow("selling", None, Caller()))
    assert isinstance(started, Moved)
    seller, seller_token = started.view.session.id, started.view.session.token
    email = f"buyer-{uuid.uuid4().hex[:10]}@example.com"
    for step, data in [
        ("has_buyer", {"has_buyer": True}),
        ("buyer_type", {"buyer_type": "private"}),
        ("private_buyer_details", {**PRIVATE_BUYER, "buyer_email": email}),
        ("financing_needs", {"needs_financing": True}),
        ("buyer_financing_invite", {"invite_channel": "email", "buyer_email": email}),
    ]:
        moved = await service.transition(Transition(seller, seller_token, step, data, None))
        assert isinstance(moved, Moved), moved
    assert container.sandbox is not None
    links: list[str] = []
    transport = httpx.ASGITransport(app=container.sandbox)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.internal") as http:

        async def delivered() -> bool:
            listed = await http.get("/sandbox/communications/messages", params={"to": email})
            messages = listed.json()["messages"]
            links[:] = [m["data"]["link"] for m in messages]
            return bool(links)

        await eventually(delivered, f"an invitation to {email}", 10)
    token = parse_qs(urlsplit(links[-1]).query)["trex_invitation"][0]
    opened = await service.start(StartWorkflow("buyer_financing", None, Caller(), token))
    assert isinstance(opened, Moved), opened
    assert opened.view.step.id == "financing_intro"
    assert opened.view.session.token is not None
    return opened.view.session.id, opened.view.session.token


async def test_a_session_left_waiting_by_a_stopped_process_moves_on(settings: Settings) -> None:
    """Past twice the credit deadline (plus 5 s) no live process can still be asking."""
    container = await bootstrap(settings)
    session_id, token = await _invited_buyer(container)
    moved = await container.service.transition(
        Transition(session_id, token, "financing_intro", {"continue": True}, None)
    )
    assert isinstance(moved, Moved), moved
    assert moved.view.step.id == "credit_check"
    # A crash: the buyer's session waits for a credit result that the stopped process will
    # never get (its check was requested, the SSN dropped), and has waited longer than any live
    # process would.
    async with container.db.write() as session:
        repo = SessionRepository(session)
        record = await repo.get(session_id)
        assert record is not None
        assert record.workflow == "buyer_financing"
        waiting = replace(
            record.state,
            current_step="credit_check_pending",
            status=SessionStatus.WAITING,
            path=(*record.state.path, "credit_check_pending"),
        )
        requested = {"status": "pending", "requested_at": record.updated_at.isoformat()}
        long_ago = record.updated_at - timedelta(seconds=2 * settings.credit_deadline_seconds + 6)
        await repo.save(
            replace(
                record,
                state=waiting,
                context={**record.context, "credit": {**requested, "attempt": 1}},
                updated_at=long_ago,
            )
        )
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
    assert resumed.view.step.id == "financing_result"
    assert isinstance(resumed.view.data, FinancingResultData)
    assert resumed.view.data.status == UNAVAILABLE_AFTER_RESTART["credit"]["status"]
    assert resumed.view.data.can_retry  # nothing was checked: the buyer may try again


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
