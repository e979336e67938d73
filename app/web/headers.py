"""Security headers on every HTTP response, each kind of page with the policy it can live under.

- API answers (JSON, errors, anything not below): `default-src 'none'; frame-ancestors 'none'`
  and `X-Frame-Options: DENY`.
- GraphiQL (HTML on /graphql): its own files (or the CDN they come from), its inline script by
  hash, fetch and websocket to this host; never framed (DENY).
- The demo host pages (/demo…): this origin's scripts and styles, the page's inline import map
  by hash; framed by the same origin only.
- Static files (/mf/…, /demo/assets/…): no policy (they are not documents); the module's files
  say `Cross-Origin-Resource-Policy: cross-origin`, so any host site may load them.

Every response gets `X-Content-Type-Options: nosniff` and `Referrer-Policy:
strict-origin-when-cross-origin` (not `no-referrer`: a same-origin POST under it would carry
`Origin: null`, which the publishable key's origin check refuses). HTTPS is the operator's
proxy's; in production (`TREX_ENV=production`) `Strict-Transport-Security` tells browsers to use
it only, which is wrong to send from a development server on plain HTTP.

Inline scripts are allowed by the SHA-256 of their text, read from the HTML page as it is sent,
so a page can change without its policy going stale and nothing inline is allowed that the
server did not send."""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=63072000; includeSubDomains"
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
CDN = "https://unpkg.com"  # GraphiQL's assets when they are not vendored (app/web/graphiql.py)
STATIC_PREFIXES = ("/mf/", "/demo/assets/", "/demo/vendor/", "/graphql-assets/")
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]+)?|\[[0-9A-Fa-f:.]+\](:[0-9]+)?")


def inline_hashes(html: bytes) -> list[str]:
    """CSP hash sources of the page's inline scripts, in order."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def graphiql_policy(html: bytes, host: str | None) -> str:
    scripts = " ".join(["'self'", CDN, *inline_hashes(html)])
    sockets = f" ws://{host} wss://{host}" if host else ""
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline' {CDN}; "
        f"font-src 'self' data: {CDN}; img-src 'self' data:; connect-src 'self'{sockets}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def demo_policy(html: bytes, host: str | None) -> str:
    scripts = " ".join(["'self'", *inline_hashes(html)])
    sockets = f" ws://{host} wss://{host}" if host else ""
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; connect-src 'self'{sockets}; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )


class SecurityHeaders:
    """A pure ASGI middleware: headers an endpoint set itself are left as they are."""

    def __init__(self, app: ASGIApp, *, production: bool = False) -> None:
        self.app = app
        self.common = [*COMMON, *([(b"strict-transport-security", HSTS.encode())] * production)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(STATIC_PREFIXES):
            extra = [(b"cross-origin-resource-policy", b"cross-origin")] * path.startswith("/mf/")
            await self.app(scope, receive, _adding(send, [*self.common, *extra]))
            return
        await self.app(scope, receive, _Page(send, self.common, path, _host(scope)).send)


class _Page:
    """Holds an HTML page's start until its body is known (its inline scripts' hashes go into
    the policy); any other answer goes out at once with the API policy."""

    def __init__(self, send: Send, common: list[tuple[bytes, bytes]], path: str, host: str | None):
        self._send, self._common, self._path, self._host = send, common, path, host
        self._start: Message | None = None
        self._body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if _is_html(message) and self._path.startswith(("/graphql", "/demo")):
                self._start = message
                return
            await self._send(_with(message, [*self._common, *_framing(API_POLICY, b"DENY")]))
            return
        if self._start is None or message["type"] != "http.response.body":
            await self._send(message)
            return
        self._body += message.get("body", b"")
        if message.get("more_body", False):
            return
        await self._send(_with(self._start, [*self._common, *self._page_headers()]))
        self._start = None
        await self._send({"type": "http.response.body", "body": self._body})

    def _page_headers(self) -> list[tuple[bytes, bytes]]:
        if self._path.startswith("/demo"):
            return _framing(demo_policy(self._body, self._host), b"SAMEORIGIN")
        return _framing(graphiql_policy(self._body, self._host), b"DENY")


def _framing(policy: str, frame_options: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", policy.encode()), (b"x-frame-options", frame_options)]


def _adding(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    async def adding(message: Message) -> None:
        await send(_with(message, headers) if message["type"] == "http.response.start" else message)

    return adding


def _with(start: Message, headers: list[tuple[bytes, bytes]]) -> Message:
    present = {name.lower() for name, _ in start.get("headers", [])}
    missing = [(name, value) for name, value in headers if name not in present]
    return {**start, "headers": [*start.get("headers", []), *missing]}


def _is_html(start: Message) -> bool:
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            return bool(value.lower().startswith(b"text/html"))
    return False


def _host(scope: Scope) -> str | None:
    """The Host the page was asked for, when it is a plain host[:port] (it goes into a header)."""
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1")
            return host if _HOST.fullmatch(host) else None
    return None
