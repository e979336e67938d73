"""`kill -9` of a `trex worker` while it is sending a webhook, over PostgreSQL: the receiver
(a real HTTP server on a loopback port, verifying with the `standardwebhooks` library) holds the
first request open while the worker dies; the request still counts on its side, the worker never
recorded it, its claim comes back after the lease (`TREX_RELAY_LEASE_S=3`) and the restarted
worker sends the same message again, with the same `webhook-id`. The receiver, keeping the ids
it has seen, applies every status once: nothing lost, nothing doubled; the site's log has one
delivery per message, each DELIVERED."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.scaleout.harness import TREX, Cluster, Server, Worker, bare_cluster, measured
from tests.scaleout.visitors import TO_SELLING_CONFIRMATION, finish, submit_lead, walk
from tests.support.loopback import free_port
from tests.support.waiting import eventually
from tests.support.webhook_receiver import running_receiver

STATUSES = sorted(["SUBMITTED", "SCORED", "DEALER_ASSIGNED", "CONTACTED", "COMPLETED"])
HOLD_S = 1.5  # the first request, held open by the receiver: the worker dies meanwhile


@pytest.fixture(scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    folder = tmp_path_factory.mktemp("webhook-crash")
    async with bare_cluster("webhook crash", folder) as cluster:
        env = {
            **cluster.env(),
            "TREX_WEBHOOK_FIRST_RETRY_S": "0.2",
            "TREX_WEBHOOK_MAX_RETRY_S": "1",
        }
        cluster.servers["a"] = Server("a", env, folder / "server-a.log", free_port())
        cluster.workers["w1"] = Worker("w1", env, folder / "worker-w1.log")
        await cluster.start([cluster.servers["a"], cluster.workers["w1"]])
        yield cluster


async def _trex(cluster: Cluster, *argv: str) -> Any:
    """`trex …` against the cluster's database; its JSON answer."""
    process = await asyncio.create_subprocess_exec(
        *TREX,
        *argv,
        env=cluster.env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode(errors="replace")
    return json.loads(out)


async def test_a_worker_killed_while_sending_a_webhook_loses_and_doubles_nothing(
    cluster: Cluster,
) -> None:
    server, worker = cluster.servers["a"], cluster.workers["w1"]
    with running_receiver() as receiver:
        added = await _trex(cluster, "webhooks", "add", "--site", "demo", "--url", receiver.url)
        receiver.secrets.append(added["secret"])
        receiver.hold_first_seconds = HOLD_S
        flow = await server.api.start("SELLING")
        await walk(flow, TO_SELLING_CONFIRMATION)
        async with asyncio.timeout(60):
            await submit_lead(flow, "webhook-kill")
            await eventually(lambda: receiver.holding, "a webhook request held", 15)
            await worker.kill()  # inside the request: the receiver answers a dead socket
            killed = time.monotonic()
            await worker.start()
            await eventually(lambda: receiver.statuses() == STATUSES, "every status applied", 30)
            measured(
                "worker killed inside a webhook: kill -9 → every status applied",
                time.monotonic() - killed,
            )
            await finish(flow)
            log: list[dict[str, Any]] = []

            async def all_settled() -> bool:
                """The held delivery is retried once its lease runs out, after the receiver
                applied it: the log settles a little after the statuses do."""
                log[:] = await _trex(cluster, "webhooks", "deliveries", "--site", "demo")
                return bool(log) and all(d["status"] == "DELIVERED" for d in log)

            await eventually(all_settled, "every delivery DELIVERED", 30, interval=0.5)
            await asyncio.sleep(1.0)  # a further delivery, were there one, would show by now
        sent = Counter(arrival.message_id for arrival in receiver.arrivals)
        applied = dict(receiver.applied)
    assert sorted(d["message_id"] for d in log) == sorted(applied)  # one delivery per message
    assert {d["status"] for d in log} == {"DELIVERED"}
    assert len(applied) == len(STATUSES)
    assert max(sent.values()) >= 2, sent  # the held one came again, with the same webhook-id
    assert set(sent) == set(applied)  # nothing arrived that is not one of the messages
    assert all(arrival.verified_by for arrival in receiver.arrivals)
