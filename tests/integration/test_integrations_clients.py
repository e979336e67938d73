"""Every client against the sandbox over `httpx.ASGITransport`: real HTTP semantics in process.
Happy paths, idempotency and business refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from starlette.applications import Starlette

from app.integrations.clients import Clients, build_clients
from app.integrations.errors import Rejected
from app.integrations.http import ClientPolicy
from app.integrations.models import (
    Assignment,
    CreditApplicant,
    CreditDecision,
    DecodedVin,
)
from sandbox import create_sandbox_app

FAST = ClientPolicy(timeout_seconds=1.0, backoff_base_seconds=0.001, backoff_max_seconds=0.005)
VIN = "1HGCM82633A004352"  # a 2003 Honda Accord


@pytest.fixture
def sandbox() -> Starlette:
    return create_sandbox_app(seed=1, latency_scale=0.01)


@pytest.fixture
async def clients(sandbox: Starlette) -> AsyncIterator[Clients]:
    clients = build_clients("http://sandbox", httpx.ASGITransport(app=sandbox), FAST)
    yield clients
    await clients.aclose()


@pytest.fixture
async def control(sandbox: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sandbox)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox/sandbox") as http:
        yield http


# Vehicle data


async def test_a_vin_decodes_to_make_year_and_manufacturer(clients: Clients) -> None:
    decoded = await clients.vehicle_data.decode_vin(VIN.lower())
    assert decoded == DecodedVin(make="Honda", model=None, year=2003, manufacturer="Honda")


async def test_a_string_that_is_no_vin_is_rejected(clients: Clients) -> None:
    with pytest.raises(Rejected) as raised:
        await clients.vehicle_data.decode_vin("NOT/A VIN")
    assert raised.value.code == "invalid_vin"


async def test_a_valuation_is_a_plausible_range(clients: Clients) -> None:
    valuation = await clients.vehicle_data.valuation("Toyota", "Corolla", 2018, 60_000, "good")
    assert 3_000 < valuation.low < valuation.high < 23_000  # under the price new
    assert valuation.low % 100 == 0
    assert valuation.high % 100 == 0
    better = await clients.vehicle_data.valuation("Toyota", "Corolla", 2018, 60_000, "excellent")
    assert better.low > valuation.low


async def test_a_model_outside_the_catalogue_has_no_valuation(clients: Clients) -> None:
    with pytest.raises(Rejected) as raised:
        await clients.vehicle_data.valuation("Toyota", "Batmobile", 2018, 60_000, "good")
    assert raised.value.code == "unknown_model"


# Credit bureau


def person(
    ssn: str | None, income: float = 50_000, born: date = date(1985, 3, 1)
) -> CreditApplicant:
    return CreditApplicant("Ana Silva", "94103", born, income, "1 Main St", ssn)


def twenty_years_old() -> date:
    today = date.today()
    return date(today.year - 20, 1, 1)


LOW_INCOME = "Income below the lender's minimum."
BAD_HISTORY = "The credit history does not qualify."
BY_HAND = "A lender will review the application by hand."
SOFT = "A soft check found no obstacle to financing."


@pytest.mark.parametrize(
    ("applicant", "expected"),
    [
        (person("123-45-6780"), CreditDecision("approved", 20_000, 6.9, None)),
        (person("123456780", born=twenty_years_old()), CreditDecision("approved", 20_000, 9.9)),
        (person("123-45-6780", income=14_000), CreditDecision("declined", reason=LOW_INCOME)),
        (person("123-45-6789"), CreditDecision("declined", reason=BAD_HISTORY)),
        (person("123-45-6787"), CreditDecision("referred", reason=BY_HAND)),
        (person("123-45-6788"), CreditDecision("referred", reason=BY_HAND)),
        (person(None), CreditDecision("prequalified", reason=SOFT)),
    ],
)
async def test_the_bureau_decides_as_documented(
    clients: Clients, applicant: CreditApplicant, expected: CreditDecision
) -> None:
    decision = await clients.credit_bureau.check(applicant, idempotency_key=f"chk-{applicant.ssn}")
    assert decision == expected


async def test_a_repeated_key_gets_the_first_decision_without_a_second_check(
    control: httpx.AsyncClient,
) -> None:
    body = person("123-45-6780").to_json()
    headers = {"Idempotency-Key": "session-1/credit"}
    first = await control.post("/credit-bureau/checks", json=body, headers=headers)
    again = await control.post("/credit-bureau/checks", json=body, headers=headers)
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"


async def test_a_key_reused_for_another_applicant_is_rejected(clients: Clients) -> None:
    await clients.credit_bureau.check(person("123-45-6780"), idempotency_key="k")
    with pytest.raises(Rejected) as raised:
        await clients.credit_bureau.check(person("123-45-6789"), idempotency_key="k")
    assert raised.value.code == "idempotency_key_reused"


async def test_the_bureau_never_sends_the_ssn_back(control: httpx.AsyncClient) -> None:
    body = person("123-45-6780").to_json()
    answer = await control.post(
        "/credit-bureau/checks", json=body, headers={"Idempotency-Key": "x"}
    )
    assert "6780" not in answer.text


async def test_a_malformed_application_is_a_bad_request_naming_the_field(
    control: httpx.AsyncClient,
) -> None:
    body = {**person("12345").to_json()}
    answer = await control.post(
        "/credit-bureau/checks", json=body, headers={"Idempotency-Key": "y"}
    )
    assert answer.status_code == 400
    assert answer.json()["field"] == "ssn"
    missing_key = await control.post("/credit-bureau/checks", json=person(None).to_json())
    assert (missing_key.status_code, missing_key.json()["field"]) == (400, "Idempotency-Key")


# Lead CRM


async def test_registering_a_lead_twice_keeps_one_record_and_one_crm_id(
    clients: Clients, control: httpx.AsyncClient
) -> None:
    payload = {"contact": {"email": "ana@example.com"}, "vehicle_id": "veh-001"}
    first = await clients.lead_crm.register("lead-1", "TRX-ABC234", "buying", payload)
    again = await clients.lead_crm.register("lead-1", "TRX-ABC234", "buying", payload)
    assert first == again
    assert first.crm_id.startswith("crm-")
    leads = (await control.get("/lead-crm/leads")).json()["leads"]
    assert [(lead["lead_id"], lead["reference"]) for lead in leads] == [("lead-1", "TRX-ABC234")]


async def test_the_crm_refuses_a_blocked_contact(
    clients: Clients, control: httpx.AsyncClient
) -> None:
    payload = {"contact": {"email": "spam@Blocked.Example"}}
    with pytest.raises(Rejected) as raised:
        await clients.lead_crm.register("lead-2", "TRX-XYZ234", "selling", payload)
    assert raised.value.code == "lead_refused"
    assert "spam@Blocked.Example" in raised.value.reason
    assert (await control.get("/lead-crm/leads")).json()["leads"] == []


# Dealer network


async def test_assigning_a_lead_twice_keeps_one_assignment(
    clients: Clients, control: httpx.AsyncClient
) -> None:
    first = await clients.dealer_network.assign("dlr-001", "lead-1", {"make": "Honda"})
    again = await clients.dealer_network.assign("dlr-001", "lead-1", {"make": "Honda"})
    assert first == again == Assignment(first.assignment_id, "dlr-001")
    other = await clients.dealer_network.assign("dlr-002", "lead-2", {})
    assert other.assignment_id != first.assignment_id
    assignments = (await control.get("/dealer-network/assignments")).json()["assignments"]
    assert [a["lead_id"] for a in assignments] == ["lead-1", "lead-2"]


# Communications


async def test_sending_twice_with_one_key_sends_one_message(
    clients: Clients, control: httpx.AsyncClient
) -> None:
    comms = clients.communications
    data = {"reference": "TRX-ABC234"}
    first = await comms.send("email", "ana@example.com", "lead_received", data, "lead-1/email")
    again = await comms.send("email", "ana@example.com", "lead_received", data, "lead-1/email")
    assert first == again
    await comms.send("sms", "+14155550123", "lead_received", data, "lead-1/sms")
    await comms.send("email", "bo@example.com", "dealer_intro", {}, "lead-2/email")

    every = (await control.get("/communications/messages")).json()["messages"]
    assert [m["to"] for m in every] == ["ana@example.com", "+14155550123", "bo@example.com"]
    assert every[0]["message_id"] == first.message_id
    assert set(every[0]) == {"message_id", "channel", "to", "template", "data", "at"}
    to_ana = await control.get("/communications/messages", params={"to": "ana@example.com"})
    assert [m["template"] for m in to_ana.json()["messages"]] == ["lead_received"]


@pytest.mark.parametrize(
    ("channel", "to"), [("email", "not-an-address"), ("sms", "4155550123"), ("sms", "a@b.co")]
)
async def test_a_recipient_the_channel_cannot_reach_is_rejected(
    clients: Clients, channel: str, to: str
) -> None:
    with pytest.raises(Rejected) as raised:
        await clients.communications.send(channel, to, "t", {}, f"k-{to}")  # type: ignore[arg-type]
    assert raised.value.code == "invalid_recipient"
