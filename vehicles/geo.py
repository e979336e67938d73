"""US zip codes: whether they exist, where they are, how far apart, from the offline `zipcodes`.

This is the only module that imports `zipcodes`. Its lookups scan a large table, so each zip is
looked up once per process and cached.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import zipcodes

EARTH_RADIUS_MILES = 3958.8

_FIVE_DIGITS = re.compile(r"\d{5}")

# zipcodes' public functions are unannotated; this is the signature its compiled core declares.
_matching: Callable[[str], list[dict[str, Any]]] = zipcodes.matching


@dataclass(frozen=True, slots=True)
class _Place:
    latitude: float
    longitude: float
    city: str
    state: str


@lru_cache(maxsize=4096)
def _place(zip_code: str) -> _Place | None:
    if not _FIVE_DIGITS.fullmatch(zip_code):
        return None
    try:
        found = _matching(zip_code)
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    record = found[0]
    return _Place(float(record["lat"]), float(record["long"]), record["city"], record["state"])


def load() -> None:
    """Reads the zip table now: `zipcodes` loads it on its first lookup (0.35 s here), which
    would otherwise stall the event loop under the first visitor who names a zip."""
    _matching("10001")


def is_known_zip(zip_code: str) -> bool:
    """Whether `zip_code` is a 5-digit US zip code that the database knows."""
    return _place(zip_code) is not None


def city_and_state(zip_code: str) -> tuple[str, str] | None:
    """The zip's city and two-letter state, as the database names them; None if unknown."""
    place = _place(zip_code)
    return None if place is None else (place.city, place.state)


def distance_miles(zip_a: str, zip_b: str) -> float | None:
    """Great-circle (haversine) distance in miles between two zips' centres; None if unknown."""
    a = _place(zip_a)
    b = _place(zip_b)
    if a is None or b is None:
        return None
    lat_a, lon_a, lat_b, lon_b = map(
        math.radians, (a.latitude, a.longitude, b.latitude, b.longitude)
    )
    half_chord = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin((lon_b - lon_a) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(half_chord))
