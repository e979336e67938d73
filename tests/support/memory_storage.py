"""The workflow service's storage (`app.services.storage.SessionStorage`) in memory, for tests that
run the service's own logic in milliseconds.

It keeps the SQL storage's guarantees that the service relies on. A `write()` is a real unit of
work: its block works on its own copy of everything, which replaces what is stored only when
the block ends without raising. Writes go one at a time (as on SQLite) while reads do not, and
a save is conditional on the row version it read, so of two writers that read one version the
second gets None (the conflict). A vehicle is held only while it is free, counts are by digest.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from app.services.records import Invitation, LeadRecord, ResumeLink, SessionRecord, StoredEvent
from tests.support.memory_leads import (
    Hold,
    MemoryClientCounts,
    MemoryLeads,
    MemoryOutbox,
    Work,
)
from workflows.model import SessionStatus
from workflows.replay import RecordedRow, RecordedSession, workflow_type_of


@dataclass
class State:
    """Everything stored. Records are frozen: a copy of the containers is a copy of it all."""

    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    events: dict[tuple[str, int], StoredEvent] = field(default_factory=dict)
    published: set[tuple[str, int]] = field(default_factory=set)
    leads: dict[str, LeadRecord] = field(default_factory=dict)
    vehicles: dict[str, Hold] = field(default_factory=dict)
    capacity: dict[str, int] = field(default_factory=dict)
    outbox: dict[int, Work] = field(default_factory=dict)
    processed: set[tuple[str, int]] = field(default_factory=set)
    confirmations: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    invitations: dict[str, Invitation] = field(default_factory=dict)
    resume_links: dict[str, ResumeLink] = field(default_factory=dict)

    def copy(self) -> State:
        return State(
            dict(self.sessions),
            list(self.history),
            dict(self.outcomes),
            dict(self.events),
            set(self.published),
            dict(self.leads),
            dict(self.vehicles),
            dict(self.capacity),
            dict(self.outbox),
            set(self.processed),
            dict(self.confirmations),
            dict(self.invitations),
            dict(self.resume_links),
        )


class MemorySessions:
    def __init__(self, state: State) -> None:
        self._s = state

    async def get(self, session_id: str) -> SessionRecord | None:
        return self._s.sessions.get(session_id)

    async def waiting_ids(self, since_before: datetime) -> list[str]:
        return [
            r.id
            for r in self._s.sessions.values()
            if r.state.status is SessionStatus.WAITING and r.updated_at < since_before
        ]

    async def in_flight(self, workflow: str, version: int) -> list[str]:
        ongoing = (SessionStatus.ACTIVE, SessionStatus.WAITING)
        found = [
            r
            for r in self._s.sessions.values()
            if (r.workflow, r.definition_version) == (workflow, version)
            and r.state.status in ongoing
        ]
        return [r.id for r in sorted(found, key=lambda r: (r.created_at, r.id))]

    async def versions_in_use(self) -> dict[tuple[str, int], int]:
        return dict(Counter((r.workflow, r.definition_version) for r in self._s.sessions.values()))

    async def add(self, record: SessionRecord) -> None:
        assert record.id not in self._s.sessions, "duplicate session id"
        self._s.sessions[record.id] = record

    async def save(self, record: SessionRecord) -> SessionRecord | None:
        stored = self._s.sessions.get(record.id)
        if stored is None or stored.row_version != record.row_version:
            return None
        saved = replace(record, row_version=stored.row_version + 1, last_seq=stored.last_seq + 1)
        self._s.sessions[record.id] = saved
        return saved

    async def next_seq(self, session_id: str) -> int | None:
        stored = self._s.sessions.get(session_id)
        if stored is None:
            return None
        self._s.sessions[session_id] = replace(stored, last_seq=stored.last_seq + 1)
        return stored.last_seq + 1

    async def set_status(self, session_id: str, status: SessionStatus) -> None:
        stored = self._s.sessions[session_id]
        state = replace(stored.state, status=status)
        self._s.sessions[session_id] = replace(
            stored, state=state, row_version=stored.row_version + 1
        )

    async def set_token(self, session_id: str, token_hash: str) -> None:
        stored = self._s.sessions[session_id]
        self._s.sessions[session_id] = replace(
            stored, token_hash=token_hash, row_version=stored.row_version + 1
        )

    async def add_history(
        self,
        session_id: str,
        action: str,
        from_step: str | None,
        to_step: str,
        at: datetime,
        input_: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
    ) -> None:
        entry = {"session_id": session_id, "action": action, "from": from_step, "to": to_step}
        self._s.history.append({**entry, "at": at, "input": input_ or {}, "result": result or {}})

    async def recorded(self, workflow: str, version: int, limit: int) -> list[RecordedSession]:
        chosen = sorted(
            (
                r
                for r in self._s.sessions.values()
                if (r.workflow, r.definition_version) == (workflow, version)
            ),
            key=lambda r: (r.created_at, r.id),
        )[:limit]
        return [self._recorded(r.id, workflow, version) for r in chosen]

    def _recorded(self, session_id: str, workflow: str, version: int) -> RecordedSession:
        rows = tuple(
            RecordedRow(h["action"], h["from"], h["to"], dict(h["input"]), h["at"])
            for h in self._s.history
            if h["session_id"] == session_id
        )
        return RecordedSession(session_id, workflow, version, workflow_type_of(rows), rows)

    async def idempotent_outcome(self, session_id: str, key: str) -> dict[str, Any] | None:
        return self._s.outcomes.get((session_id, key))

    async def remember_outcome(
        self, session_id: str, key: str, outcome: dict[str, Any], at: datetime
    ) -> None:
        assert (session_id, key) not in self._s.outcomes, "the key's outcome is remembered once"
        self._s.outcomes[(session_id, key)] = outcome


class MemoryEvents:
    def __init__(self, state: State) -> None:
        self._s = state

    async def add(self, event: StoredEvent) -> None:
        key = (event.session_id, event.seq)
        assert key not in self._s.events, f"event {key} written twice"
        self._s.events[key] = event

    async def after(self, session_id: str, after_seq: int) -> list[StoredEvent]:
        found = [e for e in self._s.events.values() if e.session_id == session_id]
        return sorted((e for e in found if e.seq > after_seq), key=lambda e: e.seq)

    async def unpublished(self, limit: int) -> list[StoredEvent]:
        pending = [e for key, e in self._s.events.items() if key not in self._s.published]
        return sorted(pending, key=lambda e: (e.at, e.seq))[:limit]

    async def mark_published(self, events: Sequence[StoredEvent], at: datetime) -> None:
        self._s.published |= {(e.session_id, e.seq) for e in events}


class MemoryInvitations:
    def __init__(self, state: State) -> None:
        self._s = state

    async def put(self, invitation: Invitation) -> None:
        self._s.invitations[invitation.id] = invitation

    async def get(self, invitation_id: str) -> Invitation | None:
        return self._s.invitations.get(invitation_id)

    async def locked(self, invitation_id: str) -> Invitation | None:
        return self._s.invitations.get(invitation_id)  # one writer at a time already

    async def by_token(self, token_hash: str) -> Invitation | None:
        found = (i for i in self._s.invitations.values() if i.token_hash == token_hash)
        return next(found, None)

    async def use(self, invitation_id: str, session_id: str, now: datetime) -> bool:
        found = self._s.invitations.get(invitation_id)
        if found is None or found.used_at is not None or found.expires_at <= now:
            return False
        used = replace(found, used_at=now, applicant_session_id=session_id)
        self._s.invitations[invitation_id] = used
        return True


class MemoryResumeLinks:
    def __init__(self, state: State) -> None:
        self._s = state

    async def put(self, link: ResumeLink) -> None:
        self._s.resume_links[link.id] = link

    async def by_token(self, token_hash: str) -> ResumeLink | None:
        found = (link for link in self._s.resume_links.values() if link.token_hash == token_hash)
        return next(found, None)

    async def use(self, link_id: str, now: datetime) -> bool:
        found = self._s.resume_links.get(link_id)
        if found is None or found.used_at is not None or found.expires_at <= now:
            return False
        self._s.resume_links[link_id] = replace(found, used_at=now)
        return True


class MemoryUnitOfWork:
    def __init__(self, state: State) -> None:
        self.sessions = MemorySessions(state)
        self.events = MemoryEvents(state)
        self.leads = MemoryLeads(state)
        self.outbox = MemoryOutbox(state)
        self.client_counts = MemoryClientCounts(state)
        self.invitations = MemoryInvitations(state)
        self.resume_links = MemoryResumeLinks(state)
        self.committed: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        self.committed.append(action)


class MemoryStorage:
    def __init__(self) -> None:
        self.state = State()
        self.commits = 0
        self._writing = asyncio.Lock()

    def stock(self, *vehicle_ids: str, dealers: dict[str, int] | None = None) -> None:
        """Vehicles available to hold, dealers with their capacity."""
        self.state.vehicles |= {vehicle_id: Hold() for vehicle_id in vehicle_ids}
        self.state.capacity |= dealers or {}

    @asynccontextmanager
    async def read(self) -> AsyncIterator[MemoryUnitOfWork]:
        """What is committed; anything written here is dropped (nothing commits a read)."""
        yield MemoryUnitOfWork(self.state.copy())

    @asynccontextmanager
    async def write(self) -> AsyncIterator[MemoryUnitOfWork]:
        async with self._writing:
            working = self.state.copy()
            uow = MemoryUnitOfWork(working)
            yield uow
            self.state = working  # not reached when the block raised: nothing is applied
            self.commits += 1
            for action in uow.committed:
                action()
