"""The visitor's timeline (issue: statuses in the visitor's words): each pushed lead status
carries a message for the visitor (the dealer and town, the channel and a masked address, who
will contact them by when), and nothing internal (no score, no CRM or dealer ids)."""

from __future__ import annotations

from typing import Any

from tests.e2e.client import Api, operation
from tests.e2e.walk import walk_to


async def test_the_visitor_reads_who_has_the_request_how_and_by_when(api: Api) -> None:
    flow = await walk_to(api, "buying_complete")
    events: list[dict[str, Any]] = []
    variables = {"sessionId": flow.session_id, "afterSeq": 0}
    async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        while not any(e["status"] == "COMPLETED" for e in events):
            message = await updates.next(10)
            assert message["type"] == "next", message
            lead = message["payload"]["data"]["sessionUpdates"]["lead"]
            if lead is not None:
                events.append(lead)
    by_status = {e["status"]: e for e in events}
    assert by_status["SCORED"]["message"] is None
    assert by_status["SCORED"]["detail"] == {}
    assigned = by_status["DEALER_ASSIGNED"]
    dealer = assigned["detail"]["dealers"][0]
    assert assigned["message"] == f"{dealer['name']} in {dealer['town']} has your request."
    assert by_status["CONTACTED"]["message"] in (  # one confirmation a day per address
        "We sent your confirmation by email to a•••@example.com.",
        "Your confirmation went to a•••@example.com earlier today.",
    )
    assert by_status["CONTACTED"]["detail"] == {"channel": "email", "to": "a•••@example.com"}
    last = by_status["COMPLETED"]["message"]
    assert last.startswith(f"{dealer['name']} in {dealer['town']} will contact you by email by ")
    shown = str(events)
    for internal in ("score", "crm_id", "factors", "dlr-", "ada@example.com"):
        assert internal not in shown, internal
