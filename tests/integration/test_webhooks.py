"""Webhooks on a real database, sent over HTTP to a receiver on a loopback port that verifies
every request with the `standardwebhooks` library: retries until it answers, one logical
delivery per message (the same webhook-id on every attempt), giving up, a replay, a rotation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest

from app.bootstrap import Container, bootstrap
from app.settings import Settings, WebhookSettings
from tests.integration.test_pipeline import _network_lead, _settled
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, running_receiver

STATUSES = sorted(["SUBMITTED", "SCORED", "DEALER_ASSIGNED", "CONTACTED", "COMPLETED"])
ATTEMPTS = 4


@pytest.fixture
async def container(settings: Settings) -> AsyncIterator[Container]:
    fast = WebhookSettings(
        attempts=ATTEMPTS, first_retry_seconds=0.05, max_retry_seconds=0.2, timeout_seconds=2
    )
    container = await bootstrap(replace(settings, webhooks=fast))
    yield container
    await container.aclose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


async def _endpoint(container: Container, receiver: Receiver) -> str:
    assert container.webhooks is not None
    issued = await container.webhooks.add("demo", receiver.url)
    assert issued.secret.startswith("whsec_")
    receiver.secrets.append(issued.secret)
    return issued.endpoint.id


async def test_a_failing_receiver_gets_each_message_again_until_it_answers_once(
    container: Container, receiver: Receiver
) -> None:
    await _endpoint(container, receiver)
    receiver.answers += [503, 503, 500]  # the first three requests fail, whichever they are

    await _network_lead(container)

    await eventually(lambda: receiver.statuses() == STATUSES, "every status applied", 20)
    assert container.webhooks is not None
    hooks = container.webhooks

    async def recorded() -> bool:
        """The receiver applies a message before its answer reaches the sender, which records
        the attempt only then: each delivery's outcome is read once the sender wrote it."""
        log = await hooks.deliveries("demo")
        return len(log) == 5 and all(d.status != "PENDING" for d in log)

    await eventually(recorded, "every delivery's last attempt recorded", 10)
    log = await hooks.deliveries("demo")
    assert sorted(d.status for d in log) == ["DELIVERED"] * 5
    assert sum(d.attempts for d in log) == 5 + 3 == len(receiver.arrivals)
    assert {a.message_id for a in receiver.arrivals} == {d.message_id for d in log}
    retried = [d for d in log if d.attempts > 1]
    assert retried, "no message was tried again"
    for delivery in retried:  # every attempt of it carried the same webhook-id
        tries = [a for a in receiver.arrivals if a.message_id == delivery.message_id]
        assert [a.answered // 100 for a in tries][-1] == 2
        assert len(tries) == delivery.attempts
    assert all(a.verified_by == receiver.secrets and a.signatures == 1 for a in receiver.arrivals)
    payload = next(iter(receiver.applied.values()))
    assert payload["type"] == "lead.status_changed"
    assert set(payload["data"]) == {"leadId", "reference", "status", "detail"}


async def test_a_delivery_given_up_is_failed_in_the_log_and_a_replay_sends_it_again(
    container: Container, receiver: Receiver
) -> None:
    await _endpoint(container, receiver)
    receiver.answers += [500] * 5 * ATTEMPTS

    await _network_lead(container)

    assert container.webhooks is not None
    hooks = container.webhooks

    async def all_failed() -> bool:
        log = await hooks.deliveries("demo")
        return len(log) == 5 and all(d.status == "FAILED" for d in log)

    await eventually(all_failed, "every delivery given up", 20)
    log = await hooks.deliveries("demo")
    assert all((d.attempts, d.last_status_code) == (ATTEMPTS, 500) for d in log)
    assert all(d.last_error == "HTTP 500" and d.delivered_at is None for d in log)
    assert receiver.applied == {}

    chosen = log[0]
    replayed = await hooks.replay("demo", chosen.id)
    assert (replayed.status, replayed.attempts, replayed.message_id) == (
        "PENDING",
        0,
        chosen.message_id,
    )
    await eventually(lambda: chosen.message_id in receiver.applied, "the replay applied", 10)
    [again] = [d for d in await hooks.deliveries("demo") if d.id == chosen.id]
    assert (again.status, again.attempts) == ("DELIVERED", 1)
    assert list(receiver.applied) == [chosen.message_id]


async def test_after_a_rotation_both_secrets_sign_during_the_grace(
    container: Container, receiver: Receiver
) -> None:
    endpoint_id = await _endpoint(container, receiver)
    assert container.webhooks is not None
    rotated = await container.webhooks.rotate("demo", endpoint_id)
    old, new = receiver.secrets[0], rotated.secret
    assert new != old
    assert new.startswith("whsec_")
    assert rotated.endpoint.previous_secret_until is not None
    receiver.secrets.append(new)

    await _network_lead(container)

    await eventually(lambda: receiver.statuses() == STATUSES, "every status applied", 20)
    assert all(a.signatures == 2 for a in receiver.arrivals)
    assert all(a.verified_by == [old, new] for a in receiver.arrivals)  # either one verifies


async def test_a_removed_endpoint_gets_nothing(container: Container, receiver: Receiver) -> None:
    endpoint_id = await _endpoint(container, receiver)
    assert container.webhooks is not None
    await container.webhooks.remove("demo", endpoint_id)
    assert await container.webhooks.endpoints("demo") == []

    await _network_lead(container)

    await _settled(container)  # the lead's work all done, its messages fanned out to nobody
    assert receiver.arrivals == []
    assert await container.webhooks.deliveries("demo") == []
