"""Sending webhooks: each lead status change, to each endpoint of its site, at least once.

Two kinds of outbox work, both written in transactions of their own cause:
- `webhook.lead_status` (written with the status change) becomes one delivery per endpoint of
  the site, each with its own `webhook.deliver` work, in one transaction; the deliveries are
  unique per endpoint and message, so a second fan-out adds nothing;
- `webhook.deliver` makes one attempt: the body signed (Standard Webhooks, with the
  `standardwebhooks` library) by the endpoint's secret, and by its previous one during a
  rotation's grace, POSTed with httpx; its outcome is written to the delivery log. A failure
  (no answer, or not 2xx) is tried again after an exponential, capped, jittered delay, until
  `attempts` have failed: the delivery is then FAILED (a replay sends it again).

Every attempt of a message carries the same `webhook-id`, so a receiver that keeps the ids it
has seen applies each message once, whether an attempt was repeated because the answer was
lost or because a worker died while sending (its lease runs out and another worker sends). The
secrets, the URL and the body are never logged; the endpoint's and delivery's ids are.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
from standardwebhooks.webhooks import Webhook

from app.pipeline.relay import Handler, RetryLater
from app.services.records import OutboxItem, WebhookDelivery, WebhookEndpoint
from app.services.storage import Storage
from app.services.webhooks import DELIVERY_TOPIC, EVENT_TOPIC, signing_secrets

log = logging.getLogger("trex.webhooks")
USER_AGENT = "T-Rex-Webhooks/1"


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """`attempts` in all before a delivery is FAILED; the n-th retry waits
    min(cap, first·2ⁿ⁻¹) seconds, jittered down to half of it."""

    attempts: int = 12
    first_retry_seconds: float = 5.0
    max_retry_seconds: float = 3600.0
    timeout_seconds: float = 10.0

    def delay(self, failed: int, rng: random.Random) -> float:
        full = min(self.max_retry_seconds, self.first_retry_seconds * 2.0 ** (failed - 1))
        return full * rng.uniform(0.5, 1.0)


def body_of(delivery: WebhookDelivery) -> str:
    """The exact text signed and sent: the same for every attempt of the delivery."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)


def signed_headers(
    endpoint: WebhookEndpoint, message_id: str, body: str, now: datetime
) -> dict[str, str]:
    signatures = [
        Webhook(secret).sign(message_id, now, body) for secret in signing_secrets(endpoint, now)
    ]
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


class WebhookSender:
    def __init__(
        self,
        storage: Storage,
        clock: Callable[[], datetime],
        policy: DeliveryPolicy = DeliveryPolicy(),
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        work_written: Callable[[], None] = lambda: None,
    ) -> None:
        """`work_written`: wakes the relay after a fan-out commits its deliveries."""
        self._storage = storage
        self._clock = clock
        self._policy = policy
        self._work_written = work_written
        self._rng = random.Random()
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=policy.timeout_seconds,
            follow_redirects=False,  # an endpoint is the URL the site registered, no other
        )

    def handlers(self) -> dict[str, Handler]:
        return {EVENT_TOPIC: self.fan_out, DELIVERY_TOPIC: self.deliver}

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fan_out(self, item: OutboxItem) -> None:
        """One delivery per endpoint of the message's site (none: nothing to write)."""
        site = str(item.payload["site"])
        async with self._storage.read() as uow:
            if not await uow.webhooks.endpoints_of_site(site):
                return
        now = self._clock()
        body = {k: item.payload[k] for k in ("type", "timestamp", "data")}
        added = 0
        async with self._storage.write() as uow:
            for endpoint in await uow.webhooks.endpoints_of_site(site):
                delivery = WebhookDelivery(
                    id=f"whd_{secrets.token_hex(10)}",
                    endpoint_id=endpoint.id,
                    host_site_id=site,
                    message_id=str(item.payload["message_id"]),
                    event_type=str(item.payload["type"]),
                    payload=body,
                    status="pending",
                    attempts=0,
                    created_at=now,
                )
                if await uow.webhooks.add_delivery(delivery):
                    await uow.outbox.add(DELIVERY_TOPIC, {"delivery_id": delivery.id}, now)
                    added += 1
        if added:
            self._work_written()

    async def deliver(self, item: OutboxItem) -> None:
        """One attempt of a pending delivery; `RetryLater` (with its delay) until it gives up."""
        delivery_id = str(item.payload["delivery_id"])
        async with self._storage.read() as uow:
            delivery = await uow.webhooks.delivery(delivery_id)
            endpoint = (
                None if delivery is None else await uow.webhooks.endpoint(delivery.endpoint_id)
            )
        if delivery is None or delivery.status != "pending":
            return  # delivered or given up already (a second delivery of this work)
        if endpoint is None:
            await self._record(delivery, "failed", None, "the endpoint was removed")
            return
        code, error = await self._send(endpoint, delivery)
        failed = delivery.attempts + 1
        if error is None:
            await self._record(delivery, "delivered", code, None)
            log.info("webhook %s delivered to %s", delivery.id, endpoint.id)
            return
        if failed >= self._policy.attempts:
            await self._record(delivery, "failed", code, error)
            log.warning(
                "webhook %s to %s failed %d times (%s): given up",
                delivery.id,
                endpoint.id,
                failed,
                error,
            )
            return
        await self._record(delivery, "pending", code, error)
        raise RetryLater(
            f"webhook {delivery.id} to {endpoint.id}: {error}",
            after=self._policy.delay(failed, self._rng),
        )

    async def _send(
        self, endpoint: WebhookEndpoint, delivery: WebhookDelivery
    ) -> tuple[int | None, str | None]:
        """(status code, None) on 2xx; else what went wrong, in words that quote nothing."""
        body = body_of(delivery)
        headers = signed_headers(endpoint, delivery.message_id, body, self._clock())
        try:
            response = await self._client.post(endpoint.url, content=body, headers=headers)
        except httpx.HTTPError as failure:
            return None, type(failure).__name__
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"

    async def _record(
        self, delivery: WebhookDelivery, status: str, code: int | None, error: str | None
    ) -> None:
        async with self._storage.write() as uow:
            await uow.webhooks.record_attempt(delivery.id, status, self._clock(), code, error)
