"""The handlers bound to the definition's named effects.

A handler reads, computes and records what the transition must write; it never writes itself.
The workflow service applies the result in the transition's one transaction (leads, vehicle
holds, outbox work) and starts the `after_commit` tasks once that transaction has committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from app.integrations.models import CreditApplicant
from app.services.consents import locale_of
from app.services.inventory import InventoryService, revised_results, without_criterion
from app.services.invitations import INVITED, STARTED, new_invitation, shared_status
from app.services.new_leads import contact_of, new_lead, session_leads
from app.services.records import Invitation, LeadRecord, SessionRecord
from app.services.rejections import RETRY_REFUSED, VEHICLE_TAKEN, Rejection
from vehicles.vin import decode_vin
from workflows.model import Step
from workflows.outcomes import ANONYMOUS, Caller

CONSENT_VERSION = "2026-11"
# The soft-credit consent's paragraph where the definition declares none (trex v1's): the
# catalogue's (workflows/messages), in the session's locale.
CONSENT_TEXT_ID = "consent.soft_credit_check"
VEHICLE_FIELDS = ("vin", "make", "model", "year", "mileage", "condition")
EFFECT_NAMES = (
    "search_vehicles",
    "revise_search",
    "carin_rank",
    "select_vehicle",
    "decode_vin",
    "request_credit_check",
    "record_credit_consent",
    "submit_buying_lead",
    "submit_selling_lead",
    "submit_dealer_sale",
    "submit_dealer_network_lead",
    "invite_buyer",
    "share_financing",
)


_ADDRESS = {"email": "email", "sms": "phone"}


@dataclass
class EffectContext:
    record: SessionRecord
    step: Step
    values: dict[str, Any]
    now: datetime
    caller: Caller = ANONYMOUS


@dataclass
class EffectResult:
    context: dict[str, Any] = field(default_factory=dict)
    leads: list[LeadRecord] = field(default_factory=list)
    holds: list[tuple[str, str]] = field(default_factory=list)  # (vehicle_id, lead_id)
    work: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # outbox (topic, payload)
    after_commit: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    rejection: Rejection | None = None
    # Steps' answers as they stand after this transition (step id -> answers), applied after
    # the answered step's own: what the visitor sent stays in the history as sent.
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Invitations to add or replace; (invitation id, lead id) to link once the lead is added.
    invitations: list[Invitation] = field(default_factory=list)
    invited_leads: list[tuple[str, str]] = field(default_factory=list)

    def add_lead(self, lead: LeadRecord, context: Mapping[str, Any]) -> None:
        """A new lead, and the start of its submission saga, in the transition's transaction;
        it carries the consents given since the session's previous lead."""
        consents = self.context.get("consents", context.get("consents", []))
        if consents:
            lead = replace(lead, details={**lead.details, "consents": consents})
            self.context["consents"] = []
        self.leads.append(lead)
        self.work.append(("lead.created", {"lead_id": lead.id}))
        earlier = self.context.get("leads", session_leads_of(context))
        self.context["leads"] = [
            *earlier,
            {"id": lead.id, "reference": lead.reference, "kind": lead.kind},
        ]


def session_leads_of(context: Mapping[str, Any]) -> list[dict[str, str]]:
    leads = context.get("leads", [])
    return list(leads) if isinstance(leads, list) else []


Handler = Callable[[EffectContext, EffectResult], Awaitable[None]]


class CreditJobs(Protocol):
    """The background credit check that resumes a waiting session with its outcome."""

    async def run_check(self, session_id: str, applicant: CreditApplicant, key: str) -> None: ...


