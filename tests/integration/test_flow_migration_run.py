"""The flow-evolution issue's "done when": v2 is deployed while sessions are in flight on v1; each
either finishes on v1 or, after `trex flows migrate`, continues on v2 without losing an answer
that still applies.

The flow is T-Rex v1 and a v2 built from it (tests/support/trex_versions.py): `financing_needs`
renamed `financing` (and its field), an option of `buyer_type` renamed, `buyer_email` dropped,
and a new required field on `dealer_network`, so a session past it cannot move. The command's
own function runs against the database the server uses, as `trex flows migrate` would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.bootstrap import Container, bootstrap
from app.db.sessions import SessionRepository
from app.db.tables import HISTORY, SESSION_EVENTS, SESSIONS
from app.flows_command import migrate
from app.services.records import SessionRecord
from app.services.workflow import WorkflowService
from app.settings import Settings
from tests.support import trex_versions
from tests.support.answers import CONTACT, DEALER_NETWORK, PRIVATE_BUYER
from workflows.commands import StartWorkflow, Transition
from workflows.model import SessionStatus
from workflows.outcomes import Caller, Invalid, Moved, Stale, StepView

BUYER = {**PRIVATE_BUYER, "buyer_phone": "+14155550199"}  # v2 requires the buyer's phone


@dataclass(frozen=True)
class Visitor:
    id: str
    token: str
    seq: int  # of the session's last event


async def _visitor(service: WorkflowService, *steps: tuple[str, dict[str, Any]]) -> Visitor:
    started = await service.start(StartWorkflow("selling", None, Caller()))
    assert isinstance(started, Moved)
    session = started.view.session
    assert session.token is not None
    view = started.view
    for step, data in steps:
        view = await _moved(service, Visitor(session.id, session.token, 0), step, data)
    return Visitor(session.id, session.token, view.session.seq)


async def _moved(
    service: WorkflowService, visitor: Visitor, step: str, data: dict[str, Any]
) -> StepView:
    outcome = await service.transition(Transition(visitor.id, visitor.token, step, data, None))
    assert isinstance(outcome, Moved), outcome
    return outcome.view


async def _finish(service: WorkflowService, visitor: Visitor, *steps: tuple[str, Any]) -> int:
    """Walks the steps to the end; the version the session ran on."""
    view = None
    for step, data in steps:
        view = await _moved(service, visitor, step, data)
    assert view is not None
    assert view.step.id == "selling_complete"
    assert view.session.status in (SessionStatus.SUBMITTED, SessionStatus.COMPLETED)
    return view.session.version


async def _record(container: Container, session_id: str) -> SessionRecord:
    async with container.db.read() as session:
        record = await SessionRepository(session).get(session_id)
    assert record is not None
    return record


async def _rows(container: Container) -> tuple[list[Any], int, int]:
    """Every session row, and how many history rows and events there are."""
    async with container.db.read() as session:
        sessions = (await session.execute(select(SESSIONS).order_by(SESSIONS.c.id))).all()
        history = (await session.execute(select(func.count()).select_from(HISTORY))).scalar()
        events = (await session.execute(select(func.count()).select_from(SESSION_EVENTS))).scalar()
    return [tuple(row) for row in sessions], int(history or 0), int(events or 0)


async def _migrations(container: Container, session_id: str) -> list[dict[str, Any]]:
    async with container.db.read() as session:
        rows = await session.execute(
            select(HISTORY.c.from_step, HISTORY.c.to_step, HISTORY.c.input)
            .where(HISTORY.c.session_id == session_id)
            .where(HISTORY.c.action == "migrate")
        )
    return [{"from": r.from_step, "to": r.to_step, **r.input} for r in rows]


async def test_v2_deployed_with_sessions_in_flight_each_finishes_on_v1_or_continues_on_v2(
    settings: Settings,
) -> None:
    # v1 is deployed; three visitors on the selling branch stop at different steps.
    container = await bootstrap(settings, trex_versions.only_v1())
    deciding = await _visitor(container.service, ("has_buyer", {"has_buyer": True}))
    private = await _visitor(
        container.service,
        ("has_buyer", {"has_buyer": True}),
        ("buyer_type", {"buyer_type": "private"}),
        ("private_buyer_details", BUYER),
    )
    network = await _visitor(
        container.service,
        ("has_buyer", {"has_buyer": False}),
        ("dealer_network", DEALER_NETWORK),
    )
    await container.aclose()

    # v2 is deployed next to v1: new sessions start on v2, those in flight stay on v1.
    flows = trex_versions.both()
    container = await bootstrap(settings, flows)
    service = container.service
    fresh = await service.start(StartWorkflow("selling", None, Caller()))
    assert isinstance(fresh, Moved)
    assert fresh.view.session.version == 2
    for visitor in (deciding, private, network):
        assert (await _record(container, visitor.id)).definition_version == 1
    before = await _rows(container)

    # The dry run lists each session with its landing and the answers kept and dropped, by
    # name only, and changes nothing.
    dry = await migrate(settings, flows, "trex", 2, dry_run=True, skip_refused=False)
    assert dry.ok
    lines = dry.text.splitlines()
    assert lines[0].startswith("trex v1 → v2: 3 sessions in flight on v1, 2 would move, 1 refused")
    assert f"{deciding.id}  buyer_type → buyer_type" in lines
    assert lines[lines.index(f"{deciding.id}  buyer_type → buyer_type") + 1 :][:2] == [
        "    kept: intent_selection.intent, has_buyer.has_buyer",
        "    dropped: none",
    ]
    at = lines.index(f"{private.id}  financing_needs → financing")
    kept, dropped = lines[at + 1], lines[at + 2]
    assert "buyer_type.buyer_type" in kept
    assert "private_buyer_details.buyer_phone" in kept
    assert "buyer_email" not in kept
    assert dropped.startswith("    dropped: private_buyer_details.buyer_email (")
    assert f"{network.id}  credit_consent: refused [missing_answers]" in lines
    assert "'dealer_network' on its path lacks required color" in dry.text
    for value in ("Grace Hopper", "grace@example.com", "4155550199", "10001", "Honda"):
        assert value not in dry.text  # names of fields, never their values
    assert await _rows(container) == before

    # A real run with a refused session is refused whole: nothing moves.
    refused = await migrate(settings, flows, "trex", 2, dry_run=False, skip_refused=False)
    assert not refused.ok
    assert "refused, nothing moved: 1 sessions cannot move" in refused.text
    assert f"{network.id}  credit_consent: refused [missing_answers]" in refused.text
    assert await _rows(container) == before

    # A subscriber on the private seller's session; then the run that leaves the refused on v1.
    updates = service.updates(private.id, private.token, private.seq)
    assert isinstance(updates, AsyncGenerator)
    pushed = asyncio.ensure_future(anext(updates))
    done = await migrate(settings, flows, "trex", 2, dry_run=False, skip_refused=True)
    assert done.ok, done.text
    assert done.text.splitlines()[-1] == "trex v1 → v2: moved 2, refused 1, skipped 0"
    update = await asyncio.wait_for(pushed, timeout=10)
    await updates.aclose()
    assert update.view is not None
    assert (update.view.step.id, update.view.session.version) == ("financing", 2)

    moved = await _record(container, private.id)
    assert (moved.definition_version, moved.state.current_step) == (2, "financing")
    assert moved.state.path[-1] == "financing"
    assert "financing_needs" not in moved.state.path
    assert moved.state.answers["buyer_type"] == {"buyer_type": "private_party"}
    assert moved.state.answers["private_buyer_details"] == {
        k: v for k, v in BUYER.items() if k != "buyer_email"
    }
    [history] = await _migrations(container, private.id)
    assert (history["from"], history["to"]) == ("financing_needs", "financing")
    assert (history["from_version"], history["to_version"]) == (1, 2)
    assert history["dropped"] == ["private_buyer_details.buyer_email"]
    assert "buyer_type.buyer_type" in history["kept"]
    assert len(await _migrations(container, network.id)) == 0

    # The private seller continues on v2: v1's step id is stale, v2's moves on, and the answers
    # that still apply are there (the view of the confirmation prefills nothing it lost).
    stale = await service.transition(
        Transition(private.id, private.token, "financing_needs", {"needs_financing": False})
    )
    assert isinstance(stale, Stale)
    assert stale.expected_step == "financing"
    current = await service.current(private.id, private.token)
    assert isinstance(current, Moved)
    assert current.view.step.id == "financing"
    on_v2 = await _finish(
        service,
        private,
        ("financing", {"wants_financing": False}),
        ("selling_confirmation", CONTACT),
        ("replacement_check", {"wants_replacement": False}),
    )
    assert on_v2 == 2

    # The visitor deciding who buys continues on v2, where the option is renamed.
    old_option = await service.transition(
        Transition(deciding.id, deciding.token, "buyer_type", {"buyer_type": "private"})
    )
    assert isinstance(old_option, Invalid)
    assert [e.field for e in old_option.errors] == ["buyer_type"]
    details = await _moved(service, deciding, "buyer_type", {"buyer_type": "private_party"})
    assert (details.step.id, details.session.version) == ("private_buyer_details", 2)
    assert (await _record(container, deciding.id)).state.answers["has_buyer"] == {"has_buyer": True}

    # The refused session finishes on v1, its v1 answers untouched.
    assert (await _record(container, network.id)).state.answers["dealer_network"] == {
        **DEALER_NETWORK
    }
    on_v1 = await _finish(
        service,
        network,
        ("credit_consent", {"consent": True}),
        ("dealer_confirmation", CONTACT),
        ("replacement_check", {"wants_replacement": False}),
    )
    assert on_v1 == 1
    await container.aclose()
