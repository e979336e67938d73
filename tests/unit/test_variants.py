"""A host site's variants: the split's rules, the sticky and weighted assignment, the visitor a
start is from, and the version a new session is placed on."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from app.services.records import HostSite
from app.services.site_variants import placement, visitor_of
from workflows.outcomes import Caller, InvalidStart
from workflows.registry import Registry, Release, definition
from workflows.variants import (
    DEFAULT_VARIANT,
    Variant,
    VariantsRefused,
    as_text,
    assign,
    ensure_defined,
    parse_split,
)

VISITORS = [f"visitor:{n}" for n in range(2000)]


def two_versions() -> Registry:
    v1 = definition("trex", 1)
    return Registry.of([Release(v1), Release(replace(v1, version=2))])


def test_a_split_reads_names_versions_and_weights() -> None:
    assert parse_split("a=1:50, b=2:50") == (Variant("a", 1, 50), Variant("b", 2, 50))
    assert parse_split("v1=1") == (Variant("v1", 1, 1),)  # one variant pins a version
    assert as_text(parse_split("a=1:3,b=2:1")) == "a=1:3,b=2:1"


@pytest.mark.parametrize(
    ("split", "rule", "named"),
    [
        ("", "format", "at least one variant"),
        ("a", "format", "'a' is not name=version:weight"),
        ("a=x:1", "version", "the version 'x'"),
        ("a=0:1", "version", "positive integer"),
        ("a=1:0", "weight", "from 1 to 10000"),
        ("a=1:-5", "weight", "the weight '-5'"),
        ("a=1:2.5", "weight", "the weight '2.5'"),
        ("a=1:10001", "weight", "from 1 to 10000"),
        ("A B=1:1", "format", "is not name=version:weight"),
        ("Big=1:1", "name", "variant 'Big': a name is a slug"),
        ("default=1:1", "name", "not 'default'"),
        ("x" * 21 + "=1:1", "name", "1 to 20 characters"),
        ("a=1:1,a=2:1", "unique", "variant 'a' is named twice"),
        ("a=1,b=1,c=1,d=1,e=1", "count", "at most 4 variants"),
    ],
)
def test_a_bad_split_is_refused_naming_the_rule(split: str, rule: str, named: str) -> None:
    with pytest.raises(VariantsRefused, match=named) as refused:
        parse_split(split)
    assert (refused.value.field, refused.value.rule) == ("split", rule)


def test_a_version_the_registry_lacks_is_named() -> None:
    variants = parse_split("a=1:50,b=7:50")
    with pytest.raises(VariantsRefused, match=r"'b': version 7 of 'trex' is not defined") as no:
        ensure_defined(variants, "trex", two_versions().versions("trex"))
    assert no.value.rule == "version"
    ensure_defined(parse_split("a=1,b=2"), "trex", two_versions().versions("trex"))


def test_a_visitor_gets_the_same_variant_every_time_and_the_split_follows_the_weights() -> None:
    even = parse_split("a=1:50,b=2:50")
    first = [assign(even, "site_abc", v).name for v in VISITORS]
    assert first == [assign(even, "site_abc", v).name for v in VISITORS]  # sticky
    assert Counter(first) == {"a": 1022, "b": 978}  # sha256: the same on every machine
    skewed = Counter(assign(parse_split("a=1:90,b=2:10"), "site_abc", v).name for v in VISITORS)
    assert skewed == {"a": 1795, "b": 205}
    three = Counter(assign(parse_split("a=1:1,b=2:2,c=1:1"), "site_abc", v).name for v in VISITORS)
    assert three == {"a": 469, "b": 1034, "c": 497}
    for counts, weights in ((Counter(first), {"a": 0.5, "b": 0.5}), (skewed, {"a": 0.9})):
        for name, share in weights.items():
            assert abs(counts[name] / len(VISITORS) - share) < 0.03


def test_the_split_is_the_sites_own() -> None:
    """Another site splits the same visitors differently: no site's test follows another's."""
    even = parse_split("a=1:50,b=2:50")
    here = [assign(even, "site_abc", v).name for v in VISITORS]
    there = [assign(even, "site_xyz", v).name for v in VISITORS]
    assert 800 < sum(a == b for a, b in zip(here, there, strict=True)) < 1200


def test_the_visitor_is_the_pages_id_else_the_address() -> None:
    caller = Caller("pk_x", "https://a.example", "203.0.113.9")
    assert visitor_of({"visitorId": "v-1"}, caller) == "visitor:v-1"
    assert visitor_of({"other": 1}, caller) == "address:203.0.113.9"
    assert visitor_of(None, caller) == "address:203.0.113.9"
    anyone = {visitor_of(None, Caller()) for _ in range(3)}
    assert len(anyone) == 3  # no identity: by chance


@pytest.mark.parametrize("bad", [7, "", "x" * 101, ["v"], None])
def test_a_bad_visitor_id_is_refused_naming_the_field(bad: object) -> None:
    context = {"visitorId": bad}
    if bad is None:
        assert visitor_of(context, Caller()).startswith("anyone:")  # null: not given
        return
    with pytest.raises(InvalidStart, match=r"context\.visitorId must be a string") as refused:
        visitor_of(context, Caller())
    assert refused.value.field == "context.visitorId"


def test_a_site_is_placed_on_its_variants_version() -> None:
    flows = two_versions()
    plain = placement(flows, "trex", HostSite("site_a", "A", ()), "visitor:1")
    assert (plain.variant, plain.workflow.version) == (DEFAULT_VARIANT, 2)  # the current
    pinned = HostSite("site_a", "A", (), (Variant("old", 1),))
    placed = placement(flows, "trex", pinned, "visitor:1")
    assert (placed.variant, placed.workflow.version) == ("old", 1)
    split = HostSite("site_a", "A", (), parse_split("a=1:50,b=2:50"))
    seen = {
        (p.variant, p.workflow.version)
        for p in (placement(flows, "trex", split, v) for v in VISITORS[:50])
    }
    assert seen == {("a", 1), ("b", 2)}


def test_a_variant_whose_version_went_away_starts_on_the_current(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gone = HostSite("site_a", "A", (), (Variant("old", 9),))
    placed = placement(two_versions(), "trex", gone, "visitor:1")
    assert (placed.variant, placed.workflow.version) == (DEFAULT_VARIANT, 2)
    assert "variant old runs trex v9, which is not defined" in caplog.text
