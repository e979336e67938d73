"""The lead side of the workflow service's storage in memory (tests/support/memory_storage.py):
leads and their vehicle holds, the outbox, the per-client counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.services.records import ClientDigests, LeadRecord, OutboxItem

if TYPE_CHECKING:
    from tests.support.memory_storage import State


@dataclass(frozen=True, slots=True)
class Hold:
    status: str = "available"  # available, held or sold
    lead_id: str | None = None
    until: datetime | None = None

    def free_at(self, now: datetime) -> bool:
        """Available, or held by a hold that has run out."""
        ran_out = self.status == "held" and self.until is not None and self.until <= now
        return self.status == "available" or ran_out


@dataclass(frozen=True, slots=True)
class Work:
    item: OutboxItem
    available_at: datetime
    claimed_until: datetime | None = None
    done_at: datetime | None = None


class MemoryLeads:
    def __init__(self, state: State) -> None:
        self._s = state

    async def add(self, lead: LeadRecord) -> None:
        self._s.leads[lead.id] = lead

    async def get(self, lead_id: str) -> LeadRecord | None:
        return self._s.leads.get(lead_id)

    async def locked(self, lead_id: str) -> LeadRecord | None:
        return self._s.leads.get(lead_id)  # writes go one at a time: locked already

    async def update(self, lead: LeadRecord, at: datetime) -> None:
        self._s.leads[lead.id] = lead

    async def statuses_of_session(self, session_id: str) -> list[str]:
        return [lead.status for lead in self._s.leads.values() if lead.session_id == session_id]

    async def hold_vehicle(
        self, vehicle_id: str, lead_id: str, now: datetime, until: datetime
    ) -> bool:
        hold = self._s.vehicles.get(vehicle_id)
        if hold is None or not hold.free_at(now):
            return False
        self._s.vehicles[vehicle_id] = Hold("held", lead_id, until)
        return True

    async def release_hold(self, lead_id: str) -> None:
        for vehicle_id, hold in list(self._s.vehicles.items()):
            if hold.lead_id == lead_id:
                self._s.vehicles[vehicle_id] = Hold()

    async def release_expired_holds(self, now: datetime) -> int:
        expired = [v for v, h in self._s.vehicles.items() if h.status == "held" and h.free_at(now)]
        self._s.vehicles |= {vehicle_id: Hold() for vehicle_id in expired}
        return len(expired)

    async def capacities(self) -> dict[str, int]:
        return dict(self._s.capacity)

    async def take_capacity(self, dealer_id: str) -> bool:
        if self._s.capacity.get(dealer_id, 0) <= 0:
            return False
        self._s.capacity[dealer_id] -= 1
        return True

    async def give_back_capacity(self, dealer_ids: Sequence[str]) -> None:
        for dealer_id in dealer_ids:
            self._s.capacity[dealer_id] += 1


class MemoryOutbox:
    def __init__(self, state: State) -> None:
        self._s = state

    async def add(self, topic: str, payload: dict[str, Any], now: datetime) -> None:
        item_id = max(self._s.outbox, default=0) + 1
        self._s.outbox[item_id] = Work(OutboxItem(item_id, topic, payload, 0), now)

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxItem]:
        due = [
            work
            for work in self._s.outbox.values()
            if work.done_at is None
            and work.available_at <= now
            and (work.claimed_until is None or work.claimed_until < now)
        ][:limit]
        for work in due:
            self._s.outbox[work.item.id] = replace(work, claimed_until=now + lease)
        return [work.item for work in due]

    async def done(self, item_id: int, now: datetime) -> None:
        self._s.outbox[item_id] = replace(self._s.outbox[item_id], done_at=now)

    async def retry_later(self, item_id: int, at: datetime, error: str) -> None:
        work = self._s.outbox[item_id]
        item = replace(work.item, attempts=work.item.attempts + 1)
        self._s.outbox[item_id] = Work(item, at)

    async def release(self, item_ids: list[int]) -> None:
        for item_id in item_ids:
            self._s.outbox[item_id] = replace(self._s.outbox[item_id], claimed_until=None)

    async def prune(self, done_before: datetime) -> int:
        gone = [i for i, w in self._s.outbox.items() if w.done_at and w.done_at < done_before]
        for item_id in gone:
            del self._s.outbox[item_id]
        self._s.processed = {(h, e) for h, e in self._s.processed if e not in gone}
        return len(gone)

    async def backlog(self) -> list[tuple[str, int, datetime]]:
        """As the SQL store's, dated by when each item is next due (memory keeps no more)."""
        pending: dict[str, list[datetime]] = {}
        for work in self._s.outbox.values():
            if work.done_at is None:
                pending.setdefault(work.item.topic, []).append(work.available_at)
        return [(topic, len(dates), min(dates)) for topic, dates in sorted(pending.items())]

    async def already_processed(self, handler: str, event_id: int) -> bool:
        return (handler, event_id) in self._s.processed

    async def mark_processed(self, handler: str, event_id: int, now: datetime) -> None:
        self._s.processed.add((handler, event_id))


class MemoryClientCounts:
    def __init__(self, state: State) -> None:
        self._s = state

    async def lock(self, digests: Iterable[str]) -> None:
        """Writes go one at a time already."""

    async def most_holds(self, client: ClientDigests, now: datetime) -> int:
        holds = self._s.vehicles.values()
        held = {h.lead_id for h in holds if h.status == "held" and h.until and h.until > now}
        return _most(client, [lead for lead in self._s.leads.values() if lead.id in held])

    async def most_leads(self, client: ClientDigests, since: datetime) -> int:
        return _most(client, [lead for lead in self._s.leads.values() if lead.created_at >= since])

    async def reserve_confirmation(
        self, lead_id: str, recipient: str, now: datetime, since: datetime
    ) -> bool:
        taken = self._s.confirmations.get(recipient)
        if taken is not None and taken[0] != lead_id and taken[1] >= since:
            return False
        if taken is None or taken[0] != lead_id:
            self._s.confirmations[recipient] = (lead_id, now)
        return True


def _most(client: ClientDigests, leads: list[LeadRecord]) -> int:
    """The most leads of one of the client's session, address or contact."""
    pairs = (
        ("session_id", client.session_id),
        ("address_hash", client.address),
        ("email_hash", client.email),
        ("phone_hash", client.phone),
    )
    counts = [sum(getattr(lead, name) == value for lead in leads) for name, value in pairs if value]
    return max(counts, default=0)
