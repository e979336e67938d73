"""Webhook endpoints of host sites, and the log of what was sent to them.

Every lead status change of a site with endpoints writes deliveries and reads them back once
per attempt: those statements are built once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.inserts import insert_new
from app.db.tables import WEBHOOK_DELIVERIES, WEBHOOK_ENDPOINTS
from app.services.records import WebhookDelivery, WebhookEndpoint

_E = WEBHOOK_ENDPOINTS.c
_D = WEBHOOK_DELIVERIES.c
_ENDPOINTS = select(WEBHOOK_ENDPOINTS)
_ENDPOINT = _ENDPOINTS.where(_E.id == bindparam("_id"))
_OF_SITE = _ENDPOINTS.where(_E.host_site_id == bindparam("_site")).order_by(_E.created_at, _E.id)
_DELIVERY = select(WEBHOOK_DELIVERIES).where(_D.id == bindparam("_id"))
_ATTEMPT = (
    update(WEBHOOK_DELIVERIES)
    .where(_D.id == bindparam("_id"))
    .values(
        attempts=_D.attempts + 1,
        status=bindparam("_status"),
        last_attempt_at=bindparam("_at"),
        last_status_code=bindparam("_code"),
        last_error=bindparam("_error"),
    )
)


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        await self._session.execute(insert(WEBHOOK_ENDPOINTS), _endpoint_columns(endpoint))

    async def endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        return _endpoint((await self._session.execute(_ENDPOINT, {"_id": endpoint_id})).first())

    async def endpoints_of_site(self, site_id: str) -> list[WebhookEndpoint]:
        rows = (await self._session.execute(_OF_SITE, {"_site": site_id})).all()
        return [e for e in map(_endpoint, rows) if e is not None]

    async def remove_endpoint(self, site_id: str, endpoint_id: str) -> bool:
        result = await self._session.execute(
            delete(WEBHOOK_ENDPOINTS)
            .where(_E.id == endpoint_id)
            .where(_E.host_site_id == site_id)
            .returning(_E.id)
        )
        return result.first() is not None

    async def rotate_secret(
        self, site_id: str, endpoint_id: str, secret: str, previous_until: datetime, at: datetime
    ) -> WebhookEndpoint | None:
        query = (
            update(WEBHOOK_ENDPOINTS)
            .where(_E.id == endpoint_id)
            .where(_E.host_site_id == site_id)
            .values(
                previous_secret=_E.secret,
                previous_until=previous_until,
                secret=secret,
                rotated_at=at,
            )
            .returning(*WEBHOOK_ENDPOINTS.c)
        )
        return _endpoint((await self._session.execute(query)).first())

    async def add_delivery(self, delivery: WebhookDelivery) -> bool:
        query = insert_new(self._session, WEBHOOK_DELIVERIES).returning(_D.id)
        result = await self._session.execute(query, _delivery_columns(delivery))
        return result.first() is not None

    async def delivery(self, delivery_id: str) -> WebhookDelivery | None:
        return _delivery((await self._session.execute(_DELIVERY, {"_id": delivery_id})).first())

    async def record_attempt(
        self,
        delivery_id: str,
        status: str,
        at: datetime,
        status_code: int | None,
        error: str | None,
    ) -> None:
        values = {
            "_id": delivery_id,
            "_status": status,
            "_at": at,
            "_code": status_code,
            "_error": None if error is None else error[:200],
        }
        await self._session.execute(_ATTEMPT, values)
        if status == "delivered":
            await self._session.execute(
                update(WEBHOOK_DELIVERIES).where(_D.id == delivery_id).values(delivered_at=at)
            )

    async def reopen(self, delivery_id: str) -> None:
        await self._session.execute(
            update(WEBHOOK_DELIVERIES)
            .where(_D.id == delivery_id)
            .values(status="pending", attempts=0, delivered_at=None)
        )

    async def deliveries_of_site(
        self, site_id: str, endpoint_id: str | None, limit: int
    ) -> list[WebhookDelivery]:
        query = select(WEBHOOK_DELIVERIES).where(_D.host_site_id == site_id)
        if endpoint_id is not None:
            query = query.where(_D.endpoint_id == endpoint_id)
        query = query.order_by(_D.created_at.desc(), _D.id.desc()).limit(limit)
        rows = (await self._session.execute(query)).all()
        return [d for d in map(_delivery, rows) if d is not None]


def _endpoint(row: Row[Any] | None) -> WebhookEndpoint | None:
    if row is None:
        return None
    return WebhookEndpoint(
        id=row.id,
        host_site_id=row.host_site_id,
        url=row.url,
        secret=row.secret,
        created_at=row.created_at,
        previous_secret=row.previous_secret,
        previous_until=row.previous_until,
        rotated_at=row.rotated_at,
    )


def _endpoint_columns(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "host_site_id": endpoint.host_site_id,
        "url": endpoint.url,
        "secret": endpoint.secret,
        "previous_secret": endpoint.previous_secret,
        "previous_until": endpoint.previous_until,
        "created_at": endpoint.created_at,
        "rotated_at": endpoint.rotated_at,
    }


def _delivery(row: Row[Any] | None) -> WebhookDelivery | None:
    if row is None:
        return None
    return WebhookDelivery(
        id=row.id,
        endpoint_id=row.endpoint_id,
        host_site_id=row.host_site_id,
        message_id=row.message_id,
        event_type=row.event_type,
        payload=row.payload,
        status=row.status,
        attempts=row.attempts,
        created_at=row.created_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        last_attempt_at=row.last_attempt_at,
        delivered_at=row.delivered_at,
    )


def _delivery_columns(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "host_site_id": delivery.host_site_id,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "payload": delivery.payload,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "last_attempt_at": delivery.last_attempt_at,
        "delivered_at": delivery.delivered_at,
    }
