"""The `Step` interface and one concrete type per component.

Each type wraps the service's `StepView` and resolves its fields lazily, so a client that asks
only for `stepId` pays for nothing else.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from schema.common import Dealer, FieldSpec, NavigationOptions, SessionInfo, SessionStart, Vehicle
from schema.json import as_json
from schema.rules import StepRules
from workflows.financing import FinancingCompleteData, FinancingIntroData, FinancingResultData
from workflows.model import Component
from workflows.outcomes import (
    CompletionData,
    ConfirmationData,
    ConsentData,
    DealersData,
    InviteData,
    PendingData,
    ResultsData,
    SearchFormData,
    SelectionData,
    StepView,
)


@strawberry.interface(description="One step of a workflow, as the visitor should see it.")
class Step:
    view: strawberry.Private[StepView]

    @strawberry.field(
        description="This view of the step: `<sessionId>:<stepId>:<seq>` (`:start` added in "
        "startWorkflow's answer, the one view with `started`). A new id whenever the view may "
        "have changed, so a normalised cache never merges an old view into a new one."
    )
    def id(self) -> strawberry.ID:
        session = self.view.session
        start = "" if session.token is None else ":start"
        return strawberry.ID(f"{session.id}:{self.view.step.id}:{session.seq}{start}")

    @strawberry.field(
        description="The session the step belongs to: its id, status, flow, version and "
        "latest event."
    )
    def session(self) -> SessionInfo:
        return SessionInfo.of(self.view.session)

    @strawberry.field(
        description="The session's id and one-time token: in startWorkflow's answer only, "
        "null everywhere else."
    )
    def started(self) -> SessionStart | None:
        session = self.view.session
        if session.token is None:
            return None
        return SessionStart(id=strawberry.ID(session.id), token=session.token)

    @strawberry.field(
        description="The step's id in the definition (e.g. `intent_selection`): send it as "
        "currentStep."
    )
    def step_id(self) -> str:
        return self.view.step.id

    @strawberry.field(
        description="Which component renders it (e.g. `IntentSelection`); an unknown one "
        "renders `fields` as a form."
    )
    def component_name(self) -> str:
        return self.view.step.component.value

    @strawberry.field(description="The step's heading, for the visitor.")
    def title(self) -> str:
        return self.view.step.title

    @strawberry.field(description="A generic description: any client can render it as a form.")
    def fields(self) -> list[FieldSpec]:
        rules = cast(dict[str, object], self.view.validation_rules["fields"])
        known = self.view.options
        return [
            FieldSpec.of(spec, rules[spec.name], known.get(spec.name, ()))
            for spec in self.view.step.fields
        ]

    @strawberry.field(
        description="The same rules the server enforces, as one JSON object: `fields` by "
        "name, and `crossField` (the same as `rules`, typed)."
    )
    def validation_rules(self) -> JSON:
        return as_json(self.view.validation_rules)

    @strawberry.field(description="The same rules the server enforces: per field, across fields.")
    def rules(self) -> StepRules:
        return StepRules.of(self.view.validation_rules)

    @strawberry.field(
        description="Whether back is possible, the next step when it is known, and progress."
    )
    def navigation(self) -> NavigationOptions:
        return NavigationOptions.of(self.view.navigation)

    @strawberry.field(
        description="The definition's presentation hints for the step: an open map, by key."
    )
    def ui_config(self) -> JSON:
        return as_json(self.view.ui)

    @strawberry.field(
        description="Answers already given here (prefill after back or refine): an open map, "
        "by field name, each value as its field's type (`fields`) describes it."
    )
    def values(self) -> JSON:
        return as_json(self.view.values)

    @strawberry.field(description="A notice for the visitor, e.g. why they were sent here.")
    def message(self) -> str | None:
        return self.view.message


@strawberry.type(
    description="What the visitor wants to do: buy, sell, or both (the answer picks the flow)."
)
class IntentSelectionStep(Step):
    pass


@strawberry.type(
    description="A question with a few choices (e.g. whether the visitor knows the vehicle)."
)
class ChoiceStep(Step):
    pass


@strawberry.type(description="The search form: make, model, years, price, ZIP and distance.")
class VehicleSearchStep(Step):
    @strawberry.field(description="The makes in stock, for the make field.")
    def makes(self) -> list[str]:
        return list(cast(SearchFormData, self.view.data).makes)

    @strawberry.field(
        description="Each make's models, as one JSON object by make (the same as `models`)."
    )
    def models_by_make(self) -> JSON:
        data = cast(SearchFormData, self.view.data)
        return as_json({make: list(models) for make, models in data.models.items()})

    @strawberry.field(description="Each make's models: model options follow the make.")
    def models(self) -> list[MakeModels]:
        data = cast(SearchFormData, self.view.data)
        return [MakeModels(make=make, models=list(names)) for make, names in data.models.items()]


@strawberry.type(description="A make in stock and its models.")
class MakeModels:
    make: str = strawberry.field(description="The make.")
    models: list[str] = strawberry.field(description="Its models in stock.")


@strawberry.type(
    description="One tap that widens a search with no matches: submit `answers` to the results "
    'step (e.g. {"remove": "fuel_type"}) and `matches` vehicles match.'
)
class Relaxation:
    field: str = strawberry.field(description="The criterion's field in the search.")
    matches: int = strawberry.field(description="How many vehicles match without it.")
    label: str = strawberry.field(
        description='What to show the visitor, e.g. "Any fuel type (15 matches)".'
    )
    drops: list[str] = strawberry.field(description="The criteria it drops or widens.")
    answers: JSON = strawberry.field(
        description="The answers to submit to the results step to take it: an open map."
    )


@strawberry.type(description="A criterion of the search as the visitor reads it.")
class CriterionChip:
    field: str = strawberry.field(description="The criterion's field in the search.")
    label: str = strawberry.field(description='The field\'s label, e.g. "Max price".')
    value: str = strawberry.field(description='Its value as read, e.g. "$25,000", "Hybrid".')
    text: str = strawberry.field(description='Both, e.g. "Max price: $25,000".')
    removable: bool = strawberry.field(
        description='Whether one tap drops it: submit {"remove": field} to the results step.'
    )


@strawberry.type(description="One page of the vehicles that match the search, best first.")
class VehicleResultsStep(Step):
    @strawberry.field(description="This page's vehicles.")
    def vehicles(self) -> list[Vehicle]:
        return [Vehicle.of(card) for card in cast(ResultsData, self.view.data).vehicles]

    @strawberry.field(description="How many vehicles match, on every page.")
    def total(self) -> int:
        return cast(ResultsData, self.view.data).total

    @strawberry.field(description="This page's number, from 1.")
    def page(self) -> int:
        return cast(ResultsData, self.view.data).page

    @strawberry.field(description="Vehicles per page.")
    def page_size(self) -> int:
        return cast(ResultsData, self.view.data).page_size

    @strawberry.field(
        description="The search's answers these results match: an open map, by field name."
    )
    def criteria(self) -> JSON:
        return as_json(cast(ResultsData, self.view.data).criteria)

    @strawberry.field(
        description="With zero matches: one-tap ways to widen the search, and what each gives."
    )
    def relaxations(self) -> list[Relaxation]:
        data = cast(ResultsData, self.view.data)
        return [
            Relaxation(
                field=r.field,
                matches=r.matches,
                label=r.label,
                drops=list(r.drops),
                answers=as_json(r.answers),
            )
            for r in data.relaxations
        ]

    @strawberry.field(description="The criteria these results match, as the visitor reads them.")
    def chips(self) -> list[CriterionChip]:
        data = cast(ResultsData, self.view.data)
        return [
            CriterionChip(
                field=c.field, label=c.label, value=c.value, text=c.text, removable=c.removable
            )
            for c in data.chips
        ]

    @strawberry.field(
        description="The order of these results: relevance, price or distance (null for a "
        "CarIn ranking, ordered by match)."
    )
    def sort(self) -> str | None:
        return cast(ResultsData, self.view.data).sort

    @strawberry.field(
        description="The orders these results offer (`sort` on the results step); distance "
        "only when a ZIP code was given. Empty for a CarIn ranking."
    )
    def sorts(self) -> list[str]:
        return list(cast(ResultsData, self.view.data).sorts)


@strawberry.type(
    description="CarIn: a few questions about the visitor's needs, to score the vehicles."
)
class CarInQuestionsStep(Step):
    pass


@strawberry.type(description="The vehicle the visitor chose, in full, to confirm.")
class VehicleSelectionStep(Step):
    @strawberry.field(description="The chosen vehicle.")
    def vehicle(self) -> Vehicle:
        return Vehicle.of(cast(SelectionData, self.view.data).vehicle)


@strawberry.type(name="SummarySection", description="One earlier step's part of a summary.")
class SummarySectionType:
    step_id: str = strawberry.field(description="The step it was answered on (back's toStep).")
    title: str = strawberry.field(description="That step's title.")
    answers: JSON = strawberry.field(description="The answers given there, by field name.")
    can_change: bool = strawberry.field(
        description="Whether back with toStep can go there now to change them."
    )


@strawberry.type(description="The outcome of the credit check.")
class CreditResult:
    status: str = strawberry.field(description="approved, declined, referred or unavailable.")
    amount: int | None = strawberry.field(
        description="The amount approved, in whole dollars; null unless approved."
    )
    apr: float | None = strawberry.field(
        description="The annual percentage rate offered; null unless approved."
    )
    reason: str | None = strawberry.field(description="Why, when it was not approved.")


@strawberry.type(
    description="The visitor's contact details and a summary of the request, to confirm "
    "before the lead is sent."
)
class ContactConfirmationStep(Step):
    @strawberry.field(
        description="What the visitor is about to send: an open map of their answers by "
        "field name (with `vehicle` and `credit_consent` where the step shows them)."
    )
    def summary(self) -> JSON:
        return as_json(cast(ConfirmationData, self.view.data).summary)

    @strawberry.field(
        description="The summary by the step each part was answered on, each with whether "
        "`back` with `toStep` can go there to change it (the summary's Change links)."
    )
    def sections(self) -> list[SummarySectionType]:
        data = cast(ConfirmationData, self.view.data)
        return [
            SummarySectionType(
                step_id=s.step_id,
                title=s.title,
                answers=as_json(s.answers),
                can_change=s.can_change,
            )
            for s in data.sections
        ]

    @strawberry.field(description="The credit check's outcome, when there was one.")
    def credit(self) -> CreditResult | None:
        outcome = cast(ConfirmationData, self.view.data).credit
        if outcome is None:
            return None
        return CreditResult(
            status=outcome.status, amount=outcome.amount, apr=outcome.apr, reason=outcome.reason
        )


@strawberry.type(description="Details of a private buyer (a sale without a dealer).")
class PrivateBuyerDetailsStep(Step):
    pass


@strawberry.type(description="The dealers near the visitor, to pick from.")
class DealerInformationStep(Step):
    @strawberry.field(description="The dealers to choose from, nearest first.")
    def dealers(self) -> list[Dealer]:
        return [Dealer.of(card) for card in cast(DealersData, self.view.data).dealers]


@strawberry.type(description="Whether to offer the vehicle to the dealer network.")
class DealerNetworkStep(Step):
    pass


@strawberry.type(description="The applicant's details for the credit check.")
class CreditCheckStep(Step):
    pass


@strawberry.type(description="The consent the visitor must give before the credit check.")
class CreditConsentStep(Step):
    @strawberry.field(description="The consent's wording, to show as it is.")
    def consent_text(self) -> str:
        return cast(ConsentData, self.view.data).consent_text

    @strawberry.field(description="The wording's version, recorded with the consent.")
    def consent_version(self) -> str:
        return cast(ConsentData, self.view.data).consent_version


@strawberry.type(
    description="Waiting for something outside (the credit bureau); the next step is pushed "
    "over sessionUpdates."
)
class PendingStep(Step):
    @strawberry.field(description="What the session waits for (e.g. `credit_check`).")
    def awaiting(self) -> str:
        return cast(PendingData, self.view.data).awaiting

    @strawberry.field(description="When the wait began.")
    def since(self) -> datetime:
        return cast(PendingData, self.view.data).since

    @strawberry.field(
        description="How long this wait usually takes, in seconds (the median of recent "
        "ones); null before there is any."
    )
    def usual_seconds(self) -> int | None:
        return cast(PendingData, self.view.data).usual_seconds


@strawberry.type(
    description="The end: the lead is received and moves on in the background (or, for a "
    "buyer's financing application, which submits no lead: what the buyer shared)."
)
class CompletionStep(Step):
    @strawberry.field(
        description="The lead's id (leadStatus subscription, lead query); null for a "
        "session that submits no lead (a buyer's financing application)."
    )
    def lead_id(self) -> strawberry.ID | None:
        data = self.view.data
        return strawberry.ID(data.lead_id) if isinstance(data, CompletionData) else None

    @strawberry.field(description="The reference to show the visitor (e.g. TRX-…), or null.")
    def lead_reference(self) -> str | None:
        data = self.view.data
        return data.lead_reference if isinstance(data, CompletionData) else None

    @strawberry.field(
        description="The lead's status when answered: RECEIVED (its progress follows over "
        "sessionUpdates); null without a lead."
    )
    def lead_status(self) -> str | None:
        data = self.view.data
        return data.lead_status if isinstance(data, CompletionData) else None

    @strawberry.field(
        description="The lead as submitted: an open map with its `kind` and its details "
        "(empty without a lead)."
    )
    def summary(self) -> JSON:
        data = self.view.data
        return as_json(data.summary if isinstance(data, CompletionData) else {})

    @strawberry.field(description="What happens next, for the visitor.")
    def next_steps(self) -> list[str]:
        data = self.view.data
        if isinstance(data, CompletionData | FinancingCompleteData):
            return list(data.next_steps)
        return []

    @strawberry.field(description="Other leads of this session (the trade-in of a replacement).")
    def linked_lead_references(self) -> list[str]:
        data = self.view.data
        return list(data.linked_lead_references) if isinstance(data, CompletionData) else []

    @strawberry.field(
        description="What a buyer chose to share with the seller (outcome_only or nothing); "
        "null for a lead."
    )
    def shared_with_seller(self) -> str | None:
        data = self.view.data
        return data.shared if isinstance(data, FinancingCompleteData) else None


@strawberry.type(
    description="Where to send the buyer a private link to apply for their own financing."
)
class FinancingInviteStep(Step):
    @strawberry.field(description="For how many days the buyer's link can be used (once).")
    def valid_days(self) -> int:
        return cast(InviteData, self.view.data).valid_days


@strawberry.type(
    description="The buyer's invitation: who invited them, the car, what a soft check is."
)
class FinancingIntroStep(Step):
    @strawberry.field(description="The car being bought: make, model and year.")
    def vehicle_summary(self) -> JSON:
        return as_json(cast(FinancingIntroData, self.view.data).vehicle)

    @strawberry.field(description="The price agreed with the seller, in dollars.")
    def agreed_price(self) -> float | None:
        return cast(FinancingIntroData, self.view.data).agreed_price

    @strawberry.field(description="The website the seller used, who sent the invitation.")
    def site_name(self) -> str:
        return cast(FinancingIntroData, self.view.data).site_name

    @strawberry.field(description="What a soft check is, and who sees the answers.")
    def soft_check(self) -> str:
        return cast(FinancingIntroData, self.view.data).soft_check

    @strawberry.field(description="How long the check usually takes, in seconds.")
    def check_seconds(self) -> int:
        return cast(FinancingIntroData, self.view.data).usual_seconds

    @strawberry.field(description="The host site's privacy notice, when its page gave one.")
    def privacy_url(self) -> str | None:
        return cast(FinancingIntroData, self.view.data).privacy_url


@strawberry.type(description="A loan term and its estimated monthly payment.")
class TermOption:
    months: int = strawberry.field(description="The term, in months.")
    monthly_payment: float = strawberry.field(
        description="The estimated monthly payment, in dollars, before taxes and fees."
    )


@strawberry.type(description="What a declined applicant is owed (the adverse action notice).")
class DeclineNotice:
    bureau_name: str = strawberry.field(description="The credit bureau whose report was used.")
    bureau_contact: str = strawberry.field(description="How to reach the bureau.")
    reason: str | None = strawberry.field(description="The main reason given, if any.")
    rights: list[str] = strawberry.field(
        description="The applicant's rights: a free report, a dispute."
    )
    alternatives: list[str] = strawberry.field(description="What else the applicant can do.")


@strawberry.type(
    description="The outcome of the buyer's credit check, and what they share with the seller."
)
class FinancingResultStep(Step):
    @strawberry.field(description="approved, declined, referred or unavailable.")
    def outcome(self) -> str:
        return cast(FinancingResultData, self.view.data).status

    @strawberry.field(description="The outcome in one line, for the heading.")
    def headline(self) -> str:
        return cast(FinancingResultData, self.view.data).headline

    @strawberry.field(description="The amount prequalified, in dollars; null unless approved.")
    def amount(self) -> int | None:
        return cast(FinancingResultData, self.view.data).amount

    @strawberry.field(description="The annual percentage rate; null unless approved.")
    def apr(self) -> float | None:
        return cast(FinancingResultData, self.view.data).apr

    @strawberry.field(description="Terms with a monthly estimate (approved only).")
    def term_options(self) -> list[TermOption]:
        data = cast(FinancingResultData, self.view.data)
        return [
            TermOption(months=t.months, monthly_payment=t.monthly_payment)
            for t in data.term_options
        ]

    @strawberry.field(description="What the estimate is and is not (approved only).")
    def disclaimer(self) -> str | None:
        return cast(FinancingResultData, self.view.data).disclaimer

    @strawberry.field(description="The notice a declined applicant is owed (declined only).")
    def notice(self) -> DeclineNotice | None:
        found = cast(FinancingResultData, self.view.data).notice
        if found is None:
            return None
        return DeclineNotice(
            bureau_name=found.bureau_name,
            bureau_contact=found.bureau_contact,
            reason=found.reason,
            rights=list(found.rights),
            alternatives=list(found.alternatives),
        )

    @strawberry.field(description="What happens next, for the applicant.")
    def next_steps(self) -> list[str]:
        return list(cast(FinancingResultData, self.view.data).next_steps)

    @strawberry.field(description="By when the applicant hears back (referred only).")
    def by_when(self) -> datetime | None:
        return cast(FinancingResultData, self.view.data).by_when

    @strawberry.field(description="Whether `retry: true` may be sent (unavailable only).")
    def can_retry(self) -> bool:
        return cast(FinancingResultData, self.view.data).can_retry


STEP_TYPES: dict[Component, type[Step]] = {
    Component.INTENT_SELECTION: IntentSelectionStep,
    Component.CHOICE: ChoiceStep,
    Component.VEHICLE_SEARCH: VehicleSearchStep,
    Component.VEHICLE_RESULTS: VehicleResultsStep,
    Component.CARIN_QUESTIONS: CarInQuestionsStep,
    Component.VEHICLE_SELECTION: VehicleSelectionStep,
    Component.CONTACT_CONFIRMATION: ContactConfirmationStep,
    Component.PRIVATE_BUYER_DETAILS: PrivateBuyerDetailsStep,
    Component.DEALER_INFORMATION: DealerInformationStep,
    Component.DEALER_NETWORK: DealerNetworkStep,
    Component.CREDIT_CHECK: CreditCheckStep,
    Component.CREDIT_CONSENT: CreditConsentStep,
    Component.PENDING: PendingStep,
    Component.COMPLETION: CompletionStep,
    Component.FINANCING_INVITE: FinancingInviteStep,
    Component.FINANCING_INTRO: FinancingIntroStep,
    Component.FINANCING_RESULT: FinancingResultStep,
}


def step_of(view: StepView) -> Step:
    return STEP_TYPES[view.step.component](view=view)
