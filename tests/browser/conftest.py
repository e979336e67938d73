"""The microfrontend in a real browser: Debian's headless Chromium driven by Playwright, against a
real uvicorn server that serves the API, the module and the demo pages.

Never a downloaded browser: without /usr/bin/chromium these tests skip and say what to install.
Screenshots of every step go to var/screenshots/<test>/ (a test artefact, not committed).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    async_playwright,
)

from tests.browser.widget import RECORD_STEPS, Widget
from tests.e2e.conftest import RunningServer, quick_settings, start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the microfrontend in headless Chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


# The app registers the microfrontend's routes itself; the e2e server serves them.
FrontendServer = RunningServer


@pytest.fixture(scope="session")
async def frontend(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FrontendServer]:
    # Sandbox services at half their usual latency: fast, yet the credit check's pending step
    # stays on screen long enough (150-450 ms) to be seen and photographed.
    settings = quick_settings(tmp_path_factory.mktemp("browser"), sandbox_latency_scale=0.5)
    server = await start_server(settings)
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; never a browser downloaded by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip("install chromium: apt-get install -y chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@dataclass
class PageErrors:
    """What went wrong in the page: uncaught exceptions and console errors, except those a test
    provokes on purpose and allows."""

    messages: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(pattern)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.messages.append(f"console: {message.text}")

    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(re.search(p, m) for p in self.allowed)]


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport=DESKTOP)
    await context.add_init_script(RECORD_STEPS)
    yield context
    await context.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """This test's screenshot folder, emptied first."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


@pytest.fixture
async def page(context: BrowserContext, page_errors: PageErrors) -> AsyncIterator[Page]:
    """A page that fails the test on any uncaught exception or console error."""
    page = await context.new_page()
    page.on("pageerror", lambda error: page_errors.messages.append(f"pageerror: {error}"))
    page.on("console", page_errors.console)
    yield page
    assert not page_errors.unexpected(), page_errors.unexpected()


@pytest.fixture
def widget(page: Page, frontend: FrontendServer, shots: Path) -> Widget:
    return Widget(page, frontend.base_url, shots)
