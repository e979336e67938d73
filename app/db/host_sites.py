"""Host sites: their names, allowed origins and key digests.

A key is looked up on every start of a session with a publishable key and every read of a
site's leads: those statements are built once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.inserts import insert_new
from app.db.tables import HOST_SITES
from app.services.records import HostSite, HostSiteKeys
from app.services.storage import StorageUnavailable
from workflows.variants import Variant

_COLUMNS = (HOST_SITES.c.id, HOST_SITES.c.name, HOST_SITES.c.origins, HOST_SITES.c.variants)
_SITE = select(*_COLUMNS)
_BY_ID = _SITE.where(HOST_SITES.c.id == bindparam("_id"))
_BY_PUBLISHABLE = _SITE.where(HOST_SITES.c.publishable_key_hash == bindparam("_hash"))
_BY_SECRET = _SITE.where(HOST_SITES.c.secret_key_hash == bindparam("_hash"))
_ORIGINS = select(HOST_SITES.c.origins)


class HostSiteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, site: HostSite, keys: HostSiteKeys, at: datetime) -> None:
        await self._session.execute(insert(HOST_SITES), _columns(site, keys, at))

    async def add_if_missing(self, site: HostSite, keys: HostSiteKeys, at: datetime) -> None:
        """The site, unless one with its id is stored already (another process's start)."""
        await self._session.execute(insert_new(self._session, HOST_SITES), _columns(site, keys, at))

    async def get(self, site_id: str) -> HostSite | None:
        return _site((await self._session.execute(_BY_ID, {"_id": site_id})).first())

    async def by_publishable_hash(self, digest: str) -> HostSite | None:
        return _site((await self._session.execute(_BY_PUBLISHABLE, {"_hash": digest})).first())

    async def by_secret_hash(self, digest: str) -> HostSite | None:
        return _site((await self._session.execute(_BY_SECRET, {"_hash": digest})).first())

    async def set_origins(self, site_id: str, origins: list[str]) -> HostSite | None:
        """The site with its new origins; None when there is no such site."""
        query = (
            update(HOST_SITES)
            .where(HOST_SITES.c.id == site_id)
            .values(origins=origins)
            .returning(*_COLUMNS)
        )
        return _site((await self._session.execute(query)).first())

    async def set_variants(self, site_id: str, variants: tuple[Variant, ...]) -> HostSite | None:
        """The site with its new variants (none: the current version); None: no such site."""
        query = (
            update(HOST_SITES)
            .where(HOST_SITES.c.id == site_id)
            .values(variants=_variant_rows(variants))
            .returning(*_COLUMNS)
        )
        return _site((await self._session.execute(query)).first())

    async def all_origins(self) -> list[str]:
        """Every origin of every site, as stored. `StorageUnavailable` when the database is
        not answering (the caller keeps what it knew)."""
        try:
            lists = (await self._session.execute(_ORIGINS)).scalars().all()
        except SQLAlchemyError as error:
            raise StorageUnavailable(type(error).__name__) from error
        return [origin for origins in lists for origin in origins]


def _site(row: Row[Any] | None) -> HostSite | None:
    if row is None:
        return None
    variants = tuple(
        Variant(str(v["name"]), int(v["version"]), int(v["weight"])) for v in row.variants or ()
    )
    return HostSite(row.id, row.name, tuple(row.origins), variants)


def _variant_rows(variants: tuple[Variant, ...]) -> list[dict[str, Any]]:
    return [{"name": v.name, "version": v.version, "weight": v.weight} for v in variants]


def _columns(site: HostSite, keys: HostSiteKeys, at: datetime) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "origins": list(site.origins),
        "variants": _variant_rows(site.variants),
        "publishable_key_hash": keys.publishable_hash,
        "secret_key_hash": keys.secret_hash,
        "created_at": at,
    }
