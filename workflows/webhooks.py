"""Webhooks as a host site's server sees them (Standard Webhooks): its endpoints, the secret
shown once when one is made or rotated, the log of deliveries, and what a request may be
refused for. The service layer implements `WebhookPort`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from workflows.rules import FieldError

LEAD_STATUS_CHANGED = "lead.status_changed"  # the event type of every message sent today


@dataclass(frozen=True, slots=True)
class WebhookEndpointInfo:
    id: str
    url: str
    created_at: datetime
    rotated_at: datetime | None = None
    # After a rotation the previous secret still signs, next to the new one, until then.
    previous_secret_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class EndpointWithSecret:
    """An endpoint just made or rotated, with its signing secret (`whsec_…`): shown this once."""

    endpoint: WebhookEndpointInfo
    secret: str


@dataclass(frozen=True, slots=True)
class DeliveryInfo:
    """One message to one endpoint: `message_id` is its `webhook-id`, the same on every
    attempt and on a replay, so a receiver drops what it already has."""

    id: str
    endpoint_id: str
    message_id: str
    event_type: str
    status: str  # PENDING | DELIVERED | FAILED
    attempts: int
    created_at: datetime
    last_status_code: int | None = None
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None


class WebhookRefused(Exception):
    """A request the webhooks cannot carry out: `errors` name each field and rule."""

    def __init__(self, errors: tuple[FieldError, ...]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def refused(field: str, code: str, message: str) -> WebhookRefused:
    return WebhookRefused((FieldError(field, code, message),))


UNAUTHORIZED = "UNAUTHORIZED"  # no site has this secret key (or none was sent)
NOT_FOUND = "NOT_FOUND"  # no such endpoint or delivery of this site
INVALID_URL = "INVALID_URL"


class WebhookPort(Protocol):
    """A host site's webhooks, by its secret key; each raises `WebhookRefused`."""

    async def add_endpoint(self, secret_key: str | None, url: str) -> EndpointWithSecret: ...
    async def endpoints(self, secret_key: str | None) -> list[WebhookEndpointInfo]: ...
    async def remove_endpoint(self, secret_key: str | None, endpoint_id: str) -> None: ...
    async def rotate_secret(
        self, secret_key: str | None, endpoint_id: str
    ) -> EndpointWithSecret: ...
    async def deliveries(
        self, secret_key: str | None, endpoint_id: str | None, limit: int
    ) -> list[DeliveryInfo]: ...
    async def replay(self, secret_key: str | None, delivery_id: str) -> DeliveryInfo: ...
