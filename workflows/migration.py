"""How sessions of one workflow version move onto the next: the declared `Migration`, its data
form (`from_data`, `to_data`) and its static check (`check_migration`).

Every mapping is keyed in the old version's vocabulary (old step id, old field name, old option
value) and points into the new one. `workflows.migration_plan.plan` places one session.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from workflows.checker import Fault
from workflows.model import Field, Step, Workflow

Renames = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Migration:
    """Declared by a version for the sessions of the version before it."""

    step_renames: Renames = field(default_factory=dict)
    # A removed step → the step its sessions go to.
    removed_steps: Renames = field(default_factory=dict)
    # Old step → old field → new field name.
    field_renames: Mapping[str, Renames] = field(default_factory=dict)
    # Old step → old field → old option → new option.
    option_renames: Mapping[str, Mapping[str, Renames]] = field(default_factory=dict)

    def step_for(self, old_id: str, new: Workflow) -> str | None:
        """Where an old step's identity (and answers) goes on `new`; None if it does not survive."""
        if old_id in self.step_renames:
            return self.step_renames[old_id]
        if old_id in self.removed_steps:
            return None
        return old_id if old_id in new.steps else None

    def field_for(self, old_step: str, old_field: str) -> str:
        return self.field_renames.get(old_step, {}).get(old_field, old_field)

    def option_for(self, old_step: str, old_field: str, value: str) -> str:
        return self.option_renames.get(old_step, {}).get(old_field, {}).get(value, value)


NO_MIGRATION = Migration()


class MigrationDataError(ValueError):
    """The "migration" object of a version file is malformed; names the key and the rule."""

    def __init__(self, where: str, rule: str) -> None:
        super().__init__(f"migration.{where}: {rule}")
        self.where = where
        self.rule = rule


_KEYS = ("step_renames", "removed_steps", "field_renames", "option_renames")


def from_data(data: object) -> Migration:
    """A `Migration` from plain JSON data (all four keys optional, nothing else allowed)."""
    if not isinstance(data, Mapping):
        raise MigrationDataError("", "must be an object")
    for key in data:
        if key not in _KEYS:
            raise MigrationDataError(str(key)[:40], f"unknown key (expected one of {_KEYS})")
    return Migration(
        step_renames=_names(data.get("step_renames", {}), "step_renames"),
        removed_steps=_names(data.get("removed_steps", {}), "removed_steps"),
        field_renames=_field_names(data.get("field_renames", {}), "field_renames"),
        option_renames=_option_names(data.get("option_renames", {}), "option_renames"),
    )


def to_data(migration: Migration) -> dict[str, object]:
    """Plain dicts, JSON-ready; empty mappings are left out, so `to_data(Migration())` is {}."""
    data: dict[str, object] = {
        "step_renames": dict(migration.step_renames),
        "removed_steps": dict(migration.removed_steps),
        "field_renames": {s: dict(f) for s, f in migration.field_renames.items()},
        "option_renames": {
            s: {f: dict(o) for f, o in fields.items()}
            for s, fields in migration.option_renames.items()
        },
    }
    return {key: value for key, value in data.items() if value}


