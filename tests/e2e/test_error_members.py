"""The expected failures of API.md as union members, and what a session keeps to itself:
SessionNotFound (unknown id, wrong, missing or foreign token: indistinguishable), StaleStep (two
tabs), idempotent replays, TransitionRejected (pending and terminal steps), survival across a
restart, a token shown once, and an SSN that never comes back nor lands in the database."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.client import Api, Flow, operation
from tests.e2e.conftest import RunningServer, quick_settings, start_server
from tests.e2e.financing import applicant, apply, invitation_token, invite, lead_statuses
from tests.e2e.walk import ANSWERS, FINANCING, route_to, snapshot, walk_to
from tests.support.answers import CONTACT, SEARCH

Json = dict[str, Any]
ROOT_FIELDS = {
    "start_workflow": "startWorkflow",
    "transition": "transition",
    "back": "back",
    "session": "session",
}
# An issuable SSN (approved by the sandbox bureau) whose digits appear nowhere else.
SSN_PLAIN = "287654320"
SSN_FORMATTED = "287-65-4320"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def call(
    api: Api, name: str, variables: Json, headers: dict[str, str] | None = None
) -> tuple[Json, str]:
    """One documented operation over raw HTTP: its root field's answer and the raw body."""
    response = await api.http.post(
        "/graphql",
        json={"query": operation(name), "variables": variables},
        headers=headers or {},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"][ROOT_FIELDS[name]], response.text


def transition_input(session_id: str, step: str, data: object, key: str | None = None) -> Json:
    return {
        "input": {
            "sessionId": session_id,
            "currentStep": step,
            "data": data,
            "idempotencyKey": key,
        }
    }


def back_input(session_id: str, step: str) -> Json:
    return {"input": {"sessionId": session_id, "currentStep": step}}


def tokens_in(value: object) -> list[object]:
    """Every `started.token` anywhere in an answer (and the deprecated `session.token`)."""
    found: list[object] = []
    if isinstance(value, dict):
        for key in ("session", "started"):
            holder = value.get(key)
            if isinstance(holder, dict) and "token" in holder:
                found.append(holder["token"])
        if "started" in value and value["started"] is None:
            found.append(None)
        for item in value.values():
            found.extend(tokens_in(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(tokens_in(item))
    return found


async def own_server(folder: Path, **overrides: Any) -> RunningServer:
    return await start_server(quick_settings(folder, **overrides))


@dataclass
class OwnServer:
    server: RunningServer
    folder: Path


@pytest.fixture(scope="module")
async def slow_credit(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[OwnServer]:
    """Our own server, on a database file of our own, with a bureau that takes a second."""
    folder = tmp_path_factory.mktemp("errors_slow_credit")
    # The sandbox bureau at twice its real latency: 0.6–1.8 s, long enough to act while pending.
    server = await own_server(folder, sandbox_latency_scale=2.0, credit_deadline_seconds=5.0)
    yield OwnServer(server, folder)
    await server.stop()


@pytest.fixture
async def slow_api(slow_credit: OwnServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=slow_credit.server.base_url, timeout=10) as http:
        yield Api(http, slow_credit.server.ws_url)


# --- SessionNotFound ----------------------------------------------------------------------


async def test_unknown_session_wrong_missing_or_foreign_token_are_indistinguishable(
    api: Api,
) -> None:
    mine = await api.start()
    other = await api.start()
    before = snapshot(mine.step)
    unknown_id = str(uuid.uuid4())
    cases: dict[str, tuple[str, dict[str, str]]] = {
        "unknown session id": (unknown_id, bearer(mine.token)),
        "unknown id, no token": (unknown_id, {}),
        "malformed id": ("not-a-session-" + "x" * 80, bearer(mine.token)),
        "wrong token": (mine.session_id, bearer("x" * 43)),
        "missing token": (mine.session_id, {}),
        "empty bearer": (mine.session_id, {"Authorization": "Bearer"}),
        "token without scheme": (mine.session_id, {"Authorization": mine.token}),
        "basic scheme": (mine.session_id, {"Authorization": f"Basic {mine.token}"}),
        "huge token": (mine.session_id, bearer("t" * 5_000)),
        "another session's token": (mine.session_id, bearer(other.token)),
    }
    operations: dict[str, Callable[[str], Json]] = {
        "transition": lambda sid: transition_input(sid, "intent_selection", {"intent": "buying"}),
        "back": lambda sid: back_input(sid, "intent_selection"),
        "session": lambda sid: {"sessionId": sid},
    }
    for name, variables_for in operations.items():
        shapes: dict[str, str] = {}
        for label, (session_id, headers) in cases.items():
            answer, text = await call(api, name, variables_for(session_id), headers)
            assert answer == {"__typename": "SessionNotFound", "sessionId": session_id}, (
                name,
                label,
                answer,
            )
            shapes[label] = text.replace(json.dumps(session_id)[1:-1], "<id>")
        assert len(set(shapes.values())) == 1, f"{name} answers differ: {shapes}"

    # Nothing reached the session, and the right token still opens it.
    reloaded = await mine.reload()
    assert snapshot(reloaded) == before
    await mine.submit({"intent": "buying"})
    assert mine.step_id == "vehicle_knowledge"


# --- StaleStep ----------------------------------------------------------------------------


async def test_two_tabs_the_late_one_gets_stale_step_and_changes_nothing(api: Api) -> None:
    tab_a = await api.start()
    tab_b = Flow(api, tab_a.session_id, tab_a.token, dict(tab_a.step))
    await tab_a.submit({"intent": "buying"})
    await tab_a.submit({"knows_vehicle": True})
    assert tab_a.step_id == "vehicle_search"
    current = snapshot(tab_a.step)

    for step, data in [
        ("intent_selection", {"intent": "selling"}),
        ("intent_selection", {"intent": 5}),
        ("vehicle_knowledge", {"knows_vehicle": False}),
        ("search_results", {"refine": True}),
        ("no_such_step", {}),
    ]:
        result = await tab_b.submit(data, step=step)
        assert result["__typename"] == "StaleStep", (step, result)
        assert result["expectedStep"] == "vehicle_search", result
        assert snapshot(result["step"]) == current

    await tab_a.reload()
    assert snapshot(tab_a.step) == current
    # The earlier answers are still tab A's.
    assert (await tab_a.back())["values"] == {"knows_vehicle": True}
    assert (await tab_a.back())["values"] == {"intent": "buying"}


async def test_a_double_click_with_fresh_keys_moves_once(api: Api) -> None:
    flow = await api.start()
    first, second = await asyncio.gather(
        flow.submit({"intent": "buying"}, step="intent_selection"),
        flow.submit({"intent": "buying"}, step="intent_selection"),
    )
    kinds = sorted([first["__typename"], second["__typename"]])
    assert kinds == ["ChoiceStep", "StaleStep"], (first, second)
    await flow.reload()
    assert flow.step_id == "vehicle_knowledge"
    assert flow.step["navigation"]["progress"]["stepsDone"] == 1


# --- Idempotency --------------------------------------------------------------------------


async def test_the_same_idempotency_key_returns_the_first_answer_and_moves_once(api: Api) -> None:
    flow = await api.start()
    key = f"submit-{uuid.uuid4()}"
    first, first_text = await call(
        api,
        "transition",
        transition_input(flow.session_id, "intent_selection", {"intent": "buying"}, key),
        bearer(flow.token),
    )
    assert first["stepId"] == "vehicle_knowledge"
    assert first["navigation"]["progress"]["stepsDone"] == 1

    # A retry (same key, same request) gets the very same answer and moves nothing.
    replay, replay_text = await call(
        api,
        "transition",
        transition_input(flow.session_id, "intent_selection", {"intent": "buying"}, key),
        bearer(flow.token),
    )
    assert replay_text == first_text, replay
    # The same key for another request is refused as reused, and moves nothing either.
    for data in ({"intent": "selling"}, {"intent": 5}):
        refused, _ = await call(
            api,
            "transition",
            transition_input(flow.session_id, "intent_selection", data, key),
            bearer(flow.token),
        )
        assert refused["__typename"] == "TransitionRejected", refused
        assert refused["code"] == "idempotency_key_reused"
    reloaded = await flow.reload()
    assert reloaded["stepId"] == "vehicle_knowledge"
    assert reloaded["navigation"]["progress"]["stepsDone"] == 1

    # Keys belong to one session: another session may use the same key for its own answer.
    other = await api.start()
    answer = await other.submit({"intent": "selling"}, key=key)
    assert answer["stepId"] == "has_buyer", answer


async def test_concurrent_requests_with_one_key_move_once(api: Api) -> None:
    flow = await api.start()
    key = f"submit-{uuid.uuid4()}"
    answers = await asyncio.gather(
        *(flow.submit({"intent": "selling"}, key=key, step="intent_selection") for _ in range(4))
    )
    assert {answer["stepId"] for answer in answers} == {"has_buyer"}, answers
    assert all(answer["navigation"] == answers[0]["navigation"] for answer in answers), answers
    await flow.reload()
    assert flow.step["navigation"]["progress"]["stepsDone"] == 1
    assert (await flow.back())["stepId"] == "intent_selection"


async def test_a_late_replay_still_returns_the_first_answer(api: Api) -> None:
    flow = await api.start()
    key = f"submit-{uuid.uuid4()}"
    first = await flow.submit({"intent": "buying"}, key=key)
    await flow.submit({"knows_vehicle": True})
    assert flow.step_id == "vehicle_search"

    replay, _ = await call(
        api,
        "transition",
        transition_input(flow.session_id, "intent_selection", {"intent": "buying"}, key),
        bearer(flow.token),
    )
    reloaded = await flow.reload()
    assert reloaded["stepId"] == "vehicle_search", "a late replay moved the session"
    assert reloaded["navigation"]["progress"]["stepsDone"] == 2
    assert replay["stepId"] == first["stepId"]
    assert replay["navigation"] == first["navigation"], (replay["navigation"], first["navigation"])


# --- TransitionRejected -------------------------------------------------------------------


async def assert_no_input_accepted(flow: Flow, payloads: list[object]) -> None:
    before = snapshot(flow.step)
    for data in payloads:
        result = await flow.submit(data)
        assert result["__typename"] == "TransitionRejected", result
        assert result["code"], result
        assert result["reason"], result
        assert snapshot(result["step"]) == before
    await flow.reload()
    assert snapshot(flow.step) == before


async def test_a_terminal_step_rejects_transitions(api: Api) -> None:
    flow = await walk_to(api, "replacement_check")
    await flow.submit({"wants_replacement": False})
    assert flow.step_id == "selling_complete"
    await assert_no_input_accepted(flow, [{}, {"wants_replacement": True}, CONTACT])

    flow = await walk_to(api, "buying_complete")
    await assert_no_input_accepted(flow, [{}, CONTACT])


async def test_the_pending_credit_step_rejects_transitions(slow_api: Api) -> None:
    flow = await walk_to(slow_api, "credit_check")  # the buyer's own financing
    await flow.submit(applicant("123456780"))
    assert flow.step_id == "credit_check_pending"
    await assert_no_input_accepted(flow, [{}, {"continue": True}, {"share_with_seller": "nothing"}])
    assert flow.step["session"]["status"] == "WAITING"


# --- Restart ------------------------------------------------------------------------------


async def test_a_session_survives_a_restart_of_the_server(tmp_path: Path) -> None:
    settings = quick_settings(tmp_path)
    server = await start_server(settings)
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            api = Api(http, server.ws_url)
            flow = await api.start()
            await flow.submit({"intent": "buying"})
            await flow.submit({"knows_vehicle": True})
            key = f"search-{uuid.uuid4()}"
            await flow.submit(SEARCH, key=key)
            await flow.back()
            assert flow.step_id == "vehicle_search"
            before = snapshot(flow.step)
            session_id, token = flow.session_id, flow.token
    finally:
        await server.stop()

    server = await start_server(settings)  # the same database
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            api = Api(http, server.ws_url)
            flow = Flow(api, session_id, token, {"stepId": "?"})
            resumed = await flow.reload()
            assert resumed["__typename"] == "VehicleSearchStep", resumed
            assert snapshot(resumed) == before
            assert resumed["values"] == {**SEARCH, "fuel_type": "any"}  # the form's default
            # The idempotency record survived too: the old key replays, it does not search again.
            replay = await flow.submit(SEARCH, key=key, step="vehicle_search")
            assert replay["stepId"] == "search_results", replay
            await flow.reload()
            assert snapshot(flow.step) == before
            # And the session goes on where it stopped.
            await flow.submit(SEARCH)
            assert flow.step_id == "search_results"
            assert flow.step["navigation"]["progress"]["stepsDone"] == 3
            assert flow.step["vehicles"]
    finally:
        await server.stop()


# --- The token, once ----------------------------------------------------------------------


async def test_the_token_is_in_start_workflows_answer_only(api: Api) -> None:
    started, text = await call(api, "start_workflow", {"input": {"workflowType": None}})
    token = started["started"]["token"]
    session_id = started["session"]["id"]
    assert isinstance(token, str)
    assert len(token) >= 32
    assert token in text
    auth = bearer(token)

    later: list[tuple[str, Json, str]] = []

    async def record(label: str, name: str, variables: Json) -> Json:
        answer, raw = await call(api, name, variables, auth)
        later.append((label, answer, raw))
        return answer

    key = f"k-{uuid.uuid4()}"
    await record("session", "session", {"sessionId": session_id})
    await record(
        "moved",
        "transition",
        transition_input(session_id, "intent_selection", {"intent": "buying"}, key),
    )
    await record(
        "replay",
        "transition",
        transition_input(session_id, "intent_selection", {"intent": "buying"}, key),
    )
    await record("invalid", "transition", transition_input(session_id, "vehicle_knowledge", {}))
    await record("stale", "transition", transition_input(session_id, "intent_selection", {}))
    await record("back", "back", back_input(session_id, "vehicle_knowledge"))
    await record("back refused", "back", back_input(session_id, "intent_selection"))
    kinds = [answer["__typename"] for _, answer, _ in later]
    assert kinds == [
        "IntentSelectionStep",
        "ChoiceStep",
        "ChoiceStep",
        "ValidationFailed",
        "StaleStep",
        "IntentSelectionStep",
        "TransitionRejected",
    ], kinds
    for label, answer, raw in later:
        assert tokens_in(answer), label
        assert set(tokens_in(answer)) == {None}, (label, tokens_in(answer))
        assert token not in raw, label


# --- The SSN, never again -----------------------------------------------------------------


async def test_the_ssn_never_comes_back_and_is_not_in_the_database(
    slow_api: Api, slow_credit: OwnServer
) -> None:
    seller, to = await invite(slow_api)
    await seller.submit(CONTACT)  # the seller's lead, which learns only what the buyer shares
    flow = await apply(slow_api, await invitation_token(slow_api, to))
    await flow.submit({"continue": True})
    assert flow.step_id == "credit_check", flow.step
    auth = bearer(flow.token)
    sid = flow.session_id
    bodies: list[tuple[str, str]] = []

    async def record(label: str, name: str, variables: Json) -> Json:
        answer, raw = await call(slow_api, name, variables, auth)
        bodies.append((label, raw))
        return answer

    application = applicant(SSN_FORMATTED)
    refused = await record(
        "invalid credit check",
        "transition",
        transition_input(sid, "credit_check", {**application, "consent_to_credit_check": False}),
    )
    assert refused["__typename"] == "ValidationFailed", refused
    pending = await record(
        "credit check", "transition", transition_input(sid, "credit_check", application)
    )
    assert pending["stepId"] == "credit_check_pending", pending
    await record("back while pending", "back", back_input(sid, "credit_check_pending"))
    result = await record("reload", "session", {"sessionId": sid})
    for _ in range(100):  # the sandbox bureau answers after a second
        if result["stepId"] != "credit_check_pending":
            break
        await asyncio.sleep(0.1)
        result = await record("reload", "session", {"sessionId": sid})
    assert result["stepId"] == "financing_result", result
    assert result["outcome"] == "approved", result
    assert "ssn" not in json.dumps(result["values"])

    await record("invalid share", "transition", transition_input(sid, "financing_result", {}))
    retry = await record(
        "retry refused", "transition", transition_input(sid, "financing_result", {"retry": True})
    )
    assert retry["__typename"] == "TransitionRejected", retry
    await record("back refused", "back", back_input(sid, "financing_result"))
    shared = {"share_with_seller": "outcome_only"}
    done = await record("share", "transition", transition_input(sid, "financing_result", shared))
    assert done["stepId"] == "financing_complete", done
    await record("back refused at the end", "back", back_input(sid, "financing_complete"))

    # What the seller's session hears of it: the outcome only.
    events = await lead_statuses(slow_api, seller, "FINANCING_PREQUALIFIED")
    bodies.append(("the seller's lead", json.dumps(events)))
    bodies.append(("the seller's session", json.dumps(await seller.reload())))

    # The session's event stream, replayed from the start.
    async with slow_api.subscribe(
        operation("session_updates"), {"sessionId": sid, "afterSeq": 0}, flow.token
    ) as updates:
        while True:
            try:
                message = await updates.next(0.5)
            except TimeoutError:
                break
            assert message["type"] == "next", message
            bodies.append(("update", json.dumps(message)))
    assert any(label == "update" for label, _ in bodies)

    for label, raw in bodies:
        for form in (SSN_PLAIN, SSN_FORMATTED):
            assert form not in raw, f"the SSN came back in {label}"

    for name, content in stored_data(slow_credit):
        for form in (SSN_PLAIN, SSN_FORMATTED):
            assert form.encode() not in content, f"the SSN is stored in clear in {name}"
            assert form.encode("utf-16-le") not in content, f"the SSN is in {name}"


def stored_data(own: OwnServer) -> list[tuple[str, bytes]]:
    """Everything the server stored: the SQLite files, or a dump of the PostgreSQL database."""
    url = own.server.container.settings.database_url
    if url.startswith("postgresql"):
        plain = url.replace("postgresql+asyncpg://", "postgresql://")
        dump = subprocess.run(["pg_dump", "--data-only", plain], capture_output=True, check=True)
        return [("the PostgreSQL dump", dump.stdout)]
    files = sorted(own.folder.glob("trex.db*"))
    assert any(path.name == "trex.db" for path in files), files
    return [(path.name, path.read_bytes()) for path in files]


def test_routes_used_here_exist() -> None:
    for step_id in ("replacement_check", "buying_complete"):
        assert all(edge in ANSWERS for edge in route_to(step_id))
    assert all(edge in ANSWERS for edge in route_to("credit_check", FINANCING))
