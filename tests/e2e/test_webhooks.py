"""Webhooks over the API, as a host site's server uses them with its secret key: register an
endpoint (its secret shown once), get its leads' status changes on a receiver of its own that
verifies them with the `standardwebhooks` library, read the delivery log, replay, rotate,
remove; and every bad request is refused as a union member naming the field and the rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.client import Api
from tests.e2e.conftest import RunningServer
from tests.e2e.test_host_sites import ORIGIN, Sites, _lead_once_completed, _site_lead
from tests.e2e.test_host_sites import sites as sites
from tests.support import answers
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, running_receiver

REFUSED = "... on WebhookRefused { errors { field code message } }"
ADD = f"""mutation Add($url: String!) {{ addWebhookEndpoint(url: $url) {{ __typename
  ... on WebhookSecretIssued {{ secret endpoint {{ id url previousSecretUntil }} }}
  {REFUSED} }} }}"""
ROTATE = f"""mutation Rotate($id: ID!) {{ rotateWebhookSecret(endpointId: $id) {{ __typename
  ... on WebhookSecretIssued {{ secret endpoint {{ id previousSecretUntil }} }} {REFUSED} }} }}"""
REMOVE = f"""mutation Remove($id: ID!) {{ removeWebhookEndpoint(endpointId: $id) {{ __typename
  ... on WebhookEndpointRemoved {{ endpointId }} {REFUSED} }} }}"""
REPLAY = f"""mutation Replay($id: ID!) {{ replayWebhookDelivery(deliveryId: $id) {{ __typename
  ... on WebhookDeliveryQueued {{ delivery {{ id messageId status attempts }} }} {REFUSED} }} }}"""
LOG = f"""query Log {{ webhooks {{ __typename ... on SiteWebhooks {{ endpoints {{ id url }}
  deliveries {{ id endpointId messageId eventType status attempts lastStatusCode }} }}
  {REFUSED} }} }}"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


def _errors(answer: dict[str, Any]) -> list[tuple[str, str]]:
    assert answer["__typename"] == "WebhookRefused", answer
    return [(e["field"], e["code"]) for e in answer["errors"]]


@pytest.mark.parametrize("key", [None, "sk_not-a-key", "pk_wrong-kind"])
async def test_without_a_sites_secret_key_every_webhook_call_is_refused(
    api: Api, key: str | None
) -> None:
    unauthorized = [("authorization", "UNAUTHORIZED")]
    add = await api.execute(ADD, {"url": "https://hooks.example/t-rex"}, key)
    assert _errors(add["addWebhookEndpoint"]) == unauthorized
    assert _errors((await api.execute(LOG, {}, key))["webhooks"]) == unauthorized
    rotate = await api.execute(ROTATE, {"id": "wh_0"}, key)
    assert _errors(rotate["rotateWebhookSecret"]) == unauthorized


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example/x", "hooks.example/x", "https://user:pw@hooks.example/x", "", "x" * 3000],
)
async def test_a_bad_url_is_refused_naming_the_url(api: Api, sites: Sites, url: str) -> None:
    answer = await api.execute(ADD, {"url": url}, sites.acme.secret_key)
    assert _errors(answer["addWebhookEndpoint"]) == [("url", "INVALID_URL")]


async def test_another_sites_endpoint_or_delivery_is_not_found(api: Api, sites: Sites) -> None:
    added = await api.execute(ADD, {"url": "https://hooks.example/acme"}, sites.acme.secret_key)
    endpoint = added["addWebhookEndpoint"]["endpoint"]["id"]
    other = sites.other.secret_key
    rotate = await api.execute(ROTATE, {"id": endpoint}, other)
    assert _errors(rotate["rotateWebhookSecret"]) == [("endpointId", "NOT_FOUND")]
    remove = await api.execute(REMOVE, {"id": endpoint}, other)
    assert _errors(remove["removeWebhookEndpoint"]) == [("endpointId", "NOT_FOUND")]
    replay = await api.execute(REPLAY, {"id": "whd_nope"}, other)
    assert _errors(replay["replayWebhookDelivery"]) == [("deliveryId", "NOT_FOUND")]
    removed = await api.execute(REMOVE, {"id": endpoint}, sites.acme.secret_key)
    assert removed["removeWebhookEndpoint"]["endpointId"] == endpoint


async def test_a_sites_lead_reaches_its_endpoint_signed_and_is_in_its_log(
    api: Api, running: RunningServer, sites: Sites, receiver: Receiver
) -> None:
    key = sites.acme.secret_key
    added = (await api.execute(ADD, {"url": receiver.url}, key))["addWebhookEndpoint"]
    assert added["__typename"] == "WebhookSecretIssued"
    assert added["secret"].startswith("whsec_")
    receiver.secrets.append(added["secret"])
    endpoint = added["endpoint"]["id"]
    receiver.answers.append(503)  # the first request fails: it comes again, same id

    flow = await _site_lead(api, sites)
    await flow.submit(answers.CONTACT)
    await _lead_once_completed(api, flow.step["leadId"], key)

    def all_applied() -> bool:
        return "COMPLETED" in receiver.statuses() and len(receiver.applied) == 5

    await eventually(all_applied, "every status applied once", 15)
    assert all(p["data"]["leadId"] == flow.step["leadId"] for p in receiver.applied.values())
    log = (await api.execute(LOG, {}, key))["webhooks"]
    mine = [d for d in log["deliveries"] if d["endpointId"] == endpoint]
    assert {d["messageId"] for d in mine} == set(receiver.applied)
    assert sorted(d["attempts"] for d in mine) == [1, 1, 1, 1, 2]
    assert {(d["status"], d["lastStatusCode"]) for d in mine} == {("DELIVERED", 200)}
    assert all(d["eventType"] == "lead.status_changed" for d in mine)
    assert ORIGIN not in str(log)  # nothing of another site's setup leaks in

    replayed = (await api.execute(REPLAY, {"id": mine[0]["id"]}, key))["replayWebhookDelivery"]
    assert replayed["delivery"]["messageId"] == mine[0]["messageId"]
    before = len(receiver.arrivals)
    await eventually(lambda: len(receiver.arrivals) == before + 1, "the replay sent", 10)
    assert receiver.arrivals[-1].message_id == mine[0]["messageId"]  # the receiver drops it
    assert len(receiver.applied) == 5

    rotated = (await api.execute(ROTATE, {"id": endpoint}, key))["rotateWebhookSecret"]
    assert rotated["secret"] not in receiver.secrets
    assert rotated["endpoint"]["previousSecretUntil"] is not None
    await api.execute(REMOVE, {"id": endpoint}, key)
    assert running.container.webhooks is not None
