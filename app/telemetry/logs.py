"""Log lines a pipeline can parse and a support call can find: one JSON object per line in
production, readable text in development, each with the ids of what it is about.

The ids live in one `contextvars` variable (`LogContext`): the request-id middleware opens a
context per HTTP request and per websocket operation, the services add the session, workflow,
step and host site once they know them (`bind`), and `ContextFilter`, on the handler, copies them
onto every record, including the libraries' (uvicorn, Strawberry). A task started during a
request inherits its context, so what it logs carries the request's ids too.

Only ids go in: no personal value, no token, no query text, no address.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar, Token
from typing import IO, Any, TypeVar

from pythonjsonlogger.json import JsonFormatter

IDS = ("request_id", "session_id", "workflow", "step", "host_site")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Quieter than the level asked for: Alembic announces each plugin at INFO on every start, and
# aiosqlite's DEBUG lines carry every statement's parameters (personal data) at any LOG_LEVEL.
QUIETED = {"alembic.runtime.plugins": logging.WARNING, "aiosqlite": logging.INFO}
# uvicorn's own loggers: through the root's handler (and so the format and the ids), not theirs.
UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


class LogContext:
    """The ids of one request or websocket operation; None until known."""

    __slots__ = IDS

    def __init__(self, request_id: str | None = None) -> None:
        self.request_id = request_id
        self.session_id: str | None = None
        self.workflow: str | None = None
        self.step: str | None = None
        self.host_site: str | None = None


_context: ContextVar[LogContext | None] = ContextVar("trex_log_context", default=None)
Work = TypeVar("Work")


def new_id() -> str:
    """A fresh request id."""
    return uuid.uuid4().hex


def open_context(request_id: str) -> Token[LogContext | None]:
    """A fresh context for one request or operation; `close_context(token)` ends it."""
    return _context.set(LogContext(request_id))


def close_context(token: Token[LogContext | None]) -> None:
    _context.reset(token)


def each_in_context(
    handlers: Mapping[str, Callable[[Work], Awaitable[None]]],
) -> dict[str, Callable[[Work], Awaitable[None]]]:
    """`handlers` (the relay's), each delivery in a context of its own: asynchronous work has
    no request, but its lines get an id and, once it loads its session, the session's ids."""
    return {topic: _in_context(handler) for topic, handler in handlers.items()}


def _in_context(handler: Callable[[Work], Awaitable[None]]) -> Callable[[Work], Awaitable[None]]:
    async def in_context(work: Work) -> None:
        token = open_context(new_id())
        try:
            await handler(work)
        finally:
            close_context(token)

    return in_context


def current() -> LogContext | None:
    return _context.get()


def bind(
    *,
    session_id: str | None = None,
    workflow: str | None = None,
    step: str | None = None,
    host_site: str | None = None,
) -> None:
    """Adds what the caller learnt to the current context (outside one, nothing to add to)."""
    context = _context.get()
    if context is None:
        return
    if session_id is not None:
        context.session_id = session_id
    if workflow is not None:
        context.workflow = workflow
    if step is not None:
        context.step = step
    if host_site is not None:
        context.host_site = host_site


class ContextFilter(logging.Filter):
    """Copies the current context's ids onto each record (None where unknown)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        for name in IDS:
            setattr(record, name, getattr(context, name) if context is not None else None)
        return True


def _ids(record: logging.LogRecord) -> list[tuple[str, str]]:
    return [(name, value) for name in IDS if (value := getattr(record, name, None)) is not None]


class TextFormatter(logging.Formatter):
    """The development format, with the ids that are set appended in brackets."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = _ids(record)
        if not ids:
            return line
        suffix = " ".join(f"{name}={value}" for name, value in ids)
        head, newline, rest = line.partition("\n")  # after the message, before a traceback
        return f"{head} [{suffix}]{newline}{rest}"


class JsonLineFormatter(JsonFormatter):
    """One JSON object per record: time (ISO 8601, UTC), level, logger, message, the ids that
    are set, and a traceback as one string field (`exception`); never more than one line."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["time"] = _utc(record.created, record.msecs)
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        log_data.update(_ids(record))
        if exception := message_dict.get("exc_info"):
            log_data["exception"] = exception
        if stack := message_dict.get("stack_info"):
            log_data["stack"] = stack


def _utc(created: float, msecs: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{int(msecs):03d}Z"


def uses_json(production: bool, log_format: str | None) -> bool:
    """JSON in production, text in development, unless TREX_LOG_FORMAT (`json`|`text`) says."""
    if log_format in ("json", "text"):
        return log_format == "json"
    return production


class AccessLine(logging.Filter):
    """uvicorn's access line without the client's address and the query string (either may be
    personal): `POST /graphql 200`, the request id beside it."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            _address, method, path, _version, status = args
            record.msg, record.args = "%s %s %s", (method, str(path).partition("?")[0], status)
        return True


class LogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The process's one handler (a second `configure` replaces it)."""


def configure(level: str, *, json: bool, stream: IO[str] | None = None) -> LogHandler:
    """The process's logging: one handler on the root logger (stderr unless `stream`), in the
    chosen format, with the ids; uvicorn's loggers go through it. Returns the handler (a test
    removes it again)."""
    handler = LogHandler(stream or sys.stderr)
    handler.setFormatter(JsonLineFormatter() if json else TextFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, LogHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in UVICORN:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
        uvicorn_logger.disabled = False  # a logging.config run before may have disabled it
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLine) for f in access.filters):
        access.addFilter(AccessLine())
    for name, quieter in QUIETED.items():
        logging.getLogger(name).setLevel(quieter)
    return handler
