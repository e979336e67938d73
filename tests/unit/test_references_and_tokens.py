"""Lead references and session tokens."""

from __future__ import annotations

import re

from app.security import hash_token, new_token, token_matches
from app.services.new_leads import REFERENCE_ALPHABET, new_reference
from schema.context import bearer


def test_references_are_readable_aloud_and_unique_enough() -> None:
    references = {new_reference() for _ in range(2_000)}
    assert len(references) == 2_000
    for reference in references:
        assert re.fullmatch(f"TRX-[{REFERENCE_ALPHABET}]{{6}}", reference)
    assert not set("01ILOU") & set(REFERENCE_ALPHABET)


def test_tokens_are_random_and_stored_only_as_hashes() -> None:
    token = new_token()
    assert len(token) >= 40
    assert token != new_token()
    stored = hash_token(token)
    assert token not in stored
    assert token_matches(token, stored)
    assert not token_matches(token + "x", stored)
    assert not token_matches(None, stored)
    assert not token_matches("", stored)
    assert not token_matches("x" * 10_000, stored)


def test_bearer_reads_only_a_bearer_authorization() -> None:
    assert bearer("Bearer abc") == "abc"
    assert bearer("bearer  abc ") == "abc"
    assert bearer("Basic abc") is None
    assert bearer("Bearer") is None
    assert bearer(None) is None
    assert bearer({"token": "abc"}) is None
