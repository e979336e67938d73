"""GraphiQL under its Content-Security-Policy, in Chromium: it loads, runs an operation over
fetch and opens its websocket, and the browser reports no violation of the policy."""

from __future__ import annotations

from playwright.async_api import Page

from tests.browser.conftest import FrontendServer, PageErrors

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


async def test_graphiql_works_under_its_policy(
    page: Page, frontend: FrontendServer, page_errors: PageErrors
) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page_errors.allow("status of 404")  # the browser's own /favicon.ico (checked below)
    await page.add_init_script(COLLECT_VIOLATIONS)
    response = await page.goto(f"{frontend.base_url}/graphql")
    assert response is not None
    assert "script-src" in (await response.all_headers())["content-security-policy"]
    await page.wait_for_selector(".graphiql-container", timeout=15_000)
    await page.click(".graphiql-execute-button")  # the first tab: StartWorkflow, over fetch
    result = page.locator(".result-window")
    await result.get_by_text("startWorkflow").first.wait_for(timeout=10_000)
    subscribe = "new WebSocket(location.href.replace(/^http/, 'ws'), 'graphql-transport-ws')"
    opened = await page.evaluate(
        f"() => new Promise((done) => {{ const ws = {subscribe};"
        " ws.onopen = () => { ws.close(); done(true); }; ws.onerror = () => done(false); })"
    )
    assert opened is True
    assert await page.evaluate("window.__violations") == []
    assert not [m for m in page_errors.messages if "Content Security Policy" in m]
    assert all(url.endswith("/favicon.ico") for url in missing), missing
