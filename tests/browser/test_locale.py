"""The element in US Spanish: a host page picks it with `locale="es-US"` (or its `<html lang>`),
the element's own words come from its es-US catalogue, its root says `lang="es-US"`, and the
session starts with `context.locale`, so the server's titles, labels, errors, progress and
timeline are Spanish too. By default (any other page language) everything stays US English
and the Spanish catalogue is never fetched."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Request, expect
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse
from starlette.routing import Route as HttpRoute

from tests.browser.conftest import DESKTOP, FrontendServer
from tests.browser.test_phone import fits_the_phone, phone_context
from tests.browser.widget import RECORD_STEPS, Widget
from tests.unit.test_microfrontend_catalogue import catalogue
from workflows import messages

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Host</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<script type="module" src="/mf/v1/trex-workflow.js"></script></head>
<body>{element}</body></html>"""


def serve_locale_pages(server: FrontendServer) -> None:
    """/locale-page?lang=…&locale=…: a host page in language `lang` embedding the element, with
    a `locale` attribute when given, or none at all with `element=no` (a route of the test
    server only)."""

    async def page(request: HttpRequest) -> HTMLResponse:
        lang = html.escape(request.query_params.get("lang", "en"))
        locale = request.query_params.get("locale")
        attribute = f' locale="{html.escape(locale)}"' if locale else ""
        element = (
            ""
            if request.query_params.get("element") == "no"
            else f'<trex-workflow endpoint="/graphql"{attribute}></trex-workflow>'
        )
        host = request.headers["host"]
        policy = f"default-src 'self'; connect-src 'self' ws://{host}; img-src 'self' data:"
        return HTMLResponse(
            PAGE.format(lang=lang, element=element),
            headers={"content-security-policy": policy},
        )

    if not any(getattr(r, "path", None) == "/locale-page" for r in server.app.routes):
        server.app.router.routes.append(HttpRoute("/locale-page", page))


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[BrowserContext]:
    async with phone_context(browser) as context:
        yield context


def es(message_id: str, **params: object) -> str:
    """The element's own Spanish words."""
    text = catalogue("es-US")[message_id]
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), text)


def server_es(key: str) -> str:
    """The server's Spanish words (its catalogue)."""
    return messages.catalogue("es-US")[key]


def template(text: str) -> re.Pattern[str]:
    """A catalogue text with each placeholder matching anything."""
    parts = re.split(r"\{\w+\}", text)
    return re.compile(".+".join(re.escape(p) for p in parts))


def started_with(requests: list[Request]) -> dict[str, Any]:
    starts = [r for r in requests if "mutation StartWorkflow" in (r.post_data or "")]
    assert len(starts) == 1
    context: dict[str, Any] = json.loads(starts[0].post_data or "{}")["variables"]["input"][
        "context"
    ]
    return context


