"""The diff of two workflow versions: steps, fields, options, edges, entries; text and Mermaid."""

from __future__ import annotations

import re
from dataclasses import replace

from tests.unit.flow_versions import MIGRATION, v1, v2
from workflows.checker import check
from workflows.diff import Change, Edge, EdgeChange, FlowDiff, StepDiff, diff
from workflows.diff_render import mermaid, render_text
from workflows.graph import to_mermaid
from workflows.model import Component, FieldType, Sensitivity

OLD, NEW = v1(), v2()
PAIRED = diff(OLD, NEW, MIGRATION)
UNPAIRED = diff(OLD, NEW)
LINK = re.compile(r"^ {4}(\w+) (?:-->|-\.->)(?:\|([^|]*)\|)? (\w+)$")


def changed(found: FlowDiff, step_id: str) -> StepDiff:
    return next(step for step in found.steps_changed if step.id == step_id)


def test_the_two_versions_are_valid_definitions() -> None:
    assert check(OLD) == []
    assert check(NEW) == []


def test_a_workflow_against_itself_has_no_changes() -> None:
    found = diff(OLD, v1())

    assert found.empty
    assert render_text(found) == "shop: v1 → v1\nno changes\n"


def test_steps_added_and_removed_without_the_migration_a_rename_is_both() -> None:
    assert UNPAIRED.steps_added == ("vehicle_search", "review")
    assert UNPAIRED.steps_removed == ("search", "legacy_survey")
    assert UNPAIRED.steps_renamed == {}


def test_the_migration_pairs_a_renamed_step_and_its_renamed_field() -> None:
    assert PAIRED.steps_added == ("review",)
    assert PAIRED.steps_removed == ("legacy_survey",)
    assert PAIRED.steps_renamed == {"search": "vehicle_search"}
    search = changed(PAIRED, "vehicle_search")
    assert search.was == "search"
    assert search.fields_added == ("radius",)
    assert search.fields_removed == ()
    assert [(f.name, f.was, f.changes) for f in search.fields_changed] == [("zip_code", "zip", ())]


def test_a_renamed_option_is_paired_and_otherwise_added_and_removed() -> None:
    paired = changed(PAIRED, "intent").fields_changed[0]
    unpaired = changed(UNPAIRED, "intent").fields_changed[0]

    assert paired.changes == (Change("option", "sell", "trade_in"),)
    assert paired.options_added == paired.options_removed == ()
    assert (unpaired.options_added, unpaired.options_removed) == (("trade_in",), ("sell",))


def test_field_changes_name_each_rule_and_label() -> None:
    mileage = changed(PAIRED, "sell_details").fields_changed[0]

    assert mileage.changes == (
        Change("label", "Mileage", "Odometer"),
        Change("maximum", "none", "500000"),
    )


def test_type_required_and_sensitivity_changes_are_reported() -> None:
    step = NEW.step("review")
    email = NEW.step("contact").fields[0]
    stricter = replace(email, required=False, sensitivity=Sensitivity.SECRET, type=FieldType.PHONE)
    contact = replace(NEW.step("contact"), fields=(stricter, *NEW.step("contact").fields[1:]))
    newer = replace(NEW, steps={**NEW.steps, "contact": contact, "review": step})

    found = changed(diff(NEW, newer), "contact").fields_changed[0]

    assert found.changes == (
        Change("type", "email", "phone"),
        Change("required", "yes", "no"),
        Change("sensitivity", "personal", "secret"),
    )


def test_step_fields_and_edges_added_removed_and_changed() -> None:
    contact = changed(PAIRED, "contact")

    assert contact.fields_added == ("phone",)
    assert contact.fields_removed == ("wants_survey",)
    assert contact.edges_added == ()
    assert contact.edges_removed == (Edge("guard", "wants_survey = true", ("legacy_survey",)),)
    assert contact.edges_changed == (
        EdgeChange(Edge("default", "", ("done",)), Edge("default", "", ("review",))),
    )


def test_an_edge_to_a_renamed_step_is_unchanged_with_the_migration_only() -> None:
    assert changed(PAIRED, "intent").edges_changed == ()
    assert changed(UNPAIRED, "intent").edges_changed == (
        EdgeChange(Edge("default", "", ("search",)), Edge("default", "", ("vehicle_search",))),
    )


