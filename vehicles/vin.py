"""VIN decoding for the `vehicle_to_sell` field group, on top of `vininfo`.

This is the only module that imports `vininfo`; its exceptions stop here (a VIN it rejects decodes
to None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from vininfo import Vin, VininfoException
from vininfo.common import UnsupportedBrand

from vehicles.catalogue import makes

UNKNOWN_MANUFACTURER = "Unknown"


@dataclass(frozen=True, slots=True)
class DecodedVin:
    """What a VIN tells about a vehicle.

    `make` is our catalogue's make name when the manufacturer is one of ours, else None. `year` is
    the most recent model year the year character can stand for, up to next year.
    `check_digit_valid` says whether position 9 is the SAE check digit of the rest.
    """

    vin: str
    manufacturer: str
    make: str | None
    year: int | None
    country: str | None
    check_digit_valid: bool


def decode_vin(vin: str) -> DecodedVin | None:
    """Decode a 17-character VIN; None when it is not one (length, characters)."""
    try:
        decoded = Vin(vin)
        unknown = isinstance(decoded.assembler, UnsupportedBrand)
        manufacturer = UNKNOWN_MANUFACTURER if unknown else str(decoded.manufacturer)
        years: list[int] = list(decoded.years)
        country: str | None = decoded.country
        check_digit_valid = bool(decoded.verify_checksum())
        normalised = str(decoded.num)
    except VininfoException:
        return None
    next_year = datetime.now(tz=UTC).year + 1
    return DecodedVin(
        vin=normalised,
        manufacturer=manufacturer,
        make=None if unknown else catalogue_make(manufacturer),
        year=max((year for year in years if year <= next_year), default=None),
        country=country,
        check_digit_valid=check_digit_valid,
    )


def catalogue_make(manufacturer: str) -> str | None:
    """Our make name for a manufacturer name such as "Chevrolet Mexico" or "Mercedes Benz".

    A manufacturer matches a make when one of its "/"-separated names starts with the make's words
    ("BMW M" is BMW, "Fiat Automobiles/Mazda" is Mazda, "General Motors" is none of ours).
    """
    for name in manufacturer.split("/"):
        words = _words(name)
        for make in makes():
            make_words = _words(make)
            if words[: len(make_words)] == make_words:
                return make
    return None


def _words(name: str) -> list[str]:
    return name.replace("-", " ").lower().split()