async def test_a_spanish_visitor_buys_on_a_phone(
    phone: BrowserContext, frontend: FrontendServer, shots: Any
) -> None:
    """es-US on a 375-px phone, from the first step to a completed lead (buying by search)."""
    serve_locale_pages(frontend)
    page = await phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request))
    widget = Widget(page, frontend.base_url, shots)
    widget.whole_page_shots = True

    assert await widget.open("/locale-page?lang=en&locale=es-US") == "intent_selection"
    assert started_with(sent)["locale"] == "es-US"
    root = widget.element.locator(".trex")
    await expect(root).to_have_attribute("lang", "es-US")
    await expect(widget.heading).to_have_text(server_es("trex.intent_selection.title"))
    await expect(widget.element.locator("button.choice .choice-description").first).to_have_text(
        es("intent.buying")
    )
    await expect(widget.element.locator("[data-continue-later]")).to_have_text(es("later.toggle"))
    await fits_the_phone(widget)
    await widget.shot()

    await widget.choose("buying")
    await widget.wait_for("vehicle_knowledge")
    back = widget.element.locator("button[data-back]")
    await expect(back).to_have_text(es("nav.back"))
    await expect(back).to_have_attribute("aria-label", es("nav.back.label"))
    await expect(widget.heading).to_have_text(server_es("trex.vehicle_knowledge.title"))
    await widget.choose("true")
    await widget.wait_for("vehicle_search")
    await fits_the_phone(widget)
    await expect(widget.element.locator('form button[type="submit"]')).to_have_text(
        es("search.submit")
    )
    await expect(widget.control("model").locator("option").first).to_have_text(
        es("search.make_first")
    )
    await expect(widget.field("model").locator(".optional")).to_have_text(
        es("field.optional").strip()
    )
    await widget.shot()

    await widget.select("make", "Toyota")
    await widget.fill(zip="10001")
    await widget.submit()
    await widget.wait_for("search_results")
    await fits_the_phone(widget)
    choose = widget.element.locator("[data-vehicle-id] button").first
    await expect(choose).to_have_text(es("results.choose"))
    fuel = await widget.element.locator("[data-vehicle-id] .facts li").nth(1).inner_text()
    fuels = ("gasoline", "diesel", "hybrid", "electric")
    assert fuel in {es(f"vehicle.value.{f}") for f in fuels}, fuel
    await widget.shot()
    await choose.click()
    await widget.wait_for("vehicle_selection")
    await widget.button(es("selection.confirm")).click()
    await widget.wait_for("buying_confirmation")
    await expect(widget.heading).to_have_text(server_es("trex.buying_confirmation.title"))
    await expect(widget.field("email").locator("label")).to_contain_text(
        server_es("trex.buying_confirmation.email.label")
    )
    await expect(widget.element.locator('form button[type="submit"]')).to_have_text(
        es("contact.submit")
    )

    # A control character the element does not look for: the server's to refuse, so the error
    # at the field is in the server's words.
    await widget.fill(first_name="Ada\tMae", last_name="Lovelace", email="ada@example.com")
    await widget.fill(phone="(415) 555-0123", zip="10001")
    await widget.field("preferred_contact").locator('input[value="email"]').check()
    await widget.tick("consent_to_contact")
    await widget.submit()
    await expect(widget.field("first_name").locator(".error")).to_have_text(
        messages.text("error.invalid_characters", "es-US")
    )
    await expect(widget.element.locator("[role=status][aria-live]").first).to_have_text(
        es("errors.answers_need_attention.one")
    )
    await fits_the_phone(widget)
    await widget.shot("server-error")
    await widget.fill(first_name="Ada")
    await widget.submit()
    await widget.wait_for("buying_complete")

    await expect(widget.heading).to_have_text(server_es("trex.buying_complete.title"))
    await expect(widget.element.get_by_text(es("completion.your_reference"))).to_be_visible()
    timeline = widget.element.locator("[data-lead-id] .timeline")
    await expect(timeline.locator("li").first).to_contain_text(es("completion.received"))
    done = timeline.locator('li.done[data-status="COMPLETED"]')
    await expect(done).to_have_count(1, timeout=10_000)
    await expect(done).to_have_text(template(server_es("timeline.completed.buying")))
    await expect(widget.element.locator("[data-continue-later]")).to_be_hidden()
    await expect(root).to_have_attribute("lang", "es-US")
    await fits_the_phone(widget)
    await widget.shot("timeline-completed")
    assert errors == []


async def test_the_page_language_chooses_and_us_english_is_the_default(
    browser: Browser, frontend: FrontendServer, shots: Any
) -> None:
    serve_locale_pages(frontend)
    for lang, shown in [("es-MX", "es-US"), ("fr", "en-US"), ("en", "en-US")]:
        context = await browser.new_context(viewport=DESKTOP)  # a new visitor each time
        await context.add_init_script(RECORD_STEPS)
        page = await context.new_page()
        sent: list[Request] = []

        def keep(request: Request, sent: list[Request] = sent) -> None:
            sent.append(request)

        page.on("request", keep)
        widget = Widget(page, frontend.base_url, shots)
        assert await widget.open(f"/locale-page?lang={lang}") == "intent_selection"
        assert started_with(sent)["locale"] == shown
        await expect(widget.element.locator(".trex")).to_have_attribute("lang", shown)
        later = widget.element.locator("[data-continue-later]")
        if shown == "es-US":
            await expect(later).to_have_text(es("later.toggle"))
            await expect(widget.heading).to_have_text(server_es("trex.intent_selection.title"))
        else:
            await expect(later).to_have_text(catalogue("en-US")["later.toggle"])
            await expect(widget.heading).to_have_text("Are you buying or selling?")
            fetched = [r.url for r in sent]
            assert not any(url.endswith("/i18n/es-US.js") for url in fetched), fetched
        await context.close()


async def test_single_spa_passes_the_locale(widget: Widget, frontend: FrontendServer) -> None:
    serve_locale_pages(frontend)
    await widget.page.goto(f"{frontend.base_url}/locale-page?lang=en&element=no")
    await widget.page.evaluate(
        """async () => {
          const app = await import('/mf/v1/trex-workflow.js');
          await app.mount({name: 'trex', locale: 'es-US'});
        }"""
    )
    assert await widget.first_step() == "intent_selection"
    await expect(widget.element).to_have_attribute("locale", "es-US")
    await expect(widget.element.locator(".trex")).to_have_attribute("lang", "es-US")
    await expect(widget.element.locator("[data-continue-later]")).to_have_text(es("later.toggle"))
