"""The T-Rex flow: every step, field, rule and transition of design/FLOWS.md, as data.

Step ids and field names are the contract with the microfrontend and host sites. Renaming or
dropping a field raises `VERSION`.
"""

from __future__ import annotations

from workflows.fields import (
    PERSONAL,
    choice,
    contact_fields,
    money,
    options,
    text,
    typed,
    vehicle_to_sell,
    yes_no,
)
from workflows.model import (
    Branch,
    Component,
    Condition,
    FieldType,
    Goto,
    Guard,
    Op,
    Results,
    ReturnTo,
    Sensitivity,
    Step,
    Summary,
    Workflow,
)

NAME = "trex"
VERSION = 1
RESULTS_STEPS = ("search_results", "carin_results")
FUEL_TYPES = ("petrol", "diesel", "hybrid", "electric")
BODY_TYPES = ("sedan", "hatchback", "suv", "wagon", "coupe", "convertible", "pickup", "van")
FEATURES = ("automatic", "awd", "towbar", "third_row", "apple_carplay", "heated_seats")
CONTACT_SOURCES = ("selling_confirmation", "dealer_confirmation", "buying_confirmation")
NEXT_STEPS = {
    "buying": (
        "The dealer has your request and will contact you shortly.",
        "We hold the vehicle for you while the dealer prepares your offer.",
    ),
    "selling": ("We will contact you to arrange the paperwork and the handover.",),
    "dealer_sale": ("The dealer has your sale and will confirm the pickup.",),
    "dealer_network": ("Dealers near you will send their offers within 24 hours.",),
}
BRANCHES = (
    Branch(
        "intent",
        ("intent_selection", None),
        {"vehicle_knowledge": "buying", "has_buyer": "selling"},
    ),
    Branch(
        "buyer",
        ("has_buyer", "buyer_type"),
        {
            "private_buyer_details": "private",
            "dealer_information": "dealer",
            "dealer_network": "network",
        },
    ),
    Branch(
        "search", ("vehicle_knowledge",), {"vehicle_search": "search", "carin_questions": "carin"}
    ),
)


def _when(field: str, op: Op, target: str, value: str | bool | None = None) -> Guard:
    return Guard(Condition(field, op, value), Goto(target))


def _yes_no_step(
    step_id: str,
    title: str,
    field: str,
    yes: tuple[str, str],
    no: tuple[str, str],
    *,
    can_go_back: bool = True,
) -> Step:
    """A Choice step over one boolean: (label, target) for yes and for no."""
    return Step(
        step_id,
        Component.CHOICE,
        title,
        fields=(choice(field, title, yes_no(yes[0], no[0])),),
        guards=(_when(field, Op.IS_TRUE, yes[1]),),
        default=Goto(no[1]),
        can_go_back=can_go_back,
    )


def _results_step(step_id: str, title: str, refine_to: str, *, ranked: bool = False) -> Step:
    return Step(
        step_id,
        Component.VEHICLE_RESULTS,
        title,
        fields=(
            text(
                "vehicle_id",
                "Vehicle",
                required_unless=("refine", "page"),
                options_from="listed_vehicles",
            ),
            typed("refine", FieldType.BOOLEAN, "Change my criteria"),
            typed("page", FieldType.INTEGER, "Page", minimum=1, maximum=1000),
        ),
        guards=(_when("refine", Op.IS_TRUE, refine_to), _when("page", Op.PRESENT, step_id)),
        default=Goto("vehicle_selection"),
        effects=("select_vehicle",),
        results=Results(criteria_from=refine_to, ranked=ranked),
    )


