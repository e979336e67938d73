"""Consents as records: each one the visitor gives is kept with the text shown (its id, version
and a hash of the rendered text), the locale and the time, and joins the next lead."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.services.records import SessionRecord
from workflows.messages import DEFAULT_LOCALE, localized_step, negotiate
from workflows.model import Step, Workflow

__all__ = ["DEFAULT_LOCALE", "consents_given", "locale_of", "text_hash", "with_consents"]


def locale_of(record: SessionRecord) -> str:
    """The locale the session is shown in: its host page's `locale` as the catalogue has it
    (any Spanish: es-US), else US English (`workflows.messages.negotiate`)."""
    host = record.context.get("host")
    return negotiate(host.get("locale") if isinstance(host, dict) else None)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def consents_given(
    record: SessionRecord,
    workflow: Workflow,
    step: Step,
    values: Mapping[str, object],
    now: datetime,
) -> list[dict[str, Any]]:
    """The consents answered on `step`, as records: the hash is of the text as shown, in the
    session's locale."""
    locale, given = locale_of(record), []
    for spec in localized_step(workflow, step, locale).fields:
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
    record: SessionRecord,
    workflow: Workflow,
    step: Step,
    values: Mapping[str, object],
    now: datetime,
) -> list[dict[str, Any]] | None:
    """The session's consents not yet on a lead, with those of `step` (None: no change)."""
    given = consents_given(record, workflow, step, values, now)
    if not given:
        return None
    earlier = record.context.get("consents")
    return [*(earlier if isinstance(earlier, list) else []), *given]
