"""Small constructors that keep the flow definition readable."""

from __future__ import annotations

from workflows.model import Field, FieldType, Option, Sensitivity

PERSONAL = Sensitivity.PERSONAL


def options(*values: str) -> tuple[Option, ...]:
    return tuple(Option(value, value.replace("_", " ").capitalize()) for value in values)


def yes_no(yes: str, no: str) -> tuple[Option, ...]:
    return (Option("true", yes), Option("false", no))


def text(name: str, label: str, *, required: bool = False, **rules: object) -> Field:
    return Field(name, FieldType.STRING, label, required=required, **rules)  # type: ignore[arg-type]


def typed(
    name: str, kind: FieldType, label: str, *, required: bool = False, **rules: object
) -> Field:
    return Field(name, kind, label, required=required, **rules)  # type: ignore[arg-type]


def choice(name: str, label: str, values: tuple[Option, ...], *, required: bool = True) -> Field:
    kind = FieldType.BOOLEAN if values and values[0].value == "true" else FieldType.ENUM
    return Field(name, kind, label, required=required, options=values)


def money(
    name: str,
    label: str,
    *,
    required: bool = False,
    allow_zero: bool = False,
    sensitivity: Sensitivity = Sensitivity.NONE,
) -> Field:
    """An amount in dollars: more than 0 (or at least 0), at most ten million."""
    return Field(
        name,
        FieldType.NUMBER,
        label,
        required=required,
        sensitivity=sensitivity,
        minimum=0 if allow_zero else None,
        exclusive_minimum=None if allow_zero else 0,
        maximum=10_000_000,
    )


def contact_fields() -> tuple[Field, ...]:
    """The contact block shared by every confirmation step."""
    return (
        text("first_name", "First name", required=True, max_length=60, sensitivity=PERSONAL),
        text("last_name", "Last name", required=True, max_length=60, sensitivity=PERSONAL),
        typed("email", FieldType.EMAIL, "E-mail", required=True, sensitivity=PERSONAL),
        typed("phone", FieldType.PHONE, "Phone", required=True, sensitivity=PERSONAL),
        typed("zip", FieldType.ZIP, "ZIP code", required=True, sensitivity=PERSONAL),
        choice(
            "preferred_contact",
            "Preferred contact",
            options("email", "phone", "sms"),
            required=False,
        ),
        typed(
            "consent_to_contact",
            FieldType.BOOLEAN,
            "I agree to be contacted about this request",
            required=True,
            must_be_true=True,
        ),
        # Free text: whatever the visitor writes about themselves.
        typed("message", FieldType.TEXT, "Message", max_length=1000, sensitivity=PERSONAL),
    )


def vehicle_to_sell() -> tuple[Field, ...]:
    """Field group `vehicle_to_sell`: a VIN, or make, model and year; mileage and condition."""
    group = "vehicle_to_sell"
    return (
        typed("vin", FieldType.VIN, "VIN", group=group),
        text("make", "Make", required_unless=("vin",), group=group, max_length=40),
        text("model", "Model", required_unless=("vin",), group=group, max_length=60),
        typed(
            "year",
            FieldType.INTEGER,
            "Model year",
            required_unless=("vin",),
            group=group,
            minimum=1950,
            maximum_is_next_year=True,
        ),
        typed(
            "mileage",
            FieldType.INTEGER,
            "Mileage",
            required=True,
            group=group,
            minimum=0,
            maximum=1_000_000,
        ),
        Field(
            "condition",
            FieldType.ENUM,
            "Condition",
            required=True,
            group=group,
            options=options("excellent", "good", "fair", "poor"),
        ),
    )
