"""Which session a subscribe asks for, whether it names it inline, by variable or through a
fragment: the per-session cap counts it either way."""

from __future__ import annotations

from typing import Any

import pytest

from app.settings import Settings
from app.web.websockets import subscribed_session, uvicorn_options

BY_VARIABLE = "subscription S($id: ID!) { sessionUpdates(sessionId: $id) { seq } }"
INLINE = 'subscription { sessionUpdates(sessionId: "s-1") { seq } }'
FRAGMENT = (
    "subscription { ...F } fragment F on Subscription { ... on Subscription { "
    'sessionUpdates(sessionId: "s-1") { seq } } }'
)


@pytest.mark.parametrize(
    ("payload", "session"),
    [
        ({"query": BY_VARIABLE, "variables": {"id": "s-1"}}, "s-1"),
        ({"query": INLINE}, "s-1"),
        ({"query": FRAGMENT}, "s-1"),
        ({"query": BY_VARIABLE, "variables": {"id": "x" * 65}}, None),
        ({"query": "subscription { leadStatus { leadId } }"}, None),
        ({"query": "subscription {"}, None),
        ({"query": 7}, None),
        ({"query": BY_VARIABLE, "variables": ["s-1"]}, None),
    ],
)
def test_the_session_a_subscribe_asks_for(payload: dict[str, Any], session: str | None) -> None:
    assert subscribed_session(payload) == session


def test_uvicorn_counts_messages_as_they_are_held() -> None:
    options = uvicorn_options(Settings(ws_max_message_bytes=1000, trusted_proxies="10.0.0.1"))
    assert options["ws_max_size"] == 1000
    assert options["ws_per_message_deflate"] is False
    assert options["forwarded_allow_ips"] == "10.0.0.1"
