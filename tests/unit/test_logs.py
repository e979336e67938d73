"""The log format and its ids (app.telemetry.logs) and the request id of each HTTP request
(app.web.request_ids): one JSON object per line, the ids that are set and no others, a
traceback as one field; a client's request id kept only when it is short and plain."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.telemetry.logs import (
    AccessLine,
    ContextFilter,
    JsonLineFormatter,
    TextFormatter,
    bind,
    close_context,
    configure,
    current,
    open_context,
    uses_json,
)
from app.web.request_ids import RequestIds, request_id

log = logging.getLogger("trex.test")


def _record(message: str = "hello %s", *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError as error:
            exc_info = (type(error), error, error.__traceback__)
    record = log.makeRecord(log.name, logging.WARNING, __file__, 1, message, args, exc_info)
    ContextFilter().filter(record)
    return record


@pytest.fixture
def context() -> Iterator[None]:
    token = open_context("req-1")
    yield
    close_context(token)


def test_a_line_outside_any_context_has_only_the_four_fields() -> None:
    line = json.loads(JsonLineFormatter().format(_record("hello %s", "world")))
    assert set(line) == {"time", "level", "logger", "message"}
    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert line["logger"] == "trex.test"
    assert line["time"].endswith("Z")
    assert line["time"][10] == "T"


def test_the_ids_that_are_set_are_fields(context: None) -> None:
    bind(session_id="s-1", workflow="trex", step="intent_selection")
    line = json.loads(JsonLineFormatter().format(_record()))
    assert line["request_id"] == "req-1"
    assert line["session_id"] == "s-1"
    assert line["step"] == "intent_selection"
    assert "host_site" not in line


def test_a_traceback_is_one_field_on_one_line(context: None) -> None:
    text = JsonLineFormatter().format(_record(exc=True))
    assert "\n" not in text
    line = json.loads(text)
    assert line["exception"].startswith("Traceback")
    assert "ValueError: boom" in line["exception"]
    assert line["request_id"] == "req-1"


def test_text_lines_carry_the_ids_before_a_traceback(context: None) -> None:
    bind(session_id="s-1")
    text = TextFormatter().format(_record("hello %s", "you", exc=True))
    first, _, rest = text.partition("\n")
    assert first.endswith("trex.test: hello you [request_id=req-1 session_id=s-1]")
    assert rest.startswith("Traceback")

    token = open_context("req-2")
    assert TextFormatter().format(_record("plain")).endswith("trex.test: plain [request_id=req-2]")
    close_context(token)


def test_bind_outside_a_context_adds_nothing() -> None:
    bind(session_id="s-1")
    assert current() is None
    assert "session_id" not in json.loads(JsonLineFormatter().format(_record()))


def test_a_context_ends_with_its_request(context: None) -> None:
    token = open_context("req-2")
    bind(session_id="s-2")
    close_context(token)
    context_now = current()
    assert context_now is not None
    assert (context_now.request_id, context_now.session_id) == ("req-1", None)


@pytest.mark.parametrize(
    ("production", "variable", "expected"),
    [(True, None, True), (False, None, False), (True, "text", False), (False, "json", True)],
)
def test_json_in_production_unless_told(production: bool, variable: str, expected: bool) -> None:
    assert uses_json(production, variable) is expected


def test_the_access_line_has_neither_address_nor_query() -> None:
    args = ("203.0.113.9:5555", "GET", "/api/x?email=a@b.example", "1.1", 200)
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s" %s', args, None)
    AccessLine().filter(record)
    assert record.getMessage() == "GET /api/x 200"


def test_configure_replaces_its_handler_and_takes_uvicorns_lines() -> None:
    root = logging.getLogger()
    level = root.level
    first = configure("INFO", json=True, stream=io.StringIO())
    stream = io.StringIO()
    second = configure("INFO", json=True, stream=stream)
    try:
        assert first not in root.handlers
        assert second in root.handlers
        # At WARNING: a server started earlier in the run may have set uvicorn's level.
        logging.getLogger("uvicorn.error").warning("started")
        assert json.loads(stream.getvalue())["logger"] == "uvicorn.error"
        assert logging.getLogger("aiosqlite").level == logging.INFO
    finally:
        root.removeHandler(second)
        root.setLevel(level)


@pytest.mark.parametrize("given", ["abc-123", "A.b_c-9", "x" * 64])
def test_a_short_plain_request_id_is_kept(given: str) -> None:
    assert request_id([(b"x-request-id", given.encode())]) == given


@pytest.mark.parametrize(
    "given", [b"", b"x" * 65, b"a b", b'a"b', b"a\nb", b"a=b", "é".encode(), b"{}"]
)
def test_any_other_request_id_is_replaced(given: bytes) -> None:
    made = request_id([(b"x-request-id", given)])
    assert made != given.decode("latin-1")
    assert len(made) == 32
    assert made.isalnum()


def test_a_request_without_one_gets_a_fresh_one() -> None:
    assert request_id([]) != request_id([])


async def _ok(_: Request) -> PlainTextResponse:
    log.warning("answering")
    return PlainTextResponse("ok")


async def _fault(_: Request) -> PlainTextResponse:
    raise RuntimeError("fault")


async def test_every_response_carries_the_request_id_of_its_log_lines(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.handler.addFilter(ContextFilter())
    app = RequestIds(Starlette(routes=[Route("/ok", _ok), Route("/fault", _fault)]))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ok = await client.get("/ok")
        kept = await client.get("/ok", headers={"x-request-id": "from-the-proxy"})
        fault = await client.get("/fault", headers={"x-request-id": "bad id"})
    assert [r.request_id for r in caplog.records if r.msg == "answering"] == [  # type: ignore[attr-defined]
        ok.headers["x-request-id"],
        "from-the-proxy",
    ]
    assert kept.headers["x-request-id"] == "from-the-proxy"
    assert fault.status_code == 500
    assert len(fault.headers["x-request-id"]) == 32