def _buying_steps() -> list[Step]:
    return [
        _yes_no_step(
            "vehicle_knowledge",
            "Do you already know which vehicle you want?",
            "knows_vehicle",
            ("Yes, let me search", "vehicle_search"),
            ("No, help me choose", "carin_questions"),
        ),
        Step(
            "vehicle_search",
            Component.VEHICLE_SEARCH,
            "Find your vehicle",
            fields=(
                text("make", "Make", required=True, options_from="makes"),
                text("model", "Model", options_from="models"),
                typed(
                    "year_min",
                    FieldType.INTEGER,
                    "Oldest model year",
                    minimum=1990,
                    maximum_is_next_year=True,
                ),
                typed(
                    "year_max",
                    FieldType.INTEGER,
                    "Newest model year",
                    minimum=1990,
                    maximum_is_next_year=True,
                ),
                money("price_max", "Maximum price"),
                typed(
                    "mileage_max",
                    FieldType.INTEGER,
                    "Maximum mileage",
                    minimum=0,
                    maximum=1_000_000,
                ),
                choice("fuel_type", "Fuel", options(*FUEL_TYPES), required=False),
                choice("body_type", "Body type", options(*BODY_TYPES), required=False),
                typed("zip", FieldType.ZIP, "Your ZIP code", sensitivity=PERSONAL),
            ),
            ordered=(("year_min", "year_max"),),
            effects=("search_vehicles",),
            default=Goto("search_results"),
        ),
        _results_step("search_results", "Vehicles matching your search", "vehicle_search"),
        Step(
            "carin_questions",
            Component.CARIN_QUESTIONS,
            "Tell us what you need",
            fields=(
                money("budget_max", "Budget", required=True),
                choice(
                    "primary_use",
                    "Main use",
                    options("commute", "family", "leisure", "business", "towing"),
                ),
                typed(
                    "passengers",
                    FieldType.INTEGER,
                    "Passengers",
                    required=True,
                    minimum=1,
                    maximum=9,
                ),
                choice(
                    "fuel_preference",
                    "Fuel preference",
                    options(*FUEL_TYPES, "any"),
                    required=False,
                ),
                typed(
                    "annual_miles", FieldType.INTEGER, "Miles a year", minimum=0, maximum=100_000
                ),
                typed("must_haves", FieldType.MULTI_ENUM, "Must-haves", options=options(*FEATURES)),
                typed("zip", FieldType.ZIP, "Your ZIP code", sensitivity=PERSONAL),
            ),
            effects=("carin_rank",),
            default=Goto("carin_results"),
        ),
        _results_step("carin_results", "Your CarIn matches", "carin_questions", ranked=True),
        Step(
            "vehicle_selection",
            Component.VEHICLE_SELECTION,
            "Your vehicle",
            fields=(
                choice(
                    "confirm",
                    "Is this the one?",
                    yes_no("Yes, contact the dealer", "No, back to the list"),
                ),
            ),
            guards=(_when("confirm", Op.IS_TRUE, "buying_confirmation"),),
            default=ReturnTo(RESULTS_STEPS),
        ),
        Step(
            "buying_confirmation",
            Component.CONTACT_CONFIRMATION,
            "Your contact details",
            fields=contact_fields(),
            effects=("submit_buying_lead",),
            lead_kind="buying",
            summary=Summary(selected_vehicle=True),
            default=Goto("buying_complete"),
            on_reject=ReturnTo(RESULTS_STEPS),
            commits=True,
            prefill_from=(*CONTACT_SOURCES, "vehicle_search", "carin_questions"),
        ),
        Step(
            "buying_complete",
            Component.COMPLETION,
            "Request sent",
            terminal=True,
            can_go_back=False,
            next_steps={"buying": NEXT_STEPS["buying"]},
        ),
    ]


def _private_buyer_steps() -> list[Step]:
    return [
        Step(
            "private_buyer_details",
            Component.PRIVATE_BUYER_DETAILS,
            "Your vehicle and its buyer",
            fields=(
                *vehicle_to_sell(),
                money("agreed_price", "Agreed price", required=True),
                text("buyer_name", "Buyer's name", required=True, sensitivity=PERSONAL),
                typed(
                    "buyer_email",
                    FieldType.EMAIL,
                    "Buyer's e-mail",
                    required_unless=("buyer_phone",),
                    sensitivity=PERSONAL,
                ),
                typed(
                    "buyer_phone",
                    FieldType.PHONE,
                    "Buyer's phone",
                    required_unless=("buyer_email",),
                    sensitivity=PERSONAL,
                ),
            ),
            effects=("decode_vin",),
            default=Goto("financing_needs"),
        ),
        _yes_no_step(
            "financing_needs",
            "Does your buyer need financing?",
            "needs_financing",
            ("Yes, check credit", "credit_check"),
            ("No", "selling_confirmation"),
        ),
        Step(
            "credit_check",
            Component.CREDIT_CHECK,
            "Financing: credit check",
            fields=(
                text("full_name", "Full name", required=True, sensitivity=PERSONAL),
                typed(
                    "date_of_birth",
                    FieldType.DATE,
                    "Date of birth",
                    required=True,
                    min_age=18,
                    max_age=100,
                    sensitivity=PERSONAL,
                ),
                typed(
                    "ssn",
                    FieldType.SSN,
                    "Social Security number",
                    required=True,
                    sensitivity=Sensitivity.SECRET,
                ),
                text(
                    "address_line", "Address", required=True, max_length=200, sensitivity=PERSONAL
                ),
                typed("zip", FieldType.ZIP, "ZIP code", required=True, sensitivity=PERSONAL),
                money(
                    "annual_income",
                    "Annual income",
                    required=True,
                    allow_zero=True,
                    sensitivity=PERSONAL,
                ),
                typed(
                    "consent_to_credit_check",
                    FieldType.BOOLEAN,
                    "I authorise a credit check",
                    required=True,
                    must_be_true=True,
                ),
            ),
            effects=("request_credit_check",),
            default=Goto("credit_check_pending"),
            commits=True,
        ),
        Step(
            "credit_check_pending",
            Component.PENDING,
            "Checking credit…",
            awaits="credit_result",
            default=Goto("selling_confirmation"),
            can_go_back=False,
        ),
        Step(
            "selling_confirmation",
            Component.CONTACT_CONFIRMATION,
            "Confirm your sale",
            fields=contact_fields(),
            effects=("submit_selling_lead",),
            lead_kind="selling",
            summary=Summary(answers_from=("private_buyer_details",), credit_outcome=True),
            default=Goto("replacement_check"),
            commits=True,
            prefill_from=("credit_check",),
        ),
    ]


