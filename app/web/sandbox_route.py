"""Serves the in-process sandbox of the external services under /sandbox on the main server,
so its faults can be set and its messages listed where the app runs (`POST /sandbox/{service}/
faults`, `GET /sandbox/communications/messages`).

Development only, and to loopback clients only: the sandbox lists every lead and message it
received (personal data) and lets its caller break the services for everyone. The production
profile does not install this route at all."""

from __future__ import annotations

from ipaddress import ip_address

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def is_loopback(scope: Scope) -> bool:
    client = scope.get("client")
    try:
        return client is not None and ip_address(client[0]).is_loopback
    except ValueError:  # not an IP address (a unix socket's peer, a test client's name)
        return False


class SandboxRoute:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/sandbox/"):
            await self.app(scope, receive, send)
            return
        if not is_loopback(scope):
            body = {"error": "The sandbox answers loopback clients only."}
            await JSONResponse(body, status_code=403)(scope, receive, send)
            return
        sandbox = getattr(scope["app"].state, "container", None)
        sandbox = None if sandbox is None else sandbox.sandbox
        if sandbox is None:
            body = {"error": "The sandbox runs elsewhere (TREX_SANDBOX_URL)."}
            await JSONResponse(body, status_code=404)(scope, receive, send)
            return
        await sandbox(scope, receive, send)
