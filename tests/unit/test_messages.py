"""The message catalogue: every id the code and the definitions use is in US English, Spanish
has every one of them with the same placeholders and every definition text, none is unused, and
a host page's locale picks the language."""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

import pytest

from app.pipeline.visitor_words import _day, lead_locale, visitor_view
from app.services.consents import consents_given, locale_of
from app.services.effects import CONSENT_TEXT_ID
from app.services.lead_limits import LeadLimits
from app.services.records import LeadRecord, SessionRecord
from app.services.rejections import RETRY_REFUSED, VEHICLE_TAKEN
from app.services.replies import REUSED_KEY, rejected_in
from app.services.step_views import _consent_data, _notice_text
from vehicles.carin import rank
from vehicles.criteria import chips
from vehicles.demo_stock import generate_inventory
from vehicles.models import Dealer
from vehicles.search import relaxation_label
from workflows import messages, navigation
from workflows.checker import check
from workflows.engine import SessionState
from workflows.estimate import remaining_text
from workflows.financing import Decision, complete_of, result_of
from workflows.model import FieldType, SessionStatus
from workflows.outcomes import InvalidStart, StepView
from workflows.registry import default
from workflows.resume import LinkRefused
from workflows.rules import validate

ROOT = Path(__file__).resolve().parents[2]
CODE = [ROOT / folder for folder in ("workflows", "app", "schema", "resolvers", "vehicles")]
EN = messages.catalogue("en-US")
ES = messages.catalogue("es-US")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _ids_in_code() -> set[str]:
    """Every literal catalogue id in the server's modules that read the catalogue."""
    found: set[str] = set()
    prefixes = "error|progress|financing|timeline|date|rejection|start|resume|search|carin"
    pattern = re.compile(rf"""["']((?:{prefixes})\.[a-z0-9_.]+)["']""")
    reads = re.compile(
        r"from workflows(\.messages)? import .*\b(messages|text)\b|message_id|Rejection\("
    )
    for folder in CODE:
        for path in folder.rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if path.name != "messages.py" and reads.search(source):
                found |= set(pattern.findall(source))
    assert len(found) > 40, found
    return found


def _ids_in_definitions() -> set[str]:
    return {
        message_id
        for workflow in default()
        for step in workflow.steps.values()
        for spec in step.fields
        for message_id in spec.messages.values()
    }


def _built_ids() -> set[str]:
    """The ids the code builds (`error.format.<type>`, `date.weekday.<n>`...)."""
    built = {
        f"error.format.{kind.value}" for kind in FieldType if f"error.format.{kind.value}" in EN
    }
    built |= {f"date.weekday.{n}" for n in range(7)} | {f"date.month.{n}" for n in range(1, 13)}
    built |= {f"timeline.channel.{c}" for c in ("email", "sms", "phone")}
    built |= {f"financing.complete.{k}" for k in ("outcome_only", "nothing")}
    built.add(CONSENT_TEXT_ID)  # the consent paragraph of a definition that declares none
    return built


def test_every_id_the_code_and_the_definitions_use_is_in_us_english() -> None:
    used = _ids_in_code() | _ids_in_definitions() | _built_ids()
    assert sorted(used - set(EN)) == []


def test_no_id_of_us_english_is_unused() -> None:
    used = _ids_in_code() | _ids_in_definitions() | _built_ids()
    assert sorted(set(EN) - used) == []


OTHER_LOCALES = [locale for locale in messages.LOCALES if locale != messages.DEFAULT_LOCALE]


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_each_language_has_every_us_english_id_with_the_same_placeholders(locale: str) -> None:
    texts = messages.catalogue(locale)
    assert sorted(set(EN) - set(texts)) == []
    differing = {
        message_id: (EN[message_id], texts[message_id])
        for message_id in EN
        if _placeholders(EN[message_id]) != _placeholders(texts[message_id])
    }
    assert differing == {}


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_each_language_has_every_text_of_every_definition_and_nothing_else(locale: str) -> None:
    texts = messages.catalogue(locale)
    keys: set[str] = set()
    missing = []
    for workflow in default():
        for (versioned, key), _ in messages.definition_texts(workflow):
            keys |= {versioned, key}
            if versioned not in texts and key not in texts:
                missing.append(versioned)
    assert missing == []
    stray = {key for key in texts if key not in EN and key not in keys}
    assert sorted(stray) == []


