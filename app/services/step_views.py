"""Builds what the visitor sees of a step: values, rules, navigation and the step's own data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from app.services.consents import locale_of
from app.services.credit import UNAVAILABLE
from app.services.effects import (
    CONSENT_TEXT_ID,
    CONSENT_VERSION,
    session_leads_of,
    summarised_answers,
)
from app.services.inventory import InventoryService
from app.services.invitations import VALID_FOR
from app.services.records import SessionRecord
from app.services.storage import SessionStorage
from app.services.versions import engine_of, workflow_of
from vehicles.geo import distance_miles
from vehicles.models import RankedVehicle
from workflows.estimate import NO_MEDIANS
from workflows.financing import (
    Decision,
    FinancingCompleteData,
    FinancingIntroData,
    FinancingResultData,
    complete_of,
    result_of,
    soft_check_text,
)
from workflows.messages import localized_step, text
from workflows.model import Component, Option, Step, Summary, Workflow
from workflows.navigation import BackRefused
from workflows.outcomes import (
    CompletionData,
    ConfirmationData,
    ConsentData,
    CreditOutcome,
    DealersData,
    InviteData,
    Navigation,
    PendingData,
    ResultsData,
    SearchFormData,
    SelectionData,
    SessionSummary,
    StepData,
    StepView,
    SummarySection,
)
from workflows.registry import Registry
from workflows.rules import describe

# How long a credit check takes before the history knows (the sandbox bureau answers in seconds).
USUAL_CHECK_SECONDS = 30


class ViewBuilder:
    def __init__(
        self,
        flows: Registry,
        inventory: InventoryService,
        storage: SessionStorage,
        today: Callable[[], date],
        medians: Callable[[str, int], Mapping[str, float]] = lambda workflow, version: NO_MEDIANS,
    ) -> None:
        """`medians`: the step id → median seconds of a workflow version, from memory (the
        progress's time estimate; `StepTimes.medians` in the app)."""
        self._flows = flows
        self._medians = medians
        self._inventory = inventory
        self._storage = storage
        self._today = today
        # By workflow, version, step, day and locale: the messages are in the session's locale.
        self._rules: dict[tuple[str, int, str, date, str], Mapping[str, object]] = {}
        self._search_form = SearchFormData(inventory.makes, inventory.models)

    async def build(
        self,
        record: SessionRecord,
        *,
        token: str | None = None,
        step_id: str | None = None,
    ) -> StepView:
        """The view of the session's current step (or of `step_id`, for an idempotent replay),
        its texts in the session's locale."""
        state, engine = record.state, engine_of(self._flows, record)
        locale = locale_of(record)
        step = localized_step(
            engine.workflow, engine.workflow.step(step_id or state.current_step), locale
        )
        notice = record.context.get("notice") or {}
        values = engine.values_for(state, step.id)
        data = await self._data(record, step, locale)
        return StepView(
            session=SessionSummary(
                record.id,
                state.status,
                record.workflow,
                record.definition_version,
                record.last_seq,
                token,
                record.variant,
            ),
            step=step,
            values=values,
            validation_rules=self._rules_for(engine.workflow, step, locale),
            navigation=Navigation(
                can_go_back=step.id == state.current_step and engine.can_go_back(state),
                next_step_id=engine.next_step_id(step),
                progress=engine.progress(
                    state, self._medians(record.workflow, record.definition_version), locale
                ),
            ),
            data=data,
            message=_notice_text(notice, locale) if notice.get("step") == step.id else None,
            ui=dict(step.ui),
            options=self._known_options(step, values, data),
        )

    def _known_options(
        self, step: Step, values: Mapping[str, object], data: StepData
    ) -> dict[str, tuple[Option, ...]]:
        """The options of the step's fields that only the service knows, where it knows them
        (a model's, once a make is chosen)."""
        found: dict[str, tuple[Option, ...]] = {}
        for spec in step.fields:
            source = spec.options_from
            if source == "listed_vehicles":
                cards = data.vehicles if isinstance(data, ResultsData) else ()
                options = tuple(Option(c.id, f"{c.year} {c.make} {c.model}") for c in cards)
            elif source is not None:
                options = self._inventory.options(source, values)
            else:
                continue
            if options:
                found[spec.name] = options
        return found

    def _rules_for(self, workflow: Workflow, step: Step, locale: str) -> Mapping[str, object]:
        key = (workflow.name, workflow.version, step.id, self._today(), locale)
        if key not in self._rules:
            self._rules[key] = describe(step, key[3], locale)
        return self._rules[key]

    async def _data(self, record: SessionRecord, step: Step, locale: str) -> StepData:
        component = step.component
        if component is Component.VEHICLE_SEARCH:
            return self._search_form
        if component is Component.VEHICLE_RESULTS:
            return await self._results(record, step, locale)
        if component is Component.VEHICLE_SELECTION:
            return self._selection(record)
        if component is Component.DEALER_INFORMATION:
            return DealersData(self._inventory.dealer_cards)
        if component is Component.CREDIT_CONSENT:
            return _consent_data(step, locale)
        if component is Component.CONTACT_CONFIRMATION:
            return self._confirmation(record, step, locale)
        if component is Component.PENDING:
            return self._pending(record, step)
        if component is Component.COMPLETION:
            return await self._completion(record, step, locale)
        if component is Component.FINANCING_INVITE:
            return InviteData(VALID_FOR.days)
        if component is Component.FINANCING_INTRO:
            return self._financing_intro(record, locale)
        if component is Component.FINANCING_RESULT:
            return _financing_result(record, locale)
        return None

    def _usual_seconds(self, record: SessionRecord, step_id: str) -> int | None:
        median = self._medians(record.workflow, record.definition_version).get(step_id)
        return None if median is None else round(median)

    def _pending(self, record: SessionRecord, step: Step) -> PendingData:
        credit = record.context.get("credit", {})
        since = credit.get("requested_at") if isinstance(credit, dict) else None
        return PendingData(
            step.awaits or "",
            datetime.fromisoformat(since) if since else record.updated_at,
            self._usual_seconds(record, step.id),
        )

    def _financing_intro(self, record: SessionRecord, locale: str) -> FinancingIntroData:
        invitation = record.context.get("invitation") or {}
        host = record.context.get("host") or {}
        privacy = host.get("privacyUrl") if isinstance(host, dict) else None
        pending = next(
            (s for s in workflow_of(self._flows, record).steps.values() if s.awaits), None
        )
        usual = self._usual_seconds(record, pending.id) if pending else None
        return FinancingIntroData(
            vehicle=dict(invitation.get("vehicle") or {}),
            agreed_price=invitation.get("agreed_price"),
            site_name=str(invitation.get("site_name", "")),
            soft_check=soft_check_text(locale),
            usual_seconds=usual or USUAL_CHECK_SECONDS,
            privacy_url=privacy if isinstance(privacy, str) else None,
        )

    async def _results(self, record: SessionRecord, step: Step, locale: str) -> ResultsData:
        answers = record.state.answers
        own = answers.get(step.id, {})
        page = own.get("page")
        page = page if isinstance(page, int) else 1
        assert step.results is not None, f"{step.id}: the checker requires its results"
        criteria = answers.get(step.results.criteria_from, {})
        if step.results.ranked:
            found = await self._inventory.carin(criteria, page, locale)
        else:
            found = await self._inventory.search(criteria, page, own.get("sort"), locale)
        return self._inventory.results(found, criteria, locale)

    def _selection(self, record: SessionRecord) -> SelectionData | None:
        selected = record.context.get("selected", {})
        vehicle = self._inventory.vehicle(str(selected.get("vehicle_id")))
        dealer = None if vehicle is None else self._inventory.dealer(vehicle.dealer_id)
        if vehicle is None or dealer is None:
            return None
        listed_on = workflow_of(self._flows, record).steps.get(str(selected.get("from")))
        results = None if listed_on is None else listed_on.results
        criteria = {} if results is None else record.state.answers.get(results.criteria_from, {})
        zip_code = criteria.get("zip")
        distance = distance_miles(str(zip_code), dealer.zip) if zip_code else None
        item = RankedVehicle(vehicle, dealer, distance, None, ())
        return SelectionData(self._inventory.card(item))

    async def _completion(
        self, record: SessionRecord, step: Step, locale: str
    ) -> CompletionData | FinancingCompleteData | None:
        leads = session_leads_of(record.context)
        shared = record.context.get("shared")
        if not leads and isinstance(shared, dict):
            credit = record.context.get("credit") or {}
            return complete_of(str(shared.get("choice")), credit.get("status"), locale)
        if not leads:
            return None
        latest = leads[-1]
        async with self._storage.read() as uow:
            lead = await uow.leads.get(latest["id"])
        status = lead.status if lead else "SUBMITTED"
        details: dict[str, Any] = lead.details if lead else {}
        return CompletionData(
            lead_id=latest["id"],
            lead_reference=latest["reference"],
            lead_status=status,
            summary={"kind": latest["kind"], **details},
            next_steps=step.next_steps.get(latest["kind"], ()),
            linked_lead_references=tuple(lead["reference"] for lead in leads[:-1]),
        )

    def _confirmation(self, record: SessionRecord, step: Step, locale: str) -> ConfirmationData:
        shown = step.summary or Summary()
        summary: dict[str, object] = summarised_answers(record, step)
        if shown.selected_vehicle:
            selected = record.context.get("selected", {})
            vehicle = self._inventory.vehicle(str(selected.get("vehicle_id")))
            summary["vehicle"] = None if vehicle is None else self._inventory.summary(vehicle)
        if shown.credit_consent:
            summary["credit_consent"] = record.context.get("credit_consent", {}).get("consent")
        if shown.financing_invitation:
            summary["financing"] = record.context.get("financing")
        credit = _credit_outcome(record, locale) if shown.credit_outcome else None
        return ConfirmationData(
            summary=summary, credit=credit, sections=self._sections(record, step, locale)
        )

    def _sections(
        self, record: SessionRecord, step: Step, locale: str
    ) -> tuple[SummarySection, ...]:
        """The summary by the step each part was answered on: the vehicle's choice and the
        steps it shows, each with whether a "Change" can go back there."""
        engine, state = engine_of(self._flows, record), record.state
        chosen = record.context.get("selected", {}).get("from")
        shown = step.summary or Summary()
        sources = [chosen] if shown.selected_vehicle and chosen else []
        sources += [s for s in shown.answers_from if s in state.path]
        sections = []
        for source in dict.fromkeys(sources):
            spec = engine.workflow.steps.get(str(source))
            if spec is None:
                continue
            secret = {f.name for f in spec.fields if f.secret}
            answers = {k: v for k, v in state.answers.get(spec.id, {}).items() if k not in secret}
            going = engine.going_back(state, spec.id) if step.id == state.current_step else None
            can_change = going is not None and not isinstance(going, BackRefused)
            title = localized_step(engine.workflow, spec, locale).title
            sections.append(SummarySection(spec.id, title, answers, can_change))
        return tuple(sections)


def _credit_outcome(record: SessionRecord, locale: str) -> CreditOutcome | None:
    """The credit check's outcome; when there is none (`unavailable`), why in `locale` (a
    decision's reason is the bureau's own words, as it gave them)."""
    credit = record.context.get("credit")
    if not isinstance(credit, dict) or credit.get("status") in (None, "pending"):
        return None
    reason = credit.get("reason")
    if credit["status"] == "unavailable":
        reason = text(UNAVAILABLE, locale)
    return CreditOutcome(credit["status"], credit.get("amount"), credit.get("apr"), reason)


def _notice_text(notice: Mapping[str, object], locale: str) -> str | None:
    """A notice (why the visitor was sent here) in the session's locale: the catalogue's text
    of its id, else its text as stored (a notice stored before the catalogue)."""
    message_id, params = notice.get("message_id"), notice.get("params")
    if isinstance(message_id, str):
        return text(message_id, locale, params if isinstance(params, Mapping) else None)
    said = notice.get("text")
    return said if isinstance(said, str) else None


def _consent_data(step: Step, locale: str) -> ConsentData:
    """The consent paragraph the step shows: its field's declared text, else the first
    version's."""
    for spec in step.fields:
        if spec.consent is not None and spec.consent.text:
            return ConsentData(spec.consent.text, spec.consent.version)
    return ConsentData(text(CONSENT_TEXT_ID, locale), CONSENT_VERSION)


def _financing_result(record: SessionRecord, locale: str) -> FinancingResultData:
    credit = record.context.get("credit") or {}
    invitation = record.context.get("invitation") or {}
    price = invitation.get("agreed_price")
    decision = Decision(
        str(credit.get("status", "unavailable")),
        credit.get("amount"),
        credit.get("apr"),
        credit.get("reason"),
    )
    return result_of(decision, float(price) if price else None, record.updated_at, locale)
