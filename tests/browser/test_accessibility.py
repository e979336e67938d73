"""Keyboard and screen-reader use: a whole flow by keyboard only, focus on each new step's
heading, the dealer picker dialog, and lead updates announced; and audits at every step the
demo's flows reach, on a desktop and a 375-px phone: axe-core, colour contrast from the computed
styles, a visible focus ring on every control."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, ViewportSize, expect

from tests.browser.conftest import DESKTOP, FrontendServer, PageErrors
from tests.browser.journeys import FLOWS, UI, labelled, open_invitation, walk, walk_to
from tests.browser.sockets import Switchboard
from tests.browser.widget import RECORD_STEPS, Widget
from tests.e2e.walk import FINANCING, goto_targets


async def tab_to(w: Widget, wanted: str, limit: int = 60) -> None:
    """Presses Tab until the focused control's description starts with `wanted`."""
    for _ in range(limit):
        if (await w.focused()).startswith(wanted):
            return
        await w.page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {wanted!r}; focus is on {await w.focused()!r}")


async def press_on(w: Widget, wanted: str, key: str = "Enter") -> None:
    await tab_to(w, wanted)
    await w.page.keyboard.press(key)


async def type_into(w: Widget, wanted: str, text: str) -> None:
    await tab_to(w, wanted)
    await w.page.keyboard.type(text)


async def arrive(w: Widget, step_id: str, heading: str) -> None:
    """The step is shown and keyboard focus is on its heading."""
    await w.wait_for(step_id)
    assert await w.focused() == f"h2#{heading}"
    await w.shot()


async def test_one_flow_by_keyboard_only(widget: Widget) -> None:
    w = widget
    assert await w.open() == "intent_selection"
    assert (await w.focused()).startswith("body")  # a page load never pulls focus in
    await w.shot()
    await press_on(w, "button#Selling")
    await arrive(w, "has_buyer", "Do you already have a buyer?")
    await press_on(w, "button#Yes")
    await arrive(w, "buyer_type", "Who is buying?")
    await press_on(w, "button#Dealer")
    await arrive(w, "dealer_information", "Sell to a dealer")

    await press_on(w, "button#Choose a dealer")
    assert await w.focused() == "input#Search dealers"
    await w.page.keyboard.type("sacramento")
    await w.shot("dealer-picker", whole_page=True)
    await press_on(w, "button#Capital Motors")
    assert await w.focused() == "button#Change dealer"  # focus is back where it was
    await expect(w.field("dealer_id")).to_contain_text("Capital Motors")
    await type_into(w, "input#Dealer's offer", "9000")
    await type_into(w, "input#Make", "Honda")
    await type_into(w, "input#Model", "Civic")
    await type_into(w, "input#Model year", "2018")
    await type_into(w, "input#Mileage", "48000")
    await w.page.keyboard.press("Tab")
    await w.page.keyboard.press("Space")  # the first condition, then the next by arrow
    await w.page.keyboard.press("ArrowRight")
    await expect(w.field("condition").get_by_label("Good", exact=True)).to_be_checked()
    await w.shot("dealer_information-filled")
    await press_on(w, "button#Send to the dealer")
    await arrive(w, "dealer_sale_confirmation", "Your contact details")
    await type_into(w, "input#First name", "Ada")
    await type_into(w, "input#Last name", "Lovelace")
    await type_into(w, "input#Email", "ada@example.com")
    await type_into(w, "input#Phone", "(415) 555-0123")
    await type_into(w, "input#ZIP code", "10001")
    await press_on(w, "input#I agree to be contacted", "Space")
    await press_on(w, "button#Confirm and send")
    await arrive(w, "replacement_check", "Would you like a replacement vehicle?")
    await press_on(w, "button#No, I'm done")
    await arrive(w, "selling_complete", "All done")

    live = w.element.get_by_role("status").first
    await expect(live).to_contain_text("Capital Motors", timeout=10_000)  # the lead's updates


# --- Audits at every step the demo's flows reach: axe-core, colour contrast, focus rings -------

NODE_MODULES = Path(__file__).resolve().parents[1] / "node" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
PHONE: ViewportSize = {"width": 375, "height": 812}
VIEWPORTS: dict[str, ViewportSize] = {"desktop": DESKTOP, "phone": PHONE}
# WCAG 2.2 A and AA, and label-in-name (2.5.3), which axe runs only when asked.
AXE_RUN = """async () => {
  const result = await axe.run({ include: [['trex-workflow']] }, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    rules: { 'label-content-name-mismatch': { enabled: true } },
  });
  return result.violations.map((v) => ({
    id: v.id,
    nodes: v.nodes.map((n) => `${n.target.flat().join(' > ')}: ${n.failureSummary}`),
  }));
}"""


