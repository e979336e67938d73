"""Languages: a host page's `locale` picks the session's language. A session started with
context {locale: "es-US"} (or any Spanish) reads its titles, labels, options, progress, errors
and what happens next in Spanish, with the same step ids, field names, option values, codes and
message ids as a US English one; without a locale it reads in US English. Over GraphQL and REST."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.e2e.client import Api, operation
from tests.support import answers

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
    """What does not depend on the language: ids, names, values, rules."""
    return (
        step["stepId"],
        step["componentName"],
        [(f["name"], f["type"], [o["value"] for o in f["options"] or []]) for f in step["fields"]],
        step["validationRules"],
    )


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