def _dealer_steps() -> list[Step]:
    return [
        Step(
            "dealer_information",
            Component.DEALER_INFORMATION,
            "Sell to a dealer",
            fields=(
                text(
                    "dealer_id", "Dealer", required_unless=("dealer_name",), options_from="dealers"
                ),
                text("dealer_name", "Dealer name", required_unless=("dealer_id",)),
                money("offer_amount", "Dealer's offer", required=True),
                *vehicle_to_sell(),
            ),
            effects=("decode_vin", "submit_dealer_sale"),
            lead_kind="dealer_sale",
            default=Goto("replacement_check"),
            commits=True,
        ),
        Step(
            "dealer_network",
            Component.DEALER_NETWORK,
            "Offer your car to our dealer network",
            fields=(
                *vehicle_to_sell(),
                money("asking_price", "Asking price"),
                typed("zip", FieldType.ZIP, "Your ZIP code", required=True, sensitivity=PERSONAL),
            ),
            effects=("decode_vin",),
            default=Goto("credit_consent"),
        ),
        Step(
            "credit_consent",
            Component.CREDIT_CONSENT,
            "Financing offers",
            fields=(
                choice(
                    "consent",
                    "May dealers run a soft credit check?",
                    yes_no("Yes, a soft check is fine", "No thanks"),
                ),
            ),
            effects=("record_credit_consent",),
            default=Goto("dealer_confirmation"),
        ),
        Step(
            "dealer_confirmation",
            Component.CONTACT_CONFIRMATION,
            "Your contact details",
            fields=contact_fields(),
            effects=("submit_dealer_network_lead",),
            lead_kind="dealer_network",
            summary=Summary(answers_from=("dealer_network",), credit_consent=True),
            default=Goto("replacement_check"),
            commits=True,
            prefill_from=("dealer_network",),
        ),
    ]


def _selling_steps() -> list[Step]:
    return [
        _yes_no_step(
            "has_buyer",
            "Do you already have a buyer?",
            "has_buyer",
            ("Yes", "buyer_type"),
            ("No, find me one", "dealer_network"),
        ),
        Step(
            "buyer_type",
            Component.CHOICE,
            "Who is buying?",
            fields=(choice("buyer_type", "Who is buying?", options("private", "dealer")),),
            guards=(_when("buyer_type", Op.EQUALS, "private_buyer_details", "private"),),
            default=Goto("dealer_information"),
        ),
        *_private_buyer_steps(),
        *_dealer_steps(),
        _yes_no_step(
            "replacement_check",
            "Would you like a replacement vehicle?",
            "wants_replacement",
            ("Yes, find me one", "vehicle_knowledge"),
            ("No, I'm done", "selling_complete"),
            can_go_back=False,
        ),
        Step(
            "selling_complete",
            Component.COMPLETION,
            "All done",
            terminal=True,
            can_go_back=False,
            next_steps={
                kind: NEXT_STEPS[kind] for kind in ("selling", "dealer_sale", "dealer_network")
            },
        ),
    ]


def build() -> Workflow:
    intent = Step(
        "intent_selection",
        Component.INTENT_SELECTION,
        "Are you buying or selling?",
        fields=(choice("intent", "I want to", options("buying", "selling")),),
        guards=(_when("intent", Op.EQUALS, "vehicle_knowledge", "buying"),),
        default=Goto("has_buyer"),
        can_go_back=False,
    )
    steps = [intent, *_buying_steps(), *_selling_steps()]
    return Workflow(
        name=NAME,
        version=VERSION,
        steps={step.id: step for step in steps},
        entries={None: "intent_selection", "buying": "vehicle_knowledge", "selling": "has_buyer"},
        entry_answers={
            "buying": {"intent_selection": {"intent": "buying"}},
            "selling": {"intent_selection": {"intent": "selling"}},
        },
        branches=BRANCHES,
    )