@pytest.fixture(params=list(VIEWPORTS))
async def audited(
    request: pytest.FixtureRequest,
    browser: Browser,
    frontend: FrontendServer,
    shots: Path,
    page_errors: PageErrors,
) -> AsyncIterator[Widget]:
    """The demo in a desktop window or on a 375-px phone; the page's policy lets axe in."""
    if not AXE.is_file():
        pytest.skip("tests/node/node_modules is absent: run scripts/install-node-tests.sh")
    phone = request.param == "phone"
    context = await browser.new_context(
        viewport=VIEWPORTS[request.param], is_mobile=phone, has_touch=phone, bypass_csp=True
    )
    await context.add_init_script(RECORD_STEPS)
    page = await context.new_page()
    page.on("pageerror", lambda error: page_errors.messages.append(f"pageerror: {error}"))
    page.on("console", page_errors.console)
    yield Widget(page, frontend.base_url, shots)
    await context.close()
    assert not page_errors.unexpected(), page_errors.unexpected()


@dataclass
class Audit:
    """What the checks found at each step, as 'step: rule: node'."""

    found: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    start: str = "h2.step-heading"  # where the Tab walk of the focus rings begins

    async def __call__(self, w: Widget) -> None:
        step = await w.step_id()
        self.steps.append(step)
        await labelled(w)
        if not await w.page.evaluate("typeof axe === 'object'"):
            await w.page.add_script_tag(path=AXE)
        violations: list[dict[str, Any]] = await w.page.evaluate(AXE_RUN)
        self.found += [f"{step}: axe {v['id']}: {n}" for v in violations for n in v["nodes"]]
        self.found += [f"{step}: {problem}" for problem in await contrast_problems(w)]
        start = w.element.locator(self.start)
        self.found += [f"{step}: {problem}" for problem in await focus_ring_problems(w, start)]


@pytest.mark.parametrize("flow", FLOWS, ids=[name.replace(" ", "-") for name in FLOWS])
async def test_every_step_of_every_flow_passes_the_audits(audited: Widget, flow: str) -> None:
    """axe-core (WCAG 2.2 AA), text contrast 4.5:1, control and focus-ring contrast 3:1 and an
    accessible name for each control, at every step the journeys walk, whatever steps they are."""
    steps = FLOWS[flow]
    assert await audited.open() == steps[0]
    audit = Audit()

    await walk(audited, steps, check=audit)

    assert audit.steps == steps
    assert audit.found == [], "\n".join(audit.found)


async def test_every_step_of_the_buyers_financing_passes_the_audits(audited: Widget) -> None:
    """The buyer's own financing, opened from a seller's invitation, to its end; the pushed
    result is held back until the pending step's audit is done (else it lands mid-audit)."""
    sockets = Switchboard()
    await sockets.install(audited.page)
    first = await open_invitation(audited)
    assert first == FINANCING.entries["buyer_financing"], f"the invitation opened {first}"
    steps = [first]
    while goto_targets(FINANCING.step(steps[-1])):  # the way on screen, each step's first
        steps.append(next(t for s, t in UI if s == steps[-1] and t not in steps))
    audit = Audit()

    async def check(w: Widget) -> None:
        step = await w.step_id()
        sockets.hold = step in ("credit_check", "credit_check_pending")  # from before the send
        await audit(w)
        if step == "credit_check_pending":
            sockets.release()

    await walk(audited, steps, check=check)

    assert audit.steps == steps
    assert audit.found == [], "\n".join(audit.found)


async def test_errors_and_the_default_theme_pass_the_audits(audited: Widget) -> None:
    """The colours as shipped (the demo's theme taken away) and a step's error messages."""
    w = audited
    await w.open()
    await w.page.add_style_tag(content="trex-workflow { --trex-color-primary: initial; }")
    await walk_to(w, "buying_confirmation")
    await w.submit()  # nothing filled in: every required field says so
    await expect(w.field("first_name").locator(".error")).not_to_be_empty()
    audit = Audit()

    await audit(w)
    await w.shot("errors-default-theme")

    assert audit.found == [], "\n".join(audit.found)


async def test_the_dealer_picker_passes_the_audits(audited: Widget) -> None:
    w = audited
    await w.open()
    await walk_to(w, "dealer_information")
    await w.button("Choose a dealer").click()
    await w.element.locator("dialog").get_by_role("searchbox").fill("capital")
    audit = Audit(start="dialog input")

    await audit(w)
    await w.shot("dealer-picker", whole_page=True)

    assert audit.found == [], "\n".join(audit.found)