def test_every_step_reads_in_spanish() -> None:
    for workflow in default():
        spanish = messages.localized_workflow(workflow, "es-US")
        for step_id, step in workflow.steps.items():
            shown = spanish.step(step_id)
            assert (
                shown.title
                == messages.translated(f"{workflow.name}.{step_id}.title", step.title, "es-US")
                or f"{workflow.name}.v{workflow.version}.{step_id}.title" in ES
            )
            assert [f.name for f in shown.fields] == [f.name for f in step.fields]
            assert [o.value for f in shown.fields for o in f.options] == [
                o.value for f in step.fields for o in f.options
            ]
    intro = messages.localized_workflow(default().get("trex"), "es-US").step("vehicle_search")
    assert intro.title == "Encuentra tu vehículo"
    body = next(f for f in intro.fields if f.name == "body_type")
    assert {o.value: o.label for o in body.options}["sedan"] == "Sedán"


def test_an_older_version_has_its_own_spanish_where_its_english_differs() -> None:
    v1, v2 = default().get("trex", 1), default().get("trex", 2)
    fuel_v1 = messages.localized_step(v1, v1.step("vehicle_search"), "es-US").field_named(
        "fuel_type"
    )
    fuel_v2 = messages.localized_step(v2, v2.step("vehicle_search"), "es-US").field_named(
        "fuel_type"
    )
    assert fuel_v1 is not None
    assert fuel_v2 is not None
    assert (fuel_v1.label, fuel_v2.label) == ("Combustible", "Tipo de combustible")


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("es", "es-US"),
        ("es-US", "es-US"),
        ("es-MX", "es-US"),
        ("es_419", "es-US"),
        ("ES-es", "es-US"),
        ("en-US", "en-US"),
        ("en-GB", "en-US"),
        ("fr-CA", "en-US"),
        ("", "en-US"),
        (None, "en-US"),
        (42, "en-US"),
    ],
)
def test_a_host_pages_locale_reads_in_a_shipped_one(asked: object, shown: str) -> None:
    assert messages.negotiate(asked) == shown


def test_an_id_missing_in_spanish_reads_in_us_english(monkeypatch: pytest.MonkeyPatch) -> None:
    without = {k: v for k, v in ES.items() if k != "error.required.email"}
    real = messages.catalogue

    def patched(locale: str) -> dict[str, str]:
        return without if locale == "es-US" else dict(real(locale))

    monkeypatch.setattr(messages, "catalogue", patched)
    assert messages.text("error.required.email", "es-US") == "Enter an email address."
    assert messages.text("error.required.phone", "es-US") == "Ingresa un número de teléfono."
    with pytest.raises(KeyError):
        messages.text("error.no_such_message", "es-US")


class _Lookups:
    def options(self, source: str, answers: object) -> list[str]:
        return ["Toyota"]


def test_errors_name_the_rule_not_the_label_and_read_in_spanish_with_the_same_ids() -> None:
    step = default().get("trex").step("buying_confirmation")
    data = {"email": "not an address", "first_name": "x" * 61, "message": "ok"}
    _, errors = validate(step, data, lookups=_Lookups(), today=date(2026, 12, 2))
    by_field = {e.field: e for e in errors}
    assert {f: (e.code, e.message_id) for f, e in by_field.items()} == {
        "first_name": ("max_length", "error.max_length"),
        "last_name": ("required", "error.required.text"),
        "email": ("format", "error.format.email"),
        "phone": ("required", "error.required.phone"),
        "zip": ("required", "error.required.zip"),
        "consent_to_contact": ("required", "error.must_be_true"),
    }
    assert by_field["first_name"].params == {"limit": 60}
    assert by_field["first_name"].message == "Use 60 characters or fewer."
    assert by_field["first_name"].localized("es-US").message == "Usa 60 caracteres o menos."
    for spec in step.fields:
        error = by_field.get(spec.name)
        assert error is None or not error.message.startswith(spec.label), error
        assert error is None or "not an address" not in str(error.params)


def test_a_field_of_the_definition_gives_its_own_message() -> None:
    step = default().get("trex").step("buyer_financing_invite")
    _, errors = validate(
        step, {"invite_channel": "sms"}, lookups=_Lookups(), today=date(2026, 12, 2)
    )
    (error,) = errors
    assert (error.field, error.code, error.message_id) == (
        "buyer_phone",
        "required",
        "error.required.invite_phone",
    )
    assert error.message == (
        "Enter the buyer's mobile number to send the invitation by text message."
    )
    assert "mensaje de texto" in error.localized("es-US").message


