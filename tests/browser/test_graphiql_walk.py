"""The README's walk through a flow in GraphiQL, clicked through in Chromium: StartWorkflow, the
session id typed into Transition's variables, the next step, a second, different transition (no
fixed idempotency key replays the first), the subscription tab connecting with the remembered
token; no SessionNotFound anywhere, and no lint mark on the variables' JSON objects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.async_api import Page, Request, WebSocket, expect

from tests.browser.conftest import FrontendServer, PageErrors
from tests.support.waiting import eventually

RUN_TIMEOUT_S = 10.0
QUERY = ".graphiql-query-editor .CodeMirror"
VARIABLES = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESULT = ".result-window .CodeMirror"
LINT_MARKS = f"{VARIABLES} .CodeMirror-lint-mark-error"
CLEAR = "(selector) => document.querySelector(selector).CodeMirror.setValue('')"
SELECT = """([selector, text]) => {
  const editor = document.querySelector(selector).CodeMirror;
  const at = editor.getValue().indexOf(text);
  if (at < 0) return false;
  editor.focus();
  editor.setSelection(editor.posFromIndex(at), editor.posFromIndex(at + text.length));
  return true;
}"""


class GraphiQL:
    def __init__(self, page: Page, shots: Path) -> None:
        self.page = page
        self.shots = shots
        self.results: list[str] = []
        self.sent: list[dict[str, Any]] = []  # websocket frames the page sent
        self.posted: list[Request] = []  # the operations it sent over HTTP
        page.on("websocket", self._follow)
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        if request.method == "POST" and "IntrospectionQuery" not in (request.post_data or ""):
            self.posted.append(request)

    def _follow(self, socket: WebSocket) -> None:
        socket.on("framesent", lambda frame: self.sent.append(json.loads(frame)))

    async def open(self, base_url: str) -> None:
        await self.page.goto(f"{base_url}/graphql")
        await self.page.wait_for_selector(QUERY, timeout=15_000)

    async def tab(self, name: str) -> None:
        await self.page.locator(".graphiql-tab-button", has_text=name).first.click()
        await expect(self.page.locator(".graphiql-tab-active")).to_contain_text(name)

    async def type_over(self, text: str, typed: str) -> None:
        """Selects `text` in the variables editor and types `typed` in its place."""
        assert await self.page.evaluate(SELECT, [VARIABLES, text]), f"no {text!r} in variables"
        await self.page.keyboard.type(typed)

    async def variables(self) -> str:
        text: str = await self.page.evaluate(
            f"() => document.querySelector({VARIABLES!r}).CodeMirror.getValue()"
        )
        return text

    async def run(self, expecting: str) -> dict[str, Any]:
        """Presses run and waits for an answer that contains `expecting`."""
        await self.page.evaluate(CLEAR, RESULT)
        await self.page.click(".graphiql-execute-button")

        shown: list[str] = [""]

        async def answered() -> bool:
            shown[0] = await self.page.evaluate(
                f"() => document.querySelector({RESULT!r}).CodeMirror.getValue()"
            )
            return expecting in shown[0]

        await eventually(answered, f"an answer with {expecting}", RUN_TIMEOUT_S)
        text = shown[0]
        self.results.append(text)
        await self.page.screenshot(path=self.shots / f"{len(self.results):02d}-{expecting}.png")
        answer: dict[str, Any] = json.loads(text)
        return answer


async def test_the_readme_walk_in_graphiql(
    page: Page, frontend: FrontendServer, page_errors: PageErrors, shots: Path
) -> None:
    page_errors.allow("status of 404")  # the browser's own /favicon.ico
    ide = GraphiQL(page, shots)
    await ide.open(frontend.base_url)

    # 1. StartWorkflow: the token is shown this once, and the page keeps it.
    started = (await ide.run("startWorkflow"))["data"]["startWorkflow"]
    assert started["stepId"] == "intent_selection"
    session_id = started["session"]["id"]
    token = (started.get("started") or started["session"]).get("token")
    assert token
    kept = await page.evaluate("() => sessionStorage.getItem('trex.graphiql.token')")
    assert kept == token

    # 2. Transition: the session id typed into the variables; the answer is the next step.
    await ide.tab("Transition")
    await ide.type_over("<session id from startWorkflow>", session_id)
    moved = (await ide.run("transition"))["data"]["transition"]
    assert moved["__typename"] == "ChoiceStep", moved["__typename"]
    assert moved["stepId"] == "vehicle_knowledge"
    assert (await ide.posted[-1].all_headers())["authorization"] == f"Bearer {token}"

    # The next step's answers, in the same tab: a different transition, answered as itself.
    await ide.type_over('"intent_selection"', '"vehicle_knowledge"')
    await ide.type_over('"intent": "buying"', '"knows_vehicle": true')
    assert '"idempotencyKey"' not in await ide.variables()
    second = (await ide.run("transition"))["data"]["transition"]
    assert second["stepId"] == "vehicle_search", second

    # The variables' JSON objects carry no lint mark, while the lint is live: a wrong type for
    # currentStep is marked, and only that.
    await expect(page.locator(LINT_MARKS)).to_have_count(0)
    await ide.type_over('"currentStep": "vehicle_knowledge"', '"currentStep": 7')
    await expect(page.locator(LINT_MARKS)).to_have_count(1)
    await ide.type_over('"currentStep": 7', '"currentStep": "vehicle_search"')
    await expect(page.locator(LINT_MARKS)).to_have_count(0)
    await ide.tab("StartWorkflow")
    await expect(page.locator(LINT_MARKS)).to_have_count(0)

    # 3. SessionUpdates: the websocket says who we are in connection_init, with the token.
    await ide.tab("SessionUpdates")
    await ide.type_over("<session id>", session_id)
    update = (await ide.run("sessionUpdates"))["data"]["sessionUpdates"]
    assert update["type"] == "STEP_CHANGED"
    assert update["seq"] >= 1
    inits = [frame for frame in ide.sent if frame.get("type") == "connection_init"]
    assert inits, ide.sent
    assert inits[-1]["payload"]["authorization"] == f"Bearer {token}"

    assert not [text for text in ide.results if "SessionNotFound" in text or "errors" in text]


async def test_a_placeholder_idempotency_key_is_fresh_on_every_run(
    page: Page, frontend: FrontendServer, shots: Path
) -> None:
    ide = GraphiQL(page, shots)
    await ide.open(frontend.base_url)
    await ide.tab("Transition")
    await ide.type_over(
        '"intent": "buying"\n    }', '"intent": "buying"\n    },\n"idempotencyKey": "<fresh>"'
    )
    assert '"<fresh>"' in await ide.variables()
    for _ in range(2):
        await ide.run("SessionNotFound")  # the placeholder session: refused, as expected
    keys = [
        json.loads(r.post_data or "{}")["variables"]["input"]["idempotencyKey"] for r in ide.posted
    ]
    assert len(keys) == 2
    assert keys[0] != keys[1]
    assert all(len(key) >= 32 and "<" not in key for key in keys), keys
