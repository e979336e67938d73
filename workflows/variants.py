"""Variants of a host site: which version of the workflow its new sessions start on.

A site without variants starts every session on the workflow's current version, in the
variant `DEFAULT_VARIANT`. A site with variants splits its visitors between them by weight: a
visitor's variant is a stable hash of the site and the visitor mod the total weight, so the
same visitor lands in the same variant on every start, with nothing stored. One variant pins
the site to a version; two or more are an A/B test.

Written `name=version:weight` and separated by commas (`"a=1:50,b=2:50"`); a weight left out
is 1.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_VARIANT = "default"
MAX_VARIANTS = 4
MAX_WEIGHT = 10_000
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,19}")
_ITEM = re.compile(r"\s*([^=\s]*)\s*=\s*([^:\s]*)\s*(?::\s*(\S*)\s*)?")


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    version: int
    weight: int = 1


class VariantsRefused(ValueError):
    """A split that cannot be kept: `field` is what was given, `rule` the rule it breaks."""

    def __init__(self, message: str, field: str = "split", rule: str = "format") -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule


def parse_split(text: str) -> tuple[Variant, ...]:
    """`"a=1:50,b=2:50"` as variants, each checked on its own; `VariantsRefused` naming the
    rule (format, name, version, weight, count, unique) otherwise."""
    items = [item for item in text.split(",") if item.strip()]
    if not items:
        raise VariantsRefused("split: name at least one variant, as name=version:weight.")
    if len(items) > MAX_VARIANTS:
        raise VariantsRefused(f"split: at most {MAX_VARIANTS} variants.", rule="count")
    return checked(_variant(item) for item in items)


def checked(variants: Iterable[Variant]) -> tuple[Variant, ...]:
    """The variants, if they are few, uniquely and well named and positively weighed."""
    found = tuple(variants)
    if not 1 <= len(found) <= MAX_VARIANTS:
        raise VariantsRefused(f"split: 1 to {MAX_VARIANTS} variants.", rule="count")
    names = [variant.name for variant in found]
    for variant in found:
        if not NAME.fullmatch(variant.name) or variant.name == DEFAULT_VARIANT:
            raise VariantsRefused(
                f"variant {variant.name!r}: a name is a slug of 1 to 20 characters (a-z, 0-9,"
                f" - and _, starting with a letter or digit), not {DEFAULT_VARIANT!r}.",
                rule="name",
            )
        if names.count(variant.name) > 1:
            raise VariantsRefused(f"variant {variant.name!r} is named twice.", rule="unique")
        if variant.version < 1:
            raise VariantsRefused(
                f"variant {variant.name!r}: a version is a positive integer.", rule="version"
            )
        if not 1 <= variant.weight <= MAX_WEIGHT:
            raise VariantsRefused(
                f"variant {variant.name!r}: a weight is an integer from 1 to {MAX_WEIGHT}.",
                rule="weight",
            )
    return found


def ensure_defined(variants: Sequence[Variant], workflow: str, versions: Sequence[int]) -> None:
    """`VariantsRefused` naming the first variant whose version `versions` lacks."""
    for variant in variants:
        if variant.version not in versions:
            known = ", ".join(str(v) for v in versions) or "none"
            raise VariantsRefused(
                f"variant {variant.name!r}: version {variant.version} of {workflow!r} is not"
                f" defined (defined: {known}).",
                rule="version",
            )


def assign(variants: Sequence[Variant], site_id: str, visitor: str) -> Variant:
    """The visitor's variant: the same for the same site and visitor, each variant taking a
    share of visitors close to its weight's share."""
    total = sum(variant.weight for variant in variants)
    digest = hashlib.sha256(f"{site_id}\x00{visitor}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % total
    for variant in variants:
        if point < variant.weight:
            return variant
        point -= variant.weight
    raise ValueError("no variants")  # unreachable with any variant


def as_text(variants: Sequence[Variant]) -> str:
    return ",".join(f"{v.name}={v.version}:{v.weight}" for v in variants)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9


def _variant(item: str) -> Variant:
    matched = _ITEM.fullmatch(item)
    if matched is None:
        raise VariantsRefused(f"split: {item.strip()!r} is not name=version:weight.")
    name, version, weight = matched.group(1), matched.group(2), matched.group(3)
    if not _digits(version):
        raise VariantsRefused(
            f"variant {name!r}: the version {version!r} is not a positive integer.",
            rule="version",
        )
    if weight is not None and not _digits(weight):
        raise VariantsRefused(
            f"variant {name!r}: the weight {weight!r} is not a positive integer.", rule="weight"
        )
    return Variant(name, int(version), 1 if weight is None else int(weight))
