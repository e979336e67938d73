"""Two servers and two workers on PostgreSQL and a private Redis, as real processes.

A visitor transitions on server A and is followed on server B: every step and lead event reaches
B once, in order (a seller who invites the buyer, then the buyer's own financing session, whose
credit result moves it on in a worker's background). Then B is killed (`kill -9`) under open
subscriptions: the clients reconnect to A with `afterSeq` and miss nothing.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.e2e.client import Flow
from tests.e2e.financing import apply
from tests.scaleout.harness import Cluster, Server, measured, running_cluster
from tests.scaleout.visitors import (
    BUYER_TO_CREDIT_CHECK_PENDING,
    TO_SELLING_CONFIRMATION,
    Follower,
    Json,
    StoredEvent,
    assert_contiguous,
    assert_one_run_of_the_lead,
    finish,
    invitation_token,
    leads_of,
    seq_of,
    session_status,
    stored_events,
    submit_lead,
    to_buyer_invitation,
    walk,
)
from tests.support.waiting import eventually

VISITORS = 6


@pytest.fixture(scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    folder = tmp_path_factory.mktemp("two-servers")
    async with running_cluster(
        "two servers", folder, servers=("a", "b"), workers=("w1", "w2")
    ) as cluster:
        yield cluster


async def _until_completed(cluster: Cluster, flow: Flow, seconds: float = 10) -> None:
    """The session is COMPLETED in the database (the lead and the end of the flow, both)."""

    async def completed() -> bool:
        return await session_status(cluster.database, flow.session_id) == "COMPLETED"

    await eventually(completed, f"session {flow.session_id} COMPLETED", seconds, 0.1)


async def _followed_on(
    server: Server, flow: Flow, walked: list[tuple[str, Json]], step_latencies: list[float]
) -> Follower:
    """A follower of `flow` on `server`, subscribed before `walked` is walked (on another
    server): each transition's event arrives at it (its latency recorded). Not yet stopped."""
    follower = Follower(flow.session_id, flow.token, seq_of(flow.step), [server])
    await follower.__aenter__()
    await follower.until(lambda f: bool(f.connections), "subscribed", 10)
    for step_id, data in walked:
        sent = time.monotonic()
        await walk(flow, [(step_id, data)])
        seq = seq_of(flow.step)
        await follower.until_seq(seq, 10)
        arrival = next(e.arrived for e in follower.events if e.seq == seq)
        step_latencies.append(arrival - sent)
    return follower


async def _received_as_stored(
    cluster: Cluster, flow: Flow, start: int, follower: Follower
) -> list[StoredEvent]:
    """The follower got every event committed after `start`, once each and in order, each
    step the visitor went through (a move in the background included), on one connection."""
    stored = await stored_events(cluster.database, flow.session_id)
    after = [e for e in stored if e.seq > start]
    assert_contiguous(follower.seqs, start + 1, stored[-1].seq)
    assert [(e.seq, e.type) for e in follower.events] == [(e.seq, e.type) for e in after]
    assert [e.step for e in after if e.type == "STEP_CHANGED"] == flow.seen[1:]
    for received, event in zip(follower.events, after, strict=True):
        assert received.step_id in (None, event.step), (received, event)
    assert len(follower.connections) == 1, follower.connections  # never broken
    assert not follower.failures, follower.failures
    return after


