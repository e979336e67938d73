"""The message catalogue: every text the server shows a visitor, by a stable id, in a locale.

Ids are dotted strings (`error.required.email`, `progress.minutes_left`), stable like Kratos'
message ids: a client may key its own copy on them. Each locale is a file next to this module,
`messages/<locale>.json`, an object of id → text; a text names its placeholders (`{limit}`),
filled by `text`. US English (`en-US`) is the default and holds every id the code uses; another
locale may lack an id, which then reads in US English.

The definitions' own text (step titles, field labels, option labels, consent paragraphs, what
happens next) is English in the definition itself; another locale's catalogue gives it under
keys derived from where it stands: `<workflow>.<step>.title`, `<workflow>.<step>.<field>.label`,
`<workflow>.<step>.<field>.option.<value>`, `<workflow>.<step>.<field>.consent`,
`<workflow>.<step>.next_steps.<kind>.<n>`, `<workflow>.<step>.ui.<key>`. A key with the version,
`<workflow>.v<N>.<step>...`, is read first: an older version's different English has its own.

A host page picks the locale with its context's `locale`: Spanish of any region (`es`, `es-MX`,
`es_419`) reads in `es-US`; anything else, or none, in `en-US` (`negotiate`). Reading the
package's own data files is the one read this module makes, like the definitions'.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from importlib.resources import files

from workflows.model import Consent, Field, Option, Step, Workflow

DEFAULT_LOCALE = "en-US"
SPANISH = "es-US"
LOCALES = (DEFAULT_LOCALE, SPANISH)

Params = Mapping[str, object]


@cache
def catalogue(locale: str) -> Mapping[str, str]:
    """The texts of a shipped locale, by id (empty for a locale not shipped)."""
    if locale not in LOCALES:
        return {}
    item = files("workflows").joinpath("messages", f"{locale}.json")
    data = json.loads(item.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"messages/{locale}.json: an object of id → text")
    return data


def negotiate(requested: object) -> str:
    """The shipped locale a host page's `locale` reads in: es-US for any Spanish, else en-US."""
    if not isinstance(requested, str):
        return DEFAULT_LOCALE
    primary = requested.strip().replace("_", "-").split("-", 1)[0].lower()
    return SPANISH if primary == "es" else DEFAULT_LOCALE


def shown(value: object) -> str:
    """A parameter as a text reads it: large numbers grouped, whole floats without a point,
    lists joined."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        number = int(value) if float(value).is_integer() else value
        return f"{number:,}" if abs(number) >= 10_000 else f"{number}"
    if isinstance(value, list | tuple):
        return ", ".join(shown(item) for item in value)
    return str(value)


def text(message_id: str, locale: str = DEFAULT_LOCALE, params: Params | None = None) -> str:
    """The text of `message_id` in `locale` (else US English), its placeholders filled."""
    found = catalogue(locale).get(message_id) or catalogue(DEFAULT_LOCALE).get(message_id)
    if found is None:
        raise KeyError(f"no message '{message_id}'")
    if not params:
        return found
    return found.format_map({name: shown(value) for name, value in params.items()})


def translated(key: str, english: str, locale: str) -> str:
    """A definition's own text in `locale`: its catalogue entry under `key`, else the English."""
    if locale == DEFAULT_LOCALE:
        return english
    return catalogue(locale).get(key, english)


# Definition text -------------------------------------------------------------------------------


def step_texts(step: Step) -> Iterator[tuple[str, str]]:
    """Every text of a step as (key below the step, English)."""
    yield "title", step.title
    for spec in step.fields:
        yield f"{spec.name}.label", spec.label
        for option in spec.options:
            yield f"{spec.name}.option.{option.value}", option.label
        if spec.consent is not None and spec.consent.text:
            yield f"{spec.name}.consent", spec.consent.text
    for kind, lines in step.next_steps.items():
        for n, line in enumerate(lines):
            yield f"next_steps.{kind}.{n}", line
    for key, value in step.ui.items():
        if isinstance(value, str):
            yield f"ui.{key}", value


def definition_texts(workflow: Workflow) -> Iterator[tuple[tuple[str, str], str]]:
    """Every text of a workflow version as ((versioned key, key), English)."""
    for step in workflow.steps.values():
        for key, english in step_texts(step):
            below = f"{step.id}.{key}"
            yield (
                (f"{workflow.name}.v{workflow.version}.{below}", f"{workflow.name}.{below}"),
                english,
            )


class _Lookup:
    def __init__(self, workflow: Workflow, step: Step, locale: str) -> None:
        self._texts = catalogue(locale)
        self._prefixes = (
            f"{workflow.name}.v{workflow.version}.{step.id}.",
            f"{workflow.name}.{step.id}.",
        )

    def __call__(self, key: str, english: str) -> str:
        for prefix in self._prefixes:
            found = self._texts.get(prefix + key)
            if found is not None:
                return found
        return english


_LOCALIZED: dict[tuple[int, str], tuple[Step, Step]] = {}


def localized_step(workflow: Workflow, step: Step, locale: str) -> Step:
    """The step with its texts in `locale` (the same step in US English); built once."""
    if locale == DEFAULT_LOCALE or locale not in LOCALES:
        return step
    key = (id(step), locale)
    cached = _LOCALIZED.get(key)
    if cached is not None and cached[0] is step:
        return cached[1]
    say = _Lookup(workflow, step, locale)
    built = replace(
        step,
        title=say("title", step.title),
        fields=tuple(_localized_field(spec, say) for spec in step.fields),
        next_steps={
            kind: tuple(say(f"next_steps.{kind}.{n}", line) for n, line in enumerate(lines))
            for kind, lines in step.next_steps.items()
        },
        ui={
            name: say(f"ui.{name}", value) if isinstance(value, str) else value
            for name, value in step.ui.items()
        },
    )
    _LOCALIZED[key] = (step, built)
    return built


def _localized_field(spec: Field, say: _Lookup) -> Field:
    consent = spec.consent
    if consent is not None and consent.text:
        consent = Consent(
            consent.text_id, consent.version, say(f"{spec.name}.consent", consent.text)
        )
    return replace(
        spec,
        label=say(f"{spec.name}.label", spec.label),
        options=tuple(
            Option(o.value, say(f"{spec.name}.option.{o.value}", o.label)) for o in spec.options
        ),
        consent=consent,
    )


def localized_workflow(workflow: Workflow, locale: str) -> Workflow:
    """The workflow with every step's texts in `locale`."""
    if locale == DEFAULT_LOCALE:
        return workflow
    steps = {sid: localized_step(workflow, step, locale) for sid, step in workflow.steps.items()}
    return replace(workflow, steps=steps)
