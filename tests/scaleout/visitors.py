"""The visitors of the scale-out tests and what they can check.

A visitor walks a session over HTTP on one server (`Flow` of the e2e client) while a `Follower`
keeps its `sessionUpdates` subscription open on another, reconnecting with `afterSeq` after any
break, the way a page does; `stored_events` and `leads_of` read what PostgreSQL committed.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.e2e.client import STEP_ERRORS, Api, Flow, operation
from tests.e2e.financing import applicant
from tests.scaleout.harness import Sandbox, Server, psql
from tests.support import answers
from tests.support.waiting import eventually

Json = dict[str, Any]
LEAD_STEPS = ("SCORED", "DEALER_ASSIGNED", "CONTACTED")
_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
MAX_CONNECTIONS = 200
MAX_MESSAGES = 10_000  # on one connection
FOLLOWER_LIFETIME_S = 180.0

# A private sale without financing, to its confirmation (the lead is submitted there).
TO_SELLING_CONFIRMATION: list[tuple[str, Json]] = [
    ("has_buyer", {"has_buyer": True}),
    ("buyer_type", {"buyer_type": "private"}),
    ("private_buyer_details", answers.PRIVATE_BUYER),
    ("financing_needs", {"needs_financing": False}),
]
# The buyer's own financing session, from the invitation it was opened with to the wait for
# the bureau: the credit result moves credit_check_pending on in the background.
BUYER_TO_CREDIT_CHECK_PENDING: list[tuple[str, Json]] = [
    ("financing_intro", {"continue": True}),
    ("credit_check", applicant(answers.APPROVED_SSN)),
]


def to_buyer_invitation(buyer_email: str) -> list[tuple[str, Json]]:
    """A private sale with financing, to its confirmation: the buyer is invited by e-mail at
    `buyer_email` (the seller's own address for the sandbox to send the link to)."""
    return [
        *TO_SELLING_CONFIRMATION[:2],
        ("private_buyer_details", {**answers.PRIVATE_BUYER, "buyer_email": buyer_email}),
        ("financing_needs", {"needs_financing": True}),
        ("buyer_financing_invite", {"invite_channel": "email", "buyer_email": buyer_email}),
    ]


async def invitation_token(sandbox: Sandbox, to: str) -> str:
    """The token of the latest invitation link the sandbox's communications service sent to
    `to` (sent by a worker once the seller's transition committed)."""
    links: list[str] = []

    async def delivered() -> bool:
        sent = await sandbox.messages(to=to)
        links[:] = [m["data"]["link"] for m in sent if m["template"] == "financing_invitation"]
        return bool(links)

    await eventually(delivered, f"an invitation to {to}", 15, 0.1)
    return str(parse_qs(urlsplit(links[-1]).query)["trex_invitation"][0])


def contact(tag: str) -> Json:
    """Valid contact answers with an e-mail address of this visitor's own."""
    return {**answers.CONTACT, "email": f"{tag}.{uuid.uuid4().hex[:10]}@example.com"}


async def walk(flow: Flow, steps: Sequence[tuple[str, Json]]) -> None:
    for step_id, data in steps:
        assert flow.step_id == step_id, flow.step
        result = await flow.submit(data)
        assert result["__typename"] not in STEP_ERRORS, result


async def submit_lead(flow: Flow, email_tag: str) -> Json:
    """At `selling_confirmation`: submit the contact details; the lead is created. Returns them."""
    details = contact(email_tag)
    await walk(flow, [("selling_confirmation", details)])
    assert flow.step_id == "replacement_check", flow.step
    return details


async def finish(flow: Flow) -> None:
    await walk(flow, [("replacement_check", {"wants_replacement": False})])
    assert flow.step_id == "selling_complete", flow.step


def seq_of(step: Json) -> int:
    return int(step["session"]["seq"])


@dataclass(frozen=True, slots=True)
class Received:
    seq: int
    type: str
    step_id: str | None  # on the latest STEP_CHANGED event only (API: the current step)
    status: str | None  # LEAD_STATUS
    lead_id: str | None
    at: float  # the event's own time (when it was recorded), epoch seconds
    arrived: float  # time.monotonic()
    arrived_wall: float  # time.time()
    connection: int


@dataclass
class Connection:
    number: int
    server: str
    after_seq: int
    opened: float  # when the subscribe message was sent
    ended: float | None = None
    why: str = ""


class SubscriptionEnded(Exception):
    """The server ended or refused the subscription (`complete`, `error`, errors in `next`)."""


@dataclass
class Follower:
    """A `sessionUpdates` subscription kept open across breaks, reconnecting with afterSeq.

    After any break it waits `reconnect_delay` (a client's backoff), then connects to the next
    server of `servers` in turn. Every event is recorded as it arrived, duplicates included."""

    session_id: str
    token: str
    after_seq: int
    servers: Sequence[Server]
    reconnect_delay: float = 0.1
    events: list[Received] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def last_seq(self) -> int:
        return max([self.after_seq, *(event.seq for event in self.events)])

    @property
    def seqs(self) -> list[int]:
        return [event.seq for event in self.events]

    def statuses(self) -> list[str]:
        return [event.status for event in self.events if event.status is not None]

    async def __aenter__(self) -> Follower:
        self._task = asyncio.create_task(self._run(), name=f"follow:{self.session_id[:8]}")
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def until(self, ok: Callable[[Follower], bool], what: str, seconds: float) -> float:
        """Wait until `ok(self)`; the seconds it took. Fails, saying what it saw, after
        `seconds`."""
        began = time.monotonic()
        try:
            async with asyncio.timeout(seconds):
                while not ok(self):
                    if self._task is not None and self._task.done():
                        self._task.result()
                        raise AssertionError("the follower stopped")
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(
                f"{self.session_id}: not {what} after {seconds}s; seqs {self.seqs}, "
                f"statuses {self.statuses()}, connections {self.connections}, "
                f"failures {self.failures[-5:]}"
            ) from None
        return time.monotonic() - began

    async def until_seq(self, seq: int, seconds: float = 15) -> float:
        return await self.until(lambda f: f.last_seq >= seq, f"at seq {seq}", seconds)

    async def until_status(self, status: str, seconds: float = 30) -> float:
        return await self.until(lambda f: status in f.statuses(), f"{status}", seconds)

    async def _run(self) -> None:
        async with asyncio.timeout(FOLLOWER_LIFETIME_S):
            await self._reconnecting()

    async def _reconnecting(self) -> None:
        for attempt in range(MAX_CONNECTIONS):
            server = self.servers[attempt % len(self.servers)]
            try:
                await self._follow(server)
                why = "completed by the server"
            except Exception as error:  # noqa: BLE001 - any break: reconnect, as a page does
                why = f"{type(error).__name__}: {error}"
            if self.connections and self.connections[-1].ended is None:
                self.connections[-1].ended = time.monotonic()
                self.connections[-1].why = why
            else:
                self.failures.append(f"{server.name}: {why}")
            self._changed.set()
            await asyncio.sleep(self.reconnect_delay * min(1 + attempt, 10))
        raise AssertionError(f"{self.session_id}: gave up after {MAX_CONNECTIONS} connections")

    async def _follow(self, server: Server) -> None:
        variables = {"sessionId": self.session_id, "afterSeq": self.last_seq}
        api = Api(server.http, server.ws_url)
        async with api.subscribe(operation("session_updates"), variables, self.token) as updates:
            number = len(self.connections) + 1
            connection = Connection(number, server.name, self.last_seq, time.monotonic())
            self.connections.append(connection)
            self._changed.set()
            for _ in range(MAX_MESSAGES):
                try:
                    message = await updates.next(seconds=30)
                except TimeoutError:
                    continue  # quiet: the connection is still open
                if message["type"] != "next" or message["payload"].get("errors"):
                    raise SubscriptionEnded(str(message))
                update = message["payload"]["data"]["sessionUpdates"]
                lead = update.get("lead") or {}
                step = update.get("step") or {}
                self.events.append(
                    Received(
                        seq=int(update["seq"]),
                        type=str(update["type"]),
                        step_id=step.get("stepId"),
                        status=lead.get("status"),
                        lead_id=lead.get("leadId"),
                        at=datetime.fromisoformat(str(update["at"])).timestamp(),
                        arrived=time.monotonic(),
                        arrived_wall=time.time(),
                        connection=number,
                    )
                )
                self._changed.set()
            raise SubscriptionEnded(f"{MAX_MESSAGES} messages on one connection: reconnecting")


# What PostgreSQL committed.


@dataclass(frozen=True, slots=True)
class StoredEvent:
    seq: int
    type: str
    step: str | None
    status: str | None
    lead_id: str | None


def _safe(identifier: str) -> str:
    assert _ID.fullmatch(identifier), identifier
    return identifier


async def stored_events(database: str, session_id: str) -> list[StoredEvent]:
    rows = await psql(
        "SELECT seq, type, coalesce(payload->>'step', ''), coalesce(payload->>'status', ''), "
        "coalesce(payload->>'lead_id', '') FROM session_events "
        f"WHERE session_id = '{_safe(session_id)}' ORDER BY seq",
        database,
    )
    return [
        StoredEvent(int(seq), kind, step or None, status or None, lead or None)
        for seq, kind, step, status, lead in rows
    ]


@dataclass(frozen=True, slots=True)
class StoredLead:
    id: str
    reference: str
    status: str


async def leads_of(database: str, session_id: str) -> list[StoredLead]:
    rows = await psql(
        "SELECT id, reference, status FROM leads "
        f"WHERE session_id = '{_safe(session_id)}' ORDER BY id",
        database,
    )
    return [StoredLead(lead_id, reference, status) for lead_id, reference, status in rows]


async def session_status(database: str, session_id: str) -> str:
    rows = await psql(f"SELECT status FROM sessions WHERE id = '{_safe(session_id)}'", database)
    return rows[0][0]


def lead_statuses(events: Sequence[StoredEvent], lead_id: str) -> Counter[str]:
    return Counter(e.status for e in events if e.lead_id == lead_id and e.status is not None)


def assert_one_run_of_the_lead(statuses: Sequence[str]) -> None:
    """SUBMITTED, then SCORED, DEALER_ASSIGNED and CONTACTED in any order, then COMPLETED:
    each once."""
    assert len(statuses) == 5, statuses
    assert statuses[0] == "SUBMITTED", statuses
    assert sorted(statuses[1:4]) == sorted(LEAD_STEPS), statuses
    assert statuses[4] == "COMPLETED", statuses


def assert_contiguous(seqs: Sequence[int], first: int, last: int) -> None:
    """Exactly first..last, each once, in order: no gap, no duplicate, no reordering."""
    assert list(seqs) == list(range(first, last + 1)), (
        f"expected {first}..{last} once each, in order; got {list(seqs)}"
    )
