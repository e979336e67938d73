"""Starting a session: the host site named by its publishable key and origin, the version its
variants place the visitor on (app/services/site_variants.py), a new token (answered once,
stored as its hash), the first step, its history entry and event."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from prometheus_client import Counter

from app.security import hash_token, new_token
from app.services.host_sites import HostSites
from app.services.invitations import WORKFLOW as INVITED_WORKFLOW
from app.services.invitations import applicant_context, open_invitation
from app.services.rates import ServiceRates
from app.services.records import HostSite, SessionRecord
from app.services.rejections import INVITATION_NEEDED, INVITATION_WRONG_WORKFLOW
from app.services.session_events import SessionEvents, step_changed
from app.services.session_loader import SessionLoader, bound
from app.services.site_variants import Placement, placement, visitor_of
from app.services.step_views import ViewBuilder
from app.services.storage import SessionStorage
from app.telemetry.metrics import Metrics
from workflows.commands import StartWorkflow
from workflows.messages import negotiate
from workflows.outcomes import InvalidStart, JsonObject, Moved, Outcome
from workflows.registry import Registry
from workflows.variants import DEFAULT_VARIANT

log = logging.getLogger("trex.workflow")
MAX_CONTEXT_BYTES = 4096


class Starting:
    def __init__(
        self,
        flows: Registry,
        storage: SessionStorage,
        events: SessionEvents,
        loader: SessionLoader,
        views: ViewBuilder,
        sites: HostSites,
        rates: ServiceRates,
        clock: Callable[[], datetime],
        metrics: Metrics,
        workflow: str = "trex",
    ) -> None:
        self._flows = flows
        self._workflow = workflow
        self._storage = storage
        self._events = events
        self._loader = loader
        self._views = views
        self._sites = sites
        self._rates = rates
        self._clock = clock
        self._started = metrics.sessions_started.labels
        self._started_at: dict[tuple[int, str], Counter] = {}

    async def start(self, command: StartWorkflow) -> Outcome:
        """A new session at its first step; `InvalidStart` when refused, in the language of
        the context's `locale` where the visitor reads it (an invitation that does not open)."""
        try:
            return await self._start(command)
        except InvalidStart as refused:
            host = command.context if isinstance(command.context, dict) else {}
            raise refused.localized(negotiate(host.get("locale"))) from None

    async def _start(self, command: StartWorkflow) -> Outcome:
        host_context = _checked_context(command.context)
        caller = command.caller
        await self._rates.starting(caller)
        visitor = visitor_of(host_context, caller)
        site = await self._sites.site_for_start(caller.publishable_key, caller.origin)
        if site is None:
            refused = "This publishable key is not valid from this origin."
            if caller.publishable_key is None:
                refused = "A publishable key (the X-Publishable-Key header) is required."
            raise InvalidStart(refused, "publishableKey")
        await self._rates.started_for(site.id)
        token = new_token()
        placed = self._placement(command, site, visitor)
        record = self._new_record(command.workflow_type, token, host_context, site.id, placed)
        async with self._storage.write() as uow:
            if command.invitation is not None:
                opened = await open_invitation(
                    uow, command.invitation, site.id, record.id, record.created_at
                )
                context = {**record.context, "invitation": applicant_context(opened, site.name)}
                record = replace(record, context=context)
            await uow.sessions.add(record)
            await uow.sessions.add_history(
                record.id,
                "start",
                None,
                record.state.current_step,
                record.created_at,
                {"workflowType": command.workflow_type},
            )
            event = await step_changed(uow, record, "start")
        self._events.committed(event, work=command.invitation is not None)
        self._count_start(record)
        self._loader.keep(record)
        bound(record)
        log.info(
            "session %s started at %s (v%d, variant %s)",
            record.id,
            record.state.current_step,
            record.definition_version,
            record.variant,
        )
        return Moved(await self._views.build(record, token=token))

    def _placement(self, command: StartWorkflow, site: HostSite, visitor: str) -> Placement:
        """The site's variant of its flow, or the buyer's own financing (by invitation only)."""
        financing = command.workflow_type == INVITED_WORKFLOW
        if financing and command.invitation is None:
            raise InvalidStart.said(INVITATION_NEEDED, "invitation")
        if command.invitation is not None and not financing:
            raise InvalidStart.said(INVITATION_WRONG_WORKFLOW, "workflowType")
        if financing:
            return Placement(DEFAULT_VARIANT, self._flows.current(INVITED_WORKFLOW))
        return placement(self._flows, self._workflow, site, visitor)

    def _new_record(
        self,
        workflow_type: str | None,
        token: str,
        host_context: dict[str, Any] | None,
        site_id: str,
        placed: Placement,
    ) -> SessionRecord:
        """A session of the site, on the version of the variant it was placed in."""
        workflow, now = placed.workflow, self._clock()
        engine = self._flows.engine(workflow.name, workflow.version)
        return SessionRecord(
            id=str(uuid.uuid4()),
            token_hash=hash_token(token),
            workflow=workflow.name,
            definition_version=workflow.version,
            state=engine.start(workflow_type),
            context={"host": host_context} if host_context else {},
            created_at=now,
            updated_at=now,
            last_seq=1,
            host_site_id=site_id,
            variant=placed.variant,
        )

    def _count_start(self, record: SessionRecord) -> None:
        key = (record.definition_version, record.state.current_step)
        counter = self._started_at.get(key)
        if counter is None:  # a session always starts at an entry step: a bounded label
            counter = self._started(record.workflow, str(key[0]), key[1])
            self._started_at[key] = counter
        counter.inc()


def _checked_context(context: JsonObject | None) -> dict[str, Any] | None:
    if context is None:
        return None
    if not isinstance(context, dict) or len(json.dumps(context)) > MAX_CONTEXT_BYTES:
        raise InvalidStart(f"context must be a JSON object of at most {MAX_CONTEXT_BYTES} bytes.")
    return context
