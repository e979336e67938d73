"""Schemathesis against the REST contract's OpenAPI document: no 5xx, every answer as documented.

The server is a real `trex serve` process (the generated calls are synchronous)."""

from __future__ import annotations

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
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests import stack
from tests.e2e.conftest import free_port


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
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (folder / "server.log").read_text()
            time.sleep(0.1)
        yield schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    finally:
        server.terminate()
        server.wait(15)


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
