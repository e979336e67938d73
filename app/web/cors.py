"""CORS for the API: only the registered origins of host sites (and loopback pages in
development) get `Access-Control-Allow-Origin`; never `*`.

Starlette's middleware does the protocol (preflight, `Vary`, simple responses); this decides
the origin. The module's own files answer `*` themselves (`app.web.frontend`): they are public
code, and module scripts need CORS on every origin that embeds them."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.services.site_origins import RegisteredOrigins

# What the microfrontend and host sites' servers send besides the CORS-safelisted headers.
ALLOWED_HEADERS = ("authorization", "content-type", "x-publishable-key")
# Readable by the page: how long to wait after a 429; the request id its error banner shows.
EXPOSED_HEADERS = ("retry-after", "x-request-id")


class RegisteredOriginsCORS(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: RegisteredOrigins) -> None:
        super().__init__(
            app,
            allow_methods=("GET", "POST"),
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
        )
        self._origins = origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            origin = _origin(scope)
            if origin is not None:
                await self._origins.check(origin)  # an unknown origin may be a new site's
        await super().__call__(scope, receive, send)

    def is_allowed_origin(self, origin: str) -> bool:
        return self._origins.allowed(origin)


def _origin(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"origin":
            return str(value.decode("latin-1"))
    return None
