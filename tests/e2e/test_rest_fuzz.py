"""Schemathesis against the REST contract's OpenAPI document, with every check it has.

The server is a real `trex serve` process (the generated calls are synchronous). Two runs, each
bounded in examples and time: every operation alone with valid and invalid bodies, and a
stateful walk along the document's links (start, then transition or back on the session it
returned, with its token and step), answering the steps validly half the time so walks go deep.

Two of schemathesis's checks assume a convention the contract declines on purpose, and are
replaced by checks of what it promises instead (`DECLINED`): a wrong or missing token is answered
exactly as an unknown session (404, docs/API.md), so that no answer tells a caller whether a
session exists.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from requests.structures import CaseInsensitiveDict
from schemathesis import checks as st_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case as AnyCase
from schemathesis.specs.openapi.schemas import OpenApiSchema

from app.services.starting import MAX_CONTEXT_BYTES
from app.web import openapi_schemas, rest
from tests import stack
from tests.e2e.walk import ANSWERS
from tests.support.loopback import free_port
from tests.support.waiting import eventually_sync

Case = AnyCase[Any]
EXAMPLES = 40
STATEFUL_STEPS = 12
SECONDS = 90
# The checks of `--checks all` that the contract answers otherwise, and why.
DECLINED = {
    # Expects 401/403 when the token is removed or wrong: the contract answers 404, as for an
    # unknown session (`token_is_answered_as_an_unknown_session` checks that instead).
    "ignored_auth",
    # Expects 401 without an Authorization header: the same 404, for the same reason.
    "missing_required_header",
}
# A body that meets its schema may still break the step's own rules (`validationRules`, 400) or
# a business rule (422): the document cannot say which answers a step takes.
POSITIVE_STATUSES = ["2xx", "400", "404", "409", "422", "429"]


@schemathesis.check
def token_is_answered_as_an_unknown_session(
    ctx: Any, response: Response, case: Case
) -> bool | None:
    """A move the session's token made is answered 404 without the token or with another."""
    if case.operation.path == "/api/workflow/start" or not 200 <= response.status_code < 300:
        return None
    for headers in ({}, {"authorization": "Bearer not-this-sessions-token"}):
        again = httpx.post(str(response.request.url), json=case.body, headers=headers, timeout=10)
        assert again.status_code == 404, (headers, again.status_code, again.text)
        assert again.json()["code"] == "session_not_found", again.text
    return True


@schemathesis.check
def start_takes_what_its_schema_allows(ctx: Any, response: Response, case: Case) -> bool | None:
    """A valid start is a session; the refusals left are a context over its size limit and an
    invitation (a random token is never a seller's, and opens BUYER_FINANCING only)."""
    meta = case.meta
    if case.operation.path != "/api/workflow/start" or meta is None:
        return None
    if meta.generation.mode != GenerationMode.POSITIVE or response.status_code == 429:
        return None
    context = case.body.get("context") if isinstance(case.body, dict) else None
    if response.status_code == 400 and response.json()["field"] == "context":
        assert len(json.dumps(context)) > MAX_CONTEXT_BYTES // 2, response.text
        return True
    invited = isinstance(case.body, dict) and case.body.get("invitation") is not None
    financing = isinstance(case.body, dict) and case.body.get("workflowType") == "buyer_financing"
    if invited or financing:
        assert response.status_code == 400, response.text
        assert response.json()["field"] in ("invitation", "workflowType"), response.text
        return True
    assert response.status_code == 200, (case.body, response.status_code, response.text)
    return True


def all_checks() -> list[Any]:
    st_checks.load_all_checks()
    names = set(st_checks.CHECKS.get_all_names())
    # What the brief of this test names must exist, so an upgrade renaming one fails here.
    assert DECLINED | {"use_after_free", "ensure_resource_availability", "ignored_auth"} <= names
    return [c for c in st_checks.CHECKS.get_all() if c.__name__ not in DECLINED]


