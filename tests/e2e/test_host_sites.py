"""Host sites: publishable keys start sessions from allowed origins; secret keys read only the
site's own leads and follow their status."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any

import pytest

from app.services.host_sites import HostSites, NewHostSite
from app.services.site_variants import configure
from tests.e2e.client import Api, Flow, operation
from tests.e2e.conftest import RunningServer
from tests.support import answers
from workflows import registry

ORIGIN = "https://cars.acme.example"
LEAD = """query Lead($id: ID!) { lead(leadId: $id) { id reference kind status score
  scoreFactors { factor points } dealerIds history { status seq } } }"""
LEAD_STATUS = """subscription LeadStatus($id: ID) { leadStatus(leadId: $id) {
  leadId leadReference status seq at detail } }"""


@dataclass
class Sites:
    acme: NewHostSite
    other: NewHostSite


@pytest.fixture(scope="module")
async def sites(running: RunningServer) -> Sites:
    registry: HostSites = running.container.sites
    return Sites(
        await registry.create("Acme Motors", [ORIGIN]),
        await registry.create("Other Cars", ["https://other.example"]),
    )


async def _start(api: Api, key: str | None, origin: str | None) -> dict[str, object]:
    headers = {k: v for k, v in (("x-publishable-key", key), ("origin", origin)) if v}
    response = await api.http.post(
        "/graphql",
        json={
            "query": operation("start_workflow"),
            "variables": {"input": {"workflowType": "BUYING"}},
        },
        headers=headers,
    )
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def _site_lead(api: Api, sites: Sites) -> Flow:
    body = await _start(api, sites.acme.publishable_key, ORIGIN)
    step = body["data"]["startWorkflow"]  # type: ignore[index]
    flow = Flow(api, step["session"]["id"], step["started"]["token"], step)
    await flow.submit({"knows_vehicle": True})
    await flow.submit({"make": "Kia"})
    await flow.submit({"vehicle_id": flow.step["vehicles"][0]["id"]})
    await flow.submit({"confirm": True})
    return flow


async def _lead_once_completed(api: Api, lead_id: str, key: str) -> dict[str, Any]:
    """Ask for the lead, as the site's server would, until the pipeline has completed it."""
    async with asyncio.timeout(10):
        while True:
            lead: dict[str, Any] = (await api.execute(LEAD, {"id": lead_id}, key))["lead"]
            if lead["status"] == "COMPLETED":
                return lead
            await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    ("key", "origin"),
    [("acme", "https://evil.example"), ("acme", None), ("pk_unknown", ORIGIN), ("other", ORIGIN)],
    ids=["other origin", "no origin", "unknown key", "another site's key"],
)
async def test_a_publishable_key_starts_sessions_only_from_its_origins(
    api: Api, sites: Sites, key: str, origin: str | None
) -> None:
    keys = {"acme": sites.acme.publishable_key, "other": sites.other.publishable_key}
    body = await _start(api, keys.get(key, key), origin)
    assert body["data"] is None
    errors = body["errors"]
    assert errors == [
        {
            "message": "This publishable key is not valid from this origin.",
            "locations": [{"line": 4, "column": 3}],
            "path": ["startWorkflow"],
            "extensions": {"field": "publishableKey", "messageId": None},  # the integrator's
        }
    ]


async def test_a_site_reads_its_own_lead_and_nobody_else_does(api: Api, sites: Sites) -> None:
    flow = await _site_lead(api, sites)
    await flow.submit(answers.CONTACT)
    lead_id = flow.step["leadId"]
    lead = await _lead_once_completed(api, lead_id, sites.acme.secret_key)
    assert lead["reference"] == flow.step["leadReference"]
    assert 0 < lead["score"] <= 100
    assert sum(f["points"] for f in lead["scoreFactors"]) == lead["score"]
    assert len(lead["dealerIds"]) == 1
    assert [event["status"] for event in lead["history"]][-1] == "COMPLETED"
    for other in (sites.other.secret_key, flow.token, "sk_wrong", None):
        assert (await api.execute(LEAD, {"id": lead_id}, other))["lead"] is None


async def test_a_demo_lead_is_no_site_s_lead(api: Api, sites: Sites) -> None:
    flow = await api.start("BUYING")
    await flow.submit({"knows_vehicle": True})
    await flow.submit({"make": "Mazda"})
    await flow.submit({"vehicle_id": flow.step["vehicles"][0]["id"]})
    await flow.submit({"confirm": True})
    await flow.submit(answers.CONTACT)
    found = await api.execute(LEAD, {"id": flow.step["leadId"]}, sites.acme.secret_key)
    assert found["lead"] is None