def test_component_title_and_effects_changes() -> None:
    assert changed(PAIRED, "done").changes == (Change("title", "Thanks", "Thank you"),)
    assert changed(PAIRED, "contact").changes == (
        Change("effects", "(send_lead)", "(send_lead, notify)"),
    )
    other = replace(
        NEW.step("review"), component=Component.PENDING, on_reject=NEW.step("done").default
    )
    found = changed(diff(NEW, replace(NEW, steps={**NEW.steps, "review": other})), "review")
    assert found.changes == (Change("component", "Choice", "Pending"),)


def test_guard_order_matters() -> None:
    intent = NEW.step("intent")
    second = replace(intent.guards[0], when=replace(intent.guards[0].when, value="buy"))
    two = replace(intent, guards=(intent.guards[0], second))
    swapped = replace(intent, guards=(second, intent.guards[0]))
    before = replace(NEW, steps={**NEW.steps, "intent": two})
    after = replace(NEW, steps={**NEW.steps, "intent": swapped})

    assert changed(diff(before, after), "intent").changes == (
        Change("guard order", "intent = trade_in; intent = buy", "intent = buy; intent = trade_in"),
    )


def test_entries_added_changed_and_removed() -> None:
    assert PAIRED.entries_changed == (Change("selling", "", "sell_details"),)
    moved = replace(NEW, entries={"buying": "vehicle_search"})

    assert diff(NEW, moved).entries_changed == (
        Change("", "intent", ""),
        Change("selling", "sell_details", ""),
        Change("buying", "", "vehicle_search"),
    )


def test_the_text_report() -> None:
    text = render_text(PAIRED)

    assert text.startswith("shop: v1 → v2\n+ step review\n- step legacy_survey\n")
    assert "~ step vehicle_search (was search)\n    + field radius\n" in text
    assert "    ~ field zip_code (was zip)\n" in text
    assert "        option: sell → trade_in\n" in text
    assert "    - edge when wants_survey = true → legacy_survey\n" in text
    assert "    ~ edge otherwise: done → review\n" in text
    assert "~ entry selling: (none) → sell_details\n" in text


def styled_links(text: str) -> dict[str, set[tuple[str, str, str]]]:
    """Each link style class → the (source, label, target) links it styles."""
    links = [line for line in text.splitlines() if line.startswith("    ") and line[-1].isalnum()]
    styles = {"#1a7f37": "added", "#9a6700": "changed", "#cf222e": "removed"}
    found: dict[str, set[tuple[str, str, str]]] = {}
    for line in text.splitlines():
        if line.startswith("    linkStyle "):
            indexes, style = line.split()[1:3]
            name = next(name for colour, name in styles.items() if colour in style)
            for index in map(int, indexes.split(",")):
                matched = LINK.match(links[index])
                assert matched is not None, links[index]
                source, label, target = matched.groups()
                found.setdefault(name, set()).add((source, label or "", target))
    return found


def test_the_mermaid_graph_is_the_new_graph_with_changes_marked() -> None:
    text = mermaid(NEW, PAIRED)

    assert text.startswith(to_mermaid(NEW))
    assert "    class review added\n" in text
    assert "    class intent,vehicle_search,sell_details,contact,done changed\n" in text
    assert "    class legacy_survey removed\n" in text
    assert '    legacy_survey["<s>legacy_survey</s>"]\n' in text
    assert "stroke-dasharray" in next(
        line for line in text.splitlines() if "classDef removed" in line
    )


def test_the_mermaid_link_styles_mark_the_right_links() -> None:
    assert styled_links(mermaid(NEW, PAIRED)) == {
        "added": {("intent", "intent = trade_in", "sell_details"), ("review", "", "done")},
        "changed": {("contact", "", "review")},
        "removed": {
            ("intent", "<s>intent = sell</s>", "sell_details"),
            ("contact", "<s>wants_survey = true</s>", "legacy_survey"),
            ("contact", "<s>otherwise</s>", "done"),
        },
    }


def test_an_unchanged_mermaid_graph_adds_only_the_class_definitions() -> None:
    text = mermaid(NEW, diff(NEW, v2()))

    extra = text.removeprefix(to_mermaid(NEW)).splitlines()
    assert all(line.startswith("    classDef ") for line in extra)
