"""Consents as records: each one the visitor gives is kept with the text shown (its id, version
and a hash of the rendered text), the locale and the time, and joins the next lead."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.services.records import SessionRecord
from workflows.model import Step

DEFAULT_LOCALE = "en-US"


def locale_of(record: SessionRecord) -> str:
    """The locale the session is shown in: its host page's, else US English."""
    host = record.context.get("host")
    locale = host.get("locale") if isinstance(host, dict) else None
    return locale if isinstance(locale, str) and 2 <= len(locale) <= 20 else DEFAULT_LOCALE


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def consents_given(
    record: SessionRecord, step: Step, values: Mapping[str, object], now: datetime
) -> list[dict[str, Any]]:
    """The consents answered on `step`, as records."""
    locale, given = locale_of(record), []
    for spec in step.fields:
        if spec.consent is None or spec.name not in values:
            continue
        given.append(
            {
                "step": step.id,
                "field": spec.name,
                "value": values[spec.name],
                "text_id": spec.consent.text_id,
                "version": spec.consent.version,
                "text_hash": text_hash(spec.consent.rendered(spec.label)),
                "locale": locale,
                "at": now.isoformat(),
            }
        )
    return given


def with_consents(
    record: SessionRecord, step: Step, values: Mapping[str, object], now: datetime
) -> list[dict[str, Any]] | None:
    """The session's consents not yet on a lead, with those of `step` (None: no change)."""
    given = consents_given(record, step, values, now)
    if not given:
        return None
    earlier = record.context.get("consents")
    return [*(earlier if isinstance(earlier, list) else []), *given]