async def test_lead_status_follows_the_site_s_leads(api: Api, sites: Sites) -> None:
    flow = await _site_lead(api, sites)
    async with api.subscribe(LEAD_STATUS, {}, sites.acme.secret_key) as updates:
        await asyncio.sleep(0.2)  # the subscription is registered before the lead moves
        await flow.submit(answers.CONTACT)
        statuses: list[str] = []
        async with asyncio.timeout(10):
            while "COMPLETED" not in statuses:
                event = (await updates.next())["payload"]["data"]["leadStatus"]
                if event["leadId"] == flow.step["leadId"]:
                    statuses.append(event["status"])
    assert statuses[0] == "SUBMITTED"
    assert set(statuses[1:4]) == {"SCORED", "DEALER_ASSIGNED", "CONTACTED"}


@pytest.mark.parametrize("who", ["other site", "session token", "no key"])
async def test_lead_status_of_another_site_s_lead_reads_like_an_unknown_lead(
    api: Api, sites: Sites, who: str
) -> None:
    flow = await _site_lead(api, sites)
    await flow.submit(answers.CONTACT)
    token = {"other site": sites.other.secret_key, "session token": flow.token}.get(who)
    async with api.subscribe(LEAD_STATUS, {"id": flow.step["leadId"]}, token) as updates:
        message = await updates.next()
    assert message["type"] == "error", message  # refused before its first event
    assert message["payload"][0]["message"] == "Lead not found."


START_IN = """mutation Start($input: StartWorkflowInput!) { startWorkflow(input: $input) {
  ... on Step { stepId session { id token workflow version variant } } } }"""
LEAD_SESSION = "query Lead($id: ID!) { lead(leadId: $id) { session { workflow version variant } } }"


async def test_a_sites_split_is_sticky_and_the_lead_shows_its_variant(
    api: Api, running: RunningServer
) -> None:
    site = await running.container.sites.create("Split Cars", [ORIGIN])
    flows = registry.default()
    await configure(running.container.sites, flows, "trex", site.site.id, "a=1:50,b=1:50")
    headers = {"x-publishable-key": site.publishable_key, "origin": ORIGIN}

    async def start(visitor: str | None, context: dict[str, object]) -> dict[str, Any]:
        context = context if visitor is None else {**context, "visitorId": visitor}
        variables = {"input": {"workflowType": "SELLING", "context": context}}
        response = await api.http.post(
            "/graphql", json={"query": START_IN, "variables": variables}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    variants = {}
    for n in range(8):
        session = (await start(f"visitor-{n}", {}))["data"]["startWorkflow"]["session"]
        assert (session["workflow"], session["version"]) == ("trex", 1)
        variants[f"visitor-{n}"] = session["variant"]
        again = (await start(f"visitor-{n}", {"page": "/again"}))["data"]["startWorkflow"]
        assert again["session"]["variant"] == session["variant"]  # sticky
    assert set(variants.values()) == {"a", "b"}
    refused = await start(None, {"visitorId": 42})
    assert refused["data"] is None
    assert "context.visitorId must be a string" in refused["errors"][0]["message"]

    started = (await start("visitor-0", {}))["data"]["startWorkflow"]
    flow = Flow(api, started["session"]["id"], started["session"]["token"], started)
    for data in (
        {"has_buyer": True},
        {"buyer_type": "private"},
        answers.PRIVATE_BUYER,
        {"needs_financing": False},
        answers.CONTACT,
    ):
        await flow.submit(data)
    await flow.submit({"wants_replacement": False})
    found = await api.execute(LEAD_SESSION, {"id": flow.step["leadId"]}, site.secret_key)
    assert found["lead"]["session"] == {
        "workflow": "trex",
        "version": 1,
        "variant": variants["visitor-0"],
    }


CONSENTS = """query Lead($id: ID!) { lead(leadId: $id) {
  consents { step field value textId version textHash locale at }
  history { status detail message } } }"""


async def test_the_site_reads_each_consent_as_given_and_the_full_detail(
    api: Api, sites: Sites
) -> None:
    flow = await _site_lead(api, sites)
    label = next(f for f in flow.step["fields"] if f["name"] == "consent_to_contact")["label"]
    assert "consent_to_contact" not in flow.step["values"]  # never prefilled
    await flow.submit(answers.CONTACT)
    lead_id = flow.step["leadId"]
    await _lead_once_completed(api, lead_id, sites.acme.secret_key)
    lead = (await api.execute(CONSENTS, {"id": lead_id}, sites.acme.secret_key))["lead"]
    [consent] = lead["consents"]
    assert consent["step"] == "buying_confirmation"
    assert consent["field"] == "consent_to_contact"
    assert consent["value"] is True
    assert (consent["textId"], consent["version"], consent["locale"]) == (
        "consent.contact",
        "2026-12",
        "en-US",
    )
    assert consent["textHash"] == hashlib.sha256(label.encode()).hexdigest()
    scored = next(e for e in lead["history"] if e["status"] == "SCORED")
    assert "score" in scored["detail"]  # the host site's view keeps what the visitor's does not
    assert scored["message"] is None
