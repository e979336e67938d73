"""The HTTP adapter: backoff bounds and jitter, retries only for idempotent calls, the breaker,
and how httpx's exceptions and statuses become T-Rex's errors (over `httpx.MockTransport`)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from app.integrations.breaker import BreakerState, CircuitBreaker
from app.integrations.errors import (
    CircuitOpen,
    IntegrationError,
    Rejected,
    Unavailable,
    UnexpectedResponse,
)
from app.integrations.http import ClientPolicy, ServiceClient
from app.integrations.testing import ManualClock

POLICY = ClientPolicy(timeout_seconds=0.05, retries=2, backoff_base_seconds=0.1)
Respond = Callable[[httpx.Request], Any]


class Recorder:
    """A transport that answers with `respond` and counts the requests it saw."""

    def __init__(self, respond: Respond) -> None:
        self.requests: list[httpx.Request] = []
        self._respond = respond

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self._respond(request)
        if asyncio.iscoroutine(answer):
            answer = await answer
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx.Response)
        return answer


class Harness:
    def __init__(self, respond: Respond, threshold: int = 5) -> None:
        self.server = Recorder(respond)
        self.sleeps: list[float] = []
        self.clock = ManualClock()
        self.breaker = CircuitBreaker("lead-crm", failure_threshold=threshold, clock=self.clock)
        self.client = ServiceClient(
            "lead-crm",
            "http://crm.test/api",
            httpx.MockTransport(self.server.handle),
            policy=POLICY,
            breaker=self.breaker,
            sleep=self._sleep,
            rng=random.Random(1),
        )

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def put(self) -> dict[str, Any]:
        return await self.client.request("PUT", "/leads/1", json={"a": 1}, idempotent=True)

    async def post(self) -> dict[str, Any]:
        return await self.client.request("POST", "/leads", json={"a": 1}, idempotent=False)


@pytest.fixture
async def make() -> AsyncIterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def build(respond: Respond, threshold: int = 5) -> Harness:
        made.append(Harness(respond, threshold))
        return made[-1]

    yield build
    for harness in made:
        await harness.client.aclose()


def status(code: int, body: Any = None, text: str | None = None) -> Respond:
    if text is not None:
        return lambda _: httpx.Response(code, text=text)
    return lambda _: httpx.Response(code, json=body)


# Backoff


def test_the_backoff_ceiling_doubles_from_the_base_up_to_the_cap() -> None:
    policy = ClientPolicy(backoff_base_seconds=0.05, backoff_max_seconds=1.0)
    ceilings = [policy.backoff_ceiling(retry) for retry in range(1, 8)]
    assert ceilings == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0])


def test_full_jitter_draws_anywhere_between_zero_and_the_ceiling() -> None:
    policy = ClientPolicy(backoff_base_seconds=0.05, backoff_max_seconds=1.0)
    rng = random.Random(7)
    draws = [policy.backoff(3, rng) for _ in range(500)]
    assert all(0 <= draw <= 0.2 for draw in draws)
    assert min(draws) < 0.02
    assert max(draws) > 0.18  # spread over the whole range, not clustered at the ceiling


@pytest.mark.parametrize(
    "settings",
    [
        {"timeout_seconds": 0},
        {"retries": -1},
        {"backoff_base_seconds": 2.0, "backoff_max_seconds": 1.0},
    ],
)
def test_nonsense_policies_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="need"):
        ClientPolicy(**settings)


async def test_retries_wait_a_jittered_backoff_bounded_by_each_ceiling(
    make: Callable[..., Harness],
) -> None:
    harness = make(status(503))
    with pytest.raises(Unavailable):
        await harness.put()
    assert len(harness.sleeps) == 2
    assert 0 <= harness.sleeps[0] <= POLICY.backoff_ceiling(1)
    assert 0 <= harness.sleeps[1] <= POLICY.backoff_ceiling(2)


# Retries


@pytest.mark.parametrize("code", [500, 502, 503, 504, 429, 408])
async def test_transient_statuses_are_retried_then_unavailable(
    make: Callable[..., Harness], code: int
) -> None:
    harness = make(status(code, {"error": "busy"}))
    with pytest.raises(Unavailable) as raised:
        await harness.put()
    assert len(harness.server.requests) == 3
    assert raised.value.attempts == 3
    assert f"HTTP {code}" in str(raised.value)
    assert "lead-crm: unavailable after 3 attempts" in str(raised.value)


async def test_a_call_that_recovers_within_the_retries_succeeds(
    make: Callable[..., Harness],
) -> None:
    answers = iter([httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"ok": 1})])
    harness = make(lambda _: next(answers))
    assert await harness.put() == {"ok": 1}
    assert len(harness.server.requests) == 3
    assert harness.breaker.consecutive_failures == 0


async def test_a_non_idempotent_post_is_tried_once(make: Callable[..., Harness]) -> None:
    harness = make(status(503))
    with pytest.raises(Unavailable) as raised:
        await harness.post()
    assert len(harness.server.requests) == 1
    assert raised.value.attempts == 1
    assert harness.sleeps == []


async def test_a_post_with_an_idempotency_key_is_retried_with_the_same_key(
    make: Callable[..., Harness],
) -> None:
    harness = make(status(503))
    with pytest.raises(Unavailable):
        await harness.client.request(
            "POST", "/messages", json={}, idempotent=True, headers={"idempotency-key": "k-1"}
        )
    keys = [request.headers["Idempotency-Key"] for request in harness.server.requests]
    assert keys == ["k-1", "k-1", "k-1"]


async def test_calling_a_post_idempotent_without_a_key_is_a_programming_error(
    make: Callable[..., Harness],
) -> None:
    harness = make(status(200, {}))
    with pytest.raises(ValueError, match="Idempotency-Key"):
        await harness.client.request("POST", "/messages", json={}, idempotent=True)
    assert harness.server.requests == []


async def test_each_retry_is_logged_with_the_service_name(
    make: Callable[..., Harness], caplog: pytest.LogCaptureFixture
) -> None:
    harness = make(status(503))
    with caplog.at_level(logging.WARNING, logger="trex.integrations"), pytest.raises(Unavailable):
        await harness.put()
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 2
    assert all(message.startswith("lead-crm: PUT /leads/1 failed") for message in retries)
    assert "retry 1 of 2" in retries[0]
    assert "retry 2 of 2" in retries[1]


# Transport failures


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadError("connection reset"),
        httpx.RemoteProtocolError("server hung up"),
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectTimeout("connect timed out"),
    ],
)
async def test_transport_failures_are_unavailable_and_retried(
    make: Callable[..., Harness], error: Exception
) -> None:
    harness = make(lambda _: error)
    with pytest.raises(Unavailable) as raised:
        await harness.put()
    assert len(harness.server.requests) == 3
    assert raised.value.service == "lead-crm"


async def test_a_server_slower_than_the_timeout_is_unavailable(
    make: Callable[..., Harness],
) -> None:
    async def slow(_: httpx.Request) -> httpx.Response:
        await asyncio.sleep(1)
        return httpx.Response(200, json={})

    harness = make(slow)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(Unavailable, match=r"no answer within 0.05s"):
        await harness.put()
    assert loop.time() - started < 0.5  # three attempts of 50 ms, not three seconds
    assert len(harness.server.requests) == 3


# Answers that are not successes


@pytest.mark.parametrize("code", [409, 422])
async def test_a_business_refusal_is_rejected_at_once(
    make: Callable[..., Harness], code: int
) -> None:
    harness = make(status(code, {"code": "lead_refused", "reason": "blocked address"}))
    with pytest.raises(Rejected) as raised:
        await harness.put()
    assert (raised.value.code, raised.value.reason) == ("lead_refused", "blocked address")
    assert "refused the request (lead_refused): blocked address" in str(raised.value)
    assert len(harness.server.requests) == 1


async def test_a_refusal_counts_as_a_success_for_the_breaker(
    make: Callable[..., Harness],
) -> None:
    answers = iter(
        [httpx.Response(503)] * 2 + [httpx.Response(422, json={"code": "c", "reason": "r"})]
    )
    harness = make(lambda _: next(answers))
    with pytest.raises(Rejected):
        await harness.put()
    assert harness.breaker.consecutive_failures == 0
    assert harness.breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize(
    ("respond", "expected"),
    [
        (status(422, text="Unprocessable"), "HTTP 422: Unprocessable"),
        (status(400, {"field": "reference"}), "HTTP 400"),
        (status(404, text="Not Found"), "HTTP 404: Not Found"),
        (status(200, text="<html>"), "HTTP 200: not a JSON object"),
        (status(200, [1, 2]), "HTTP 200: not a JSON object"),
        (status(302, text=""), "HTTP 302: (empty body)"),
    ],
)
async def test_answers_outside_the_contract_are_unexpected_and_not_retried(
    make: Callable[..., Harness], respond: Respond, expected: str
) -> None:
    harness = make(respond)
    with pytest.raises(UnexpectedResponse) as raised:
        await harness.put()
    assert expected in str(raised.value)
    assert len(harness.server.requests) == 1
    assert isinstance(raised.value, IntegrationError)
    assert not isinstance(raised.value, Unavailable)


async def test_no_content_is_an_empty_object(make: Callable[..., Harness]) -> None:
    harness = make(lambda _: httpx.Response(204))
    assert await harness.put() == {}


# The breaker around requests


async def test_the_breaker_opens_across_calls_and_then_sends_nothing(
    make: Callable[..., Harness],
) -> None:
    harness = make(status(503), threshold=4)
    with pytest.raises(Unavailable):
        await harness.put()  # three failures
    with pytest.raises(CircuitOpen):
        await harness.put()  # the fourth opens it: no fifth attempt, and no wait for one
    assert len(harness.server.requests) == 4
    assert len(harness.sleeps) == 2
    with pytest.raises(CircuitOpen):
        await harness.put()
    assert len(harness.server.requests) == 4


async def test_requests_go_to_the_base_url_with_query_parameters(
    make: Callable[..., Harness],
) -> None:
    harness = make(status(200, {"low": 1}))
    await harness.client.request(
        "GET", "/valuations", params={"make": "Mercedes-Benz", "year": 2019}, idempotent=True
    )
    url = str(harness.server.requests[0].url)
    assert url == "http://crm.test/api/valuations?make=Mercedes-Benz&year=2019"