async def test_a_visitor_followed_on_another_server_gets_each_event_once_in_order(
    cluster: Cluster,
) -> None:
    """A seller who invites the buyer, then the buyer's own financing session, each walked on
    A and followed on B: the seller's steps and lead events, the buyer's steps and the move the
    bureau's answer makes in a worker's background."""
    a, b = cluster.servers["a"], cluster.servers["b"]
    step_latencies: list[float] = []
    lead_push_delays: list[float] = []

    async def visit(number: int) -> None:
        email = f"buyer{number}.{uuid.uuid4().hex[:10]}@example.com"
        seller = await a.api.start("SELLING")
        start = seq_of(seller.step)
        follower = await _followed_on(b, seller, to_buyer_invitation(email), step_latencies)
        try:
            assert seller.step_id == "selling_confirmation", seller.step
            await submit_lead(seller, f"fanout{number}")
            await finish(seller)
            await follower.until_status("COMPLETED", 30)
            await _until_completed(cluster, seller)
            await asyncio.sleep(0.5)  # anything late, or sent twice, would arrive now
        finally:
            await follower.stop()
        await _received_as_stored(cluster, seller, start, follower)
        assert_one_run_of_the_lead(follower.statuses())
        [lead] = await leads_of(cluster.database, seller.session_id)
        assert lead.status == "COMPLETED"
        assert (await seller.reload())["leadStatus"] == "COMPLETED"
        lead_push_delays.extend(
            e.arrived_wall - e.at for e in follower.events if e.status is not None
        )

        buyer = await apply(a.api, await invitation_token(cluster.sandbox, email))
        assert buyer.step_id == "financing_intro", buyer.step
        start = seq_of(buyer.step)
        follower = await _followed_on(b, buyer, BUYER_TO_CREDIT_CHECK_PENDING, step_latencies)
        try:
            assert buyer.step_id == "credit_check_pending", buyer.step
            # The bureau's answer moves the session on in a worker's background: pushed to B.
            await follower.until(
                lambda f: any(e.step_id == "financing_result" for e in f.events),
                "moved to financing_result by the credit result",
                15,
            )
            await buyer.reload()
            assert buyer.step_id == "financing_result", buyer.step
            await walk(buyer, [("financing_result", {"share_with_seller": "nothing"})])
            assert buyer.step_id == "financing_complete", buyer.step
            last = (await stored_events(cluster.database, buyer.session_id))[-1].seq
            await follower.until_seq(last, 10)
            await asyncio.sleep(0.5)  # anything late, or sent twice, would arrive now
        finally:
            await follower.stop()
        after = await _received_as_stored(cluster, buyer, start, follower)
        assert "financing_result" in [e.step for e in after if e.type == "STEP_CHANGED"]
        assert follower.statuses() == []  # the buyer's session has no lead
        assert await leads_of(cluster.database, buyer.session_id) == []

    async with asyncio.timeout(120), asyncio.TaskGroup() as visitors:
        for number in range(VISITORS):
            visitors.create_task(visit(number))
    step_latencies.sort()
    lead_push_delays.sort()
    measured(
        "transition sent on A → its event at a subscriber on B, median",
        statistics.median(step_latencies),
    )
    measured("transition sent on A → its event at a subscriber on B, max", step_latencies[-1])
    measured(
        "worker's lead event recorded → pushed at a subscriber on B, median",
        statistics.median(lead_push_delays),
    )
    measured(
        "worker's lead event recorded → pushed at a subscriber on B, max", lead_push_delays[-1]
    )


async def test_a_server_killed_under_its_subscribers_loses_nothing(cluster: Cluster) -> None:
    a, b = cluster.servers["a"], cluster.servers["b"]
    flows = [await a.api.start("SELLING") for _ in range(4)]
    starts = {flow.session_id: seq_of(flow.step) for flow in flows}
    followers = [
        Follower(flow.session_id, flow.token, starts[flow.session_id], [b, a], 0.5)
        for flow in flows
    ]
    async with asyncio.timeout(90):
        for follower in followers:
            await follower.__aenter__()
        try:
            for follower in followers:
                await follower.until(lambda f: bool(f.connections), "subscribed on B", 10)
            for flow in flows:
                await walk(flow, TO_SELLING_CONFIRMATION)
            for number, flow in enumerate(flows):
                await submit_lead(flow, f"serverkill{number}")  # the workers are at it now
            killed = time.monotonic()
            await b.kill()
            # Committed while no subscriber is connected (they wait 0.5 s before reconnecting).
            for flow in flows:
                await finish(flow)
            gap_seqs = {flow.session_id: seq_of(flow.step) for flow in flows}
            for follower in followers:
                await follower.until_status("COMPLETED", 30)
            for flow, follower in zip(flows, followers, strict=True):
                await _until_completed(cluster, flow)
                last = (await stored_events(cluster.database, flow.session_id))[-1].seq
                await follower.until_seq(last, 10)
            await asyncio.sleep(0.5)
        finally:
            for follower in followers:
                await follower.stop()

        resubscribed: list[float] = []
        for flow, follower in zip(flows, followers, strict=True):
            stored = await stored_events(cluster.database, flow.session_id)
            assert_contiguous(follower.seqs, starts[flow.session_id] + 1, stored[-1].seq)
            assert_one_run_of_the_lead(follower.statuses())
            first, *later = follower.connections
            assert first.server == "b", follower.connections
            assert first.ended is not None, follower.connections
            assert first.ended >= killed, follower.connections
            assert later, follower.connections
            assert later[0].server == "a", follower.connections
            resubscribed.append(later[0].opened - killed)
            # What was committed during the break came with the replay of the new subscription.
            gap = next(e for e in follower.events if e.seq == gap_seqs[flow.session_id])
            assert gap.connection > first.number, gap
        measured(
            "kill -9 of B → its subscribers resubscribed on A (client waits 0.5 s), max",
            max(resubscribed),
        )

        # B comes back on the same port and replays the same history.
        began = time.monotonic()
        await b.start()
        measured("server B restarted → /readyz 200", time.monotonic() - began)
        flow = flows[0]
        async with Follower(flow.session_id, flow.token, starts[flow.session_id], [b]) as again:
            last = (await stored_events(cluster.database, flow.session_id))[-1].seq
            await again.until_seq(last, 10)
        assert again.seqs == followers[0].seqs
