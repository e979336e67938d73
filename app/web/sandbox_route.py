"""Serves the in-process sandbox of the external services under /sandbox on the main server,
so its faults can be set and its messages listed where the app runs (`POST /sandbox/{service}/
faults`, `GET /sandbox/communications/messages`)."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


class SandboxRoute:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/sandbox/"):
            await self.app(scope, receive, send)
            return
        sandbox = getattr(scope["app"].state, "container", None)
        sandbox = None if sandbox is None else sandbox.sandbox
        if sandbox is None:
            body = {"error": "The sandbox runs elsewhere (TREX_SANDBOX_URL)."}
            await JSONResponse(body, status_code=404)(scope, receive, send)
            return
        await sandbox(scope, receive, send)
