"""A workflow definition as plain data (JSON-ready) and back.

The file of a version is this data, indented: one key per line, defaults left out, steps and
fields in their order, so that a change of the flow is a readable diff. Reading checks the shape
(unknown keys, wrong types, unknown enum values) and names the place of every fault; the flow's
own rules are the checker's (`workflows.checker`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

from workflows.model import (
    Branch,
    Component,
    Condition,
    Consent,
    Field,
    FieldType,
    Goto,
    Guard,
    Op,
    Option,
    Results,
    ReturnTo,
    Sensitivity,
    Step,
    Summary,
    Target,
    Workflow,
)

Data = dict[str, Any]
T = TypeVar("T")


class FormatError(ValueError):
    """The data is not a workflow definition; the message names where and why."""


def dumps(workflow: Workflow, extra: Mapping[str, object] | None = None) -> str:
    """The file text of a version (`extra`: more top-level keys, such as its migration)."""
    return json.dumps({**to_data(workflow), **(extra or {})}, indent=2, ensure_ascii=False) + "\n"


def to_data(workflow: Workflow) -> Data:
    data: Data = {"name": workflow.name, "version": workflow.version}
    data["entries"] = [
        {"workflow_type": kind, "step": step} for kind, step in workflow.entries.items()
    ]
    if workflow.entry_answers:
        data["entry_answers"] = [
            {"workflow_type": kind, "answers": _plain(answers)}
            for kind, answers in workflow.entry_answers.items()
        ]
    if workflow.branches:
        data["branches"] = [_object(branch) for branch in workflow.branches]
    data["steps"] = [_object(step) for step in workflow.steps.values()]
    return data


def _object(value: object) -> Data:
    """A dataclass as a dict of its fields that differ from their defaults."""
    assert dataclasses.is_dataclass(value)
    assert not isinstance(value, type)
    out: Data = {}
    for spec in dataclasses.fields(value):
        if not spec.init:
            continue
        item = getattr(value, spec.name)
        if _is_default(spec, item):
            continue
        out[spec.name] = _plain(item)
    return out


def _is_default(spec: dataclasses.Field[Any], item: object) -> bool:
    if spec.default is not dataclasses.MISSING:
        return bool(item == spec.default)
    if spec.default_factory is not dataclasses.MISSING:
        return bool(item == spec.default_factory())
    return False


def _plain(item: object) -> Any:
    if isinstance(item, Goto):
        return {"goto": item.step}
    if isinstance(item, ReturnTo):
        return {"return_to": list(item.steps)}
    if isinstance(item, Guard):
        return {"when": _object(item.when), **_plain(item.target)}
    if isinstance(item, Enum):
        return item.value
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return _object(item)
    if isinstance(item, Mapping):
        return {key: _plain(value) for key, value in item.items()}
    if isinstance(item, tuple | list):
        return [_plain(value) for value in item]
    return item


def loads(text: str, where: str = "definition") -> tuple[Workflow, Data]:
    """The workflow of a version file, and its other top-level keys."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"{where}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise FormatError(f"{where}: a definition is an object")
    known = {"name", "version", "entries", "entry_answers", "branches", "steps"}
    extra = {key: value for key, value in data.items() if key not in known}
    return from_data({k: v for k, v in data.items() if k in known}, where), extra


def from_data(data: Data, where: str = "definition") -> Workflow:
    reader = _Reader(where)
    steps = [reader.step(item, f"steps[{n}]") for n, item in enumerate(data.get("steps", []))]
    by_id = {step.id: step for step in steps}
    if len(by_id) != len(steps):
        raise FormatError(f"{where}: a step id is used twice")
    name, version = data.get("name"), data.get("version")
    if not isinstance(name, str) or not isinstance(version, int) or isinstance(version, bool):
        raise FormatError(f"{where}: 'name' (text) and 'version' (integer) are required")
    return Workflow(
        name=name,
        version=version,
        steps=by_id,
        entries={e["workflow_type"]: e["step"] for e in reader.entries(data, "entries", "step")},
        entry_answers={
            e["workflow_type"]: e["answers"]
            for e in reader.entries(data, "entry_answers", "answers")
        },
        branches=tuple(
            reader.branch(item, f"branches[{n}]") for n, item in enumerate(data.get("branches", []))
        ),
    )


