"""JSON out of the service: orjson, several times faster than the standard library's encoder.

Dataclasses, enums, tuples and aware datetimes (ISO 8601) encode as they are, so views need no
conversion pass first; mappings that are not dicts and keys that are not strings are handled as
`json.dumps` would, and the rare value orjson refuses (an integer beyond 64 bits) falls back to
the standard library. Input is decoded by the standard library: it keeps integers of any size
as integers, so validation can name the rule they break.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def _fallback(value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _plain(value: object) -> object:
    """For the standard library: what orjson encodes natively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value, default=_fallback, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return json.dumps(value, default=_plain, separators=(",", ":")).encode()


def dumps_text(value: Any) -> str:
    return dumps(value).decode()


def loads(data: str | bytes) -> Any:
    """JSON too deeply nested for the parser, or bytes that are not UTF-8 (JSON's encoding on
    the wire), are malformed input like any other: a `JSONDecodeError`, which every caller
    answers as the client's mistake."""
    try:
        return json.loads(data)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    except UnicodeDecodeError as error:
        raise json.JSONDecodeError("not UTF-8", "", error.start) from None
