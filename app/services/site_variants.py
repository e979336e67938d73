"""Which version a new session starts on: its host site's variants (workflows/variants.py).

The visitor is who the host page says it is (`visitorId` in the start's context), else the
client's address: either is only hashed with the site's id to pick the variant, never stored
or logged by this module. A start with neither (a call inside the process) gets a variant by
chance. A site's variants are checked against the registry when they are set; one whose version
is no longer defined by the time a session starts (a deploy dropped it) starts on the current
version, in the default variant, with a warning.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from app.services.host_sites import HostSites
from app.services.records import HostSite
from workflows.model import Workflow
from workflows.outcomes import Caller, InvalidStart
from workflows.registry import Registry, UnknownVersion
from workflows.variants import DEFAULT_VARIANT, assign, ensure_defined, parse_split

log = logging.getLogger("trex.variants")
VISITOR_ID = "visitorId"
MAX_VISITOR_ID = 100


@dataclass(frozen=True, slots=True)
class Placement:
    """The variant a new session is in, and the version it runs."""

    variant: str
    workflow: Workflow


def visitor_of(host_context: dict[str, Any] | None, caller: Caller) -> str:
    """The visitor a start is from; `InvalidStart` (field `context.visitorId`) for an id that is
    not a string of 1 to 100 characters."""
    given = (host_context or {}).get(VISITOR_ID)
    if given is not None:
        if not isinstance(given, str) or not 1 <= len(given) <= MAX_VISITOR_ID:
            raise InvalidStart(
                f"context.visitorId must be a string of 1 to {MAX_VISITOR_ID} characters.",
                f"context.{VISITOR_ID}",
            )
        return f"visitor:{given}"
    if caller.address:
        return f"address:{caller.address}"
    return f"anyone:{uuid.uuid4()}"


def placement(flows: Registry, workflow: str, site: HostSite, visitor: str) -> Placement:
    current = Placement(DEFAULT_VARIANT, flows.current(workflow))
    if not site.variants:
        return current
    variant = assign(site.variants, site.id, visitor)
    try:
        return Placement(variant.name, flows.get(workflow, variant.version))
    except UnknownVersion:
        log.warning(
            "site %s: variant %s runs %s v%d, which is not defined: starting on the current",
            site.id,
            variant.name,
            workflow,
            variant.version,
        )
        return current


async def configure(
    sites: HostSites, flows: Registry, workflow: str, site_id: str, split: str | None
) -> HostSite | None:
    """Sets the site's variants from `split` (`"a=1:50,b=2:50"`; None clears them): the new
    site, None if there is no such site, `VariantsRefused` naming the rule (a version the
    registry lacks is named)."""
    variants = () if split is None else parse_split(split)
    ensure_defined(variants, workflow, flows.versions(workflow))
    return await sites.set_variants(site_id, variants)
