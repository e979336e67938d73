"""PostgreSQL restarted during a run: the machine's cluster, on loopback, restarted under load
(`pg_ctlcluster … restart`), then stopped long enough to probe every kind of request and
started again.

While it is down requests fail cleanly: a GraphQL error whose message shows no internals, or a
503; never a 500, never a stack trace, never a hang. Once it is back they succeed again, a
submission retried with its idempotency key creates one lead, and the worker goes on: the leads
complete. The cluster is up again at the end whatever happens (the module's fixture and this
test both make sure); this is the only test of its module.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.e2e.client import Flow, operation
from tests.scaleout.harness import (
    Cluster,
    Server,
    ensure_postgres_up,
    measured,
    noted,
    pg_ctl,
    postgres_ready,
    running_cluster,
)
from tests.scaleout.visitors import (
    TO_SELLING_CONFIRMATION,
    Follower,
    assert_one_run_of_the_lead,
    contact,
    leads_of,
    seq_of,
    submit_lead,
    walk,
)
from tests.support.waiting import eventually

INTERNALS = re.compile(
    r"traceback|asyncpg|sqlalchemy|psycopg|postgres|File \"|\.py\b|errno|sqlstate", re.IGNORECASE
)
LOAD_INTERVAL_S = 0.05


@dataclass(frozen=True, slots=True)
class Outcome:
    at: float
    seconds: float
    what: str
    status: int | None
    ok: bool  # answered with data and no error
    problem: str | None  # not a clean failure: a 500, internals shown, no answer at all
    body: str


@pytest.fixture(scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    folder = tmp_path_factory.mktemp("postgres-restart")
    try:
        async with running_cluster(
            "postgres restart", folder, servers=("a",), workers=("w1",)
        ) as cluster:
            yield cluster
    finally:
        await ensure_postgres_up()


async def _request(
    server: Server,
    what: str,
    query: str,
    variables: dict[str, Any],
    token: str | None = None,
) -> Outcome:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    payload = {"query": query, "variables": variables}
    at = time.monotonic()
    try:
        response = await server.http.post("/graphql", json=payload, headers=headers, timeout=10)
    except httpx.HTTPError as error:
        took = time.monotonic() - at
        return Outcome(at, took, what, None, False, f"no answer: {error!r}", "")
    took, text, status = time.monotonic() - at, response.text, response.status_code
    if INTERNALS.search(text):
        return Outcome(at, took, what, status, False, "internals shown", text)
    if status == 503:
        return Outcome(at, took, what, status, False, None, text)
    if status != 200:
        return Outcome(at, took, what, status, False, "neither 200 nor 503", text)
    failed = bool(json.loads(text).get("errors"))
    return Outcome(at, took, what, status, not failed, None, text)


def _summary(outcome: Outcome) -> str:
    if outcome.status != 200:
        return f"{outcome.what}: {outcome.status}"
    messages = {error.get("message") for error in json.loads(outcome.body).get("errors", [])}
    return f"{outcome.what}: 200, errors {sorted(map(str, messages))}"


async def _start(server: Server) -> Outcome:
    return await _request(
        server, "startWorkflow", operation("start_workflow"), {"input": {"workflowType": None}}
    )


async def _read(server: Server, flow: Flow) -> Outcome:
    variables = {"sessionId": flow.session_id}
    return await _request(server, "session", operation("session"), variables, flow.token)


async def _load(server: Server, flow: Flow, outcomes: list[Outcome], stop: asyncio.Event) -> None:
    """A write and a read, over and over, until told to stop."""
    for turn in range(10_000):
        if stop.is_set():
            return
        outcomes.append(await (_start(server) if turn % 2 else _read(server, flow)))
        await asyncio.sleep(LOAD_INTERVAL_S)


async def test_postgres_restarted_during_a_run(cluster: Cluster) -> None:
    server = cluster.servers["a"]
    before = await server.api.start("SELLING")
    await walk(before, TO_SELLING_CONFIRMATION)
    during = await server.api.start("SELLING")
    await walk(during, TO_SELLING_CONFIRMATION)
    reader = await server.api.start("SELLING")
    outcomes: list[Outcome] = []
    stop = asyncio.Event()
    load: asyncio.Task[None] | None = None
    recovered = started = float("inf")
    followers = [
        Follower(flow.session_id, flow.token, seq_of(flow.step), [server])
        for flow in (before, during)
    ]
    try:
        async with asyncio.timeout(120):
            for follower in followers:
                await follower.__aenter__()
            await submit_lead(before, "pgrestart-before")  # the worker is at it
            load = asyncio.create_task(_load(server, reader, outcomes, stop))
            await asyncio.sleep(0.5)

            measured("pg_ctlcluster restart under load (took)", await pg_ctl("restart"))

            await pg_ctl("stop")
            stopped = time.monotonic()
            assert not await postgres_ready()
            key = str(uuid.uuid4())
            submission = {
                "input": {
                    "sessionId": during.session_id,
                    "currentStep": "selling_confirmation",
                    "data": contact("pgrestart-during"),
                    "idempotencyKey": key,
                }
            }
            down = [
                await _start(server),
                await _read(server, reader),
                await _request(
                    server, "transition", operation("transition"), submission, during.token
                ),
            ]
            for outcome in down:
                assert not outcome.ok, outcome
                assert outcome.problem is None, outcome
            assert await server.answers("/readyz") == 503
            assert await server.answers("/healthz") == 200
            outcomes.extend(down)
            await asyncio.sleep(1.0)  # the load meets a database that is down

            await pg_ctl("start")
            started = time.monotonic()
            measured("PostgreSQL down (stop → started)", started - stopped)

            async def succeeds() -> bool:
                return (await _start(server)).ok

            await eventually(succeeds, "a request succeeding after the start", 20, 0.1)
            recovered = time.monotonic()
            measured("PostgreSQL started → a request succeeds", recovered - started)
            await asyncio.sleep(1.0)
            stop.set()
            await load

            # The submission that failed while it was down, retried with its key: one lead.
            retried = await server.api.execute(operation("transition"), submission, during.token)
            assert retried["transition"]["stepId"] == "replacement_check", retried
            for follower in followers:
                await follower.until_status("COMPLETED", 30)
            measured("PostgreSQL started → both leads COMPLETED", time.monotonic() - started)
            assert await server.answers("/readyz") == 200
    finally:
        stop.set()
        if load is not None:
            await asyncio.wait_for(asyncio.gather(load, return_exceptions=True), 15)
        for follower in followers:
            await follower.stop()
        await ensure_postgres_up()

    problems = [outcome for outcome in outcomes if outcome.problem is not None]
    assert not problems, problems[:5]
    assert any(not outcome.ok for outcome in outcomes), "the outage was never seen"
    after = [outcome for outcome in outcomes if outcome.at > recovered]
    assert after
    assert all(outcome.ok for outcome in after), [o for o in after if not o.ok][:5]
    failed = [outcome for outcome in outcomes if not outcome.ok]
    measured("requests during the restarts", len(outcomes), "requests")
    measured("of which failed cleanly (GraphQL error or 503)", len(failed), "requests")
    measured("slowest clean failure", max(outcome.seconds for outcome in failed))
    noted("the clean failures", "; ".join(sorted({_summary(outcome) for outcome in failed})))
    for flow, follower in zip((before, during), followers, strict=True):
        [lead] = await leads_of(cluster.database, flow.session_id)
        assert lead.status == "COMPLETED"
        assert_one_run_of_the_lead(follower.statuses())
