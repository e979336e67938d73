"""The shadow replay's pure core (workflows/replay.py): one test per category of its report, on
sessions written row by row as the history records them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from tests.support.replay_versions import (
    V1,
    new_required_field,
    renamed_option,
    with_steps,
    without_removed_step,
)
from workflows.checks import age_on
from workflows.model import Component, Field, FieldType, Goto, Step
from workflows.personal import REDACTED
from workflows.replay import (
    START,
    Counted,
    Divergence,
    RecordedRow,
    RecordedSession,
    RejectedAnswer,
    replay,
)
from workflows.rules import validate
from workflows.synthetic import synthetic

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
CONTACT = {
    **dict.fromkeys(("first_name", "last_name", "email", "phone", "zip", "message"), REDACTED),
    "preferred_contact": "email",
    "consent_to_contact": True,
}
Row = tuple[str, str | None, str, Mapping[str, object]]


def session(*rows: Row, workflow_type: str | None = None, sid: str = "s1") -> RecordedSession:
    start: Row = ("start", None, V1.entries[workflow_type], {"workflowType": workflow_type})
    recorded = tuple(
        RecordedRow(action, source, target, data, T0 + timedelta(seconds=n))
        for n, (action, source, target, data) in enumerate((start, *rows))
    )
    return RecordedSession(sid, "trex", 1, workflow_type, recorded)


BUYING: tuple[Row, ...] = (
    ("transition", "intent_selection", "vehicle_knowledge", {"intent": "buying"}),
    ("transition", "vehicle_knowledge", "vehicle_search", {"knows_vehicle": True}),
    ("transition", "vehicle_search", "search_results", {"make": "Toyota", "zip": REDACTED}),
    ("transition", "search_results", "vehicle_selection", {"vehicle_id": "veh-123"}),
    ("transition", "vehicle_selection", "buying_confirmation", {"confirm": True}),
    ("transition", "buying_confirmation", "buying_complete", CONTACT),
)
DEALER_NETWORK: tuple[Row, ...] = (
    ("transition", "has_buyer", "dealer_network", {"has_buyer": False}),
    (
        "transition",
        "dealer_network",
        "credit_consent",
        {"make": "Honda", "model": "Civic", "year": 2018, "mileage": 4, "condition": "good"}
        | {"zip": REDACTED},
    ),
    ("transition", "credit_consent", "dealer_confirmation", {"consent": True}),
    ("transition", "dealer_confirmation", "replacement_check", CONTACT),
    ("transition", "replacement_check", "selling_complete", {"wants_replacement": False}),
)


def test_a_session_replayed_over_its_own_version_goes_exactly_where_it_went() -> None:
    report = replay(V1, [session(*BUYING)])
    assert (report.sessions, report.followed) == (1, 1)
    assert report.divergences == ()
    assert report.rejections == ()
    assert report.stuck == ()
    moves = [(m.action, m.from_step, m.to_step) for m in report.replays[0].moves]
    assert moves == [("start", None, "intent_selection")] + [(a, f, t) for a, f, t, _ in BUYING]


def test_where_a_version_goes_elsewhere_is_the_first_divergence_and_the_replay_rejoins() -> None:
    removed = with_steps(V1, 2, without_removed_step(), drop="credit_consent")
    report = replay(removed, [session(*DEALER_NETWORK, workflow_type="selling")])
    divergence = Divergence("dealer_network", "credit_consent", "dealer_confirmation")
    assert report.divergences == (Counted(divergence, 1),)
    assert report.missing_steps == (Counted("credit_consent", 1),)
    only = report.replays[0]
    assert only.skipped == 1  # the removed step's answer
    assert only.moves[-1].to_step == "selling_complete"  # rejoined at dealer_confirmation
    assert report.stuck == ()


def test_an_entry_that_starts_elsewhere_diverges_at_the_start() -> None:
    entries = {**V1.entries, "selling": "intent_selection"}
    report = replay(
        replace(V1, entries=entries), [session(*DEALER_NETWORK, workflow_type="selling")]
    )
    assert report.divergences == (Counted(Divergence(START, "has_buyer", "intent_selection"), 1),)


def test_answers_a_version_refuses_are_counted_by_step_field_and_code_never_by_value() -> None:
    selling: tuple[Row, ...] = (
        ("transition", "has_buyer", "buyer_type", {"has_buyer": True}),
        ("transition", "buyer_type", "dealer_information", {"buyer_type": "dealer"}),
    )
    changed = with_steps(V1, 2, renamed_option(), new_required_field())
    sessions = [
        session(*BUYING, sid="buyer"),
        session(*selling, workflow_type="selling", sid="seller"),
        session(*selling, workflow_type="selling", sid="another seller"),
    ]
    report = replay(changed, sessions)
    assert report.rejections == (
        Counted(RejectedAnswer("buyer_type", "buyer_type", "enum"), 2),
        Counted(RejectedAnswer("vehicle_selection", "financing_interest", "required"), 1),
    )
    buyer = report.replays[0]
    assert buyer.moves[-1].to_step == "vehicle_selection"  # it stops at the refused answer
    assert buyer.skipped == 1  # the confirmation after it
    assert "dealer" not in repr(report.rejections)


def test_a_session_is_stuck_where_the_version_asks_what_was_never_answered() -> None:
    asked = Step(
        "budget_first",
        Component.CHOICE,
        "Budget first",
        fields=(Field("budget", FieldType.NUMBER, "Budget", required=True),),
        default=Goto("carin_questions"),
    )
    knowledge = replace(V1.step("vehicle_knowledge"), guards=(), default=Goto("budget_first"))
    inserted = with_steps(V1, 2, asked, knowledge)
    report = replay(inserted, [session(*BUYING)])
    assert report.stuck == (Counted("budget_first", 1),)
    assert report.divergences == (
        Counted(Divergence("vehicle_knowledge", "vehicle_search", "budget_first"), 1),
    )
    # A session that stopped where the replay stops is not stuck, however it got there.
    stopped = replay(inserted, [session(*BUYING[:1])])
    assert stopped.stuck == ()
    assert stopped.followed == 1


def test_an_entry_the_version_lost_leaves_the_session_stuck_at_its_start() -> None:
    entries = {k: v for k, v in V1.entries.items() if k != "selling"}
    report = replay(
        replace(V1, entries=entries), [session(*DEALER_NETWORK, workflow_type="selling")]
    )
    assert report.stuck == (Counted(START, 1),)
    assert report.replays[0].moves == ()


def test_redacted_personal_values_are_replaced_by_valid_synthetic_ones_and_counted() -> None:
    report = replay(V1, [session(*BUYING)])
    assert report.synthetic == 1 + 6  # the search's ZIP, the confirmation's six
    assert report.followed == 1


def test_every_personal_field_of_the_definition_has_a_valid_synthetic_value() -> None:
    today = date(2026, 3, 14)
    for step in V1.steps.values():
        for spec in step.fields:
            if not spec.personal:
                continue
            value = synthetic(spec, today)
            _, errors = validate(step, {spec.name: value}, lookups=_NoLookups(), today=today)
            assert [e for e in errors if e.field == spec.name] == [], (step.id, spec.name)
    birth = V1.step("credit_check").field_named("date_of_birth")
    assert birth is not None
    assert age_on(date.fromisoformat(str(synthetic(birth, today))), today) == 30


def test_a_resume_replays_as_the_pending_steps_resumption() -> None:
    credit: tuple[Row, ...] = (
        ("transition", "has_buyer", "buyer_type", {"has_buyer": True}),
        ("transition", "buyer_type", "private_buyer_details", {"buyer_type": "private"}),
        (
            "transition",
            "private_buyer_details",
            "financing_needs",
            {"make": "Honda", "model": "Civic", "year": 2018, "mileage": 4, "condition": "good"}
            | {"agreed_price": 9000, "buyer_name": REDACTED, "buyer_email": REDACTED},
        ),
        ("transition", "financing_needs", "credit_check", {"needs_financing": True}),
        (
            "transition",
            "credit_check",
            "credit_check_pending",
            dict.fromkeys(
                ("full_name", "date_of_birth", "ssn", "address_line", "zip", "annual_income"),
                REDACTED,
            )
            | {"consent_to_credit_check": True},
        ),
        ("resume", "credit_check_pending", "selling_confirmation", {}),
    )
    report = replay(V1, [session(*credit, workflow_type="selling")])
    assert report.followed == 1
    assert report.replays[0].moves[-1].action == "resume"
    # A version whose pending step resumes elsewhere diverges there.
    elsewhere = replace(V1.step("credit_check_pending"), default=Goto("replacement_check"))
    moved = replay(with_steps(V1, 2, elsewhere), [session(*credit, workflow_type="selling")])
    divergence = Divergence("credit_check_pending", "selling_confirmation", "replacement_check")
    assert moved.divergences == (Counted(divergence, 1),)


def test_back_replays_as_the_engines_back_and_a_refused_back_stays() -> None:
    walked: tuple[Row, ...] = (
        *BUYING[:2],
        ("back", "vehicle_search", "vehicle_knowledge", {}),
        ("transition", "vehicle_knowledge", "carin_questions", {"knows_vehicle": False}),
    )
    assert replay(V1, [session(*walked)]).followed == 1
    no_back = replace(V1.step("vehicle_search"), can_go_back=False)
    report = replay(with_steps(V1, 2, no_back), [session(*walked)])
    divergence = Divergence("vehicle_search", "vehicle_knowledge", "vehicle_search")
    assert report.divergences == (Counted(divergence, 1),)


def test_a_business_rejection_replays_as_the_steps_on_reject() -> None:
    taken: tuple[Row, ...] = (
        *BUYING[:5],
        ("rejected", "buying_confirmation", "search_results", {}),
    )
    assert replay(V1, [session(*taken)]).followed == 1
    elsewhere = replace(V1.step("buying_confirmation"), on_reject=Goto("vehicle_search"))
    report = replay(with_steps(V1, 2, elsewhere), [session(*taken)])
    divergence = Divergence("buying_confirmation", "search_results", "vehicle_search")
    assert report.divergences == (Counted(divergence, 1),)


def test_service_options_are_accepted_as_recorded() -> None:
    report = replay(V1, [session(*BUYING)])
    assert report.accepted_lookups == 2  # the make, the listed vehicle
    assert report.rejections == ()


class _NoLookups:
    def options(self, source: str, answers: object) -> list[str]:
        return []


def test_a_session_migrated_between_versions_is_counted_not_replayed() -> None:
    moved = session(*BUYING[:2], ("migrate", "vehicle_search", "vehicle_search", {}), sid="m")
    report = replay(V1, [moved, session(*BUYING)])
    assert (report.sessions, report.migrated, report.followed) == (1, 1, 1)