def _names(raw: object, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise MigrationDataError(where, "must be an object of names")
    for key, value in raw.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value:
            raise MigrationDataError(f"{where}.{str(key)[:40]}", "must map a name to a name")
    return dict(raw)


def _field_names(raw: object, where: str) -> dict[str, dict[str, str]]:
    if not isinstance(raw, Mapping):
        raise MigrationDataError(where, "must be an object of steps")
    return {str(key): _names(value, f"{where}.{str(key)[:40]}") for key, value in raw.items()}


def _option_names(raw: object, where: str) -> dict[str, dict[str, dict[str, str]]]:
    if not isinstance(raw, Mapping):
        raise MigrationDataError(where, "must be an object of steps")
    return {str(key): _field_names(value, f"{where}.{str(key)[:40]}") for key, value in raw.items()}


# --- The static check ----------------------------------------------------------------------------


def check_migration(old: Workflow, new: Workflow, migration: Migration) -> list[Fault]:
    """Every fault that would strand or corrupt a session, found before anything moves."""
    return [
        *_renamed_steps(old, new, migration),
        *_removed_steps(old, new, migration),
        *_stranded_steps(old, new, migration),
        *_merged_steps(old, new, migration),
        *_renamed_fields(old, new, migration),
        *_renamed_options(old, new, migration),
    ]


def _renamed_steps(old: Workflow, new: Workflow, migration: Migration) -> Iterator[Fault]:
    for was, becomes in migration.step_renames.items():
        if was not in old.steps:
            yield Fault(was, f"is renamed, but v{old.version} has no such step")
        if becomes not in new.steps:
            yield Fault(was, f"is renamed to '{becomes}', which v{new.version} lacks")
        if was in migration.removed_steps:
            yield Fault(was, "is both renamed and removed")


def _removed_steps(old: Workflow, new: Workflow, migration: Migration) -> Iterator[Fault]:
    for gone, destination in migration.removed_steps.items():
        if gone not in old.steps:
            yield Fault(gone, f"is removed, but v{old.version} has no such step")
        if gone in new.steps:
            yield Fault(gone, f"is declared removed, but v{new.version} still has it")
        if destination not in new.steps:
            yield Fault(gone, f"sends its sessions to '{destination}', which v{new.version} lacks")


def _stranded_steps(old: Workflow, new: Workflow, migration: Migration) -> Iterator[Fault]:
    declared = migration.step_renames.keys() | migration.removed_steps.keys()
    for step_id in old.steps:
        if step_id not in new.steps and step_id not in declared:
            yield Fault(
                step_id,
                f"is not in v{new.version} and the migration neither renames it nor says "
                "where its sessions go",
            )


def _merged_steps(old: Workflow, new: Workflow, migration: Migration) -> Iterator[Fault]:
    """Two old steps may not become one: their answers would overwrite each other."""
    claimed: dict[str, str] = {}
    for step_id in old.steps:
        becomes = migration.step_for(step_id, new)
        if becomes is None:
            continue
        if becomes in claimed:
            yield Fault(step_id, f"becomes '{becomes}', as '{claimed[becomes]}' already does")
        claimed.setdefault(becomes, step_id)


def _surviving(old: Workflow, new: Workflow, migration: Migration, step_id: str) -> Step | None:
    becomes = migration.step_for(step_id, new) if step_id in old.steps else None
    return new.steps.get(becomes) if becomes is not None else None


def _renamed_fields(old: Workflow, new: Workflow, migration: Migration) -> Iterator[Fault]:
    for step_id, renames in migration.field_renames.items():
        target = _surviving(old, new, migration, step_id)
        if target is None:
            yield Fault(step_id, "renames fields of a step that does not survive")
            continue
        for was, becomes in renames.items():
            if old.step(step_id).field_named(was) is None:
                yield Fault(step_id, f"renames unknown field '{was}'")
            if target.field_named(becomes) is None:
                yield Fault(
                    step_id, f"renames field '{was}' to '{becomes}', which {target.id} lacks"
                )


def _renamed_options(old: Workflow, new: Workflow, migration: Migration) -> Iterator[Fault]:
    for step_id, fields in migration.option_renames.items():
        target = _surviving(old, new, migration, step_id)
        if target is None:
            yield Fault(step_id, "renames options of a step that does not survive")
            continue
        for name, renames in fields.items():
            was = old.step(step_id).field_named(name)
            becomes = target.field_named(migration.field_for(step_id, name))
            if was is None or becomes is None:
                yield Fault(step_id, f"renames options of unknown field '{name}'")
                continue
            yield from _option_faults(step_id, was, becomes, renames)


def _option_faults(step_id: str, was: Field, becomes: Field, renames: Renames) -> Iterator[Fault]:
    old_values = {option.value for option in was.options}
    new_values = {option.value for option in becomes.options}
    for old_value, new_value in renames.items():
        if was.options and old_value not in old_values:
            yield Fault(step_id, f"field '{was.name}' renames unknown option '{old_value}'")
        if becomes.options and new_value not in new_values:
            yield Fault(
                step_id,
                f"field '{was.name}' renames option '{old_value}' to '{new_value}', "
                f"which '{becomes.name}' lacks",
            )
