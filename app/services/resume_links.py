"""Continue later: a session's resume link, sent by e-mail or SMS, and opening it elsewhere.

Sending needs the session's token (like every call of a session). The link is single use and
expires (`valid_for`, 7 days at most and never past the session's retention); its token is
random and stored only as its hash, one link per session (sending again replaces the earlier
one). The address is personal data used once: validated by the same rules as the steps'
e-mail and phone fields, handed to the communications service, then dropped (never stored,
logged or echoed). The link opens the page the visitor was on, which must be one of the
session's host site's origins (loopback in development for the demo site), so no one can send
a link to another site.

Opening a link answers the session's current step with a NEW session token and revokes the
old one: the session continues where the link is opened, and the tabs that held the old token
are told it is no longer found there (a forwarded or stolen link takes over the session
for at most one opening, and the visitor can send themselves another).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from app.integrations.clients import CommunicationsClient
from app.integrations.errors import IntegrationError, Rejected
from app.security import hash_token, new_token
from app.services.consents import locale_of
from app.services.host_sites import HostSites
from app.services.rates import ServiceRates
from app.services.records import ResumeLink, SessionRecord
from app.services.session_loader import SessionLoader
from app.services.site_origins import LOOPBACK_HOSTS, normalized_or_none
from app.services.step_views import ViewBuilder
from app.services.storage import SessionStorage
from workflows.messages import text
from workflows.outcomes import ANONYMOUS, Caller, NotFound
from workflows.resume import (
    URL_PARAMETER,
    LinkInvalid,
    LinkNotSent,
    LinkRefused,
    LinkSent,
    OpenOutcome,
    Resumed,
    SendOutcome,
    SendResumeLink,
    checked_address,
)
from workflows.rules import FieldError

log = logging.getLogger("trex.resume")
VALID_FOR = timedelta(days=7)
NAMESPACE = uuid.UUID("5f0c9a43-8e2b-4d6a-b1f7-3c9e2a7d4b18")
TEMPLATE = "resume_link"
MAX_URL = 2000
MAX_TOKEN = 200

# Why a link opens nothing (`LinkRefused.said`: `resume.link.<code>` of the catalogue).
UNKNOWN, USED, EXPIRED = "unknown", "used", "expired"
# The catalogue's ids of the other refusals, shown in the session's locale.
NOT_SENT = "resume.not_sent"
BAD_RECIPIENT = "resume.bad_recipient"
BAD_URL = "resume.bad_url"


def link_id(session_id: str) -> str:
    """One link per session: sending again replaces it (and its token)."""
    return str(uuid.uuid5(NAMESPACE, session_id))


def link_url(return_url: str, token: str) -> str:
    """The page with the token as `trex_resume` (any earlier one and the fragment dropped)."""
    parts = urlsplit(return_url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != URL_PARAMETER
    ]
    query.append((URL_PARAMETER, token))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class ResumeLinks:
    def __init__(
        self,
        storage: SessionStorage,
        loader: SessionLoader,
        views: ViewBuilder,
        rates: ServiceRates,
        sites: HostSites,
        communications: CommunicationsClient,
        clock: Callable[[], datetime],
        valid_for: timedelta = VALID_FOR,
    ) -> None:
        self._storage = storage
        self._loader = loader
        self._views = views
        self._rates = rates
        self._sites = sites
        self._communications = communications
        self._clock = clock
        self._valid_for = min(valid_for, VALID_FOR)

    async def send_link(self, command: SendResumeLink) -> SendOutcome:
        """The link sent to `command.address`, or why not (nothing sent)."""
        await self._rates.opening(command.caller)
        record = await self._loader.with_token(command.session_id, command.token)
        if record is None:
            await self._rates.failed(command.caller)
            return NotFound(command.session_id)
        locale = locale_of(record)
        address, errors = checked_address(command.channel, command.address, self._clock().date())
        if not await self._allowed_page(record, command.return_url):
            errors.append(FieldError("returnUrl", "origin", text(BAD_URL), BAD_URL))
        if errors:
            return LinkInvalid(tuple(error.localized(locale) for error in errors))
        await self._rates.sending_link(record.id)
        link, token = self._new_link(record, command.channel)
        async with self._storage.write() as uow:
            await uow.resume_links.put(link)
        return await self._send(link, address, link_url(command.return_url, token), locale)

    async def open_link(self, resume_token: str, caller: Caller = ANONYMOUS) -> OpenOutcome:
        """The session's current step with a new token (the old one revoked), or why not."""
        await self._rates.opening(caller)
        refused = await self._take(resume_token)
        if isinstance(refused, LinkRefused):
            await self._rates.failed(caller)  # guessing links costs like guessing tokens
            return refused
        session_id, token = refused
        self._loader.forget(session_id)
        record = await self._loader.stored(session_id)
        if record is None:
            return LinkRefused.said(UNKNOWN)
        log.info("session %s resumed from a link; its earlier token revoked", session_id)
        return Resumed(await self._views.build(record, token=token))

    async def _take(self, resume_token: str) -> tuple[str, str] | LinkRefused:
        """Marks the link used and gives its session a new token: (session id, token)."""
        if not resume_token or len(resume_token) > MAX_TOKEN:
            return LinkRefused.said(UNKNOWN)
        now, token = self._clock(), new_token()
        async with self._storage.write() as uow:
            link = await uow.resume_links.by_token(hash_token(resume_token))
            if link is None:
                return LinkRefused.said(UNKNOWN)
            session = await uow.sessions.get(link.session_id)
            if session is None:
                return LinkRefused.said(UNKNOWN)
            locale = locale_of(session)  # a link of a session reads in its language
            if link.used_at is not None:
                return LinkRefused.said(USED, locale)
            if link.expires_at <= now:
                return LinkRefused.said(EXPIRED, locale)
            if not await uow.resume_links.use(link.id, now):
                return LinkRefused.said(USED, locale)
            await uow.sessions.set_token(link.session_id, hash_token(token))
        return link.session_id, token

    def _new_link(self, record: SessionRecord, channel: str) -> tuple[ResumeLink, str]:
        now, token = self._clock(), new_token()
        link = ResumeLink(
            id=link_id(record.id),
            token_hash=hash_token(token),
            session_id=record.id,
            channel=channel,
            created_at=now,
            expires_at=now + self._valid_for,
        )
        return link, token

    async def _send(self, link: ResumeLink, address: str, url: str, locale: str) -> SendOutcome:
        data = {"link": url, "expires_at": link.expires_at.isoformat()}
        try:
            await self._communications.send(
                "sms" if link.channel == "sms" else "email",
                address,
                TEMPLATE,
                data,
                idempotency_key=f"resume:{link.token_hash}",
            )
        except Rejected:  # its reason may name the address: not logged
            log.info("resume link of session %s refused by the provider", link.session_id)
            refused = FieldError("address", "invalid_recipient", text(BAD_RECIPIENT), BAD_RECIPIENT)
            return LinkInvalid((refused.localized(locale),))
        except IntegrationError as error:
            log.warning("resume link of session %s not sent: %s", link.session_id, type(error))
            return LinkNotSent(text(NOT_SENT, locale), "unavailable", NOT_SENT)
        log.info("resume link sent for session %s by %s", link.session_id, link.channel)
        return LinkSent(link.channel, link.expires_at)

    async def _allowed_page(self, record: SessionRecord, url: str) -> bool:
        """An http(s) page of the session's host site (loopback for a site without origins,
        the demo site in development)."""
        if len(url) > MAX_URL:
            return False
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
            return False
        origin = normalized_or_none(f"{parts.scheme}://{parts.netloc}")
        site = await self._sites.get(record.host_site_id)
        if site is None or origin is None:
            return False
        return origin in site.origins if site.origins else parts.hostname in LOOPBACK_HOSTS
