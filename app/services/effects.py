"""The handlers bound to the definition's named effects.

A handler reads, computes and records what the transition must write; it never writes itself.
The workflow service applies the result in the transition's one transaction (leads, vehicle
holds, outbox work) and starts the `after_commit` tasks once that transaction has committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from app.integrations.models import CreditApplicant
from app.services.inventory import InventoryService, revised_results, without_criterion
from app.services.new_leads import contact_of, new_lead, session_leads
from app.services.records import LeadRecord, SessionRecord
from vehicles.vin import decode_vin
from workflows.model import Step
from workflows.outcomes import ANONYMOUS, Caller

CONSENT_VERSION = "2026-11"
CONSENT_TEXT = (
    "I agree that dealers of the T-Rex network may run a soft credit check with my name and "
    "address to pre-qualify me for financing. A soft check does not affect my credit score."
)
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
)


@dataclass(frozen=True, slots=True)
class Rejection:
    code: str
    reason: str
    # False: the visitor stays on the step and nothing is written (a cap, not a changed world).
    moves: bool = True


VEHICLE_TAKEN = Rejection(
    "vehicle_unavailable",
    "Sorry, this vehicle has just been sold or reserved. Please choose another one.",
)


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

    def add_lead(self, lead: LeadRecord, context: Mapping[str, Any]) -> None:
        """A new lead, and the start of its submission saga, in the transition's transaction."""
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

    async def run_check(self, session_id: str, applicant: CreditApplicant) -> None: ...


class Effects:
    def __init__(self, inventory: InventoryService, credit: CreditJobs) -> None:
        self._inventory = inventory
        self._credit = credit

    def bindings(self) -> dict[str, Handler]:
        """Each effect name of the definition, bound to the method of the same name."""
        return {name: getattr(self, name) for name in EFFECT_NAMES}

    async def search_vehicles(self, ctx: EffectContext, result: EffectResult) -> None:
        found = await self._inventory.search(ctx.values, page=1)
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
        found = await self._inventory.carin(ctx.values, page=1)
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
        )
        result.context["credit"] = {
            "status": "pending",
            "requested_at": ctx.now.isoformat(),
        }
        session_id = ctx.record.id
        result.after_commit.append(lambda: self._credit.run_check(session_id, applicant))

    async def record_credit_consent(self, ctx: EffectContext, result: EffectResult) -> None:
        result.context["credit_consent"] = {
            "consent": ctx.values["consent"],
            "version": CONSENT_VERSION,
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
        details = {
            "vehicle": _vehicle_to_sell(sale),
            "buyer": _buyer(sale),
            "financing": ctx.record.context.get("credit"),
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

    async def submit_dealer_sale(self, ctx: EffectContext, result: EffectResult) -> None:
        values = ctx.values
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
    merged: dict[str, object] = {}
    for source in step.summary.answers_from if step.summary else ():
        merged.update(record.state.answers.get(source, {}))
    return merged


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
