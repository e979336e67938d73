"""Sessions of v1 onto v2: the migration's data form, its static check, and one session's plan."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date

import pytest

from tests.unit.conftest import FakeLookups
from tests.unit.flow_versions import MIGRATION, v1, v2
from workflows.checker import Fault
from workflows.engine import Answers, SessionState
from workflows.migration import Migration, MigrationDataError, check_migration, from_data, to_data
from workflows.migration_plan import AnswerRef, Dropped, Kept, Landing, Refusal, plan
from workflows.model import Component, Sensitivity, SessionStatus, Step

OLD, NEW = v1(), v2()
TODAY = date(2026, 6, 15)
ACTIVE = SessionStatus.ACTIVE
SELL_PATH = ("intent", "sell_details", "contact")
SELL_ANSWERS: Answers = {
    "intent": {"intent": "sell"},
    "sell_details": {"mileage": 42_000},
    "contact": {"email": "ann@example.com", "wants_survey": True},
}


def session(*path: str, answers: Answers, status: SessionStatus = ACTIVE) -> SessionState:
    return SessionState(path[-1], status, answers, path)


def landed(state: SessionState, migration: Migration = MIGRATION, **kw: object) -> Landing:
    found = plan(OLD, NEW, migration, state, today=TODAY, **kw)  # type: ignore[arg-type]
    assert isinstance(found, Landing), found
    return found


def refused(state: SessionState, migration: Migration = MIGRATION) -> Refusal:
    found = plan(OLD, NEW, migration, state, today=TODAY)
    assert isinstance(found, Refusal), found
    return found


# --- Data form -----------------------------------------------------------------------------------


def test_a_migration_round_trips_through_json() -> None:
    data = json.loads(json.dumps(to_data(MIGRATION)))

    assert from_data(data) == MIGRATION
    assert to_data(Migration()) == {}
    assert from_data({}) == Migration()


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ([], ""),
        ({"renames": {}}, "renames"),
        ({"step_renames": ["a"]}, "step_renames"),
        ({"removed_steps": {"a": 1}}, "removed_steps.a"),
        ({"field_renames": {"s": {"f": ""}}}, "field_renames.s.f"),
        ({"option_renames": {"s": {"f": "x"}}}, "option_renames.s.f"),
    ],
)
def test_malformed_data_names_the_key_and_the_rule(data: object, where: str) -> None:
    with pytest.raises(MigrationDataError) as raised:
        from_data(data)

    assert raised.value.where == where
    assert str(raised.value).startswith(f"migration.{where}: ")


# --- Static check --------------------------------------------------------------------------------


def test_the_declared_migration_is_sound() -> None:
    assert check_migration(OLD, NEW, MIGRATION) == []


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (
            {"step_renames": {"search": "finder"}},
            Fault("search", "is renamed to 'finder', which v2 lacks"),
        ),
        (
            {"step_renames": {"search": "vehicle_search", "nowhere": "review"}},
            Fault("nowhere", "is renamed, but v1 has no such step"),
        ),
        (
            {"removed_steps": {"legacy_survey": "gone"}},
            Fault("legacy_survey", "sends its sessions to 'gone', which v2 lacks"),
        ),
        (
            {"removed_steps": {"legacy_survey": "done", "contact": "done"}},
            Fault("contact", "is declared removed, but v2 still has it"),
        ),
        (
            {"removed_steps": {}},
            Fault(
                "legacy_survey",
                "is not in v2 and the migration neither renames it nor says where its sessions go",
            ),
        ),
        (
            {"step_renames": {"search": "vehicle_search", "sell_details": "vehicle_search"}},
            Fault("sell_details", "becomes 'vehicle_search', as 'search' already does"),
        ),
        (
            {"field_renames": {"search": {"postcode": "zip_code"}}},
            Fault("search", "renames unknown field 'postcode'"),
        ),
        (
            {"field_renames": {"search": {"zip": "postcode"}}},
            Fault("search", "renames field 'zip' to 'postcode', which vehicle_search lacks"),
        ),
        (
            {"field_renames": {"search": {"zip": "zip_code"}, "legacy_survey": {"rating": "r"}}},
            Fault("legacy_survey", "renames fields of a step that does not survive"),
        ),
        (
            {"option_renames": {"intent": {"intent": {"sell": "swap"}}}},
            Fault("intent", "field 'intent' renames option 'sell' to 'swap', which 'intent' lacks"),
        ),
        (
            {"option_renames": {"intent": {"intent": {"lease": "buy", "sell": "trade_in"}}}},
            Fault("intent", "field 'intent' renames unknown option 'lease'"),
        ),
    ],
)
def test_each_static_fault(change: dict[str, object], fault: Fault) -> None:
    migration = replace(MIGRATION, **change)  # type: ignore[arg-type]

    assert fault in check_migration(OLD, NEW, migration)


# --- Plan: landings ------------------------------------------------------------------------------


def test_a_session_on_a_renamed_step_lands_on_its_new_name_with_its_answers_renamed() -> None:
    state = session(
        "intent", "search", answers={"intent": {"intent": "buy"}, "search": {"zip": "10001"}}
    )

    found = landed(state)

    assert found.state == SessionState(
        "vehicle_search",
        ACTIVE,
        {"intent": {"intent": "buy"}, "vehicle_search": {"zip_code": "10001"}},
        ("intent", "vehicle_search"),
    )
    assert Kept(AnswerRef("search", "zip"), AnswerRef("vehicle_search", "zip_code")) in found.kept
    assert found.dropped == ()
    assert found.path_dropped == ()


def test_renamed_options_are_applied_and_gone_fields_and_bad_values_dropped() -> None:
    answers = {**SELL_ANSWERS, "sell_details": {"mileage": 900_000}}

    found = landed(session("intent", "sell_details", answers=answers))  # back from contact

    assert found.state.current_step == "sell_details"
    assert found.state.answers == {
        "intent": {"intent": "trade_in"},
        "sell_details": {},
        "contact": {"email": "ann@example.com"},
    }
    assert found.dropped == (
        Dropped(
            AnswerRef("sell_details", "mileage"),
            "rejected by the rules of 'sell_details' (maximum)",
        ),
        Dropped(AnswerRef("contact", "wants_survey"), "'contact' has no field 'wants_survey'"),
    )


def test_a_session_on_a_removed_step_goes_where_the_migration_says() -> None:
    path = (*SELL_PATH, "legacy_survey")
    answers = {**SELL_ANSWERS, "legacy_survey": {"rating": "good"}}

    found = landed(session(*path, answers=answers))

    assert found.state.current_step == "done"
    assert found.state.status is SessionStatus.SUBMITTED
    assert found.state.path == (*SELL_PATH, "done")
    assert found.path_dropped == ("legacy_survey",)
    assert (
        Dropped(AnswerRef("legacy_survey", "rating"), "step 'legacy_survey' is not in v2")
        in found.dropped
    )
    assert "legacy_survey" not in found.state.answers


def test_a_destination_already_on_the_path_is_returned_to() -> None:
    back = replace(MIGRATION, removed_steps={"legacy_survey": "sell_details"})
    path = (*SELL_PATH, "legacy_survey")

    found = landed(session(*path, answers=SELL_ANSWERS), back)

    assert found.state.path == ("intent", "sell_details")


def test_submitted_and_completed_sessions_keep_their_status() -> None:
    path = (*SELL_PATH, "done")
    for status in (SessionStatus.SUBMITTED, SessionStatus.COMPLETED):
        assert landed(session(*path, answers=SELL_ANSWERS, status=status)).state.status is status


def test_a_field_that_became_secret_is_dropped_and_secrets_are_never_kept() -> None:
    contact = NEW.step("contact")
    secret_email = replace(contact.fields[0], sensitivity=Sensitivity.SECRET)
    newer = replace(
        NEW,
        steps={
            **NEW.steps,
            "contact": replace(contact, fields=(secret_email, *contact.fields[1:])),
        },
    )
    answers = {**SELL_ANSWERS, "contact": {"email": "ann@example.com", "ssn": "123-45-6789"}}

    found = plan(OLD, newer, MIGRATION, session(*SELL_PATH, answers=answers), today=TODAY)

    assert isinstance(found, Landing)
    assert found.state.answers["contact"] == {}
    assert {d.old.field: d.reason for d in found.dropped} == {
        "email": "'contact.email' is secret: never stored",
        "ssn": "'contact.ssn' is secret: never stored",
    }


def test_service_known_options_are_checked_only_with_lookups() -> None:
    answers = {"intent": {"intent": "buy"}, "search": {"zip": "10001", "make": "Trabant"}}
    state = session("intent", "search", answers=answers)

    unchecked = landed(state)
    checked = landed(state, lookups=FakeLookups())

    assert unchecked.state.answers["vehicle_search"]["make"] == "Trabant"
    assert "make" not in checked.state.answers["vehicle_search"]
    assert (
        Dropped(
            AnswerRef("search", "make"),
            "rejected by the rules of 'vehicle_search' (unknown_option)",
        )
        in checked.dropped
    )


# --- Plan: refusals ------------------------------------------------------------------------------


def test_a_session_whose_step_is_gone_and_unmapped_is_refused() -> None:
    state = session(*SELL_PATH, "legacy_survey", answers=SELL_ANSWERS)

    found = refused(state, replace(MIGRATION, removed_steps={}))

    assert (found.step, found.rule) == ("legacy_survey", "stranded")
    assert "session on 'legacy_survey' (v1)" in found.message
    assert "neither renames it" in found.message


def test_a_session_past_a_step_with_a_new_required_field_is_refused() -> None:
    answers = {"intent": {"intent": "buy"}, "search": {"zip": "10001"}, "contact": {}}

    found = refused(session("intent", "search", "contact", answers=answers))

    assert (found.step, found.rule) == ("contact", "missing_answers")
    assert "'vehicle_search' on its path lacks required radius" in found.message
    assert "every step before the landing step must have its required answers" in found.message


def test_a_required_answer_lost_to_a_rule_refuses_the_session() -> None:
    answers = {**SELL_ANSWERS, "sell_details": {"mileage": 900_000}}
    path = (*SELL_PATH, "done")

    found = refused(session(*path, answers=answers, status=SessionStatus.SUBMITTED))

    assert (found.step, found.rule) == ("done", "missing_answers")
    assert "'sell_details' on its path lacks required mileage" in found.message


def test_a_submitted_session_may_not_be_reopened() -> None:
    reopen = replace(
        MIGRATION,
        removed_steps={"legacy_survey": "done"},
        step_renames={"search": "vehicle_search", "done": "review"},
    )
    path = (*SELL_PATH, "done")

    found = refused(session(*path, answers=SELL_ANSWERS, status=SessionStatus.SUBMITTED), reopen)

    assert (found.step, found.rule) == ("done", "reopened")
    assert "'review', which is not terminal in v2" in found.message


def test_a_waiting_session_must_land_on_a_step_awaiting_the_same_outcome() -> None:
    pending = Step(
        "review", Component.PENDING, "Checking", default=NEW.step("review").default, awaits="credit"
    )
    waiting = replace(NEW, steps={**NEW.steps, "review": pending})

    state = session(*SELL_PATH, "review", answers={}, status=SessionStatus.WAITING)

    moved = plan(waiting, NEW, Migration(), state, today=TODAY)

    assert isinstance(moved, Refusal)
    assert (moved.step, moved.rule) == ("review", "awaits")
    assert "it awaits credit, but 'review' in v2 awaits nothing" in moved.message


def test_a_refused_plan_changes_nothing() -> None:
    answers = {"intent": {"intent": "buy"}, "search": {"zip": "10001"}, "contact": {}}
    state = session("intent", "search", "contact", answers=answers)
    before = (copy.deepcopy(state), v1(), v2(), copy.deepcopy(MIGRATION))

    assert isinstance(plan(OLD, NEW, MIGRATION, state, today=TODAY), Refusal)
    assert (state, OLD, NEW, MIGRATION) == before
