"""Small GraphQL types shared by every step: session, fields, navigation, vehicles, dealers."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from workflows.model import Field, Option, SessionStatus
from workflows.outcomes import DealerCard, Navigation, SessionSummary, VehicleCard

SessionStatusEnum = strawberry.enum(SessionStatus, name="SessionStatus")


@strawberry.enum
class WorkflowType(Enum):
    BUYING = "buying"
    SELLING = "selling"


@strawberry.type
class SessionInfo:
    id: strawberry.ID
    token: str | None = strawberry.field(
        description="Only in startWorkflow's answer; null everywhere else."
    )
    status: SessionStatusEnum  # type: ignore[valid-type]
    workflow: str
    version: int
    seq: int = strawberry.field(
        description="The number of the session's latest event: subscribe with afterSeq: seq."
    )
    variant: str = strawberry.field(
        description="Its host site's variant it started in (`default` without variants)."
    )

    @staticmethod
    def of(summary: SessionSummary) -> SessionInfo:
        return SessionInfo(
            id=strawberry.ID(summary.id),
            token=summary.token,
            status=summary.status,
            workflow=summary.workflow,
            version=summary.version,
            seq=summary.seq,
            variant=summary.variant,
        )


@strawberry.type
class FieldOption:
    value: str
    label: str


@strawberry.type
class FieldSpec:
    name: str
    type: str
    required: bool
    label: str
    group: str | None
    options: list[FieldOption] | None = strawberry.field(
        description="The choices, where they are known: the definition's, or the service's "
        "(makes, the chosen make's models, dealers, the vehicles listed on this page)."
    )
    constraints: JSON

    @staticmethod
    def of(spec: Field, constraints: object, known: tuple[Option, ...] = ()) -> FieldSpec:
        options = [FieldOption(value=o.value, label=o.label) for o in spec.options or known]
        return FieldSpec(
            name=spec.name,
            type=spec.type.value,
            required=spec.required,
            label=spec.label,
            group=spec.group,
            options=options or None,
            constraints=as_json(constraints),
        )


@strawberry.type
class Progress:
    steps_done: int
    min_remaining: int
    max_remaining: int


@strawberry.type
class NavigationOptions:
    can_go_back: bool
    next_step_id: str | None
    progress: Progress

    @staticmethod
    def of(navigation: Navigation) -> NavigationOptions:
        progress = navigation.progress
        return NavigationOptions(
            can_go_back=navigation.can_go_back,
            next_step_id=navigation.next_step_id,
            progress=Progress(
                steps_done=progress.steps_done,
                min_remaining=progress.min_remaining,
                max_remaining=progress.max_remaining,
            ),
        )


@strawberry.type
class Dealer:
    id: strawberry.ID
    name: str
    city: str
    state: str
    zip: str

    @staticmethod
    def of(card: DealerCard) -> Dealer:
        return Dealer(
            id=strawberry.ID(card.id),
            name=card.name,
            city=card.city,
            state=card.state,
            zip=card.zip,
        )


@strawberry.type
class Vehicle:
    id: strawberry.ID
    make: str
    model: str
    year: int
    price: int
    mileage: int
    fuel_type: str
    body_type: str
    seats: int
    transmission: str
    drivetrain: str
    features: list[str]
    color: str
    dealer: Dealer
    distance_miles: float | None
    match_score: int | None
    match_reasons: list[str]

    @staticmethod
    def of(card: VehicleCard) -> Vehicle:
        return Vehicle(
            id=strawberry.ID(card.id),
            make=card.make,
            model=card.model,
            year=card.year,
            price=card.price,
            mileage=card.mileage,
            fuel_type=card.fuel_type,
            body_type=card.body_type,
            seats=card.seats,
            transmission=card.transmission,
            drivetrain=card.drivetrain,
            features=list(card.features),
            color=card.color,
            dealer=Dealer.of(card.dealer),
            distance_miles=card.distance_miles,
            match_score=card.match_score,
            match_reasons=list(card.match_reasons),
        )