# The colours of each element, read in the page: its own, and the backgrounds under it up to an
# opaque one (crossing the shadow root to the host page), as RGBA bytes (a canvas converts any
# CSS colour: rgb(), color(srgb …) from color-mix, names).
COLOURS_JS = """
const canvas = new OffscreenCanvas(1, 1);
const paint = canvas.getContext('2d', { willReadFrequently: true });
const rgba = (css) => {
  paint.clearRect(0, 0, 1, 1);
  paint.fillStyle = css;
  paint.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = paint.getImageData(0, 0, 1, 1).data;
  return [r, g, b, a / 255];
};
const up = (el) => el.parentElement ?? el.parentNode?.host ?? null;
const under = (el) => {
  const layers = [];
  for (let at = el; at; at = up(at)) {
    const colour = rgba(getComputedStyle(at).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] === 1) break;
  }
  return layers;
};
const name = (el) => {
  const text = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40);
  return `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${text}"`;
};
"""

PAIRS_JS = (
    "(host) => {"
    + COLOURS_JS
    + """
  const root = host.shadowRoot;
  const shown = (el) => el.getClientRects().length > 0 && !el.closest('.sr-only')
    && getComputedStyle(el).visibility === 'visible';
  const inactive = (el) => el.closest('[aria-disabled="true"], :disabled');
  const pairs = [];
  const add = (el, kind, what, fg, bg) => pairs.push({ where: name(el), kind, what, fg, bg });
  for (const el of root.querySelectorAll('*')) {
    if (!shown(el) || inactive(el) || el.tagName === 'OPTION') continue;
    const style = getComputedStyle(el);
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (own || ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) && el.type !== 'checkbox'
        && el.type !== 'radio') {
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      add(el, large ? 'large text' : 'text', 'text', rgba(style.color), under(el));
    }
  }
  // Non-text: what shows where a control is, and the state of a graphic.
  for (const el of root.querySelectorAll('.input, .btn.choice, .btn.secondary, .timeline .dot')) {
    if (!shown(el) || inactive(el)) continue;
    const bg = under(up(el));
    add(el, 'non-text', 'border', rgba(getComputedStyle(el).borderTopColor), bg);
  }
  for (const el of root.querySelectorAll('.bar > span')) {
    add(el, 'non-text', 'fill', rgba(getComputedStyle(el).backgroundColor), under(up(el)));
  }
  return pairs;
}"""
)

FOCUSED_JS = (
    "(host) => {"
    + COLOURS_JS
    + """
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el.getRootNode() !== host.shadowRoot) return null;
  const style = getComputedStyle(el);
  const index = [...host.shadowRoot.querySelectorAll('*')].indexOf(el);
  return { where: name(el), index, style: style.outlineStyle, width: parseFloat(style.outlineWidth),
           fg: rgba(style.outlineColor), bg: under(up(el)) };
}"""
)

RGBA = list[float]
MINIMUM = {"text": 4.5, "large text": 3.0, "non-text": 3.0}


def flatten(colour: RGBA, layers: list[RGBA]) -> RGBA:
    """`colour` over `layers` (the nearest first) over white."""
    below = [255.0, 255.0, 255.0]
    for r, g, b, a in [*reversed(layers), colour]:
        below = [c * a + d * (1 - a) for c, d in zip((r, g, b), below, strict=True)]
    return [*below, 1.0]


def luminance(colour: RGBA) -> float:
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: RGBA, other: RGBA) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def pair_ratio(fg: RGBA, layers: list[RGBA]) -> float:
    background = flatten([255.0, 255.0, 255.0, 0.0], layers)
    return contrast(flatten(fg, layers), background)


async def contrast_problems(w: Widget) -> list[str]:
    """Each text under 4.5:1 (3:1 large) and each control boundary or state under 3:1."""
    pairs: list[dict[str, Any]] = await w.element.evaluate(PAIRS_JS)
    assert pairs, "no colour pair found"
    problems = []
    for pair in pairs:
        ratio = pair_ratio(pair["fg"], pair["bg"])
        if ratio < MINIMUM[pair["kind"]]:
            problems.append(f"{pair['kind']} {pair['what']} {ratio:.2f}:1 at {pair['where']}")
    return problems


async def focus_ring_problems(w: Widget, start: Locator, limit: int = 120) -> list[str]:
    """Tabs through the step (from `start`, its heading): each control shows a ring of 2 px or
    more at 3:1 against what it sits on."""
    await start.focus()
    problems: list[str] = []
    seen: set[int] = set()
    for _ in range(limit):
        await w.page.keyboard.press("Tab")
        focused: dict[str, Any] | None = await w.element.evaluate(FOCUSED_JS)
        if focused is None or focused["index"] in seen:
            return problems
        seen.add(focused["index"])
        ratio = pair_ratio(focused["fg"], focused["bg"])
        if focused["style"] == "none" or focused["width"] < 2 or ratio < 3:
            problems.append(
                f"focus ring {focused['style']} {focused['width']}px {ratio:.2f}:1"
                f" at {focused['where']}"
            )
    raise AssertionError(f"Tab never left the step after {limit} presses")
