"""Small GraphQL types shared by every step: session, fields, navigation, vehicles, dealers."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import cast

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from schema.rules import FieldRules
from workflows.model import Field, Option
from workflows.outcomes import DealerCard, Navigation, SessionSummary, VehicleCard


@strawberry.enum(name="SessionStatus", description="Where a session stands.")
class SessionStatusEnum(Enum):
    """The GraphQL face of `workflows.model.SessionStatus`, member for member, described."""

    ACTIVE = strawberry.enum_value("ACTIVE", description="On a step, waiting for the visitor.")
    WAITING = strawberry.enum_value(
        "WAITING", description="Waiting for something outside (a PendingStep)."
    )
    SUBMITTED = strawberry.enum_value(
        "SUBMITTED", description="Its lead is sent; the pipeline works on it."
    )
    COMPLETED = strawberry.enum_value(
        "COMPLETED", description="At its end, and all of its leads are too."
    )


@strawberry.enum(description="Which flow to start.")
class WorkflowType(Enum):
    BUYING = strawberry.enum_value("buying", description="Buying a vehicle.")
    SELLING = strawberry.enum_value("selling", description="Selling (or trading in) a vehicle.")
    BUYER_FINANCING = strawberry.enum_value(
        "buyer_financing",
        description="A buyer applying for their own financing, from a seller's invitation "
        "(with `invitation`).",
    )


@strawberry.type(description="A visitor's session: one walk through one version of a flow.")
class SessionInfo:
    id: strawberry.ID = strawberry.field(
        description="The session's id (sessionId of every later operation)."
    )
    token: str | None = strawberry.field(
        description="Only in startWorkflow's answer; null everywhere else.",
        deprecation_reason="Read `started { token }` of startWorkflow's step: a normalised "
        "cache (Apollo, urql's Graphcache) keeps one SessionInfo per id, and a later answer's "
        "null here erases the token in it.",
    )
    status: SessionStatusEnum = strawberry.field(description="Where the session stands.")
    workflow: str = strawberry.field(description="The flow's name (e.g. `trex`).")
    version: int = strawberry.field(description="The version of the flow the session runs.")
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
            status=SessionStatusEnum(summary.status.value),
            workflow=summary.workflow,
            version=summary.version,
            seq=summary.seq,
            variant=summary.variant,
        )


@strawberry.type(
    description="The session's one-time token, in startWorkflow's answer only. A type of its "
    "own, normalised apart from SessionInfo and written by no other answer, so a cache never "
    "loses the token to a later answer."
)
class SessionStart:
    id: strawberry.ID = strawberry.field(description="The session's id.")
    token: str = strawberry.field(
        description="Send it as `Authorization: Bearer <token>` (over websockets, as "
        "connectionParams' `authorization`) on every later operation of the session."
    )


@strawberry.type(description="One choice of a field.")
class FieldOption:
    value: str = strawberry.field(description="What to send.")
    label: str = strawberry.field(description="What to show.")


@strawberry.type(
    description="One field of a step, described so that any client can render and check it."
)
class FieldSpec:
    name: str = strawberry.field(description="The key of the answer in `data`.")
    type: str = strawberry.field(
        description="string, text, integer, number, boolean, date, enum, multi_enum, email, "
        "phone, zip, vin or ssn."
    )
    required: bool = strawberry.field(description="Whether an answer is required.")
    label: str = strawberry.field(description="The field's label, for the visitor.")
    group: str | None = strawberry.field(
        description="Fields of one group are shown together; null for none."
    )
    options: list[FieldOption] | None = strawberry.field(
        description="The choices, where they are known: the definition's, or the service's "
        "(makes, the chosen make's models, dealers, the vehicles listed on this page)."
    )
    constraints: JSON = strawberry.field(
        description="The field's rules as one JSON object (the same as `rules`, typed)."
    )
    rules: FieldRules = strawberry.field(description="The rules the server enforces here.")

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
            rules=FieldRules.of(spec.name, cast(Mapping[str, object], constraints)),
        )


@strawberry.type(description="How far the session is, and how far it may still go.")
class Progress:
    steps_done: int = strawberry.field(description="Steps answered so far.")
    min_remaining: int = strawberry.field(description="Steps left on the shortest way to the end.")
    max_remaining: int = strawberry.field(description="Steps left on the longest way to the end.")
    seconds_remaining: int = strawberry.field(
        description="Seconds the visitor likely still needs: the median time visitors spend on "
        "each step left on the shortest way to the end (a default per component before there "
        "is history)."
    )
    remaining_text: str = strawberry.field(
        description='The estimate as the visitor reads it: "About 2 minutes left", "Less than a '
        'minute left", or "Almost done" with no step left.'
    )


@strawberry.type(description="Where the visitor can go from here.")
class NavigationOptions:
    can_go_back: bool = strawberry.field(description="Whether back is possible.")
    next_step_id: str | None = strawberry.field(
        description="The next step when it does not depend on the answers; else null."
    )
    progress: Progress = strawberry.field(description="Steps done and left, and the time left.")

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
                seconds_remaining=progress.seconds_remaining,
                remaining_text=progress.remaining_text,
            ),
        )


@strawberry.type(description="A dealership.")
class Dealer:
    id: strawberry.ID = strawberry.field(description="The dealer's id.")
    name: str = strawberry.field(description="Its name.")
    city: str = strawberry.field(description="Its city.")
    state: str = strawberry.field(description="Its state (two letters).")
    zip: str = strawberry.field(description="Its ZIP code.")

    @staticmethod
    def of(card: DealerCard) -> Dealer:
        return Dealer(
            id=strawberry.ID(card.id),
            name=card.name,
            city=card.city,
            state=card.state,
            zip=card.zip,
        )


@strawberry.type(description="A vehicle in stock at a dealer.")
class Vehicle:
    id: strawberry.ID = strawberry.field(description="The vehicle's id (send it to choose it).")
    make: str = strawberry.field(description="Its make.")
    model: str = strawberry.field(description="Its model.")
    year: int = strawberry.field(description="Its model year.")
    price: int = strawberry.field(description="Its price, in whole dollars.")
    mileage: int = strawberry.field(description="Miles driven.")
    fuel_type: str = strawberry.field(description="Its fuel (e.g. gasoline, hybrid, electric).")
    body_type: str = strawberry.field(description="Its body (e.g. sedan, suv, truck).")
    seats: int = strawberry.field(description="Its number of seats.")
    transmission: str = strawberry.field(description="Its transmission.")
    drivetrain: str = strawberry.field(description="Its drivetrain (e.g. fwd, awd).")
    features: list[str] = strawberry.field(description="Its features.")
    color: str = strawberry.field(description="Its colour.")
    dealer: Dealer = strawberry.field(description="The dealer that has it.")
    distance_miles: float | None = strawberry.field(
        description="Miles from the visitor's ZIP to the dealer; null without a ZIP."
    )
    match_score: int | None = strawberry.field(
        description="How well it meets the CarIn answers (higher is better); null without them."
    )
    match_reasons: list[str] = strawberry.field(description="Why it matches, for the visitor.")

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
