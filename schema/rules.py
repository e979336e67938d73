"""A step's validation rules as types: the same rules as `validationRules`' JSON
(workflows.rules.describe), one field per rule, so generated clients know their shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import strawberry


@strawberry.type(description="How a value is normalised before its pattern is checked.")
class Normalization:
    remove: str | None = strawberry.field(description="Characters removed, e.g. ' ().-'.")
    case: str | None = strawberry.field(description="`upper` or `lower`.")


@strawberry.type(
    description="The text the server gives when a rule fails, in the session's language."
)
class RuleMessage:
    code: str = strawberry.field(
        description="The rule's code, as a FieldError's `code` (`required`, `max_length`, "
        "`format`...); a rule's other text is under `<code>.<variant>` (`format.vin_letters`)."
    )
    text: str = strawberry.field(
        description="The FieldError's `message` for it, its parameters filled."
    )


@strawberry.type(description="The rules the server enforces on one field; null: no such rule.")
class FieldRules:
    name: str = strawberry.field(description="The field's name, as in the step's `fields`.")
    type: str = strawberry.field(description="The field's type (FieldSpec.type).")
    required: bool = strawberry.field(description="Whether an answer is required.")
    required_unless: list[str] | None = strawberry.field(
        description="Not required when any of these fields has a value."
    )
    minimum: float | None = strawberry.field(description="The smallest number allowed.")
    exclusive_minimum: float | None = strawberry.field(
        description="Numbers must be greater than this."
    )
    maximum: float | None = strawberry.field(description="The largest number allowed.")
    min_length: int | None = strawberry.field(description="Characters, at least.")
    max_length: int | None = strawberry.field(description="Characters, at most.")
    pattern: str | None = strawberry.field(description="A regular expression the value matches.")
    enum: list[str] | None = strawberry.field(description="The only values allowed.")
    options_from: str | None = strawberry.field(
        description="The service's list the value must be in (makes, models, dealers...)."
    )
    must_be_true: bool | None = strawberry.field(description="Only `true` is accepted.")
    min_age: int | None = strawberry.field(description="For a date of birth: years, at least.")
    max_age: int | None = strawberry.field(description="For a date of birth: years, at most.")
    normalize: Normalization | None = strawberry.field(
        description="How the value is normalised before its pattern is checked."
    )
    check_digit: str | None = strawberry.field(description="`vin`: the VIN's check digit.")
    messages: list[RuleMessage] = strawberry.field(
        description="For each rule the field has, the text the server gives when it fails, in "
        "the session's language (the JSON's `messages`, code → text)."
    )

    @staticmethod
    def of(name: str, rule: Mapping[str, object]) -> FieldRules:
        def text(key: str) -> str | None:
            value = rule.get(key)
            return None if value is None else str(value)

        def number(key: str) -> float | None:
            value = rule.get(key)
            return None if value is None else float(cast(float, value))

        def whole(key: str) -> int | None:
            value = rule.get(key)
            return None if value is None else int(cast(int, value))

        def texts(key: str) -> list[str] | None:
            value = rule.get(key)
            return None if value is None else [str(v) for v in cast(list[object], value)]

        normalize = cast(Mapping[str, str] | None, rule.get("normalize"))
        return FieldRules(
            name=name,
            type=str(rule["type"]),
            required=bool(rule["required"]),
            required_unless=texts("requiredUnless"),
            minimum=number("minimum"),
            exclusive_minimum=number("exclusiveMinimum"),
            maximum=number("maximum"),
            min_length=whole("minLength"),
            max_length=whole("maxLength"),
            pattern=text("pattern"),
            enum=texts("enum"),
            options_from=text("optionsFrom"),
            must_be_true=None if rule.get("mustBeTrue") is None else bool(rule["mustBeTrue"]),
            min_age=whole("minAge"),
            max_age=whole("maxAge"),
            normalize=None
            if normalize is None
            else Normalization(remove=normalize.get("remove"), case=normalize.get("case")),
            check_digit=text("checkDigit"),
            messages=[
                RuleMessage(code=code, text=said)
                for code, said in cast(Mapping[str, str], rule.get("messages", {})).items()
            ],
        )


@strawberry.type(description="A rule across fields: `range_order`, low ≤ high.")
class CrossFieldRule:
    rule: str = strawberry.field(description="The rule's name (`range_order`).")
    low: str = strawberry.field(description="The field that must not be the greater.")
    high: str = strawberry.field(description="The field that must not be the smaller.")


@strawberry.type(description="A step's validation rules: per field, and across fields.")
class StepRules:
    fields: list[FieldRules] = strawberry.field(description="Each field's rules, in order.")
    cross_field: list[CrossFieldRule] = strawberry.field(description="Rules across fields.")

    @staticmethod
    def of(described: Mapping[str, object]) -> StepRules:
        fields = cast(Mapping[str, Mapping[str, object]], described["fields"])
        cross = cast(list[Mapping[str, str]], described["crossField"])
        return StepRules(
            fields=[FieldRules.of(name, rule) for name, rule in fields.items()],
            cross_field=[
                CrossFieldRule(rule=c["rule"], low=c["low"], high=c["high"]) for c in cross
            ],
        )
