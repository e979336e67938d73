"""Host sites: the websites that embed T-Rex, with their keys.

A publishable key (`pk_…`) starts sessions from the site's allowed origins; a secret key
(`sk_…`) lets the site's server read its own leads and follow their status. Keys are shown once,
when the site is created, and stored only as hashes. Sessions started without a key belong to
the built-in demo site, so the embedded default works out of the box.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from app.db.database import Database
from app.db.tables import HostSiteRow
from app.security import hash_token
from app.services.site_origins import normalize_origin, normalized_or_none

DEMO_SITE = "demo"


@dataclass(frozen=True, slots=True)
class HostSite:
    id: str
    name: str
    origins: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewHostSite:
    site: HostSite
    publishable_key: str
    secret_key: str


def _site(row: HostSiteRow) -> HostSite:
    return HostSite(row.id, row.name, tuple(row.origins))


class HostSites:
    def __init__(
        self, db: Database, clock: Callable[[], datetime], *, keyless_starts: bool = True
    ) -> None:
        """`keyless_starts`: sessions without a publishable key go to the demo site (off in
        production, where every session belongs to a registered site and origin)."""
        self._db = db
        self._clock = clock
        self._keyless_starts = keyless_starts
        self._listeners: list[Callable[[], Awaitable[None]]] = []

    def when_changed(self, callback: Callable[[], Awaitable[None]]) -> None:
        """`callback` runs after each site this object creates or changes (the origins cache
        re-reads and tells the other servers); it must not raise: the change is committed."""
        self._listeners.append(callback)

    async def _changed(self) -> None:
        for callback in self._listeners:
            await callback()

    async def ensure_demo(self) -> None:
        """The demo site has no keys: its hashes are not hex, so no key ever matches them."""
        with contextlib.suppress(IntegrityError):  # another process created it first
            await self._add_demo()

    async def _add_demo(self) -> None:
        async with self._db.write() as session:
            if await session.get(HostSiteRow, DEMO_SITE) is None:
                session.add(
                    HostSiteRow(
                        id=DEMO_SITE,
                        name="T-Rex demo",
                        origins=[],
                        publishable_key_hash="demo:no-publishable-key",
                        secret_key_hash="demo:no-secret-key",
                        created_at=self._clock(),
                    )
                )

    async def create(self, name: str, origins: list[str]) -> NewHostSite:
        """Raises `InvalidOrigin` (naming it) for anything that is not an origin."""
        publishable, secret = f"pk_{secrets.token_urlsafe(24)}", f"sk_{secrets.token_urlsafe(32)}"
        row = HostSiteRow(
            id=f"site_{secrets.token_hex(6)}",
            name=name,
            origins=_normalized(origins),
            publishable_key_hash=hash_token(publishable),
            secret_key_hash=hash_token(secret),
            created_at=self._clock(),
        )
        async with self._db.write() as session:
            session.add(row)
        await self._changed()
        return NewHostSite(_site(row), publishable, secret)

    async def update_origins(self, site_id: str, origins: list[str]) -> HostSite | None:
        """Replaces the site's origins (None: no such site); `InvalidOrigin` as in `create`."""
        normalized = _normalized(origins)
        async with self._db.write() as session:
            row = await session.get(HostSiteRow, site_id)
            if row is None or row.id == DEMO_SITE:
                return None
            row.origins = normalized
            site = _site(row)
        await self._changed()
        return site

    async def registered_origins(self) -> frozenset[str]:
        """Every origin of every site."""
        async with self._db.read() as session:
            lists = (await session.execute(select(col(HostSiteRow.origins)))).scalars()
            found = {normalized_or_none(origin) for origins in lists for origin in origins}
        return frozenset(origin for origin in found if origin is not None)

    async def by_publishable_key(self, key: str) -> HostSite | None:
        return await self._find(col(HostSiteRow.publishable_key_hash), key)

    async def by_secret_key(self, key: str | None) -> HostSite | None:
        if not key or not key.startswith("sk_"):
            return None
        return await self._find(col(HostSiteRow.secret_key_hash), key)

    async def _find(self, column: object, key: str) -> HostSite | None:
        if len(key) > 200:
            return None
        async with self._db.read() as session:
            query = select(HostSiteRow).where(column == hash_token(key))  # type: ignore[arg-type]
            row = (await session.execute(query)).scalar_one_or_none()
        return None if row is None else _site(row)

    async def site_for_start(self, publishable_key: str | None, origin: str | None) -> str | None:
        """The site a new session belongs to: the demo site without a key (unless keyless
        starts are off); None when the key is missing, unknown or used from an origin the
        site did not allow."""
        if publishable_key is None:
            return DEMO_SITE if self._keyless_starts else None
        site = await self.by_publishable_key(publishable_key)
        if site is None or origin is None or normalized_or_none(origin) not in site.origins:
            return None
        return site.id


def _normalized(origins: list[str]) -> list[str]:
    return list(dict.fromkeys(normalize_origin(origin) for origin in origins))
