"""The module as a single-spa application: the demo root config mounts it on #/finance,
unmounts it elsewhere, and mounts it again on the same session."""

from __future__ import annotations

import pytest
from playwright.async_api import WebSocket, expect

from app.web.frontend import SINGLE_SPA
from tests.browser.widget import Widget
from tests.support.waiting import eventually


async def test_mount_unmount_and_mount_again(widget: Widget) -> None:
    if not (SINGLE_SPA / "single-spa.min.js").exists():
        pytest.skip("single-spa is not vendored: run scripts/vendor-single-spa.sh (needs npm)")
    page = widget.page
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    await page.goto(f"{widget.base_url}/demo/single-spa")
    status = page.locator("#app-status")
    await expect(status).to_have_text("NOT_LOADED")
    await expect(page.locator("trex-workflow")).to_have_count(0)

    await page.get_by_role("link", name="Buy or sell with T-Rex").click()
    assert await widget.first_step() == "intent_selection"
    await expect(status).to_have_text("MOUNTED")
    await widget.shot("mounted", whole_page=True)
    await widget.choose("buying")
    await widget.wait_for("vehicle_knowledge")
    session = await widget.saved_session()

    await page.get_by_role("link", name="Home").click()
    await expect(status).to_have_text("NOT_MOUNTED")
    await expect(page.locator("trex-workflow")).to_have_count(0)
    assert sockets
    await eventually(  # the subscription let go
        lambda: all(socket.is_closed() for socket in sockets), "every socket closed"
    )
    await widget.shot("unmounted", whole_page=True)

    await page.get_by_role("link", name="Buy or sell with T-Rex").click()
    await widget.wait_for("vehicle_knowledge")
    await expect(status).to_have_text("MOUNTED")
    await expect(page.locator("trex-workflow")).to_have_count(1)
    assert await widget.saved_session() == session
    await widget.choose("true")
    await widget.wait_for("vehicle_search")
    await widget.shot("mounted-again", whole_page=True)
