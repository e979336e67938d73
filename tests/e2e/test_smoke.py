from __future__ import annotations

from tests.e2e.client import Api


async def test_buying_flow_by_search_reaches_completion(api: Api) -> None:
    flow = await api.start()
    assert flow.step["__typename"] == "IntentSelectionStep"
    await flow.submit({"intent": "buying"})
    await flow.submit({"knows_vehicle": True})
    await flow.submit({"make": "Toyota", "zip": "10001"})
    assert flow.step_id == "search_results", flow.step
    vehicle = flow.step["vehicles"][0]
    await flow.submit({"vehicle_id": vehicle["id"]})
    assert flow.step["vehicle"]["id"] == vehicle["id"]
    await flow.submit({"confirm": True})
    contact = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
               "phone": "4155550123", "zip": "10001", "consent_to_contact": True}
    await flow.submit(contact)
    assert flow.step_id == "buying_complete", flow.step
    assert flow.step["leadReference"].startswith("TRX-")
