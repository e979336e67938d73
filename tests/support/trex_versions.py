"""A second version of the shipped T-Rex flow, built in code, and the migration it declares: what
the migration tests deploy over sessions in flight on v1 (like tests/unit/flow_versions.py's
shop flow, but a flow the service can run: its effects are bound).

v2 changes the selling branch only:
- `financing_needs` is renamed `financing`, its field `needs_financing` renamed `wants_financing`
  (its guard follows);
- `buyer_type`'s option `private` is renamed `private_party` (its guard follows);
- `private_buyer_details` loses `buyer_email` (the buyer's phone becomes required);
- `dealer_network` asks for a new required `color`, so a session past it cannot move (its path
  would lack a required answer: refused).
"""

from __future__ import annotations

from dataclasses import replace

from workflows.migration import Migration, to_data
from workflows.model import (
    Condition,
    Field,
    FieldType,
    Goto,
    Guard,
    Op,
    Option,
    Workflow,
)
from workflows.registry import Registry, Release, definition

MIGRATION = Migration(
    step_renames={"financing_needs": "financing"},
    field_renames={"financing_needs": {"needs_financing": "wants_financing"}},
    option_renames={"buyer_type": {"buyer_type": {"private": "private_party"}}},
)
COLOR = Field("color", FieldType.STRING, "Color", required=True, max_length=30)


def v1() -> Workflow:
    return definition("trex", 1)


def v2() -> Workflow:
    old = v1()
    steps = dict(old.steps)
    buyer_type = steps["buyer_type"]
    options = (Option("private_party", "Private"), Option("dealer", "Dealer"))
    steps["buyer_type"] = replace(
        buyer_type,
        fields=(replace(buyer_type.fields[0], options=options),),
        guards=(
            Guard(
                Condition("buyer_type", Op.EQUALS, "private_party"), Goto("private_buyer_details")
            ),
        ),
    )
    details = steps["private_buyer_details"]
    steps["private_buyer_details"] = replace(
        details,
        fields=tuple(
            replace(spec, required=True, required_unless=()) if spec.name == "buyer_phone" else spec
            for spec in details.fields
            if spec.name != "buyer_email"
        ),
        default=Goto("financing"),
    )
    financing = steps.pop("financing_needs")
    steps["financing"] = replace(
        financing,
        id="financing",
        fields=(replace(financing.fields[0], name="wants_financing"),),
        guards=(Guard(Condition("wants_financing", Op.IS_TRUE), financing.guards[0].target),),
    )
    network = steps["dealer_network"]
    steps["dealer_network"] = replace(network, fields=(*network.fields, COLOR))
    return replace(old, version=2, steps=steps)


def both() -> Registry:
    """v1 and v2, v2 declaring `MIGRATION`."""
    return Registry.of([Release(v1()), Release(v2(), to_data(MIGRATION))])


def only_v1() -> Registry:
    return Registry.of([Release(v1())])
