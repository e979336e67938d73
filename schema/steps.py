"""The `Step` interface and one concrete type per component.

Each type wraps the service's `StepView` and resolves its fields lazily, so a client that asks
only for `stepId` pays for nothing else.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from schema.common import Dealer, FieldSpec, NavigationOptions, SessionInfo, Vehicle
from schema.json import as_json
from workflows.model import Component
from workflows.outcomes import (
    CompletionData,
    ConfirmationData,
    ConsentData,
    DealersData,
    PendingData,
    ResultsData,
    SearchFormData,
    SelectionData,
    StepView,
)


@strawberry.interface(description="One step of a workflow, as the visitor should see it.")
class Step:
    view: strawberry.Private[StepView]

    @strawberry.field
    def session(self) -> SessionInfo:
        return SessionInfo.of(self.view.session)

    @strawberry.field
    def step_id(self) -> str:
        return self.view.step.id

    @strawberry.field
    def component_name(self) -> str:
        return self.view.step.component.value

    @strawberry.field
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

    @strawberry.field(description="The same rules the server enforces, per field.")
    def validation_rules(self) -> JSON:
        return as_json(self.view.validation_rules)

    @strawberry.field
    def navigation(self) -> NavigationOptions:
        return NavigationOptions.of(self.view.navigation)

    @strawberry.field
    def ui_config(self) -> JSON:
        return as_json(self.view.ui)

    @strawberry.field(description="Answers already given here (prefill after back or refine).")
    def values(self) -> JSON:
        return as_json(self.view.values)

    @strawberry.field(description="A notice for the visitor, e.g. why they were sent here.")
    def message(self) -> str | None:
        return self.view.message


@strawberry.type
class IntentSelectionStep(Step):
    pass


@strawberry.type
class ChoiceStep(Step):
    pass


@strawberry.type
class VehicleSearchStep(Step):
    @strawberry.field
    def makes(self) -> list[str]:
        return list(cast(SearchFormData, self.view.data).makes)

    @strawberry.field(description="Each make's models: model options follow the make.")
    def models_by_make(self) -> JSON:
        data = cast(SearchFormData, self.view.data)
        return as_json({make: list(models) for make, models in data.models.items()})


@strawberry.type
class Relaxation:
    field: str
    matches: int
    label: str


@strawberry.type
class VehicleResultsStep(Step):
    @strawberry.field
    def vehicles(self) -> list[Vehicle]:
        return [Vehicle.of(card) for card in cast(ResultsData, self.view.data).vehicles]

    @strawberry.field
    def total(self) -> int:
        return cast(ResultsData, self.view.data).total

    @strawberry.field
    def page(self) -> int:
        return cast(ResultsData, self.view.data).page

    @strawberry.field
    def page_size(self) -> int:
        return cast(ResultsData, self.view.data).page_size

    @strawberry.field
    def criteria(self) -> JSON:
        return as_json(cast(ResultsData, self.view.data).criteria)

    @strawberry.field(description="With zero matches: which criteria to drop, and what it gives.")
    def relaxations(self) -> list[Relaxation]:
        data = cast(ResultsData, self.view.data)
        return [
            Relaxation(field=r.field, matches=r.matches, label=r.label) for r in data.relaxations
        ]


@strawberry.type
class CarInQuestionsStep(Step):
    pass


@strawberry.type
class VehicleSelectionStep(Step):
    @strawberry.field
    def vehicle(self) -> Vehicle:
        return Vehicle.of(cast(SelectionData, self.view.data).vehicle)


@strawberry.type
class CreditResult:
    status: str
    amount: int | None
    apr: float | None
    reason: str | None


@strawberry.type
class ContactConfirmationStep(Step):
    @strawberry.field
    def summary(self) -> JSON:
        return as_json(cast(ConfirmationData, self.view.data).summary)

    @strawberry.field(description="The credit check's outcome, when there was one.")
    def credit(self) -> CreditResult | None:
        outcome = cast(ConfirmationData, self.view.data).credit
        if outcome is None:
            return None
        return CreditResult(
            status=outcome.status, amount=outcome.amount, apr=outcome.apr, reason=outcome.reason
        )


@strawberry.type
class PrivateBuyerDetailsStep(Step):
    pass


@strawberry.type
class DealerInformationStep(Step):
    @strawberry.field
    def dealers(self) -> list[Dealer]:
        return [Dealer.of(card) for card in cast(DealersData, self.view.data).dealers]


@strawberry.type
class DealerNetworkStep(Step):
    pass


@strawberry.type
class CreditCheckStep(Step):
    pass


@strawberry.type
class CreditConsentStep(Step):
    @strawberry.field
    def consent_text(self) -> str:
        return cast(ConsentData, self.view.data).consent_text

    @strawberry.field
    def consent_version(self) -> str:
        return cast(ConsentData, self.view.data).consent_version


@strawberry.type
class PendingStep(Step):
    @strawberry.field
    def awaiting(self) -> str:
        return cast(PendingData, self.view.data).awaiting

    @strawberry.field
    def since(self) -> datetime:
        return cast(PendingData, self.view.data).since


@strawberry.type
class CompletionStep(Step):
    @strawberry.field
    def lead_id(self) -> strawberry.ID:
        return strawberry.ID(cast(CompletionData, self.view.data).lead_id)

    @strawberry.field
    def lead_reference(self) -> str:
        return cast(CompletionData, self.view.data).lead_reference

    @strawberry.field
    def lead_status(self) -> str:
        return cast(CompletionData, self.view.data).lead_status

    @strawberry.field
    def summary(self) -> JSON:
        return as_json(cast(CompletionData, self.view.data).summary)

    @strawberry.field
    def next_steps(self) -> list[str]:
        return list(cast(CompletionData, self.view.data).next_steps)

    @strawberry.field(description="Other leads of this session (the trade-in of a replacement).")
    def linked_lead_references(self) -> list[str]:
        return list(cast(CompletionData, self.view.data).linked_lead_references)


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
}


def step_of(view: StepView) -> Step:
    return STEP_TYPES[view.step.component](view=view)
