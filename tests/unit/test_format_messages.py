"""The microfrontend's inline hints say what the server says: one message per format, both ends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workflows import messages
from workflows.checks import FORMAT_MESSAGE_IDS

MODULE = Path(__file__).resolve().parents[2] / "microfrontend/module"


def _widget_format_messages(locale: str) -> dict[str, str]:
    """The widget's message per format: its catalogue's `validation.format.<type>`."""
    source = (MODULE / "i18n" / f"{locale}.js").read_text(encoding="utf-8")
    found = re.findall(r"^\s+'validation\.format\.(\w+)': '((?:[^'\\]|\\.)*)',$", source, re.M)
    return {kind: text.replace("\\'", "'") for kind, text in found}


@pytest.mark.parametrize("locale", messages.LOCALES)
def test_the_widgets_format_messages_are_the_servers(locale: str) -> None:
    server = {kind.value: messages.text(mid, locale) for kind, mid in FORMAT_MESSAGE_IDS.items()}
    assert _widget_format_messages(locale) == server
