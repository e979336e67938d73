"""The microfrontend and its demo host pages.

The module (`microfrontend/module/`, served as is: no build step) lives under a content-addressed
path, `/mf/v1.<digest>/…`, with immutable cache headers: a release is a new URL, so a browser
never mixes files of two releases. Host sites embed the stable `/mf/v1/trex-workflow.js`, a
one-line module that re-exports the current release and is cached for minutes only. `v1` is the
major version of the element's public surface (its attributes, events and lifecycles).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRONTEND = Path(__file__).resolve().parents[2] / "microfrontend"
MODULE = FRONTEND / "module"
DEMO = FRONTEND / "demo"
# Put there by scripts/vendor-single-spa.sh (from the npm registry, at install time).
SINGLE_SPA = Path(__file__).with_name("vendor") / "single-spa"
MAJOR = "v1"
ENTRY = "trex-workflow.js"
IMMUTABLE = "public, max-age=31536000, immutable"
BRIEFLY = "public, max-age=300"


def module_version(folder: Path = MODULE) -> str:
    """`v1.<digest>`: the digest covers every file's path and bytes, so any change is a new URL."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{MAJOR}.{digest.hexdigest()[:12]}"


class ResponseHeaders:
    """Adds headers to a wrapped app's responses: `always` to every one, `on_success` to 200/304
    only (a 404 must not be cached for a year)."""

    def __init__(
        self, app: ASGIApp, always: dict[str, str], on_success: dict[str, str] | None = None
    ) -> None:
        self.app = app
        self.always = [(k.lower().encode(), v.encode()) for k, v in always.items()]
        self.on_success = [(k.lower().encode(), v.encode()) for k, v in (on_success or {}).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = self.always + (self.on_success if message["status"] in (200, 304) else [])
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def static(directory: Path, cache_control: str) -> ASGIApp:
    """Files of `directory`, gzipped, readable cross-origin (module scripts need CORS)."""
    files = GZipMiddleware(StaticFiles(directory=directory, check_dir=False), minimum_size=500)
    cors = {"Access-Control-Allow-Origin": "*"}
    return ResponseHeaders(files, always=cors, on_success={"Cache-Control": cache_control})


def demo_page(path: str, template: str, replacements: dict[str, str]) -> Route:
    """A host page from `microfrontend/demo/`, with the current module's URL filled in."""
    page = (DEMO / template).read_text()
    for placeholder, value in replacements.items():
        page = page.replace(placeholder, value)

    async def endpoint(_: Request) -> Response:
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    return Route(path, endpoint)


def frontend_routes(*, demo: bool = True) -> list[BaseRoute]:
    """The module, its stable entry point, and (`demo`) the two demo host pages with their
    assets."""
    version = module_version()
    module_url = f"/mf/{version}/{ENTRY}"
    entry = f'export * from "{module_url}";\n'

    async def stable_entry(_: Request) -> Response:
        headers = {"Cache-Control": BRIEFLY, "Access-Control-Allow-Origin": "*"}
        return Response(entry, media_type="text/javascript", headers=headers)

    urls = {"__MODULE_URL__": module_url, "__SINGLE_SPA_URL__": "/demo/vendor/single-spa.min.js"}
    module = [
        Route(f"/mf/{MAJOR}/{ENTRY}", stable_entry),
        Mount(f"/mf/{version}", app=static(MODULE, IMMUTABLE)),
    ]
    if not demo:
        return module
    return [
        *module,
        demo_page("/demo", "index.html", urls),
        demo_page("/demo/single-spa", "single-spa.html", urls),
        Mount("/demo/assets", app=static(DEMO / "assets", BRIEFLY)),
        Mount("/demo/vendor", app=static(SINGLE_SPA, BRIEFLY)),
    ]
