"""Schemathesis against the REST contract's OpenAPI document: no 5xx, every answer as documented.

The server is a real `trex serve` process (the generated calls are synchronous)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests import stack
from tests.support.loopback import free_port
from tests.support.waiting import eventually_sync


@pytest.fixture(scope="module")
def rest_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenApiSchema]:
    folder: Path = tmp_path_factory.mktemp("rest")
    port = free_port()
    env = {
        **os.environ,
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
    try:
        eventually_sync(
            lambda: _ready(base), "trex serve ready", 30, 0.1, (folder / "server.log").read_text
        )
        yield schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    finally:
        server.terminate()
        server.wait(15)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_no_input_breaks_the_rest_contract(rest_schema: OpenApiSchema) -> None:
    """Every operation, with generated valid and invalid bodies (bounded): no 5xx, and every
    answer's status and body as the document says."""
    operations = [result.ok() for result in rest_schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) == 3
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: Any) -> None:
            case.call_and_validate()

        check()
