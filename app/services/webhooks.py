"""Host sites' webhooks (Standard Webhooks): endpoints, their secrets, the delivery log.

A site registers an endpoint URL and gets its signing secret (`whsec_…`) once; T-Rex keeps it
to sign (it is never logged, and never shown again). Rotating makes a new secret and keeps the
old one signing beside it for a grace period, so the site can switch without a gap. Every lead
status change is written to the outbox in the transaction that changes the status
(`enqueue_lead_status`); the pipeline (app/pipeline/webhooks.py) turns it into one delivery per
endpoint and sends it, at least once, with retries, until it gives up and marks it failed. A
site reads the log of its deliveries and may send one again (`replay`, same `webhook-id`).

`Webhooks` serves the CLI (by site id) and, through `SiteWebhooks`, the API (by secret key).
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from app.services.host_sites import HostSites
from app.services.records import WebhookDelivery, WebhookEndpoint
from app.services.storage import SessionUnitOfWork, Storage
from workflows.webhooks import (
    INVALID_URL,
    LEAD_STATUS_CHANGED,
    NOT_FOUND,
    UNAUTHORIZED,
    DeliveryInfo,
    EndpointWithSecret,
    WebhookEndpointInfo,
    WebhookRefused,
    refused,
)

EVENT_TOPIC = "webhook.lead_status"  # outbox: a status change, fanned out to the endpoints
DELIVERY_TOPIC = "webhook.deliver"  # outbox: one delivery's next attempt
MAX_URL = 2000
MAX_ENDPOINTS = 10
MAX_LOG = 200
_LOOPBACK_NAMES = ("localhost", "localhost.")


@dataclass(frozen=True, slots=True)
class UrlRules:
    """`https_only` (production): plain http only to a loopback address (tests, a local
    relay), and no address literal of a private, link-local or reserved network."""

    https_only: bool = False


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def new_message_id() -> str:
    return f"msg_{secrets.token_hex(12)}"


def checked_url(url: str, rules: UrlRules) -> str:
    """The URL as given, or `WebhookRefused` naming the rule it breaks."""
    url = url.strip()
    if not url or len(url) > MAX_URL:
        raise refused("url", INVALID_URL, f"A URL of 1 to {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise refused("url", INVALID_URL, "Not a URL.") from None
    if parts.scheme not in ("http", "https") or not host:
        raise refused("url", INVALID_URL, "An http(s) URL with a host.")
    if parts.username is not None or parts.password is not None:
        raise refused("url", INVALID_URL, "No user or password in the URL.")
    if parts.fragment:
        raise refused("url", INVALID_URL, "No fragment (#…) in the URL.")
    if rules.https_only:
        loopback, private = _address_kind(host)
        if parts.scheme != "https" and not loopback:
            raise refused("url", INVALID_URL, "https only (http is allowed to loopback only).")
        if private:
            raise refused("url", INVALID_URL, "Not an address of a private network.")
    return url


def _address_kind(host: str) -> tuple[bool, bool]:
    """(loopback, private or reserved but not loopback) for an address literal or localhost."""
    if host.lower() in _LOOPBACK_NAMES:
        return True, False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False, False  # a name: resolved when sending
    if address.is_loopback:
        return True, False
    return False, address.is_private or address.is_link_local or address.is_reserved


async def enqueue_lead_status(uow: SessionUnitOfWork, event: dict[str, Any], at: datetime) -> None:
    """In the transaction that changes a lead's status: the message its site's endpoints get
    (its `webhook-id` chosen now, so every attempt and replay carries the same)."""
    payload = {
        "message_id": new_message_id(),
        "site": event["site"],
        "type": LEAD_STATUS_CHANGED,
        "timestamp": at.isoformat(),
        "data": {
            "leadId": event["lead_id"],
            "reference": event["reference"],
            "status": event["status"],
            "detail": event.get("detail") or {},
        },
    }
    await uow.outbox.add(EVENT_TOPIC, payload, at)


def endpoint_info(endpoint: WebhookEndpoint, now: datetime) -> WebhookEndpointInfo:
    until = endpoint.previous_until
    return WebhookEndpointInfo(
        id=endpoint.id,
        url=endpoint.url,
        created_at=endpoint.created_at,
        rotated_at=endpoint.rotated_at,
        previous_secret_until=until if until is not None and until > now else None,
    )


def delivery_info(delivery: WebhookDelivery) -> DeliveryInfo:
    return DeliveryInfo(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        message_id=delivery.message_id,
        event_type=delivery.event_type,
        status=delivery.status.upper(),
        attempts=delivery.attempts,
        created_at=delivery.created_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        last_attempt_at=delivery.last_attempt_at,
        delivered_at=delivery.delivered_at,
    )


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    found = [endpoint.secret]
    until = endpoint.previous_until
    if endpoint.previous_secret and until is not None and until > now:
        found.append(endpoint.previous_secret)
    return found


class Webhooks:
    """Endpoints and deliveries by site id (the CLI, and `SiteWebhooks` once it knows the site)."""

    def __init__(
        self,
        storage: Storage,
        sites: HostSites,
        clock: Callable[[], datetime],
        *,
        rules: UrlRules = UrlRules(),
        grace: timedelta = timedelta(hours=24),
        work_written: Callable[[], None] = lambda: None,
    ) -> None:
        """`grace`: how long a rotated secret still signs; `work_written`: wakes the relay after
        a replay commits (without it, the relay's poll finds the work)."""
        self._storage = storage
        self._sites = sites
        self._clock = clock
        self._rules = rules
        self._grace = grace
        self._work_written = work_written

    async def _known_site(self, site_id: str) -> None:
        site = await self._sites.get(site_id)
        if site is None:
            raise refused("site", UNAUTHORIZED, "No such host site.")

    async def add(self, site_id: str, url: str) -> EndpointWithSecret:
        checked = checked_url(url, self._rules)
        await self._known_site(site_id)
        now = self._clock()
        endpoint = WebhookEndpoint(
            f"wh_{secrets.token_hex(8)}", site_id, checked, new_secret(), now
        )
        async with self._storage.write() as uow:
            if len(await uow.webhooks.endpoints_of_site(site_id)) >= MAX_ENDPOINTS:
                raise refused("url", "LIMIT", f"At most {MAX_ENDPOINTS} endpoints per site.")
            await uow.webhooks.add_endpoint(endpoint)
        return EndpointWithSecret(endpoint_info(endpoint, now), endpoint.secret)

    async def endpoints(self, site_id: str) -> list[WebhookEndpointInfo]:
        await self._known_site(site_id)
        async with self._storage.read() as uow:
            found = await uow.webhooks.endpoints_of_site(site_id)
        now = self._clock()
        return [endpoint_info(e, now) for e in found]

    async def remove(self, site_id: str, endpoint_id: str) -> None:
        await self._known_site(site_id)
        async with self._storage.write() as uow:
            if not await uow.webhooks.remove_endpoint(site_id, endpoint_id):
                raise _no_endpoint()

    async def rotate(self, site_id: str, endpoint_id: str) -> EndpointWithSecret:
        await self._known_site(site_id)
        now, secret = self._clock(), new_secret()
        async with self._storage.write() as uow:
            rotated = await uow.webhooks.rotate_secret(
                site_id, endpoint_id, secret, now + self._grace, now
            )
        if rotated is None:
            raise _no_endpoint()
        return EndpointWithSecret(endpoint_info(rotated, now), secret)

    async def deliveries(
        self, site_id: str, endpoint_id: str | None = None, limit: int = 50
    ) -> list[DeliveryInfo]:
        if not 1 <= limit <= MAX_LOG:
            raise refused("limit", "OUT_OF_RANGE", f"From 1 to {MAX_LOG}.")
        await self._known_site(site_id)
        async with self._storage.read() as uow:
            found = await uow.webhooks.deliveries_of_site(site_id, endpoint_id, limit)
        return [delivery_info(d) for d in found]

    async def replay(self, site_id: str, delivery_id: str) -> DeliveryInfo:
        """Send one delivery again (the same message and `webhook-id`), with fresh attempts."""
        await self._known_site(site_id)
        async with self._storage.write() as uow:
            delivery = await uow.webhooks.delivery(delivery_id)
            if delivery is None or delivery.host_site_id != site_id:
                raise refused("deliveryId", NOT_FOUND, "No such delivery of this site.")
            if await uow.webhooks.endpoint(delivery.endpoint_id) is None:
                raise _no_endpoint()
            await uow.webhooks.reopen(delivery_id)
            await uow.outbox.add(DELIVERY_TOPIC, {"delivery_id": delivery_id}, self._clock())
            reopened = await uow.webhooks.delivery(delivery_id)
        self._work_written()
        assert reopened is not None
        return delivery_info(reopened)


def _no_endpoint() -> WebhookRefused:
    return refused("endpointId", NOT_FOUND, "No such endpoint of this site.")


class SiteWebhooks:
    """The API's webhooks (`WebhookPort`): the site is the one whose secret key is given; a
    wrong key, another site's or none is refused alike (UNAUTHORIZED)."""

    def __init__(self, webhooks: Webhooks, sites: HostSites) -> None:
        self._webhooks = webhooks
        self._sites = sites

    async def _site(self, secret_key: str | None) -> str:
        site = await self._sites.by_secret_key(secret_key)
        if site is None:
            raise refused("authorization", UNAUTHORIZED, "A host site's secret key (sk_…).")
        return site.id

    async def add_endpoint(self, secret_key: str | None, url: str) -> EndpointWithSecret:
        return await self._webhooks.add(await self._site(secret_key), url)

    async def endpoints(self, secret_key: str | None) -> list[WebhookEndpointInfo]:
        return await self._webhooks.endpoints(await self._site(secret_key))

    async def remove_endpoint(self, secret_key: str | None, endpoint_id: str) -> None:
        await self._webhooks.remove(await self._site(secret_key), endpoint_id)

    async def rotate_secret(self, secret_key: str | None, endpoint_id: str) -> EndpointWithSecret:
        return await self._webhooks.rotate(await self._site(secret_key), endpoint_id)

    async def deliveries(
        self, secret_key: str | None, endpoint_id: str | None, limit: int
    ) -> list[DeliveryInfo]:
        return await self._webhooks.deliveries(await self._site(secret_key), endpoint_id, limit)

    async def replay(self, secret_key: str | None, delivery_id: str) -> DeliveryInfo:
        return await self._webhooks.replay(await self._site(secret_key), delivery_id)


__all__ = [
    "DELIVERY_TOPIC",
    "EVENT_TOPIC",
    "SiteWebhooks",
    "UrlRules",
    "WebhookRefused",
    "Webhooks",
    "checked_url",
    "enqueue_lead_status",
    "signing_secrets",
]
