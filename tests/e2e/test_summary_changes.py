"""An editable summary: a confirmation lists its parts by the step they were answered on, each
with whether "Change" (back with toStep) can go there; going there keeps the answers."""

from __future__ import annotations

from tests.e2e.client import Api, operation
from tests.e2e.walk import walk_to


async def test_each_section_of_a_summary_can_be_changed_and_comes_back_prefilled(
    api: Api,
) -> None:
    flow = await walk_to(api, "selling_confirmation")
    sections = {s["stepId"]: s for s in flow.step["sections"]}
    assert list(sections) == ["private_buyer_details"]
    assert sections["private_buyer_details"]["canChange"] is True
    sale = flow.step["summary"]
    variables = {
        "input": {
            "sessionId": flow.session_id,
            "currentStep": flow.step_id,
            "toStep": "private_buyer_details",
        }
    }
    back = (await api.execute(operation("back"), variables, flow.token))["back"]
    assert back["stepId"] == "private_buyer_details"
    assert back["values"]["agreed_price"] == sale["agreed_price"]
    assert back["values"]["buyer_name"] == sale["buyer_name"]


async def test_after_a_vehicle_the_summary_offers_its_choice(api: Api) -> None:
    flow = await walk_to(api, "buying_confirmation")
    [section] = flow.step["sections"]
    assert section["stepId"] == "search_results"
    assert section["canChange"] is True