class Effects:
    def __init__(self, inventory: InventoryService, credit: CreditJobs) -> None:
        self._inventory = inventory
        self._credit = credit

    def bindings(self) -> dict[str, Handler]:
        """Each effect name of the definition, bound to the method of the same name."""
        return {name: getattr(self, name) for name in EFFECT_NAMES}

    async def search_vehicles(self, ctx: EffectContext, result: EffectResult) -> None:
        found = await self._inventory.search(ctx.values, page=1, locale=locale_of(ctx.record))
        result.context["search"] = {"total": found.total, "at": ctx.now.isoformat()}

    async def revise_search(self, ctx: EffectContext, result: EffectResult) -> None:
        """A search's results step keeps its sort (and, choosing a vehicle, its page); `remove`
        drops that criterion from the search's own answers, so refine and paging lack it too."""
        answers = ctx.record.state.answers
        result.answers[ctx.step.id] = revised_results(answers.get(ctx.step.id, {}), ctx.values)
        removed, source = ctx.values.get("remove"), ctx.step.results
        if isinstance(removed, str) and source is not None:
            criteria = answers.get(source.criteria_from, {})
            result.answers[source.criteria_from] = without_criterion(criteria, removed)

    async def carin_rank(self, ctx: EffectContext, result: EffectResult) -> None:
        found = await self._inventory.carin(ctx.values, page=1, locale=locale_of(ctx.record))
        result.context["carin"] = {"total": found.total, "at": ctx.now.isoformat()}

    async def select_vehicle(self, ctx: EffectContext, result: EffectResult) -> None:
        vehicle_id = ctx.values.get("vehicle_id")
        if vehicle_id is not None and ctx.values.get("refine") is not True:
            result.context["selected"] = {"vehicle_id": vehicle_id, "from": ctx.step.id}

    async def decode_vin(self, ctx: EffectContext, _: EffectResult) -> None:
        """Prefill make and model year from the VIN where the visitor left them out."""
        vin = ctx.values.get("vin")
        decoded = decode_vin(vin) if isinstance(vin, str) else None
        if decoded is None:
            return
        if decoded.make and not ctx.values.get("make"):
            ctx.values["make"] = decoded.make
        if decoded.year and not ctx.values.get("year"):
            ctx.values["year"] = decoded.year
        ctx.values.setdefault("manufacturer", decoded.manufacturer)

    async def request_credit_check(self, ctx: EffectContext, result: EffectResult) -> None:
        values = ctx.values
        applicant = CreditApplicant(
            full_name=str(values["full_name"]),
            date_of_birth=date.fromisoformat(str(values["date_of_birth"])),
            zip=str(values["zip"]),
            annual_income=float(values["annual_income"]),
            address_line=str(values["address_line"]),
            ssn=str(values["ssn"]),
            unit=_text_or_none(values.get("unit")),
            city=_text_or_none(values.get("city")),
            state=_text_or_none(values.get("state")),
        )
        earlier = ctx.record.context.get("credit")
        attempt = int(earlier.get("attempt", 1)) + 1 if isinstance(earlier, dict) else 1
        result.context["credit"] = {
            "status": "pending",
            "requested_at": ctx.now.isoformat(),
            "attempt": attempt,
        }
        session_id, key = ctx.record.id, credit_key(ctx.record.id, attempt)
        result.after_commit.append(lambda: self._credit.run_check(session_id, applicant, key))

    async def invite_buyer(self, ctx: EffectContext, result: EffectResult) -> None:
        """The buyer's private link to apply for their own financing, sent by the outbox."""
        channel = str(ctx.values["invite_channel"])
        sale = merged_answers(ctx.record, ctx.step.prefill_from)
        host = ctx.record.context.get("host") or {}
        page = _page_of(ctx.caller.origin, host.get("page") if isinstance(host, dict) else None)
        invitation, token = new_invitation(
            ctx.record, channel, ctx.now, sale=sale, step_id=ctx.step.id, page=page
        )
        result.invitations.append(invitation)
        result.work.append(("financing.invite", {"invitation_id": invitation.id, "token": token}))
        result.context["financing"] = {
            "invitation_id": invitation.id,
            "channel": channel,
            "status": INVITED,
            "sent_to": masked(channel, ctx.values.get(f"buyer_{_ADDRESS[channel]}")),
            "expires_at": invitation.expires_at.isoformat(),
        }

    async def share_financing(self, ctx: EffectContext, result: EffectResult) -> None:
        """The buyer's choice of what the seller learns; or, when the bureau did not answer,
        a new try (only then)."""
        credit = ctx.record.context.get("credit")
        status = credit.get("status") if isinstance(credit, dict) else None
        if ctx.values.get("retry") is True:
            if status != "unavailable":
                result.rejection = RETRY_REFUSED
            return
        choice = str(ctx.values["share_with_seller"])
        shared = shared_status(status, choice)
        result.context["shared"] = {"choice": choice, "status": shared}
        invitation = ctx.record.context.get("invitation") or {}
        if shared != STARTED and invitation.get("id"):
            update = {"invitation_id": invitation["id"], "status": shared}
            result.work.append(("financing.status", update))

    async def record_credit_consent(self, ctx: EffectContext, result: EffectResult) -> None:
        spec = ctx.step.field_named("consent")
        version = spec.consent.version if spec and spec.consent else CONSENT_VERSION
        result.context["credit_consent"] = {
            "consent": ctx.values["consent"],
            "version": version,
            "at": ctx.now.isoformat(),
        }

    async def submit_buying_lead(self, ctx: EffectContext, result: EffectResult) -> None:
        selected = ctx.record.context.get("selected", {})
        vehicle = self._inventory.vehicle(str(selected.get("vehicle_id", "")))
        if vehicle is None or not await self._inventory.is_available(vehicle.id):
            result.rejection = VEHICLE_TAKEN
            return
        details = {"vehicle": self._inventory.summary(vehicle), "trade_in": _trade_in(ctx.record)}
        lead = new_lead(
            ctx.record,
            _kind(ctx.step),
            ctx.now,
            contact=contact_of(ctx.values),
            details=details,
            address=ctx.caller.address,
            vehicle_id=vehicle.id,
            dealer_id=vehicle.dealer_id,
        )
        result.add_lead(lead, ctx.record.context)
        result.holds.append((vehicle.id, lead.id))

    async def submit_selling_lead(self, ctx: EffectContext, result: EffectResult) -> None:
        sale = summarised_answers(ctx.record, ctx.step)
        financing = ctx.record.context.get("financing") or ctx.record.context.get("credit")
        details = {
            "vehicle": _vehicle_to_sell(sale),
            "buyer": _buyer(sale),
            "financing": financing,
        }
        lead = new_lead(
            ctx.record,
            _kind(ctx.step),
            ctx.now,
            contact=contact_of(ctx.values),
            details=details,
            address=ctx.caller.address,
        )
        result.add_lead(lead, ctx.record.context)
        invitation_id = (ctx.record.context.get("financing") or {}).get("invitation_id")
        if invitation_id:
            result.invited_leads.append((invitation_id, lead.id))

    async def submit_dealer_sale(self, ctx: EffectContext, result: EffectResult) -> None:
        """The sale as summarised (the seller's contact given here), or as answered here (the
        first version asked no contact)."""
        values = {**summarised_answers(ctx.record, ctx.step), **ctx.values}
        dealer_id = values.get("dealer_id")
        details = {
            "vehicle": _vehicle_to_sell(values),
            "offer_amount": values["offer_amount"],
            "dealer_name": values.get("dealer_name") or self._inventory.dealer_name(dealer_id),
        }
        lead = new_lead(
            ctx.record,
            _kind(ctx.step),
            ctx.now,
            contact=contact_of(ctx.values),
            details=details,
            address=ctx.caller.address,
            dealer_id=str(dealer_id) if dealer_id else None,
        )
        result.add_lead(lead, ctx.record.context)

    async def submit_dealer_network_lead(self, ctx: EffectContext, result: EffectResult) -> None:
        offer = summarised_answers(ctx.record, ctx.step)
        consent = ctx.record.context.get("credit_consent", {})
        details = {
            "vehicle": _vehicle_to_sell(offer),
            "asking_price": offer.get("asking_price"),
            "credit_consent": consent,
        }
        lead = new_lead(
            ctx.record,
            _kind(ctx.step),
            ctx.now,
            contact=contact_of(ctx.values),
            details=details,
            address=ctx.caller.address,
        )
        result.add_lead(lead, ctx.record.context)
        if consent.get("consent") is True:
            name = f"{ctx.values['first_name']} {ctx.values['last_name']}"
            soft = {"lead_id": lead.id, "full_name": name, "zip": ctx.values["zip"]}
            result.work.append(("lead.soft_credit", soft))