def test_progress_financing_and_the_timeline_read_in_spanish() -> None:
    assert remaining_text(3, 180) == "About 3 minutes left"
    assert remaining_text(3, 180, "es-US") == "Faltan aproximadamente 3 minutos"
    assert remaining_text(1, 70, "es-US") == "Falta aproximadamente 1 minuto"
    assert remaining_text(0, 0, "es-US") == "Ya casi terminas"
    approved = result_of(Decision("approved", 34_000, 6.9), 30_000.0, datetime.now(UTC), "es-US")
    assert approved.headline == "Estás precalificado para hasta $34,000"
    assert approved.disclaimer is not None
    assert approved.disclaimer.startswith("La precalificación")
    declined = result_of(Decision("declined", reason="x"), None, datetime.now(UTC), "es-US")
    assert declined.notice is not None
    assert "Sandbox Credit Bureau" in declined.notice.rights[0]
    assert complete_of("nothing", None, "es-US").next_steps == (
        "El vendedor no sabrá nada de tu solicitud.",
    )
    thursday = datetime(2026, 12, 3, tzinfo=UTC)
    assert _day(thursday, "en-US") == "Thursday, December 3"
    assert _day(thursday, "es-US") == "jueves 3 de diciembre"


def _record(locale: str | None) -> SessionRecord:
    now = datetime(2026, 12, 2, tzinfo=UTC)
    context = {"host": {"locale": locale}} if locale else {}
    state = SessionState("buying_confirmation", SessionStatus.ACTIVE, {}, ("buying_confirmation",))
    return SessionRecord("s", "h", "trex", 2, state, context, now, now)


@pytest.mark.parametrize(("asked", "recorded"), [("es-MX", "es-US"), (None, "en-US")])
def test_a_consent_records_the_text_as_shown_in_the_sessions_locale(
    asked: str | None, recorded: str
) -> None:
    workflow = default().get("trex")
    step = workflow.step("buying_confirmation")
    record = _record(asked)
    assert locale_of(record) == recorded
    (given,) = consents_given(
        record, workflow, step, {"consent_to_contact": True}, datetime.now(UTC)
    )
    shown = messages.localized_step(workflow, step, recorded).field_named("consent_to_contact")
    assert shown is not None
    assert given["locale"] == recorded
    assert given["text_hash"] == hashlib.sha256(shown.label.encode()).hexdigest()
    assert (recorded == "es-US") == shown.label.startswith("Acepto")
    lead = LeadRecord("l", "TRX-1", "s", "buying", "SUBMITTED", datetime.now(UTC))
    assert lead_locale(lead) == "en-US"
    assert lead_locale(replace(lead, details={"consents": [given]})) == recorded


def test_the_visitors_timeline_reads_in_the_locale_of_the_leads_consents() -> None:
    at = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday: answered by Thursday
    dealer = Dealer("dlr-1", "Hudson Motors", "10001", "New York", "NY", 5)
    lead = LeadRecord(
        "lead-1",
        "TRX-ABC234",
        "session-1",
        "buying",
        "SUBMITTED",
        at,
        contact={"email": "ada@example.com", "preferred_contact": "sms"},
        details={"consents": [{"field": "consent_to_contact", "locale": "es-US"}]},
        outcomes={"routed": {"dealers": ["dlr-1"]}},
    )
    shown = [
        visitor_view(lead, status, detail, at, {"dlr-1": dealer}.get)
        for status, detail in (
            ("SUBMITTED", {}),
            ("DEALER_ASSIGNED", {"dealers": ["dlr-1"]}),
            ("CONTACTED", {"channel": "email"}),
            ("COMPLETED", {}),
            ("FINANCING_PREQUALIFIED", {}),
        )
    ]
    assert [row["text"] if row else None for row in shown] == [
        "Tu solicitud va camino al concesionario.",
        "Hudson Motors en New York, NY tiene tu solicitud.",
        "Te enviamos la confirmación por correo electrónico a a•••@example.com.",
        "Hudson Motors en New York, NY se comunicará contigo por mensaje de texto a más tardar "
        "el jueves 3 de diciembre.",
        "Tu comprador precalificó para el financiamiento.",
    ]
    english = replace(lead, details={})
    row = visitor_view(english, "COMPLETED", {}, at, {"dlr-1": dealer}.get)
    assert row is not None
    assert row["text"] == (
        "Hudson Motors in New York, NY will contact you by text message by Thursday, December 3."
    )


