"""`kill -9` of a `trex worker` in the middle of the lead pipeline, then a restart.

The sandbox holds the worker inside a call (`latency_ms` on the lead CRM: the submission saga;
on the dealer network: routing; on communications: the customer's confirmation and the dealer's
notice) and the worker is killed while the call is in flight: the remote side completes the call
after its caller died, the worker never records it. Its claims come back after the lease
(`TREX_RELAY_LEASE_S=3`). Whatever the point, every lead ends COMPLETED exactly once and no
message is sent twice. Then both workers of the module are killed at random moments while leads
flow.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.e2e.client import Flow
from tests.scaleout.harness import (
    Cluster,
    Sandbox,
    measured,
    running_cluster,
    table_locks,
)
from tests.scaleout.visitors import (
    LEAD_STEPS,
    TO_SELLING_CONFIRMATION,
    Follower,
    assert_contiguous,
    assert_one_run_of_the_lead,
    finish,
    lead_statuses,
    leads_of,
    seq_of,
    stored_events,
    submit_lead,
    walk,
)
from tests.support.waiting import eventually

SERVICES = ("lead-crm", "dealer-network", "communications")
HOLD_MS = 800  # under TREX_SERVICE_TIMEOUT_S=1: the call is in flight, not timed out
LEASE_S = 3.0  # TREX_RELAY_LEASE_S of the harness
STORM_LEADS = 6
STORM_KILLS = 4
STORM_SEED = 20_240_611


@pytest.fixture(scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    folder = tmp_path_factory.mktemp("worker-crash")
    async with running_cluster("worker crash", folder, servers=("a",), workers=("w1",)) as cluster:
        yield cluster


async def _until_called(sandbox: Sandbox, service: str, before: int, seconds: float = 15) -> None:
    async def called() -> bool:
        return await sandbox.requests(service) > before

    await eventually(called, f"{service} called", seconds, 0.02)


async def _assert_the_lead_ran_once(
    cluster: Cluster, flow: Flow, start: int, details: dict[str, Any], follower: Follower
) -> None:
    """One lead, COMPLETED, each status recorded and pushed once; one CRM record; one
    assignment and one message for each routed dealer; one message to the customer."""
    stored = await stored_events(cluster.database, flow.session_id)
    assert_contiguous(follower.seqs, start + 1, stored[-1].seq)
    assert_one_run_of_the_lead(follower.statuses())
    [lead] = await leads_of(cluster.database, flow.session_id)
    assert lead.status == "COMPLETED"
    counts = lead_statuses(stored, lead.id)
    assert counts == Counter({"SUBMITTED": 1, **dict.fromkeys(LEAD_STEPS, 1), "COMPLETED": 1})
    sandbox = cluster.sandbox
    crm = [record for record in await sandbox.crm_leads() if record["lead_id"] == lead.id]
    assert len(crm) == 1, crm
    assignments = [a for a in await sandbox.assignments() if a["lead_id"] == lead.id]
    dealers = sorted(a["dealer_id"] for a in assignments)
    assert 1 <= len(dealers) == len(set(dealers)) <= 3, assignments  # once per routed dealer
    to_customer = await sandbox.messages(details["email"])
    assert [m["template"] for m in to_customer] == ["lead_confirmation"], to_customer
    to_dealers = [
        m
        for m in await sandbox.messages()
        if m["template"] == "dealer_new_lead" and m["data"].get("reference") == lead.reference
    ]
    assert to_dealers, "no dealer was told of the lead"
    assert Counter(m["to"] for m in to_dealers).most_common(1)[0][1] == 1, to_dealers
    notified = sorted(m["to"].split("@")[1].split(".")[0] for m in to_dealers)
    assert notified == dealers, (notified, dealers)


@pytest.mark.parametrize("service", SERVICES)
async def test_a_worker_killed_inside_a_call_completes_the_lead_once_after_restart(
    cluster: Cluster, service: str
) -> None:
    server, worker, sandbox = cluster.servers["a"], cluster.workers["w1"], cluster.sandbox
    flow = await server.api.start("SELLING")
    await walk(flow, TO_SELLING_CONFIRMATION)
    start = seq_of(flow.step)
    async with asyncio.timeout(60), Follower(flow.session_id, flow.token, start, [server]) as f:
        await f.until(lambda follower: bool(follower.connections), "subscribed", 10)
        await sandbox.fault(service, latency_ms=HOLD_MS)
        try:
            before = await sandbox.requests(service)
            details = await submit_lead(flow, f"kill-{service}")
            await _until_called(sandbox, service, before)
            await asyncio.sleep(0.1)
            killed = time.monotonic()
            await worker.kill()
        finally:
            await sandbox.clear(service)
        await worker.start()
        measured(
            f"worker killed inside a {service} call: restarted, ready", time.monotonic() - killed
        )
        await f.until_status("COMPLETED", 30)
        measured(
            f"worker killed inside a {service} call: kill -9 → lead COMPLETED",
            time.monotonic() - killed,
        )
        await finish(flow)
        await asyncio.sleep(1.0)  # a second delivery, were there one, would show by now
    await _assert_the_lead_ran_once(cluster, flow, start, details, f)
    assert (await flow.reload())["leadStatus"] == "COMPLETED"


async def _remote_effect_done(sandbox: Sandbox, service: str, email: str) -> bool:
    """The held call completed on the remote side (the CRM stored the lead, the message
    was kept)."""
    if service == "lead-crm":
        return any(
            (record["payload"].get("contact") or {}).get("email") == email
            for record in await sandbox.crm_leads()
        )
    return bool(await sandbox.messages(email))


@pytest.mark.parametrize("service", ["lead-crm", "communications"])
async def test_a_worker_killed_after_a_call_before_its_record_completes_the_lead_once(
    cluster: Cluster, service: str
) -> None:
    """The nastiest point: the remote side did it, the worker died before recording it. The
    worker is stopped there by a lock on `leads` (its record of the outcome locks the lead's
    row), taken while the call is in flight."""
    server, worker, sandbox = cluster.servers["a"], cluster.workers["w1"], cluster.sandbox
    flow = await server.api.start("SELLING")
    await walk(flow, TO_SELLING_CONFIRMATION)
    start = seq_of(flow.step)
    async with (
        asyncio.timeout(60),
        Follower(flow.session_id, flow.token, start, [server]) as f,
        table_locks(cluster.database) as locks,
    ):
        await f.until(lambda follower: bool(follower.connections), "subscribed", 10)
        await sandbox.fault(service, latency_ms=HOLD_MS)
        try:
            before = await sandbox.requests(service)
            details = await submit_lead(flow, f"record-{service}")
            await _until_called(sandbox, service, before)
            await locks.hold(["leads"], "EXCLUSIVE")  # plain reads pass, the record waits
            email = details["email"]

            async def done_but_not_recorded() -> bool:
                on_leads, _ = await locks.waiting(["leads"])
                return on_leads >= 1 and await _remote_effect_done(sandbox, service, email)

            await eventually(done_but_not_recorded, f"{service} done, record waiting", 10)
            killed = time.monotonic()
            await worker.kill()
        finally:
            await locks.release()
            await sandbox.clear(service)
        await worker.start()
        await f.until_status("COMPLETED", 30)
        measured(
            f"worker killed after a {service} call, before its record: kill -9 → COMPLETED",
            time.monotonic() - killed,
        )
        await finish(flow)
        await asyncio.sleep(1.0)
    await _assert_the_lead_ran_once(cluster, flow, start, details, f)


async def test_a_worker_stopped_by_sigterm_inside_a_call_exits_cleanly_and_loses_nothing(
    cluster: Cluster,
) -> None:
    """SIGTERM (not -9) while the saga's call is in flight: the worker finishes or gives back
    its current item and exits 0; nothing waits for a lease to run out afterwards."""
    server, worker, sandbox = cluster.servers["a"], cluster.workers["w1"], cluster.sandbox
    flow = await server.api.start("SELLING")
    await walk(flow, TO_SELLING_CONFIRMATION)
    start = seq_of(flow.step)
    async with asyncio.timeout(60), Follower(flow.session_id, flow.token, start, [server]) as f:
        await f.until(lambda follower: bool(follower.connections), "subscribed", 10)
        await sandbox.fault("lead-crm", latency_ms=HOLD_MS)
        try:
            before = await sandbox.requests("lead-crm")
            details = await submit_lead(flow, "sigterm")
            await _until_called(sandbox, "lead-crm", before)
            began = time.monotonic()
            code = await worker.terminate(seconds=15)
            measured("worker SIGTERM inside a lead-crm call → exited", time.monotonic() - began)
        finally:
            await sandbox.clear("lead-crm")
        assert code == 0, worker.tail()
        await worker.start()
        ready = time.monotonic()
        await f.until_status("COMPLETED", LEASE_S)  # given back or done: no lease to wait for
        measured("worker stopped by SIGTERM, restarted → lead COMPLETED", time.monotonic() - ready)
        await finish(flow)
        await asyncio.sleep(1.0)
    await _assert_the_lead_ran_once(cluster, flow, start, details, f)


async def test_workers_killed_at_random_while_leads_flow(cluster: Cluster) -> None:
    server, sandbox = cluster.servers["a"], cluster.sandbox
    second = cluster.workers.get("w2") or cluster.add_worker("w2")
    if not second.running:
        await cluster.start([second])
    workers = [cluster.workers["w1"], second]
    rng = random.Random(STORM_SEED)
    flows = [await server.api.start("SELLING") for _ in range(STORM_LEADS)]
    for flow in flows:
        await walk(flow, TO_SELLING_CONFIRMATION)
    starts = [seq_of(flow.step) for flow in flows]
    followers = [
        Follower(flow.session_id, flow.token, start, [server])
        for flow, start in zip(flows, starts, strict=True)
    ]
    contacts: list[dict[str, Any]] = []
    async with asyncio.timeout(120):
        for follower in followers:
            await follower.__aenter__()
        try:
            for service in ("lead-crm", "dealer-network", "communications"):
                await sandbox.fault(service, latency_ms=250)
            contacts = await asyncio.gather(
                *(submit_lead(flow, f"storm{n}") for n, flow in enumerate(flows))
            )
            for kill in range(STORM_KILLS):
                await asyncio.sleep(rng.uniform(0.2, 0.9))
                victim = workers[kill % 2]
                await victim.kill()
                await victim.start()
            last_kill = time.monotonic()
            await sandbox.clear(*SERVICES)
            for follower in followers:
                await follower.until_status("COMPLETED", 45)
            measured(
                f"{STORM_KILLS} kills among {STORM_LEADS} leads: last kill → all COMPLETED",
                time.monotonic() - last_kill,
            )
            for flow in flows:
                await finish(flow)
            await asyncio.sleep(1.0)
        finally:
            await sandbox.clear(*SERVICES)
            for follower in followers:
                await follower.stop()
    for flow, start, details, follower in zip(flows, starts, contacts, followers, strict=True):
        await _assert_the_lead_ran_once(cluster, flow, start, details, follower)
