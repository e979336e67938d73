"""GraphQL error messages without the values they quote.

graphql-core writes the offending value into its messages: "Variable '$input' got invalid value
{'data': {'ssn': …}}; Field 'x' is not defined by type 'TransitionInput'.", "Int cannot
represent non-integer value: 'Ada'", "Expected value of type 'Int!', found \"Ada\".". Those go
to the client and to the log, so they are rewritten to keep what helps (which variable, which
path, which field and type, which rule) and drop the value.
"""

from __future__ import annotations

import re

from graphql import GraphQLError

# "Variable '$v' has invalid value[ at .path]: <reason>" (graphql-core 3.3); 3.2 wrote "got
# invalid value <value>[ at 'v.path']; <reason>".
_VARIABLE = re.compile(r"^Variable '\$(?P<name>\w+)' has invalid value(?P<at> at [\w.\[\]]+)?: ")
_VARIABLE_OLD = re.compile(r"^Variable '\$(?P<name>\w+)' got invalid value ")
_AT_PATH = re.compile(r" at '(?P<path>[\w$.\[\]]+)'$")
# A name of the schema (field, type, enum, variable): kept. Anything else quoted: a value.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,60}[!\]]*|\[[_A-Za-z][_0-9A-Za-z]{0,60}[!\]]*")
_SINGLE = re.compile(r"'([^']*)'")
_DOUBLE = re.compile(r'"(?:[^"\\]|\\.)*"')
_AFTER_VALUE = re.compile(r"\b(value:|[Ff]ound:?) .*$", re.DOTALL)
HIDDEN = "…"


def without_values(message: str) -> str:
    """`message` with every value it quotes taken out (names of the schema stay)."""
    variable = _VARIABLE.match(message)
    if variable is not None:
        return variable.group(0) + _reason(message[variable.end() :])
    old = _VARIABLE_OLD.match(message)
    if old is not None:
        return _variable_message(old.group("name"), message[old.end() :])
    return _reason(message)


def _variable_message(name: str, rest: str) -> str:
    """`<value> [at 'v.path']; <reason>` (graphql-core 3.2) → without the value: the reason is
    what follows the last "; "."""
    head, separator, reason = rest.rpartition("; ")
    if not separator:
        return f"Variable '${name}' got an invalid value."
    path = _AT_PATH.search(head)
    where = f" at '{path.group('path')}'" if path else ""
    return f"Variable '${name}' got an invalid value{where}; {_reason(reason)}"


def _reason(text: str) -> str:
    text = _DOUBLE.sub(f'"{HIDDEN}"', text)
    text = _SINGLE.sub(_kept_name, text)
    return _AFTER_VALUE.sub(lambda shown: f"{shown.group(1)} {HIDDEN}.", text)


def _kept_name(quoted: re.Match[str]) -> str:
    inner = quoted.group(1)
    return quoted.group(0) if _NAME.fullmatch(inner.lstrip("$")) else f"'{HIDDEN}'"


def scrub(errors: list[GraphQLError]) -> None:
    """Rewrite each error's message in place: the client's answer and the log read the same."""
    for error in errors:
        error.message = without_values(error.message)
