"""Languages: a host page's `locale` picks the session's language. A session started with
context {locale: "es-US"} (or any Spanish) reads its titles, labels, options, progress, errors
and what happens next in Spanish, with the same step ids, field names, option values, codes and
message ids as a US English one; without a locale it reads in US English. Over GraphQL and REST.
Its rejections (and the step they send it to), its search's chips, relaxations and CarIn reasons
read in Spanish too, with the codes of an English one; an invitation refused before any session
exists reads in the language of the start's context."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.e2e.client import Api, operation
from tests.e2e.financing import apply, invitation_token, invite
from tests.e2e.test_resume_links import delivered_link, token_of
from tests.support import answers
from workflows import messages

START = operation("start_workflow")
TRANSITION = operation("transition").replace(
    "errors { field code message }", "errors { field code message messageId params }"
)
ENGLISH_TIME = re.compile(
    r"^(About \d+ minutes? left|About 1 minute left|Less than a minute left)$"
)
SPANISH_TIME = re.compile(
    r"^(Faltan aproximadamente \d+ minutos|Falta aproximadamente 1 minuto|"
    r"Falta menos de un minuto)$"
)


class _Session:
    def __init__(self, api: Api, step: dict[str, Any]) -> None:
        self.api, self.step = api, step
        self.id, self.token = step["session"]["id"], step["started"]["token"]

    @classmethod
    async def start(cls, api: Api, context: dict[str, Any] | None) -> _Session:
        variables = {"input": {"workflowType": "BUYING", "context": context}}
        return cls(api, (await api.execute(START, variables))["startWorkflow"])

    async def submit(self, data: dict[str, Any]) -> dict[str, Any]:
        variables = {
            "input": {
                "sessionId": self.id,
                "currentStep": self.step["stepId"],
                "data": data,
                "idempotencyKey": str(uuid.uuid4()),
            }
        }
        result = (await self.api.execute(TRANSITION, variables, self.token))["transition"]
        if result["__typename"] != "ValidationFailed":
            self.step = result
        return dict(result)


def _shape(step: dict[str, Any]) -> object:
    """What does not depend on the language: ids, names, values, rules (their messages' codes,
    not their texts)."""
    rules = step["validationRules"]
    fields = {
        name: {**rule, "messages": sorted(rule["messages"])}
        for name, rule in rules["fields"].items()
    }
    return (
        step["stepId"],
        step["componentName"],
        [(f["name"], f["type"], [o["value"] for o in f["options"] or []]) for f in step["fields"]],
        {**rules, "fields": fields},
    )


def _rule_message(step: dict[str, Any], field: str, code: str) -> str:
    return str(step["validationRules"]["fields"][field]["messages"][code])


def _errors(result: dict[str, Any]) -> dict[str, tuple[str, str, object]]:
    assert result["__typename"] == "ValidationFailed", result
    return {e["field"]: (e["code"], e["messageId"], e["params"]) for e in result["errors"]}


def _messages(result: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in result["errors"]}


async def test_a_spanish_session_reads_in_spanish_with_the_ids_of_an_english_one(api: Api) -> None:
    spanish = await _Session.start(api, {"locale": "es-US", "page": "/autos"})
    english = await _Session.start(api, {"page": "/cars"})
    for session in (spanish, english):
        assert session.step["stepId"] == "vehicle_knowledge"
    assert _shape(spanish.step) == _shape(english.step)
    assert english.step["title"] == "Do you already know which vehicle you want?"
    assert spanish.step["title"] == "¿Ya sabes qué vehículo quieres?"
    options = {o["value"]: o["label"] for o in spanish.step["fields"][0]["options"]}
    assert options == {"true": "Sí, quiero buscar", "false": "No, ayúdenme a elegir"}
    assert ENGLISH_TIME.match(english.step["navigation"]["progress"]["remainingText"])
    assert SPANISH_TIME.match(spanish.step["navigation"]["progress"]["remainingText"])

    refused_es, refused_en = await spanish.submit({}), await english.submit({})
    assert _errors(refused_es) == _errors(refused_en)
    assert _errors(refused_en) == {"knows_vehicle": ("required", "error.required.choice", {})}
    assert _messages(refused_en) == {"knows_vehicle": "Choose one."}
    assert _messages(refused_es) == {"knows_vehicle": "Elige una opción."}
    # The rules a client checks before submit carry the same texts, in the session's language.
    assert _rule_message(english.step, "knows_vehicle", "required") == "Choose one."
    assert _rule_message(spanish.step, "knows_vehicle", "required") == "Elige una opción."

    for session in (spanish, english):
        await session.submit({"knows_vehicle": True})
        assert session.step["stepId"] == "vehicle_search"
    assert spanish.step["title"] == "Encuentra tu vehículo"
    labels = {f["name"]: f["label"] for f in spanish.step["fields"]}
    assert (labels["make"], labels["price_max"]) == ("Marca", "Precio máximo")
    body = next(f for f in spanish.step["fields"] if f["name"] == "body_type")
    assert {o["value"]: o["label"] for o in body["options"]}["pickup"] == "Camioneta pickup"

    bad = {"make": "", "year_min": 1800, "price_max": 20_000_000, "zip": "123"}
    refused_es, refused_en = await spanish.submit(bad), await english.submit(bad)
    assert _errors(refused_es) == _errors(refused_en)
    assert _errors(refused_en) == {
        "make": ("required", "error.required.text", {}),
        "year_min": ("minimum", "error.minimum", {"minimum": 1990}),
        "price_max": ("maximum", "error.maximum", {"maximum": 10_000_000}),
        "zip": ("format", "error.format.zip", {}),
    }
    assert _messages(refused_es) == {
        "make": "Completa este campo.",
        "year_min": "Ingresa 1990 o más.",
        "price_max": "Ingresa 10,000,000 o menos.",
        "zip": "Ingresa un código postal (ZIP) de 5 dígitos.",
    }
    assert _messages(refused_en)["price_max"] == "Enter 10,000,000 or less."

    # On to the contact step: its summary's sections and its consent read in Spanish too.
    for session in (spanish, english):
        await session.submit(answers.SEARCH)
        await session.submit({"vehicle_id": session.step["vehicles"][0]["id"]})
        await session.submit({"confirm": True})
        assert session.step["stepId"] == "buying_confirmation"
    assert _shape(spanish.step) == _shape(english.step)
    assert spanish.step["title"] == "Tus datos de contacto"
    sections = [(s["stepId"], s["title"]) for s in spanish.step["sections"]]
    assert sections == [("search_results", "Vehículos que coinciden con tu búsqueda")]
    consent = next(f for f in spanish.step["fields"] if f["name"] == "consent_to_contact")
    assert consent["label"].startswith("Acepto que me contacten")

    await spanish.submit(answers.CONTACT)
    assert spanish.step["stepId"] == "buying_complete"
    assert spanish.step["title"] == "Solicitud enviada"
    assert spanish.step["nextSteps"][0].startswith("El concesionario tiene tu solicitud")
    assert spanish.step["navigation"]["progress"]["remainingText"] == "Ya casi terminas"


async def _rest(
    api: Api, path: str, body: dict[str, Any], token: str | None = None
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await api.http.post(f"/api/workflow/{path}", json=body, headers=headers)


async def test_the_rest_mirror_reads_in_the_sessions_locale_with_the_same_ids(api: Api) -> None:
    started = {}
    for name, context in (("es", {"locale": "es_419"}), ("en", None), ("fr", {"locale": "fr"})):
        body: dict[str, Any] = {"workflowType": "buying"}
        if context:
            body["context"] = context
        response = await _rest(api, "start", body)
        assert response.status_code == 200, response.text
        started[name] = response.json()
    assert started["es"]["title"] == "¿Ya sabes qué vehículo quieres?"
    assert started["en"]["title"] == started["fr"]["title"]
    assert started["en"]["title"] == "Do you already know which vehicle you want?"
    progress = started["es"]["navigationOptions"]["progress"]["remaining_text"]
    assert SPANISH_TIME.match(progress), progress

    refused = {}
    for name in ("es", "en"):
        step = started[name]
        transition = {"sessionId": step["sessionId"], "currentStep": step["stepId"], "data": {}}
        response = await _rest(api, "transition", transition, step["sessionToken"])
        assert response.status_code == 400, response.text
        refused[name] = response.json()
    ids = {
        name: [(e["field"], e["code"], e["messageId"], e["params"]) for e in body["errors"]]
        for name, body in refused.items()
    }
    assert ids["es"] == ids["en"] == [("knows_vehicle", "required", "error.required.choice", {})]
    assert (refused["es"]["message"], refused["en"]["message"]) == (
        "Elige una opción.",
        "Choose one.",
    )
    assert refused["es"]["messageId"] == "error.required.choice"


# Rejections, searches and refusals before a session exists -------------------------------------

REJECTING = TRANSITION.replace(
    "... on TransitionRejected { reason code",
    "... on TransitionRejected { reason code messageId params",
)
BACK = operation("back").replace(
    "... on TransitionRejected { reason code",
    "... on TransitionRejected { reason code messageId params",
)
RESULTS = """
query Results($sessionId: ID!) {
  session(sessionId: $sessionId) {
    ... on VehicleResultsStep {
      stepId total message
      chips { field label value text removable }
      relaxations { field matches label drops answers }
      vehicles { id matchScore matchReasons }
    }
  }
}"""
START_REFUSED = """
mutation Start($input: StartWorkflowInput!) {
  startWorkflow(input: $input) { __typename }
}"""


async def _at_confirmation(api: Api, locale: str | None, vehicle_id: str | None) -> _Session:
    session = await _Session.start(api, {"locale": locale} if locale else None)
    await session.submit({"knows_vehicle": True})
    await session.submit({"make": "Subaru"})
    await session.submit({"vehicle_id": vehicle_id or session.step["vehicles"][0]["id"]})
    await session.submit({"confirm": True})
    assert session.step["stepId"] == "buying_confirmation", session.step
    return session


async def _rejected(
    session: _Session, data: dict[str, Any], key: str | None = None, step: str | None = None
) -> dict[str, Any]:
    variables = {
        "input": {
            "sessionId": session.id,
            "currentStep": step or session.step["stepId"],
            "data": data,
            "idempotencyKey": key or str(uuid.uuid4()),
        }
    }
    result = (await session.api.execute(REJECTING, variables, session.token))["transition"]
    assert result["__typename"] == "TransitionRejected", result
    session.step = result["step"]
    return dict(result)


async def _back(session: _Session) -> dict[str, Any]:
    variables = {"input": {"sessionId": session.id, "currentStep": session.step["stepId"]}}
    result = (await session.api.execute(BACK, variables, session.token))["back"]
    assert result["__typename"] == "TransitionRejected", result
    return dict(result)


def _said(rejected: dict[str, Any]) -> tuple[str, str, object]:
    return rejected["code"], rejected["messageId"], rejected["params"]


async def test_a_rejection_reads_in_spanish_with_the_code_and_id_of_an_english_one(
    api: Api,
) -> None:
    english = await _at_confirmation(api, None, None)
    vehicle_id = english.step["summary"]["vehicle"]["id"]
    spanish = await _at_confirmation(api, "es-MX", vehicle_id)
    late_english = await _at_confirmation(api, None, vehicle_id)
    await english.submit(answers.CONTACT)
    assert english.step["stepId"] == "buying_complete"

    # The vehicle went to the first: both others are sent back to the results, told why.
    key = str(uuid.uuid4())
    taken_es = await _rejected(spanish, answers.CONTACT, key)
    taken_en = await _rejected(late_english, answers.CONTACT)
    # The same request again is answered as the first time, in Spanish too.
    replayed = await _rejected(spanish, answers.CONTACT, key, "buying_confirmation")
    assert (replayed["reason"], _said(replayed)) == (taken_es["reason"], _said(taken_es))
    assert _said(taken_es) == _said(taken_en)
    assert _said(taken_en) == ("vehicle_unavailable", "rejection.vehicle_unavailable", {})
    assert taken_en["reason"] == (
        "Sorry, this vehicle has just been sold or reserved. Please choose another one."
    )
    assert taken_es["reason"] == (
        "Lo sentimos, este vehículo se acaba de vender o reservar. Elige otro, por favor."
    )
    for session, taken in ((spanish, taken_es), (late_english, taken_en)):
        assert session.step["stepId"] == "search_results"
        assert session.step["message"] == taken["reason"]
    reloaded = (await api.execute(RESULTS, {"sessionId": spanish.id}, spanish.token))["session"]
    assert reloaded["message"] == taken_es["reason"]

    # Back from a submitted request is refused, in each session's language.
    await spanish.submit({"vehicle_id": spanish.step["vehicles"][0]["id"]})
    await spanish.submit({"confirm": True})
    await spanish.submit(answers.CONTACT)
    assert spanish.step["stepId"] == "buying_complete"
    back_es, back_en = await _back(spanish), await _back(english)
    assert _said(back_es) == _said(back_en)
    assert back_en["code"] == "cannot_go_back"
    assert back_en["messageId"].startswith("rejection.back.")
    assert back_es["reason"] != back_en["reason"]
    assert back_es["reason"] == messages.text(back_en["messageId"], "es-US")
    assert back_en["reason"] == messages.text(back_en["messageId"], "en-US")


async def test_a_spanish_search_reads_its_chips_relaxations_and_reasons_in_spanish(
    api: Api,
) -> None:
    found: dict[str, dict[str, Any]] = {}
    for name, locale in (("es", "es-US"), ("en", None)):
        session = await _Session.start(api, {"locale": locale} if locale else None)
        await session.submit({"knows_vehicle": True})
        await session.submit({"make": "Honda", "model": "Pilot", "fuel_type": "hybrid"})
        assert session.step["stepId"] == "search_results", session.step
        shown = await api.execute(RESULTS, {"sessionId": session.id}, session.token)
        found[name] = shown["session"]
    es, en = found["es"], found["en"]
    assert es["total"] == en["total"] == 0
    assert [(c["field"], c["removable"]) for c in es["chips"]] == [
        (c["field"], c["removable"]) for c in en["chips"]
    ]
    assert [c["text"] for c in en["chips"]] == ["Make: Honda", "Model: Pilot", "Fuel type: Hybrid"]
    assert [c["text"] for c in es["chips"]] == [
        "Marca: Honda",
        "Modelo: Pilot",
        "Tipo de combustible: Híbrido",
    ]
    offers = {name: {r["field"]: r for r in shown["relaxations"]} for name, shown in found.items()}
    assert offers["es"].keys() == offers["en"].keys() >= {"fuel_type"}
    for field, offer in offers["en"].items():
        spanish = offers["es"][field]
        assert (spanish["matches"], spanish["drops"], spanish["answers"]) == (
            offer["matches"],
            offer["drops"],
            offer["answers"],
        )
        assert spanish["label"] != offer["label"]
    fuel = offers["es"]["fuel_type"]
    count = fuel["matches"]
    words = "1 resultado" if count == 1 else f"{count:,} resultados"
    assert fuel["label"] == f"Cualquier tipo de combustible ({words})"

    ranked: dict[str, list[dict[str, Any]]] = {}
    for name, locale in (("es", "es-US"), ("en", None)):
        session = await _Session.start(api, {"locale": locale} if locale else None)
        await session.submit({"knows_vehicle": False})
        await session.submit(answers.CARIN)
        assert session.step["stepId"] == "carin_results", session.step
        ranked[name] = session.step["vehicles"]
    assert [(v["id"], v["matchScore"], len(v["matchReasons"])) for v in ranked["es"]] == [
        (v["id"], v["matchScore"], len(v["matchReasons"])) for v in ranked["en"]
    ]
    english_reasons = {r for v in ranked["en"] for r in v["matchReasons"]}
    spanish_reasons = [r for v in ranked["es"] for r in v["matchReasons"]]
    assert spanish_reasons
    assert english_reasons.isdisjoint(spanish_reasons)
    assert any(reason.startswith("Dentro de tu presupuesto de $") for reason in spanish_reasons)


async def _start_refused(api: Api, input_: dict[str, Any]) -> dict[str, Any]:
    response = await api.http.post(
        "/graphql", json={"query": START_REFUSED, "variables": {"input": input_}}
    )
    body = response.json()
    assert body["data"] is None, body
    (error,) = body["errors"]
    return dict(error)


async def test_a_refused_invitation_reads_in_the_language_of_the_starts_locale(api: Api) -> None:
    _, to = await invite(api)
    token = await invitation_token(api, to)
    await apply(api, token)
    refused: dict[tuple[str, str], dict[str, Any]] = {}
    for case, invitation in (("used", token), ("unknown", "x" * 43)):
        for name, context in (("es", {"locale": "es-MX"}), ("en", None)):
            input_ = {"workflowType": "BUYER_FINANCING", "invitation": invitation}
            refused[case, name] = await _start_refused(api, {**input_, "context": context})
    for case in ("used", "unknown"):
        es, en = refused[case, "es"], refused[case, "en"]
        assert (
            es["extensions"]
            == en["extensions"]
            == {
                "field": "invitation",
                "messageId": f"start.invitation.{case}",
            }
        )
    assert refused["used", "en"]["message"] == (
        "This invitation was already used. Ask the seller to send you a new one."
    )
    assert refused["used", "es"]["message"] == (
        "Esta invitación ya se usó. Pídele al vendedor que te envíe una nueva."
    )
    assert refused["unknown", "es"]["message"].startswith("Este enlace de invitación no es válido")
    assert "x" * 43 not in refused["unknown", "es"]["message"]

    # The same over REST, with the id beside the message.
    for context, said in (({"locale": "es"}, "Esta invitación ya se usó."), (None, "This")):
        body: dict[str, Any] = {"workflowType": "buyer_financing", "invitation": token}
        if context:
            body["context"] = context
        response = await _rest(api, "start", body)
        assert response.status_code == 400, response.text
        answer = response.json()
        assert (answer["field"], answer["messageId"]) == ("invitation", "start.invitation.used")
        assert answer["message"].startswith(said)


SEND_LINK = """
mutation SendResumeLink($input: SendResumeLinkInput!) {
  sendResumeLink(input: $input) {
    __typename
    ... on ResumeLinkInvalid { errors { field code message messageId } }
  }
}"""
RESUME = """
mutation ResumeSession($resumeToken: String!) {
  resumeSession(resumeToken: $resumeToken) {
    __typename
    ... on SessionResumed { step { stepId title started { token } } }
    ... on ResumeLinkRefused { code reason messageId }
  }
}"""


async def _send_link(session: _Session, address: str, page: str) -> dict[str, Any]:
    variables = {
        "input": {
            "sessionId": session.id,
            "channel": "email",
            "address": address,
            "returnUrl": page,
        }
    }
    result = await session.api.execute(SEND_LINK, variables, session.token)
    return dict(result["sendResumeLink"])


async def _resume(api: Api, token: str) -> dict[str, Any]:
    return dict((await api.execute(RESUME, {"resumeToken": token}))["resumeSession"])


async def test_a_spanish_sessions_resume_link_is_refused_in_spanish(api: Api) -> None:
    spanish = await _Session.start(api, {"locale": "es-US"})
    page = "http://127.0.0.1:5173/autos"
    refused = await _send_link(spanish, "not-an-address@", "https://elsewhere.example/")
    assert refused["__typename"] == "ResumeLinkInvalid", refused
    errors = {e["field"]: (e["code"], e["messageId"], e["message"]) for e in refused["errors"]}
    assert errors == {
        "address": ("format", "error.format.email", messages.text("error.format.email", "es-US")),
        "returnUrl": ("origin", "resume.bad_url", messages.text("resume.bad_url", "es-US")),
    }
    to = f"luego-{uuid.uuid4().hex[:10]}@mail.example"
    assert (await _send_link(spanish, to, page))["__typename"] == "ResumeLinkSent"
    link = await delivered_link(api.http, "/sandbox/communications/messages", to)
    opened = await _resume(api, token_of(link))
    assert opened["__typename"] == "SessionResumed", opened
    assert opened["step"]["title"] == "¿Ya sabes qué vehículo quieres?"

    used = await _resume(api, token_of(link))
    unknown = await _resume(api, "x" * 43)
    assert (used["code"], used["messageId"]) == ("used", "resume.link.used")
    assert used["reason"] == ("Este enlace ya se usó. Envíate uno nuevo desde donde te quedaste.")
    # A link that names no session reads in US English.
    assert (unknown["code"], unknown["messageId"]) == ("unknown", "resume.link.unknown")
    assert unknown["reason"] == messages.text("resume.link.unknown", "en-US")
