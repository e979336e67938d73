"""`trex erase --site <id> --email … [--phone …] [--lead …]`: the operator's erasure of one
customer's data, the same as the `eraseCustomerData` mutation (and recorded as `cli`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from app.settings import Settings
from workflows import registry
from workflows.erasure import checked_request


class ErasureRefused(Exception):
    """The request names nobody, not in a valid form, or an unknown site (the message says)."""


async def erase(
    settings: Settings, site_id: str, email: str | None, phone: str | None, lead_id: str | None
) -> dict[str, object]:
    from app.bootstrap import now, prepare_database
    from app.db.unit_of_work import SqlStorage
    from app.services.erasure import Eraser

    request, errors = checked_request(email, phone, lead_id, date.today())
    if request is None:
        raise ErasureRefused("\n".join(f"--{e.field}: {e.message}" for e in errors))
    db = await prepare_database(settings)
    storage = SqlStorage(db)
    try:
        async with storage.read() as uow:
            if await uow.sites.get(site_id) is None:
                raise ErasureRefused(f"No host site {site_id!r}.")
        eraser = Eraser(storage, registry.default(), now)
        counts = await eraser.erase_customer(site_id, request, by="cli")
    finally:
        await db.dispose()
    return {"site": site_id, "erased": asdict(counts)}
