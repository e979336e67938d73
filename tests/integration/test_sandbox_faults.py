"""The sandbox's control surface over HTTP: fault endpoints and their validation, start-up
faults, seeded error draws, latency, counters, and the standalone entry point."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from sandbox import Faults, create_sandbox_app, main
from sandbox.services import SERVICES

SEND = {"channel": "email", "to": "ana@example.com", "template": "t", "data": {}}


async def http_client(app: Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://sandbox/sandbox")


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with await http_client(create_sandbox_app(latency_scale=0.01)) as client:
        yield client


@pytest.mark.parametrize("service", SERVICES)
async def test_faults_are_shown_set_field_by_field_and_reset(
    http: httpx.AsyncClient, service: str
) -> None:
    none = {"error_rate": 0.0, "latency_ms": 0, "down": False}
    assert (await http.get(f"/{service}/faults")).json() == none
    await http.post(f"/{service}/faults", json={"error_rate": 0.25})
    answer = await http.post(f"/{service}/faults", json={"latency_ms": 40})
    assert answer.json() == {"error_rate": 0.25, "latency_ms": 40, "down": False}
    assert (await http.get(f"/{service}/faults")).json() == answer.json()
    assert (await http.delete(f"/{service}/faults")).json() == none
    assert (await http.get(f"/{service}/faults")).json() == none


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b'{"error_rate": 2}', "error_rate"),
        (b'{"error_rate": "high"}', "error_rate"),
        (b'{"latency_ms": -5}', "latency_ms"),
        (b'{"down": "yes"}', "down"),
        (b'{"error_rate": 0.5, "flaky": true}', "flaky"),
    ],
)
async def test_bad_fault_settings_are_400_naming_the_field(
    http: httpx.AsyncClient, body: bytes, field: str
) -> None:
    answer = await http.post("/lead-crm/faults", content=body)
    assert answer.status_code == 400
    assert answer.json()["field"] == field
    assert field in answer.json()["reason"]
    assert (await http.get("/lead-crm/faults")).json()["error_rate"] == 0  # nothing changed


async def test_start_up_faults_from_the_environment_apply() -> None:
    faults = Faults.from_env({"TREX_SANDBOX_FAULTS": '{"credit-bureau": {"down": true}}'})
    async with await http_client(create_sandbox_app(faults, latency_scale=0)) as http:
        assert (await http.get("/credit-bureau/faults")).json()["down"] is True
        answer = await http.post("/credit-bureau/checks", json={}, headers={"Idempotency-Key": "k"})
        assert answer.status_code == 503
        assert answer.json() == {"code": "unavailable", "reason": "credit-bureau is down"}
        assert answer.headers["Retry-After"] == "1"
        index = (await http.get("/")).json()
        assert index["services"]["credit-bureau"]["faults"]["down"] is True
        assert index["services"]["lead-crm"]["faults"]["down"] is False


async def statuses(seed: int, count: int = 30) -> list[int]:
    app = create_sandbox_app(seed=seed, latency_scale=0)
    async with await http_client(app) as http:
        await http.post("/communications/faults", json={"error_rate": 0.5})
        codes = []
        for index in range(count):
            headers = {"Idempotency-Key": f"k{index}"}
            codes.append(
                (
                    await http.post("/communications/messages", json=SEND, headers=headers)
                ).status_code
            )
        stats = (await http.get("/communications/stats")).json()
        assert stats == {"requests": count, "failed": codes.count(503)}
    return codes


async def test_injected_errors_follow_the_seed() -> None:
    first, again, other = await statuses(7), await statuses(7), await statuses(8)
    assert first == again
    assert first != other
    assert set(first) == {201, 503}
    assert 5 < first.count(503) < 25  # about half


async def test_inspection_and_control_routes_work_while_the_service_is_down(
    http: httpx.AsyncClient,
) -> None:
    await http.post("/communications/faults", json={"down": True})
    assert (await http.get("/communications/messages")).json() == {"messages": []}
    assert (await http.get("/communications/stats")).json() == {"requests": 0, "failed": 0}


async def test_fault_latency_delays_every_call(http: httpx.AsyncClient) -> None:
    await http.post("/dealer-network/faults", json={"latency_ms": 150})
    started = time.perf_counter()
    answer = await http.put("/dealer-network/assignments/lead-1", json={"dealer_id": "dlr-001"})
    assert answer.status_code == 201
    assert time.perf_counter() - started >= 0.15


async def test_the_usual_latency_is_the_service_range_times_the_scale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TREX_SANDBOX_LATENCY_SCALE", "0.5")
    app = create_sandbox_app()
    async with await http_client(app) as http:
        assert (await http.get("/")).json()["latency_scale"] == 0.5
        started = time.perf_counter()
        await http.get("/vehicle-data/vins/1HGCM82633A004352")
        elapsed = time.perf_counter() - started
    assert 0.010 <= elapsed < 0.5  # vehicle data: 20-60 ms, halved


async def test_unknown_routes_are_404(http: httpx.AsyncClient) -> None:
    assert (await http.get("/weather/forecast")).status_code == 404


# The entry point


def test_main_serves_the_sandbox_with_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, Any] = {}

    def run(app: object, **options: Any) -> None:
        served.update(options, app=app)

    monkeypatch.setattr("uvicorn.run", run)
    monkeypatch.setenv("TREX_SANDBOX_FAULTS", '{"lead-crm": {"error_rate": 0.1}}')
    main(["--port", "8123", "--seed", "4"])
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    app = served["app"]
    assert isinstance(app, Starlette)
    assert app.state.services["lead-crm"].fault.error_rate == 0.1


def test_main_stops_on_bad_start_up_faults(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TREX_SANDBOX_FAULTS", '{"lead-crm": {"down": "maybe"}}')
    with pytest.raises(SystemExit) as raised:
        main([])
    assert raised.value.code == 2
    assert "lead-crm.down: must be true or false" in capsys.readouterr().err