class _Reader:
    def __init__(self, where: str) -> None:
        self._where = where

    def fail(self, place: str, message: str) -> FormatError:
        return FormatError(f"{self._where}: {place}: {message}")

    def entries(self, data: Data, key: str, value: str) -> list[Data]:
        items = data.get(key, [])
        for n, item in enumerate(items):
            if not isinstance(item, dict) or set(item) != {"workflow_type", value}:
                raise self.fail(f"{key}[{n}]", f"an entry has 'workflow_type' and '{value}'")
        return list(items)

    def step(self, item: object, place: str) -> Step:
        data = self.object(item, place)
        place = f"step {data.get('id', place)}"
        return self.build(Step, data, place, _STEP_READERS)

    def branch(self, item: object, place: str) -> Branch:
        data = self.object(item, place)
        return self.build(Branch, data, place, {"chosen_at": _tuple})

    def object(self, item: object, place: str) -> Data:
        if not isinstance(item, dict):
            raise self.fail(place, "expected an object")
        return item

    def build(self, cls: type[T], data: Data, place: str, readers: Mapping[str, _Read]) -> T:
        names = {spec.name for spec in dataclasses.fields(cls) if spec.init}  # type: ignore[arg-type]
        unknown = sorted(set(data) - names)
        if unknown:
            raise self.fail(place, f"unknown keys {unknown}")
        values: Data = {}
        for key, raw in data.items():
            read = readers.get(key)
            try:
                values[key] = raw if read is None else read(self, raw, f"{place}.{key}")
            except (TypeError, ValueError, KeyError) as error:
                if isinstance(error, FormatError):
                    raise
                raise self.fail(f"{place}.{key}", f"bad value ({error})") from None
        try:
            return cls(**values)
        except TypeError as error:
            raise self.fail(place, str(error)) from None


_Read = Callable[[_Reader, Any, str], Any]


def _tuple(_: _Reader, raw: list[Any], place: str) -> tuple[Any, ...]:
    if not isinstance(raw, list):
        raise TypeError("expected a list")
    return tuple(tuple(item) if isinstance(item, list) else item for item in raw)


def _target(reader: _Reader, raw: Data, place: str) -> Target:
    if isinstance(raw, dict) and set(raw) == {"goto"}:
        return Goto(raw["goto"])
    if isinstance(raw, dict) and set(raw) == {"return_to"}:
        return ReturnTo(tuple(raw["return_to"]))
    raise reader.fail(place, "a target is {'goto': step} or {'return_to': [steps]}")


def _guard(reader: _Reader, raw: Data, place: str) -> Guard:
    data = reader.object(raw, place)
    condition = _condition(reader, data.get("when"), f"{place}.when")
    return Guard(condition, _target(reader, {k: v for k, v in data.items() if k != "when"}, place))


def _condition(reader: _Reader, raw: object, place: str) -> Condition:
    when = reader.object(raw, place)
    value = when.get("value")
    return reader.build(
        Condition,
        {**when, **({"value": tuple(value)} if isinstance(value, list) else {})},
        place,
        {"op": lambda _r, raw, _p: Op(raw)},
    )


def _field(reader: _Reader, raw: Data, place: str) -> Field:
    data = reader.object(raw, place)
    return reader.build(Field, data, f"{place} ({data.get('name')})", _FIELD_READERS)


def _each(read: _Read) -> _Read:
    def many(reader: _Reader, raw: list[Any], place: str) -> tuple[Any, ...]:
        if not isinstance(raw, list):
            raise reader.fail(place, "expected a list")
        return tuple(read(reader, item, f"{place}[{n}]") for n, item in enumerate(raw))

    return many


def _dataclass(cls: type[Any], readers: Mapping[str, _Read] | None = None) -> _Read:
    def read(reader: _Reader, raw: Data, place: str) -> Any:
        return reader.build(cls, reader.object(raw, place), place, readers or {})

    return read


_FIELD_READERS: Mapping[str, _Read] = {
    "type": lambda _r, raw, _p: FieldType(raw),
    "sensitivity": lambda _r, raw, _p: Sensitivity(raw),
    "required_unless": _tuple,
    "options": _each(_dataclass(Option)),
    "required_when": lambda r, raw, p: _condition(r, raw, p),
    "consent": _dataclass(Consent),
    "messages": lambda _r, raw, _p: {str(code): str(message) for code, message in raw.items()},
}
_STEP_READERS: Mapping[str, _Read] = {
    "component": lambda _r, raw, _p: Component(raw),
    "fields": _each(_field),
    "guards": _each(_guard),
    "default": _target,
    "on_reject": _target,
    "effects": _tuple,
    "prefill_from": _tuple,
    "ordered": _tuple,
    "results": _dataclass(Results),
    "summary": _dataclass(Summary, {"answers_from": _tuple}),
    "next_steps": lambda _r, raw, _p: {kind: tuple(lines) for kind, lines in raw.items()},
}