def test_the_soft_credit_paragraph_of_a_definition_without_one_reads_in_the_locale() -> None:
    v1, v2 = default().get("trex", 1), default().get("trex", 2)
    declared = v2.step("credit_consent").field_named("consent")
    assert declared is not None
    assert declared.consent is not None
    english = _consent_data(v1.step("credit_consent"), "en-US")
    assert english.consent_text == declared.consent.text
    spanish = _consent_data(v1.step("credit_consent"), "es-US")
    assert spanish.consent_text.startswith("Acepto que los concesionarios de la red T-Rex")
    shown = messages.localized_step(v2, v2.step("credit_consent"), "es-US")
    assert _consent_data(shown, "es-US").consent_text == spanish.consent_text


def test_the_checker_refuses_a_fields_message_not_in_the_catalogue_or_for_no_rule() -> None:
    workflow = default().get("trex")
    step = workflow.step("buyer_financing_invite")
    fields = tuple(
        replace(spec, messages={"required": "error.no_such_text", "colour": "error.required.text"})
        if spec.name == "buyer_email"
        else spec
        for spec in step.fields
    )
    broken = replace(workflow, steps={**workflow.steps, step.id: replace(step, fields=fields)})
    faults = [str(fault) for fault in check(broken)]
    assert faults == [
        "buyer_financing_invite: field 'buyer_email' says unknown message 'error.no_such_text'",
        "buyer_financing_invite: field 'buyer_email' has a message for unknown rule 'colour'",
    ]
    assert check(workflow) == []


# What else the visitor reads: rejections, refusals before a session, the search's words ------

BACK_REFUSALS = [
    navigation.FORBIDDEN,
    navigation.FIRST,
    navigation.NOT_EARLIER,
    navigation.COMMITTED,
    navigation.PENDING,
    navigation.ENDED,
]


def test_every_rejection_reads_in_spanish_with_its_code_and_id_unchanged() -> None:
    limits = LeadLimits(3, 5, 48)
    rejections = [
        RETRY_REFUSED,
        VEHICLE_TAKEN,
        limits._too_many_holds(),
        limits._too_many_leads(),
    ]
    assert [r.code for r in rejections] == [
        "retry_not_needed",
        "vehicle_unavailable",
        "too_many_holds",
        "too_many_leads",
    ]
    assert rejections[2].reason.startswith("You already have 3 vehicles on hold")
    assert messages.text(rejections[2].message_id, "es-US", rejections[2].params).startswith(
        "Ya tienes 3 vehículos reservados"
    )
    assert "5 solicitudes" in messages.text(rejections[3].message_id, "es-US", {"limit": 5})
    said = [(r.message_id, r.params, r.reason) for r in rejections]
    said += [(b.message_id, {}, b.reason) for b in BACK_REFUSALS]
    said += [(REUSED_KEY, {}, messages.text(REUSED_KEY))]
    for message_id, params, english in said:
        assert english == messages.text(message_id, "en-US", params)
        assert message_id in ES
        assert messages.text(message_id, "es-US", params) != english, message_id
    assert {b.code for b in BACK_REFUSALS} == {"cannot_go_back", "not_on_path"}


def test_a_rejection_and_the_notice_it_leaves_read_in_the_sessions_locale() -> None:
    view = cast(StepView, object())
    spanish = rejected_in(
        _record("es"), "too_many_holds", "rejection.too_many_holds", {"limit": 2}, view
    )
    english = rejected_in(
        _record(None), "too_many_holds", "rejection.too_many_holds", {"limit": 2}, view
    )
    assert (
        (spanish.code, spanish.message_id, spanish.params)
        == (
            english.code,
            english.message_id,
            english.params,
        )
        == ("too_many_holds", "rejection.too_many_holds", {"limit": 2})
    )
    assert spanish.reason.startswith("Ya tienes 2 vehículos")
    assert english.reason.startswith("You already have 2 vehicles")
    notice = {"step": "search_results", "text": VEHICLE_TAKEN.reason, "code": "vehicle_unavailable"}
    with_id = {**notice, "message_id": VEHICLE_TAKEN.message_id, "params": {}}
    assert _notice_text(with_id, "es-US") == messages.text("rejection.vehicle_unavailable", "es-US")
    assert _notice_text(with_id, "en-US") == VEHICLE_TAKEN.reason
    # A notice stored before the catalogue reads as it was stored.
    assert _notice_text(notice, "es-US") == VEHICLE_TAKEN.reason


