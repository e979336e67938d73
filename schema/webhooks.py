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
    PENDING = strawberry.enum_value("PENDING", description="Not delivered yet: it is tried again.")
    DELIVERED = strawberry.enum_value("DELIVERED", description="The endpoint answered 2xx.")
    FAILED = strawberry.enum_value(
        "FAILED", description="Every try failed; replayWebhookDelivery sends it again."
    )


@strawberry.type(description="An endpoint of your site: where your leads' status changes go.")
class WebhookEndpoint:
    id: strawberry.ID = strawberry.field(description="The endpoint's id.")
    url: str = strawberry.field(description="Where the messages go (https).")
    created_at: datetime = strawberry.field(description="When it was added.")
    rotated_at: datetime | None = strawberry.field(
        description="When its secret was last rotated; null if never."
    )
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
    id: strawberry.ID = strawberry.field(description="The delivery's id.")
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint it goes to.")
    message_id: str = strawberry.field(description="Its `webhook-id`, the same on every try.")
    event_type: str = strawberry.field(description="What happened (e.g. `lead.status`).")
    status: WebhookDeliveryStatus = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="Tries so far.")
    created_at: datetime = strawberry.field(description="When it was queued.")
    last_status_code: int | None = strawberry.field(
        description="The endpoint's HTTP status at the last try; null if it gave none."
    )
    last_error: str | None = strawberry.field(
        description="Why the last try failed; null if it did not."
    )
    last_attempt_at: datetime | None = strawberry.field(description="When it was last tried.")
    delivered_at: datetime | None = strawberry.field(
        description="When it was delivered; null until then."
    )

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
    endpoint: WebhookEndpoint = strawberry.field(description="The endpoint.")
    secret: str = strawberry.field(description="Its signing secret (`whsec_…`): shown only here.")


@strawberry.type(description="The endpoint is gone; nothing more is sent to it.")
class WebhookEndpointRemoved:
    endpoint_id: strawberry.ID = strawberry.field(description="The removed endpoint's id.")


@strawberry.type(description="The delivery is pending again: it is sent with the same id.")
class WebhookDeliveryQueued:
    delivery: WebhookDelivery = strawberry.field(description="The delivery, pending again.")


@strawberry.type(description="Your site's endpoints and its latest deliveries, newest first.")
class SiteWebhooks:
    endpoints: list[WebhookEndpoint] = strawberry.field(description="Your site's endpoints.")
    deliveries: list[WebhookDelivery] = strawberry.field(
        description="Their latest deliveries, newest first."
    )


@strawberry.type(
    description="Refused, nothing changed: each field and rule (UNAUTHORIZED: no site has this "
    "secret key; NOT_FOUND: no such endpoint or delivery of yours; INVALID_URL)."
)
class WebhookRefused:
    errors: list[FieldError] = strawberry.field(description="Why, by field.")

    @classmethod
    def of(cls, refusal: domain.WebhookRefused) -> WebhookRefused:
        errors = [FieldError.of(e) for e in refusal.errors]
        return cls(errors=errors)


WebhookSecretResult = Annotated[
    WebhookSecretIssued | WebhookRefused,
    strawberry.union(
        "WebhookSecretResult", description="The endpoint and its secret, or a refusal."
    ),
]
WebhookRemovalResult = Annotated[
    WebhookEndpointRemoved | WebhookRefused,
    strawberry.union("WebhookRemovalResult", description="The endpoint removed, or a refusal."),
]
WebhookReplayResult = Annotated[
    WebhookDeliveryQueued | WebhookRefused,
    strawberry.union("WebhookReplayResult", description="The delivery queued again, or a refusal."),
]
SiteWebhooksResult = Annotated[
    SiteWebhooks | WebhookRefused,
    strawberry.union(
        "SiteWebhooksResult", description="Your site's endpoints and deliveries, or a refusal."
    ),
]


def issued(found: domain.EndpointWithSecret) -> WebhookSecretIssued:
    return WebhookSecretIssued(endpoint=WebhookEndpoint.of(found.endpoint), secret=found.secret)
