"""Strawberry's JSON scalar from plain mappings (a typed cast, nothing more)."""

from __future__ import annotations

from typing import cast

from strawberry.scalars import JSON


def as_json(value: object) -> JSON:
    return cast(JSON, value)
