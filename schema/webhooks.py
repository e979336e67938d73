"""Webhooks of a host site (its secret key): endpoints, their secrets, the delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from schema.results import FieldError
from workflows import webhooks as domain


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@strawberry.type(description="An endpoint of your site: where your leads' status changes go.")
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    created_at: datetime
    rotated_at: datetime | None
    previous_secret_until: datetime | None = strawberry.field(
        description="Until then the previous secret signs too (a second `v1,` signature)."
    )

    @classmethod
    def of(cls, found: domain.WebhookEndpointInfo) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(found.id),
            url=found.url,
            created_at=found.created_at,
            rotated_at=found.rotated_at,
            previous_secret_until=found.previous_secret_until,
        )


@strawberry.type(description="One message to one endpoint, and how its sending went.")
class WebhookDelivery:
    id: strawberry.ID
    endpoint_id: strawberry.ID
    message_id: str = strawberry.field(description="Its `webhook-id`, the same on every try.")
    event_type: str
    status: WebhookDeliveryStatus
    attempts: int
    created_at: datetime
    last_status_code: int | None
    last_error: str | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, found: domain.DeliveryInfo) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(found.id),
            endpoint_id=strawberry.ID(found.endpoint_id),
            message_id=found.message_id,
            event_type=found.event_type,
            status=WebhookDeliveryStatus(found.status),
            attempts=found.attempts,
            created_at=found.created_at,
            last_status_code=found.last_status_code,
            last_error=found.last_error,
            last_attempt_at=found.last_attempt_at,
            delivered_at=found.delivered_at,
        )


@strawberry.type(description="An endpoint and its signing secret (`whsec_…`), shown this once.")
class WebhookSecretIssued:
    endpoint: WebhookEndpoint
    secret: str


@strawberry.type(description="The endpoint is gone; nothing more is sent to it.")
class WebhookEndpointRemoved:
    endpoint_id: strawberry.ID


@strawberry.type(description="The delivery is pending again: it is sent with the same id.")
class WebhookDeliveryQueued:
    delivery: WebhookDelivery


@strawberry.type(description="Your site's endpoints and its latest deliveries, newest first.")
class SiteWebhooks:
    endpoints: list[WebhookEndpoint]
    deliveries: list[WebhookDelivery]


@strawberry.type(
    description="Refused, nothing changed: each field and rule (UNAUTHORIZED: no site has this "
    "secret key; NOT_FOUND: no such endpoint or delivery of yours; INVALID_URL)."
)
class WebhookRefused:
    errors: list[FieldError]

    @classmethod
    def of(cls, refusal: domain.WebhookRefused) -> WebhookRefused:
        errors = [FieldError(field=e.field, message=e.message, code=e.code) for e in refusal.errors]
        return cls(errors=errors)


WebhookSecretResult = Annotated[
    WebhookSecretIssued | WebhookRefused, strawberry.union("WebhookSecretResult")
]
WebhookRemovalResult = Annotated[
    WebhookEndpointRemoved | WebhookRefused, strawberry.union("WebhookRemovalResult")
]
WebhookReplayResult = Annotated[
    WebhookDeliveryQueued | WebhookRefused, strawberry.union("WebhookReplayResult")
]
SiteWebhooksResult = Annotated[
    SiteWebhooks | WebhookRefused, strawberry.union("SiteWebhooksResult")
]


def issued(found: domain.EndpointWithSecret) -> WebhookSecretIssued:
    return WebhookSecretIssued(endpoint=WebhookEndpoint.of(found.endpoint), secret=found.secret)
