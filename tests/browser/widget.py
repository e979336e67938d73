"""The <trex-workflow> element as a visitor uses it: find fields by their names, pick, type,
press, and wait for the step the server sends next. Playwright's locators pierce the shadow root.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.async_api import Locator, Page, expect

STEP_TIMEOUT_MS = 10_000
ANY_STEP = re.compile(r".+")
# Every page of a test context records the steps the element shows, in order (its trex-step
# events), so that a step shown only briefly (a pending check resolved by push) is not missed.
RECORD_STEPS = (
    "window.trexSteps = [];"
    "document.addEventListener('trex-step', (e) => window.trexSteps.push(e.detail.stepId));"
)


class Widget:
    def __init__(self, page: Page, base_url: str, shots: Path, selector: str = "trex-workflow"):
        self.page = page
        self.base_url = base_url
        self.shots = shots
        self.element = page.locator(selector)
        self.taken = 0
        self.seen = 0  # steps of window.trexSteps already waited for
        self.whole_page_shots = False

    async def open(self, path: str = "/demo") -> str:
        """Loads a host page and waits for the first step."""
        await self.page.goto(self.base_url + path)
        return await self.first_step()

    async def reload(self) -> str:
        await self.page.reload()
        return await self.first_step()

    async def first_step(self) -> str:
        self.seen = 0
        await expect(self.element).to_have_attribute("data-step", ANY_STEP, timeout=STEP_TIMEOUT_MS)
        step_id = await self.step_id()
        await self.wait_for(step_id)
        return step_id

    async def step_id(self) -> str:
        return await self.element.get_attribute("data-step") or ""

    async def wait_for(self, step_id: str, timeout_ms: int = STEP_TIMEOUT_MS) -> None:
        """Waits until the element has shown `step_id` (since the last wait) and is idle."""
        found = await self.page.wait_for_function(
            "([id, from]) => {"
            "  const i = window.trexSteps.indexOf(id, from); return i >= 0 && i + 1;"
            "}",
            arg=[step_id, self.seen],
            timeout=timeout_ms,
        )
        self.seen = int(await found.json_value())
        await expect(self.element.locator("section.step")).to_have_attribute(
            "aria-busy", "false", timeout=timeout_ms
        )

    async def shown_steps(self) -> list[str]:
        steps: list[str] = await self.page.evaluate("window.trexSteps")
        return steps

    @property
    def heading(self) -> Locator:
        return self.element.locator("h2.step-heading")

    def field(self, name: str) -> Locator:
        return self.element.locator(f'[data-field="{name}"]')

    def control(self, name: str) -> Locator:
        return self.field(name).locator("input, select, textarea").first

    def button(self, name: str) -> Locator:
        return self.element.get_by_role("button", name=name, exact=True)

    async def choose(self, value: str) -> None:
        """Presses the option button of a choice step."""
        await self.element.locator(f'button.choice[data-value="{value}"]').click()

    async def fill(self, **values: str) -> None:
        for name, value in values.items():
            await self.control(name).fill(value)

    async def select(self, name: str, value: str) -> None:
        await self.control(name).select_option(value)

    async def pick(self, name: str, label: str) -> None:
        """Checks the radio button or checkbox labelled `label` of field `name`."""
        await self.field(name).get_by_label(label, exact=True).check()

    async def tick(self, name: str) -> None:
        """Checks a single checkbox field (a consent)."""
        await self.control(name).check()

    async def submit(self) -> None:
        await self.element.locator('form button[type="submit"]').click()

    async def back(self) -> None:
        await self.element.locator("button[data-back]").click()

    async def error_at(self, name: str) -> str:
        return (await self.field(name).locator(".error").inner_text()).strip()

    async def shot(self, label: str | None = None, *, whole_page: bool = False) -> Path:
        """A screenshot of the element (or of the page: dialogs, phones), numbered in order."""
        self.taken += 1
        name = label or await self.step_id()
        path = self.shots / f"{self.taken:02d}-{name}.png"
        if whole_page or self.whole_page_shots:
            await self.page.screenshot(path=path, animations="disabled", full_page=True)
        else:
            await self.element.screenshot(path=path, animations="disabled")
        return path

    async def unlabelled(self) -> list[str]:
        """Controls of the element without an accessible name, or described by missing ids."""
        found: list[str] = await self.element.evaluate(
            """(host) => [...host.shadowRoot.querySelectorAll('input, select, textarea, button')]
              .filter((el) => {
                const named = el.labels?.length || el.getAttribute('aria-label')
                  || el.getAttribute('aria-labelledby')
                  || (el.tagName === 'BUTTON' && el.textContent.trim());
                const described = (el.getAttribute('aria-describedby') || '').split(' ')
                  .filter(Boolean).every((id) => host.shadowRoot.getElementById(id));
                return !named || !described;
              })
              .map((el) => el.outerHTML.slice(0, 120))"""
        )
        return found

    async def saved_session(self, workflow_type: str = "") -> dict[str, Any]:
        """The session id and token the element keeps in localStorage (an entry {at, value}) for
        its workflow type (the key ends in it: "" for the demo's, BUYER_FINANCING for a buyer's)."""
        raw = await self.page.evaluate(
            """(type) => Object.keys(localStorage)
                 .filter(k => k.startsWith('trex-session:') && k.endsWith('|' + type))
                 .map(k => localStorage.getItem(k))[0] ?? 'null'""",
            workflow_type,
        )
        saved: dict[str, Any] = (json.loads(str(raw)) or {}).get("value") or {}
        return saved

    async def focused(self) -> str:
        """What has keyboard focus, looking inside shadow roots: 'tag#text' for messages."""
        description = await self.page.evaluate(
            """() => {
              let active = document.activeElement;
              while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
              if (!active) return '';
              const name = active.getAttribute('aria-label') || active.labels?.[0]?.textContent
                || active.textContent || active.getAttribute('name') || '';
              return `${active.tagName.toLowerCase()}#${name.trim().replace(/\\s+/g, ' ')}`;
            }"""
        )
        return str(description)
