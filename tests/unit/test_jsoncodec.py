"""The service's JSON: views encode as they are, and no value is refused or changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from types import MappingProxyType

import pytest

from app import jsoncodec


class Colour(Enum):
    RED = "red"


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    tags: tuple[str, ...]
    at: datetime
    colour: Colour


def test_views_encode_as_plain_json() -> None:
    at = datetime(2026, 11, 27, 1, 2, 3, 456, tzinfo=UTC)
    value = {"card": Card("v1", ("a", "b"), at, Colour.RED), "rules": MappingProxyType({1: 2})}
    assert json.loads(jsoncodec.dumps(value)) == {
        "card": {"id": "v1", "tags": ["a", "b"], "at": at.isoformat(), "colour": "red"},
        "rules": {"1": 2},
    }


def test_an_integer_beyond_64_bits_is_kept_exactly() -> None:
    assert json.loads(jsoncodec.dumps({"n": 10**30, "at": datetime(2026, 1, 1, tzinfo=UTC)})) == {
        "n": 10**30,
        "at": "2026-01-01T00:00:00+00:00",
    }


def test_input_keeps_big_integers_as_integers() -> None:
    assert jsoncodec.loads(b'{"year": 1000000000000000000000000000000}') == {"year": 10**30}


def test_input_nested_too_deeply_is_a_decode_error() -> None:
    with pytest.raises(json.JSONDecodeError):
        jsoncodec.loads("[" * 100_000 + "]" * 100_000)


def test_what_cannot_be_json_is_refused() -> None:
    with pytest.raises(TypeError):
        jsoncodec.dumps({"x": object()})
