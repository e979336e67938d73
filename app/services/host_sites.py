"""Host sites: the websites that embed T-Rex, with their keys.

A publishable key (`pk_…`) starts sessions from the site's allowed origins; a secret key
(`sk_…`) lets the site's server read its own leads and follow their status. Keys are shown once,
when the site is created, and stored only as hashes. Sessions started without a key belong to
the built-in demo site, so the embedded default works out of the box.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from app.security import hash_token
from app.services.records import HostSite, HostSiteKeys
from app.services.site_origins import normalize_origin, normalized_or_none
from app.services.storage import Storage
from workflows.variants import Variant

DEMO_SITE = "demo"
# The demo site has no keys: its digests are not hex, so no key ever matches them.
_DEMO = HostSite(DEMO_SITE, "T-Rex demo", ())
_DEMO_KEYS = HostSiteKeys("demo:no-publishable-key", "demo:no-secret-key")


@dataclass(frozen=True, slots=True)
class NewHostSite:
    site: HostSite
    publishable_key: str
    secret_key: str


class HostSites:
    def __init__(
        self, storage: Storage, clock: Callable[[], datetime], *, keyless_starts: bool = True
    ) -> None:
        """`keyless_starts`: sessions without a publishable key go to the demo site (off in
        production, where every session belongs to a registered site and origin)."""
        self._storage = storage
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
        """The demo site, unless it is there (another process may have created it first)."""
        async with self._storage.write() as uow:
            await uow.sites.add_if_missing(_DEMO, _DEMO_KEYS, self._clock())

    async def create(self, name: str, origins: list[str]) -> NewHostSite:
        """Raises `InvalidOrigin` (naming it) for anything that is not an origin."""
        publishable, secret = f"pk_{secrets.token_urlsafe(24)}", f"sk_{secrets.token_urlsafe(32)}"
        site = HostSite(f"site_{secrets.token_hex(6)}", name, tuple(_normalized(origins)))
        keys = HostSiteKeys(hash_token(publishable), hash_token(secret))
        async with self._storage.write() as uow:
            await uow.sites.add(site, keys, self._clock())
        await self._changed()
        return NewHostSite(site, publishable, secret)

    async def update_origins(self, site_id: str, origins: list[str]) -> HostSite | None:
        """Replaces the site's origins (None: no such site); `InvalidOrigin` as in `create`."""
        normalized = _normalized(origins)
        if site_id == DEMO_SITE:
            return None
        async with self._storage.write() as uow:
            site = await uow.sites.set_origins(site_id, normalized)
        if site is None:
            return None
        await self._changed()
        return site

    async def registered_origins(self) -> frozenset[str]:
        """Every origin of every site (`StorageUnavailable` when the database does not answer)."""
        async with self._storage.read() as uow:
            found = {normalized_or_none(origin) for origin in await uow.sites.all_origins()}
        return frozenset(origin for origin in found if origin is not None)

    async def get(self, site_id: str) -> HostSite | None:
        async with self._storage.read() as uow:
            return await uow.sites.get(site_id)

    async def by_publishable_key(self, key: str) -> HostSite | None:
        if len(key) > 200:
            return None
        async with self._storage.read() as uow:
            return await uow.sites.by_publishable_hash(hash_token(key))

    async def by_secret_key(self, key: str | None) -> HostSite | None:
        if not key or not key.startswith("sk_") or len(key) > 200:
            return None
        async with self._storage.read() as uow:
            return await uow.sites.by_secret_hash(hash_token(key))

    async def set_variants(self, site_id: str, variants: tuple[Variant, ...]) -> HostSite | None:
        """Replaces the site's variants, checked already (`app.services.site_variants`); None:
        no such site (the demo site has none). New sessions read them at their start."""
        if site_id == DEMO_SITE:
            return None
        async with self._storage.write() as uow:
            return await uow.sites.set_variants(site_id, variants)

    async def site_for_start(
        self, publishable_key: str | None, origin: str | None
    ) -> HostSite | None:
        """The site a new session belongs to: the demo site without a key (unless keyless
        starts are off); None when the key is missing, unknown or used from an origin the
        site did not allow."""
        if publishable_key is None:
            return _DEMO if self._keyless_starts else None
        site = await self.by_publishable_key(publishable_key)
        if site is None or origin is None or normalized_or_none(origin) not in site.origins:
            return None
        return site


def _normalized(origins: list[str]) -> list[str]:
    return list(dict.fromkeys(normalize_origin(origin) for origin in origins))
