"""The definition files: each version a checked file in its canonical form; bad files are
refused with the place and the rule."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import pytest

from workflows.registry import Registry, Release, UnknownVersion, default, load
from workflows.serialization import FormatError, dumps, loads

DEFINITIONS = Path(str(files("workflows").joinpath("definitions")))


def _text(name: str, version: int) -> str:
    return (DEFINITIONS / name / f"v{version}.json").read_text(encoding="utf-8")


def test_every_shipped_file_is_in_its_canonical_form() -> None:
    """Written back from what was read, each file is byte for byte the same: a change of the
    flow is the diff of the change, and nothing is lost in reading."""
    for (name, version), release in default().releases.items():
        extra = {} if release.migration is None else {"migration": release.migration}
        assert dumps(release.workflow, extra) == _text(name, version)


def test_a_file_round_trips_to_an_equal_definition() -> None:
    workflow = default().get("trex", 1)
    assert loads(dumps(workflow))[0] == workflow


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["steps"][0].update(colour="red"), "step intent_selection: unknown keys"),
        (lambda d: d["steps"][0].update(component="Carousel"), "intent_selection.component"),
        (lambda d: d["steps"][0]["fields"][0].update(type="colour"), "fields[0] (intent).type"),
        (lambda d: d["steps"][0].update(default={"jump": "x"}), "a target is {'goto'"),
        (lambda d: d.pop("version"), "'version' (integer) are required"),
        (lambda d: d["steps"].append(d["steps"][0]), "a step id is used twice"),
    ],
)
def test_a_malformed_definition_names_the_place_and_the_rule(change, message) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(_text("trex", 1))
    change(data)
    with pytest.raises(FormatError, match=re.escape(message)):
        loads(json.dumps(data), "trex/v1.json")


def test_not_json_is_refused_naming_the_file() -> None:
    with pytest.raises(FormatError, match=r"trex/v1\.json: not JSON"):
        loads("{", "trex/v1.json")


def test_a_file_must_declare_the_version_its_name_says(tmp_path: Path) -> None:
    (tmp_path / "trex").mkdir()
    (tmp_path / "trex" / "v2.json").write_text(_text("trex", 1), encoding="utf-8")
    with pytest.raises(FormatError, match=r"trex/v2\.json: declares trex v1"):
        load(tmp_path)


def test_new_sessions_get_the_highest_version_and_any_version_is_served(tmp_path: Path) -> None:
    v1 = default().get("trex", 1)
    flows = Registry.of([Release(v1), Release(replace(v1, version=2))])
    assert flows.current("trex").version == 2
    assert flows.get("trex", 1) is v1
    assert flows.versions("trex") == (1, 2)
    with pytest.raises(UnknownVersion, match="no version 3 of 'trex'"):
        flows.get("trex", 3)
    with pytest.raises(ValueError, match="defined twice"):
        Registry.of([Release(v1), Release(v1)])
