"""The time a visitor still needs, from the step graph and the time visitors spend per step.

The estimate is the sum of the seconds of each step still to answer on the shortest way to a
terminal step (the one `Graph.min_remaining` counts: the current step included, the terminal one
not, since it asks nothing). A step's seconds are the median that visitors spent on it (from the
funnel's history, given as `medians`), or, before there is enough history, the default of its
component (`DEFAULT_SECONDS`). Where several shortest ways tie, the quickest counts.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflows import messages
from workflows.graph import Graph
from workflows.model import Component

# Seconds a visitor typically needs on a step of each component, before history says otherwise:
# a single choice is read and tapped, a form is typed, a list of vehicles is compared.
CHOICE_SECONDS = 20
FORM_SECONDS = 60
RESULTS_SECONDS = 45
CONTACT_SECONDS = 60
REVIEW_SECONDS = 30
WAIT_SECONDS = 30
DEFAULT_SECONDS: Mapping[Component, int] = {
    Component.INTENT_SELECTION: CHOICE_SECONDS,
    Component.CHOICE: CHOICE_SECONDS,
    Component.VEHICLE_SEARCH: FORM_SECONDS,
    Component.VEHICLE_RESULTS: RESULTS_SECONDS,
    Component.CARIN_QUESTIONS: FORM_SECONDS,
    Component.VEHICLE_SELECTION: REVIEW_SECONDS,
    Component.CONTACT_CONFIRMATION: CONTACT_SECONDS,
    Component.PRIVATE_BUYER_DETAILS: FORM_SECONDS,
    Component.DEALER_INFORMATION: REVIEW_SECONDS,
    Component.DEALER_NETWORK: FORM_SECONDS,
    Component.CREDIT_CHECK: FORM_SECONDS,
    Component.CREDIT_CONSENT: REVIEW_SECONDS,
    Component.PENDING: WAIT_SECONDS,
    Component.COMPLETION: 0,
    Component.FINANCING_INVITE: CHOICE_SECONDS,
    Component.FINANCING_INTRO: REVIEW_SECONDS,
    Component.FINANCING_RESULT: REVIEW_SECONDS,
}
NO_MEDIANS: Mapping[str, float] = {}


def step_seconds(graph: Graph, step_id: str, medians: Mapping[str, float]) -> float:
    """The step's median from history, else its component's default."""
    median = medians.get(step_id)
    if median is not None:
        return median
    return DEFAULT_SECONDS.get(graph.workflow.step(step_id).component, FORM_SECONDS)


def seconds_remaining(graph: Graph, current: str, medians: Mapping[str, float] = NO_MEDIANS) -> int:
    """Seconds still needed from `current` on the shortest way to the end (0 at a terminal step
    or one from which none is reached)."""
    distance = graph.min_remaining
    memo: dict[str, float] = {}

    def cost(step_id: str) -> float:
        left = distance.get(step_id, 0)
        if left == 0:
            return 0.0
        if step_id not in memo:
            # Every next step one nearer the end: the distances strictly fall, so this ends.
            nearer = [n for n in graph.edges[step_id] if distance.get(n) == left - 1]
            rest = min((cost(n) for n in nearer), default=0.0)
            memo[step_id] = step_seconds(graph, step_id, medians) + rest
        return memo[step_id]

    return round(cost(current))


def remaining_text(steps_left: int, seconds: int, locale: str = messages.DEFAULT_LOCALE) -> str:
    """What the visitor reads: "Almost done" with no step left, else the time in minutes."""
    if steps_left == 0:
        return messages.text("progress.almost_done", locale)
    if seconds < 60:
        return messages.text("progress.under_a_minute", locale)
    minutes = round(seconds / 60)
    if minutes == 1:
        return messages.text("progress.one_minute_left", locale)
    return messages.text("progress.minutes_left", locale, {"minutes": minutes})