def test_an_invitation_or_a_link_refused_reads_in_the_locale_asked_with_the_same_id() -> None:
    refused = InvalidStart.said("start.invitation.used", "invitation")
    assert str(refused) == "This invitation was already used. Ask the seller to send you a new one."
    spanish = refused.localized("es-US")
    assert (spanish.field, spanish.message_id) == ("invitation", "start.invitation.used")
    assert str(spanish) == "Esta invitación ya se usó. Pídele al vendedor que te envíe una nueva."
    assert refused.localized("en-US") is refused
    integrator = InvalidStart("A publishable key (the X-Publishable-Key header) is required.")
    assert integrator.localized("es-US") is integrator  # the integrator's: US English, no id
    for code in ("unknown", "used", "expired"):
        english, spanish_link = LinkRefused.said(code), LinkRefused.said(code, "es-US")
        assert english.message_id == spanish_link.message_id == f"resume.link.{code}"
        assert english.code == spanish_link.code == code
        assert english.reason != spanish_link.reason
    assert LinkRefused.said("used", "es-US").reason.startswith("Este enlace ya se usó")


def test_chips_and_relaxations_read_in_spanish_with_the_same_fields() -> None:
    answers = {
        "make": "Ford",
        "price_max": 25_000,
        "mileage_max": 60_000,
        "fuel_type": "petrol",
        "body_type": "pickup",
        "must_haves": ["awd", "heated_seats"],
        "zip": "10001",
    }
    english, spanish = chips(answers, ("price_max",)), chips(answers, ("price_max",), "es-US")
    assert [(c.field, c.removable) for c in spanish] == [(c.field, c.removable) for c in english]
    assert [c.text for c in spanish] == [
        "Marca: Ford",
        "Precio máximo: $25,000",
        "Millaje máximo: 60,000 mi",
        "Tipo de combustible: Gasolina",
        "Tipo de carrocería: Camioneta pickup",
        "Imprescindibles: Tracción integral (AWD), Asientos con calefacción",
        "Cerca del código postal: 10001",
    ]
    assert relaxation_label("fuel_type", 1) == "Any fuel type (1 match)"
    assert (
        relaxation_label("fuel_type", 1, "es-US") == "Cualquier tipo de combustible (1 resultado)"
    )
    assert relaxation_label("model", 12_345, "es-US") == "Cualquier modelo (12,345 resultados)"
    assert relaxation_label("price_max", 2) == "Remove the maximum price (2 matches)"


def test_carin_reasons_read_in_spanish_for_the_same_ranking() -> None:
    stock = generate_inventory()
    asked: dict[str, object] = {
        "budget_max": 30_000,
        "primary_use": "family",
        "passengers": 5,
        "fuel_preference": "hybrid",
        "annual_miles": 15_000,
        "must_haves": ["automatic", "third_row"],
        "zip": "60601",
    }
    dealers = {dealer.id: dealer for dealer in stock.dealers}
    english = rank(stock.vehicles, dealers, asked, page_size=30)
    spanish = rank(stock.vehicles, dealers, asked, page_size=30, locale="es-US")
    assert [(v.vehicle.id, v.match_score, len(v.match_reasons)) for v in spanish.vehicles] == [
        (v.vehicle.id, v.match_score, len(v.match_reasons)) for v in english.vehicles
    ]
    said_en = {r for v in english.vehicles for r in v.match_reasons}
    said_es = {r for v in spanish.vehicles for r in v.match_reasons}
    assert said_en.isdisjoint(said_es)
    assert any(r.startswith("Dentro de tu presupuesto de $") for r in said_es)
    assert any(r.endswith("asientos: caben 5 pasajeros") for r in said_es)


def test_a_rejected_leads_crm_reason_is_shown_only_in_us_english() -> None:
    at = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    lead = LeadRecord("lead-1", "TRX-ABC234", "session-1", "buying", "REJECTED", at)
    spanish = replace(lead, details={"consents": [{"field": "c", "locale": "es-US"}]})
    detail = {"code": "duplicate", "reason": "Duplicate lead in the CRM."}
    nowhere: dict[str, Dealer] = {}
    assert visitor_view(lead, "REJECTED", detail, at, nowhere.get) == {
        "text": "Duplicate lead in the CRM."
    }
    assert visitor_view(spanish, "REJECTED", detail, at, nowhere.get) == {
        "text": messages.text("timeline.rejected", "es-US")
    }
