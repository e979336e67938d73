"""Personal data by the definition: what is marked, what copies keep, what error texts say."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from app.services.records import SessionRecord
from app.services.snapshots import history_context, impersonal_snapshot, replayed_record
from schema.redaction import without_values
from workflows.checker import check
from workflows.engine import SessionState
from workflows.erasure import checked_request
from workflows.model import Component, Field, FieldType, Sensitivity, SessionStatus, Step
from workflows.personal import REDACTED, personal_names, redacted, scrubbed
from workflows.registry import definition

WORKFLOW = definition("trex", 1)
NOW = datetime(2026, 11, 26, tzinfo=UTC)
CONTACT: dict[str, object] = {
    "first_name": "Ada",
    "email": "ada@example.com",
    "preferred_contact": "email",
}


def test_the_flow_marks_names_birth_income_address_and_contact_and_the_ssn_secret() -> None:
    names = personal_names(WORKFLOW)
    for name in ("first_name", "full_name", "buyer_email", "date_of_birth", "annual_income"):
        assert name in names
    assert {"address_line", "zip", "phone", "ssn"} <= names
    assert not {"make", "vin", "dealer_name", "preferred_contact", "intent"} & names
    credit = WORKFLOW.step("credit_check")
    ssn = credit.field_named("ssn")
    assert ssn is not None
    assert ssn.secret
    assert ssn.personal


@pytest.mark.parametrize(
    "field",
    [
        Field("owner_name", FieldType.STRING, "Owner"),
        Field("contact", FieldType.EMAIL, "Where"),
        Field("home_address", FieldType.STRING, "Home"),
    ],
)
def test_the_checker_names_a_field_that_looks_personal_but_is_not_marked(field: Field) -> None:
    broken = dict(WORKFLOW.steps)
    step = broken["buying_confirmation"]
    broken["buying_confirmation"] = replace(step, fields=(*step.fields, field))
    faults = check(replace(WORKFLOW, steps=broken))
    assert [str(f) for f in faults] == [
        f"buying_confirmation: field '{field.name}' looks personal but has no sensitivity"
    ]


def test_an_ssn_that_is_only_personal_is_a_fault() -> None:
    step = Step(
        "s",
        Component.CHOICE,
        "S",
        fields=(Field("ssn", FieldType.SSN, "SSN", sensitivity=Sensitivity.PERSONAL),),
    )
    broken = replace(WORKFLOW, steps={**WORKFLOW.steps, "credit_check": step})
    assert "s: field 'ssn' is an SSN and must be secret" in [str(f) for f in check(broken)]


def test_history_keeps_which_fields_were_answered_not_their_values() -> None:
    values = {**CONTACT, "consent_to_contact": True}
    kept = redacted(WORKFLOW.step("buying_confirmation"), values)
    assert kept == {
        "first_name": REDACTED,
        "email": REDACTED,
        "preferred_contact": "email",
        "consent_to_contact": True,
    }
    assert history_context({"credit": {"amount": 34_000}, "search": {"total": 3}}) == {
        "credit": REDACTED,
        "search": {"total": 3},
    }


def test_scrubbing_removes_named_entries_at_any_depth() -> None:
    value = {"buyer": {"buyer_name": "Grace", "agreed_price": 1}, "list": [{"email": "x"}]}
    names = personal_names(WORKFLOW)
    assert scrubbed(value, names) == {"buyer": {"agreed_price": 1}, "list": [{}]}


def _record(answers: dict[str, dict[str, object]]) -> SessionRecord:
    path = ("buying_complete",)
    state = SessionState("buying_complete", SessionStatus.SUBMITTED, answers, path)
    context = {"host": {"customer": "Ada"}, "credit": {"amount": 1}, "selected": {"id": "v"}}
    return SessionRecord("s", "hash", "trex", 1, state, context, NOW, NOW, 3, 4)


def test_an_idempotency_snapshot_holds_no_personal_data_and_replays_the_live_one() -> None:
    then = _record({"buying_confirmation": CONTACT, "vehicle_search": {"make": "Kia", "zip": "1"}})
    snapshot = impersonal_snapshot(WORKFLOW, then)
    assert "ada@example.com" not in str(snapshot)
    assert "Ada" not in str(snapshot)
    assert snapshot["answers"]["vehicle_search"] == {"make": "Kia"}
    replayed = replayed_record(WORKFLOW, snapshot, then)
    assert replayed.state.answers == then.state.answers
    assert replayed.context == then.context


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "Variable '$input' has invalid value: Expected value of type 'TransitionInput' not to "
            "include unknown field 'x'. Found: {'data': {'ssn': '123-45-6789'}}.",
            "Variable '$input' has invalid value: Expected value of type 'TransitionInput' not to "
            "include unknown field 'x'. Found: ….",
        ),
        (
            "Variable '$input' has invalid value at .sessionId: ID cannot represent value: "
            "{'a': 'Ada Lovelace'}",
            "Variable '$input' has invalid value at .sessionId: ID cannot represent value: ….",
        ),
        (
            "Variable '$input' got invalid value {'email': 'a@b.c; d'} at 'input.data'; Field "
            "'x' is not defined by type 'TransitionInput'.",
            "Variable '$input' got an invalid value at 'input.data'; Field 'x' is not defined by "
            "type 'TransitionInput'.",
        ),
        (
            "Enum 'WorkflowType' cannot represent non-enum value: \"ada@example.com\".",
            "Enum 'WorkflowType' cannot represent non-enum value: ….",
        ),
        (
            'Syntax Error: Expected Name, found String "Ada".',
            "Syntax Error: Expected Name, found ….",
        ),
        (
            "Field 'x' of type 'Y' must have a selection.",
            "Field 'x' of type 'Y' must have a selection.",
        ),
    ],
)
def test_error_messages_keep_the_rule_and_drop_the_value(message: str, shown: str) -> None:
    assert without_values(message) == shown


def test_an_erasure_request_is_normalized_like_the_answers() -> None:
    request, errors = checked_request("Ada@Example.COM", "(415) 555-0123", None, date(2026, 1, 1))
    assert errors == []
    assert request is not None
    assert (request.email, request.phone) == ("Ada@example.com", "+14155550123")
    nobody, faults = checked_request(None, None, None, date(2026, 1, 1))
    assert nobody is None
    assert [f.code for f in faults] == ["required"]
