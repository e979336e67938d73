"""Storage on the database: each unit of work is one SQLAlchemy session, its stores bound to it.

`SqlStorage.write()` is one transaction (committed when the block ends, rolled back if it
raises); `read()` opens none on SQLite. The stores are built on first use, so a unit of work
that touches only sessions builds only that one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.client_counts import ClientCounts
from app.db.database import Database
from app.db.funnel import FunnelRepository
from app.db.host_sites import HostSiteRepository
from app.db.inventory import InventoryRepository
from app.db.invitations import InvitationRepository
from app.db.leads import LeadRepository
from app.db.outbox import OutboxRepository
from app.db.personal_data import PersonalDataRepository
from app.db.resume_links import ResumeLinkRepository
from app.db.session_events import EventRepository
from app.db.sessions import SessionRepository
from app.db.webhooks import WebhookRepository


class SqlUnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.committed: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        self.committed.append(action)

    @cached_property
    def sessions(self) -> SessionRepository:
        return SessionRepository(self._session)

    @cached_property
    def events(self) -> EventRepository:
        return EventRepository(self._session)

    @cached_property
    def client_counts(self) -> ClientCounts:
        return ClientCounts(self._session)

    @cached_property
    def leads(self) -> LeadRepository:
        return LeadRepository(self._session)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self._session)

    @cached_property
    def sites(self) -> HostSiteRepository:
        return HostSiteRepository(self._session)

    @cached_property
    def inventory(self) -> InventoryRepository:
        return InventoryRepository(self._session)

    @cached_property
    def personal(self) -> PersonalDataRepository:
        return PersonalDataRepository(self._session)

    @cached_property
    def webhooks(self) -> WebhookRepository:
        return WebhookRepository(self._session)

    @cached_property
    def invitations(self) -> InvitationRepository:
        return InvitationRepository(self._session)

    @cached_property
    def resume_links(self) -> ResumeLinkRepository:
        return ResumeLinkRepository(self._session)

    @cached_property
    def funnel(self) -> FunnelRepository:
        return FunnelRepository(self._session)


class SqlStorage:
    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlUnitOfWork]:
        async with self.database.read() as session:
            yield SqlUnitOfWork(session)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlUnitOfWork]:
        async with self.database.write() as session:
            uow = SqlUnitOfWork(session)
            yield uow
        for action in uow.committed:  # not reached when the block raised or the commit failed
            action()
