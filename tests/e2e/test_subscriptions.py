"""sessionUpdates over graphql-transport-ws: pushed steps, numbered events, replay."""

from __future__ import annotations

from tests.e2e.client import Api, operation
from tests.e2e.financing import applicant
from tests.e2e.walk import walk_to
from tests.support import answers


async def test_the_credit_result_is_pushed_to_the_subscriber(api: Api) -> None:
    flow = await walk_to(api, "credit_check")  # the buyer's own session
    variables = {"sessionId": flow.session_id, "afterSeq": flow.step["session"]["seq"]}
    async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        await flow.submit(applicant(answers.APPROVED_SSN))
        assert flow.step_id == "credit_check_pending"
        pushed = [await updates.next(), await updates.next()]
    steps = [message["payload"]["data"]["sessionUpdates"] for message in pushed]
    assert [s["type"] for s in steps] == ["STEP_CHANGED", "STEP_CHANGED"]
    assert steps[0]["step"]["stepId"] == "credit_check_pending"
    assert steps[1]["seq"] == steps[0]["seq"] + 1
    resumed = steps[1]["step"]
    assert resumed["stepId"] == "financing_result"
    assert resumed["outcome"] == "approved"
    assert resumed["started"] is None


async def test_after_seq_replays_every_event_then_goes_live(api: Api) -> None:
    flow = await api.start()
    await flow.submit({"intent": "buying"})
    await flow.submit({"knows_vehicle": True})
    variables = {"sessionId": flow.session_id, "afterSeq": 0}
    async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        replayed = [(await updates.next())["payload"]["data"]["sessionUpdates"] for _ in range(3)]
        await flow.submit(answers.SEARCH)
        live = (await updates.next())["payload"]["data"]["sessionUpdates"]
    assert [event["seq"] for event in replayed] == [1, 2, 3]
    assert [event["step"] for event in replayed[:2]] == [None, None]  # superseded steps
    assert replayed[2]["step"]["stepId"] == "vehicle_search"
    assert live["seq"] == 4
    assert live["step"]["stepId"] == "search_results"


async def test_a_wrong_token_reads_like_an_unknown_session(api: Api) -> None:
    """Refused before its first event: an `error` message (a graphql-ws client's `sink.error`),
    not a `next`, and no `complete` after it."""
    flow = await api.start()
    variables = {"sessionId": flow.session_id}
    async with api.subscribe(operation("session_updates"), variables, "not-the-token") as updates:
        message = await updates.next()
    assert message["type"] == "error", message
    assert message["payload"][0]["message"] == f"Session {flow.session_id} not found."
    async with api.subscribe(operation("session_updates"), {"sessionId": "nope"}, None) as other:
        unknown = await other.next()
    assert unknown["type"] == "error", unknown
    assert unknown["payload"][0]["message"] == "Session nope not found."


async def test_the_connection_init_key_is_matched_without_regard_to_case(api: Api) -> None:
    flow = await api.start()
    variables = {"sessionId": flow.session_id, "afterSeq": 0}
    for key in ("Authorization", "AUTHORIZATION"):
        async with api.subscribe(
            operation("session_updates"), variables, flow.token, key=key
        ) as updates:
            first = await updates.next()
        assert first["type"] == "next", (key, first)
        assert first["payload"]["data"]["sessionUpdates"]["seq"] == 1
