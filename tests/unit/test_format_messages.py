"""The microfrontend's inline hints say what the server says: one message per format, both ends."""

from __future__ import annotations

import re
from pathlib import Path

from workflows.checks import MESSAGES

VALIDATION_JS = Path(__file__).resolve().parents[2] / "microfrontend/module/validation.js"


def test_the_widgets_format_messages_are_the_servers() -> None:
    source = VALIDATION_JS.read_text(encoding="utf-8")
    block = source[source.index("const FORMAT_MESSAGES = {") : source.index("};")]
    in_js = dict(re.findall(r"^\s+(\w+): '([^']*)',$", block, re.MULTILINE))
    assert in_js == {kind.value: message for kind, message in MESSAGES.items()}
