"""The microfrontend's own words come from its message catalogues (microfrontend/module/i18n/):
en-US and es-US have the same ids and the same placeholders, every id the modules ask for is in
them, and no module writes visible English of its own. The scan reads each module's string
literals (template literals included) outside comments, and flags those a visitor would read:
a sentence or phrase, or a capitalized word, unless it is code (a component or type name, a
header, a CSS class list, a selector) — the exceptions are listed here, to be read."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from workflows import messages

MODULE = Path(__file__).resolve().parents[2] / "microfrontend" / "module"
LOCALES = ("en-US", "es-US")
# Not the visitor's words: GraphQL documents, the stylesheet, the catalogues themselves.
NOT_COPY = {"operations.js", "ui/styles.js", "i18n/en-US.js", "i18n/es-US.js"}
# Capitalized words that are code: component and type names, HTTP headers and schemes.
CODE_WORDS = {
    "Accept",
    "Authorization",
    "Bearer",
    "Choice",
    "Completion",
    "Pending",
}
# Literals that are developers' messages (the console, an Error), never shown.
DEVELOPER_CALLS = re.compile(r"(console\.\w+|new (Api)?Error|ws\.close)\(([^()]*,)?\s*$")
# The same words in both languages.
SAME_IN_BOTH = {
    "summary.no",
    "vehicle.spec.color",
    "vehicle.mileage",
    "results.sort_label",
    *(f"vehicle.value.{v}" for v in ("hatchback", "suv", "convertible", "manual", "beige")),
}
HTML_WORDS = {
    "input",
    "select",
    "textarea",
    "button",
    "form",
    "section",
    "li",
    "dl",
    "dt",
    "dd",
    "svg",
    "path",
    "circle",
}


@cache
def catalogue(locale: str) -> dict[str, str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is needed to read the catalogues (apt-get install nodejs)")
    script = (
        "const [, url] = process.argv;"
        "import(url).then((m) => process.stdout.write(JSON.stringify(m.default)));"
    )
    url = (MODULE / "i18n" / f"{locale}.js").as_uri()
    out = subprocess.run(
        [node, "--input-type=module", "-e", script, "--", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    loaded: dict[str, str] = json.loads(out.stdout)
    return loaded


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def modules() -> list[Path]:
    return sorted(
        p for p in MODULE.rglob("*.js") if p.relative_to(MODULE).as_posix() not in NOT_COPY
    )


def literals(source: str) -> list[tuple[int, str, str]]:
    """(offset, text, code before it) of each string literal; a template literal's text
    parts come one by one (its `${…}` expressions are code, read for literals too)."""
    found: list[tuple[int, str, str]] = []
    i, n = 0, len(source)
    depth: list[int] = []  # brace depth inside each open template expression
    opened: list[int] = []  # where each open template literal starts
    last = ""  # the last significant character of code
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
            continue
        if source.startswith("/*", i):
            i = source.index("*/", i) + 2
            continue
        if c in "'\"":
            j = i + 1
            while source[j] != c:
                j += 2 if source[j] == "\\" else 1
            found.append((i, source[i + 1 : j], source[max(0, i - 80) : i]))
            i, last = j + 1, c
            continue
        if c == "`" or (c == "}" and depth and depth[-1] == 0):
            if c == "}":
                depth.pop()
            else:
                opened.append(i)
            j, start = i + 1, i + 1
            while source[j] != "`" and not source.startswith("${", j):
                j += 2 if source[j] == "\\" else 1
            # Every part is judged by the code before the template literal.
            found.append((start, source[start:j], source[max(0, opened[-1] - 80) : opened[-1]]))
            if source[j] == "`":
                opened.pop()
                i, last = j + 1, "`"
            else:
                depth.append(0)
                i, last = j + 2, "{"
            continue
        if c == "/" and (last in "(,=:[!&|?{};" or source[:i].rstrip().endswith("return")):
            j = i + 1  # a regular expression literal
            in_class = False
            while source[j] != "/" or in_class:
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            i, last = j + 1, "/"
            continue
        if depth:
            if c == "{":
                depth[-1] += 1
            elif c == "}":
                depth[-1] -= 1
        if not c.isspace():
            last = c
        i += 1
    return found


def visible_english(text: str, before: str, classes: set[str]) -> bool:
    text = text.strip()
    if re.search(r"\bclass'?:\s*$", before):
        return False  # a class attribute
    words = re.findall(r"[A-Za-z’']+", text)
    if not any(len(w) > 1 for w in words):
        return False
    if re.search(r"(\bfrom|\bimport\(?)\s*$", before) or DEVELOPER_CALLS.search(before):
        return False
    if re.fullmatch(r"[\w.:/-]*", text) and not re.fullmatch(r"[A-Z][a-z]+", text):
        return False  # an identifier, a key, a path, a PascalCase type name
    if re.fullmatch(r"[A-Z][a-z]+", text):
        return text not in CODE_WORDS  # "Continue", "Back", "Close"
    plain = re.sub(r"\[[^\]]*\]|[.#:][\w-]+|[>,()*]", " ", text)  # selectors' parts
    # Left: words, unless all of them are classes or tags (a class list, a selector).
    return not all(w in classes or w in HTML_WORDS for w in plain.split())


def test_both_catalogues_have_the_same_ids_and_placeholders() -> None:
    english, spanish = catalogue("en-US"), catalogue("es-US")
    assert sorted(english) == sorted(spanish)
    assert len(english) > 150
    for message_id, text in english.items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", message_id), message_id
        assert placeholders(text) == placeholders(spanish[message_id]), message_id
        if message_id not in SAME_IN_BOTH:
            assert spanish[message_id] != text, f"{message_id}: not translated"


def test_every_id_the_modules_ask_for_is_in_the_catalogue() -> None:
    english = catalogue("en-US")
    asked: set[str] = set()
    prefixes: set[str] = set()
    for path in modules():
        source = path.read_text(encoding="utf-8")
        asked |= set(re.findall(r"\bt\(\s*'([\w.]+)'", source))
        asked |= {f"{p}.other" for p in re.findall(r"\bplural\(\s*'([\w.]+)'", source)}
        prefixes |= set(re.findall(r"\bt\(\s*`([\w.]+)\.\$\{", source))
    assert asked, "no module asks the catalogue"
    assert asked - set(english) == set()
    for prefix in prefixes:  # t(`credit.${status}`): some ids under it
        assert any(i.startswith(prefix + ".") for i in english), prefix


def test_no_module_writes_visible_english_of_its_own() -> None:
    classes = set(re.findall(r"\.([a-z][\w-]*)", (MODULE / "ui/styles.js").read_text()))
    hard_coded = [
        f"{path.relative_to(MODULE)}: {text!r}"
        for path in modules()
        for _, text, before in literals(path.read_text(encoding="utf-8"))
        if visible_english(text, before, classes)
    ]
    assert hard_coded == []


def test_the_scan_finds_visible_english() -> None:
    """The scan can fail: these are what it is for."""
    classes = {"btn", "secondary", "muted"}
    source = (
        "button('Continue', { class: 'btn secondary' });\n"
        "h('p', { class: 'muted' }, `Waiting for ${what}, since ${time}.`);\n"
        "const label = 'a few seconds'; // a comment 'Not this'\n"
        "if (/^[\"']/.test(x)) console.warn('[trex] Not shown either');\n"
    )
    flagged = [
        text for _, text, before in literals(source) if visible_english(text, before, classes)
    ]
    assert flagged == ["Continue", "Waiting for ", ", since ", "a few seconds"]


def test_the_widget_keeps_no_copy_of_the_servers_rule_texts() -> None:
    """A rule's text comes from the server (each field's `validationRules.messages`), so the
    hint before submit is the server's message after it, in either locale: the catalogues hold
    none of the server's error texts, and their one text for a rule is generic, with no label."""
    for locale in LOCALES:
        widget = catalogue(locale)
        server = {t for mid, t in messages.catalogue(locale).items() if mid.startswith("error.")}
        assert server, locale
        assert sorted(i for i, t in widget.items() if t in server) == [], locale
        rule_texts = {i: t for i, t in widget.items() if i.startswith("validation.")}
        assert set(rule_texts) == {"validation.check_field", "validation.or"}, locale
        assert placeholders(rule_texts["validation.check_field"]) == set(), locale