@pytest.fixture(scope="module")
def rest_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenApiSchema]:
    folder: Path = tmp_path_factory.mktemp("rest")
    port = free_port()
    env = {
        **os.environ,
        **stack.UNREFUSING_LIMITS,
        "PORT": str(port),
        "DATABASE_URL": stack.database_url(folder),
        "TREX_SANDBOX_LATENCY_SCALE": "0.02",
        "LOG_LEVEL": "WARNING",
    }
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"], env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    config = SchemathesisConfig.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}}}
    )
    try:
        eventually_sync(
            lambda: _ready(base), "trex serve ready", 30, 0.1, (folder / "server.log").read_text
        )
        yield schemathesis.openapi.from_url(f"{base}/api/openapi.json", config=config)
    finally:
        server.terminate()
        server.wait(15)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_the_bodies_rest_reads_are_those_its_schemas_list() -> None:
    schemas = openapi_schemas.SCHEMAS
    for fields, name in (
        (rest.START_FIELDS, "StartRequest"),
        (rest.TRANSITION_FIELDS, "TransitionRequest"),
        (rest.BACK_FIELDS, "BackRequest"),
    ):
        assert fields == tuple(schemas[name]["properties"]), name
        assert schemas[name]["additionalProperties"] is False
    assert openapi_schemas.MAX_CONTEXT_BYTES == MAX_CONTEXT_BYTES


def test_no_input_breaks_the_rest_contract(rest_schema: OpenApiSchema) -> None:
    """Every operation, with generated valid and invalid bodies (bounded), every check."""
    operations = [result.ok() for result in rest_schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) == 3
    checks, deadline = all_checks(), time.monotonic() + SECONDS
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def check(case: Any) -> None:
                assert time.monotonic() < deadline, f"over {SECONDS} s"
                case.call_and_validate(checks=checks)

            check()


def test_sessions_walked_along_the_links_honour_the_contract(rest_schema: OpenApiSchema) -> None:
    """start → transition/back on the session it returned, with its token and current step."""
    checks, deadline = all_checks(), time.monotonic() + SECONDS
    tokens: dict[str, str] = {}
    steps: dict[str, dict[str, Any]] = {}
    calls = {"answered": 0}

    class Walk(rest_schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Case) -> None:
            assert time.monotonic() < deadline, f"over {SECONDS} s"
            body = case.body if isinstance(case.body, dict) else {}
            session = body.get("sessionId")
            if not isinstance(session, str) or session not in tokens:
                return
            headers = CaseInsensitiveDict(case.headers or {})
            headers["Authorization"] = f"Bearer {tokens[session]}"
            case.headers = headers
            step = steps[session]
            positive = case.meta is not None and case.meta.generation.mode.is_positive
            answer = _valid_answer(step) if case.operation.path.endswith("/transition") else None
            # Whether to answer validly is decided by the case alone, so that a replayed case
            # meets the same server.
            odd = len(json.dumps(body.get("data"), default=str)) % 2
            if positive and odd and answer and body.get("currentStep") == step["stepId"]:
                calls["answered"] += 1
                body["data"] = answer

        def after_call(self, response: Response, case: Case) -> None:
            super().after_call(response, case)
            if (
                response.status_code in (200, 409, 422)
                and "application/json" in (response.headers.get("content-type", [""])[0])
            ):
                answer = response.json()
                step = answer.get("step", answer)
                if step.get("sessionToken"):
                    tokens[step["sessionId"]] = step["sessionToken"]
                if "stepId" in step:
                    steps[step["sessionId"]] = step

        def validate_response(self, response: Response, case: Case, **kwargs: Any) -> None:
            case.validate_response(response, checks=checks, transport_kwargs=kwargs or None)

    Walk.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )
    assert tokens, "no session was started"
    assert calls["answered"] > 0, "no walk reached a transition of its own session"


def _valid_answer(step: dict[str, Any]) -> dict[str, Any] | None:
    shown = {**step["data"], "stepId": step["stepId"]}
    for (name, _), answer in ANSWERS.items():
        if name == step["stepId"]:
            try:
                return answer(shown)
            except (KeyError, IndexError, AssertionError):
                return None
    return None
