"""`DateTime` and `Date` as RFC 3339 says (`specifiedByURL`), so generated clients can map them:
Strawberry's own scalars with the URL added, serialised and parsed as Strawberry does."""

from __future__ import annotations

import dataclasses
import datetime as dt

from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

RFC_3339 = "https://datatracker.ietf.org/doc/html/rfc3339"

DATE_TIME = dataclasses.replace(
    DateTimeDefinition,
    description="A date and time with its offset, RFC 3339's date-time "
    "(e.g. 2026-05-01T09:30:00.123+00:00).",
    specified_by_url=f"{RFC_3339}#section-5.6",
)
DATE = dataclasses.replace(
    DateDefinition,
    description="A calendar day, RFC 3339's full-date (e.g. 2026-05-01).",
    specified_by_url=f"{RFC_3339}#section-5.6",
)


def scalar_overrides() -> dict[object, ScalarDefinition]:
    """Strawberry's `scalar_overrides`: a schema's own mapping."""
    return {dt.datetime: DATE_TIME, dt.date: DATE}
