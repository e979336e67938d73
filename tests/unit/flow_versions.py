"""Two versions of a small shop flow, built in code, and the migration v2 declares for v1.

v1: intent ─(sell)→ sell_details ─→ contact ─(wants_survey)→ legacy_survey ─→ done
          └(otherwise)→ search ───────┘          └(otherwise)──────────────────┘
v2: `search` renamed `vehicle_search` (field `zip` renamed `zip_code`, a new required `radius`),
option `sell` renamed `trade_in`, `legacy_survey` removed (its sessions go to `done`), `contact`
loses `wants_survey`, gains `phone` and goes to a new `review`; mileage capped at 500,000; a
`selling` entry.
"""

from __future__ import annotations

from dataclasses import replace

from workflows.migration import Migration
from workflows.model import (
    Component,
    Condition,
    Field,
    FieldType,
    Goto,
    Guard,
    Op,
    Option,
    Sensitivity,
    Step,
    Workflow,
)

INTENT_V1 = Field(
    "intent",
    FieldType.ENUM,
    "Intent",
    required=True,
    options=(Option("buy", "Buy"), Option("sell", "Sell")),
)
ZIP = Field("zip", FieldType.ZIP, "ZIP code", required=True, sensitivity=Sensitivity.PERSONAL)
MAKE = Field("make", FieldType.STRING, "Make", options_from="makes")
MILEAGE = Field("mileage", FieldType.INTEGER, "Mileage", required=True, minimum=0)
EMAIL = Field("email", FieldType.EMAIL, "E-mail", required=True, sensitivity=Sensitivity.PERSONAL)
SSN = Field("ssn", FieldType.SSN, "SSN", sensitivity=Sensitivity.SECRET)
WANTS_SURVEY = Field("wants_survey", FieldType.BOOLEAN, "Survey?")
RATING = Field(
    "rating", FieldType.ENUM, "Rating", options=(Option("good", "Good"), Option("bad", "Bad"))
)


def _choice(field: str, value: str, step: str) -> Guard:
    return Guard(Condition(field, Op.EQUALS, value), Goto(step))


def _steps(*steps: Step) -> dict[str, Step]:
    return {step.id: step for step in steps}


def v1() -> Workflow:
    steps = _steps(
        Step(
            "intent",
            Component.INTENT_SELECTION,
            "What brings you here?",
            fields=(INTENT_V1,),
            guards=(_choice("intent", "sell", "sell_details"),),
            default=Goto("search"),
        ),
        Step(
            "search",
            Component.VEHICLE_SEARCH,
            "Search",
            fields=(ZIP, MAKE),
            default=Goto("contact"),
        ),
        Step(
            "sell_details",
            Component.PRIVATE_BUYER_DETAILS,
            "Your car",
            fields=(MILEAGE,),
            default=Goto("contact"),
        ),
        Step(
            "contact",
            Component.CONTACT_CONFIRMATION,
            "Contact",
            fields=(EMAIL, SSN, WANTS_SURVEY),
            guards=(Guard(Condition("wants_survey", Op.IS_TRUE), Goto("legacy_survey")),),
            default=Goto("done"),
            effects=("send_lead",),
            commits=True,
        ),
        Step("legacy_survey", Component.CHOICE, "Survey", fields=(RATING,), default=Goto("done")),
        Step("done", Component.COMPLETION, "Thanks", terminal=True),
    )
    return Workflow("shop", 1, steps, {None: "intent"})


def v2() -> Workflow:
    intent = replace(INTENT_V1, options=(Option("buy", "Buy"), Option("trade_in", "Sell")))
    radius = Field("radius", FieldType.INTEGER, "Radius", required=True, minimum=1)
    phone = Field("phone", FieldType.PHONE, "Phone", sensitivity=Sensitivity.PERSONAL)
    steps = _steps(
        Step(
            "intent",
            Component.INTENT_SELECTION,
            "What brings you here?",
            fields=(intent,),
            guards=(_choice("intent", "trade_in", "sell_details"),),
            default=Goto("vehicle_search"),
        ),
        Step(
            "vehicle_search",
            Component.VEHICLE_SEARCH,
            "Search",
            fields=(replace(ZIP, name="zip_code"), MAKE, radius),
            default=Goto("contact"),
        ),
        Step(
            "sell_details",
            Component.PRIVATE_BUYER_DETAILS,
            "Your car",
            fields=(replace(MILEAGE, label="Odometer", maximum=500_000),),
            default=Goto("contact"),
        ),
        Step(
            "contact",
            Component.CONTACT_CONFIRMATION,
            "Contact",
            fields=(EMAIL, SSN, phone),
            default=Goto("review"),
            effects=("send_lead", "notify"),
            commits=True,
        ),
        Step("review", Component.CHOICE, "Review", default=Goto("done")),
        Step("done", Component.COMPLETION, "Thank you", terminal=True),
    )
    return Workflow("shop", 2, steps, {None: "intent", "selling": "sell_details"})


MIGRATION = Migration(
    step_renames={"search": "vehicle_search"},
    removed_steps={"legacy_survey": "done"},
    field_renames={"search": {"zip": "zip_code"}},
    option_renames={"intent": {"intent": {"sell": "trade_in"}}},
)
