"""Webhooks of a host site, by its secret key (Authorization: Bearer sk_…): the root fields,
merged into Query and Mutation. A refusal is a union member naming the field and rule."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.context import Info
from schema.webhooks import (
    SiteWebhooks,
    SiteWebhooksResult,
    WebhookDelivery,
    WebhookDeliveryQueued,
    WebhookEndpoint,
    WebhookEndpointRemoved,
    WebhookRefused,
    WebhookRemovalResult,
    WebhookReplayResult,
    WebhookSecretResult,
    issued,
)
from workflows import webhooks as domain


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description="Your site's webhook endpoints and latest deliveries, newest first "
        "(Authorization: Bearer sk_…)."
    )
    async def webhooks(
        self,
        info: Info,
        endpoint_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this endpoint's deliveries."),
        ] = None,
        limit: Annotated[
            int, strawberry.argument(description="At most this many deliveries (the newest).")
        ] = 50,
    ) -> SiteWebhooksResult:
        port, key = info.context.leads.webhooks, info.context.token
        only = None if endpoint_id is None else str(endpoint_id)
        try:
            endpoints = await port.endpoints(key)
            deliveries = await port.deliveries(key, only, limit)
        except domain.WebhookRefused as refusal:
            return WebhookRefused.of(refusal)
        return SiteWebhooks(
            endpoints=[WebhookEndpoint.of(e) for e in endpoints],
            deliveries=[WebhookDelivery.of(d) for d in deliveries],
        )


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register a webhook endpoint (Authorization: Bearer sk_…); the answer "
        "carries its signing secret, once."
    )
    async def add_webhook_endpoint(
        self,
        info: Info,
        url: Annotated[str, strawberry.argument(description="Where to send the messages (https).")],
    ) -> WebhookSecretResult:
        try:
            return issued(await info.context.leads.webhooks.add_endpoint(info.context.token, url))
        except domain.WebhookRefused as refusal:
            return WebhookRefused.of(refusal)

    @strawberry.mutation(
        description="A new signing secret, shown once; the previous one still signs for a "
        "grace period."
    )
    async def rotate_webhook_secret(
        self,
        info: Info,
        endpoint_id: Annotated[
            strawberry.ID, strawberry.argument(description="The endpoint's id.")
        ],
    ) -> WebhookSecretResult:
        port = info.context.leads.webhooks
        try:
            return issued(await port.rotate_secret(info.context.token, str(endpoint_id)))
        except domain.WebhookRefused as refusal:
            return WebhookRefused.of(refusal)

    @strawberry.mutation(description="Remove an endpoint: nothing more is sent to it.")
    async def remove_webhook_endpoint(
        self,
        info: Info,
        endpoint_id: Annotated[
            strawberry.ID, strawberry.argument(description="The endpoint's id.")
        ],
    ) -> WebhookRemovalResult:
        try:
            await info.context.leads.webhooks.remove_endpoint(info.context.token, str(endpoint_id))
        except domain.WebhookRefused as refusal:
            return WebhookRefused.of(refusal)
        return WebhookEndpointRemoved(endpoint_id=endpoint_id)

    @strawberry.mutation(
        description="Send one delivery again, with the same webhook-id and fresh attempts."
    )
    async def replay_webhook_delivery(
        self,
        info: Info,
        delivery_id: Annotated[
            strawberry.ID, strawberry.argument(description="The delivery's id.")
        ],
    ) -> WebhookReplayResult:
        port = info.context.leads.webhooks
        try:
            delivery = await port.replay(info.context.token, str(delivery_id))
        except domain.WebhookRefused as refusal:
            return WebhookRefused.of(refusal)
        return WebhookDeliveryQueued(delivery=WebhookDelivery.of(delivery))