def summarised_answers(record: SessionRecord, step: Step) -> dict[str, object]:
    """The answers of the steps `step`'s summary shows, merged in order."""
    return merged_answers(record, step.summary.answers_from if step.summary else ())


def merged_answers(record: SessionRecord, steps: Iterable[str]) -> dict[str, object]:
    merged: dict[str, object] = {}
    for source in steps:
        merged.update(record.state.answers.get(source, {}))
    return merged


def credit_key(session_id: str, attempt: int) -> str:
    """The bureau's idempotency key of a session's credit check (each try its own)."""
    return f"{session_id}:credit" if attempt == 1 else f"{session_id}:credit:{attempt}"


def masked(channel: str, address: object) -> str | None:
    """An address shown back without revealing it: j•••@example.com, •••• 0199."""
    if not isinstance(address, str) or not address:
        return None
    if channel == "email" and "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}•••@{domain}"
    return f"•••• {address[-4:]}"


def _page_of(origin: str | None, path: object) -> str | None:
    """The seller's page (origin and path) the buyer's link opens."""
    if origin is None:
        return None
    page = path if isinstance(path, str) and path.startswith("/") else "/"
    return f"{origin}{page[:500]}"


def _text_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _kind(step: Step) -> str:
    assert step.lead_kind is not None, f"{step.id} submits a lead but declares no lead kind"
    return step.lead_kind


def _vehicle_to_sell(values: Mapping[str, object]) -> dict[str, object]:
    return {name: values[name] for name in VEHICLE_FIELDS if values.get(name) is not None}


def _buyer(values: Mapping[str, object]) -> dict[str, object]:
    names = ("buyer_name", "buyer_email", "buyer_phone", "agreed_price")
    return {name: values[name] for name in names if values.get(name) is not None}


def _trade_in(record: SessionRecord) -> dict[str, str] | None:
    earlier = session_leads(record)
    return (
        {"lead_id": earlier[-1]["id"], "reference": earlier[-1]["reference"]} if earlier else None
    )
