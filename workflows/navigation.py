"""Going back along a session's path, and which answers still apply once it goes another way.

`back_path`: back to the previous step, or to an earlier step of the path (`to_step`, the
"Change" links of a summary). Refused from a step that forbids it, to a step that is not on the
path before the current one, and across a step that submitted something (`commits`: a lead, a
credit check), one that waits for an outcome (`awaits`) or an end (`terminal`).

`still_applying`: after an answer moves the session, the answers of later steps that are off
its path and can no longer be reached from where it now goes are dropped; the others are kept,
to prefill the steps the visitor walks again. Reachability follows the session's path, as the
engine does: a `ReturnTo` goes back to the most recent of its steps on the path, so a session on
the CarIn side never "reaches" the search form through "No, back to the list".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from workflows.messages import text
from workflows.model import Goto, Target, Workflow

NOT_ON_PATH = "not_on_path"
CANNOT_GO_BACK = "cannot_go_back"
# Walks of (step, path) explored before falling back to the plain graph (which keeps more).
MAX_WALK_STATES = 20_000


@dataclass(frozen=True, slots=True)
class BackRefused:
    """Why back is refused: `code` names the rule, `message_id` the catalogue's text that says
    it (never echoing input); `reason`: that text in US English."""

    code: str
    message_id: str

    @property
    def reason(self) -> str:
        return text(self.message_id)


FORBIDDEN = BackRefused(CANNOT_GO_BACK, "rejection.back.forbidden")
FIRST = BackRefused(CANNOT_GO_BACK, "rejection.back.first")
NOT_EARLIER = BackRefused(NOT_ON_PATH, "rejection.back.not_on_path")
COMMITTED = BackRefused(CANNOT_GO_BACK, "rejection.back.committed")
PENDING = BackRefused(CANNOT_GO_BACK, "rejection.back.pending")
ENDED = BackRefused(CANNOT_GO_BACK, "rejection.back.ended")


def back_path(
    workflow: Workflow, path: tuple[str, ...], to_step: str | None = None
) -> tuple[str, ...] | BackRefused:
    """The path once back at `to_step` (None: the previous step), its last step the one to
    show; or why not. `path` ends with the current step."""
    if not path or path[-1] not in workflow.steps:
        return FORBIDDEN
    if not workflow.step(path[-1]).can_go_back:
        return FORBIDDEN
    earlier = path[:-1]
    if to_step is None:
        if not earlier:
            return FIRST
        index = len(earlier) - 1
    elif to_step in earlier:
        index = len(earlier) - 1 - earlier[::-1].index(to_step)
    else:
        return NOT_EARLIER
    for passed in earlier[index:]:
        refused = _crossing(workflow, passed)
        if refused is not None:
            return refused
    return path[: index + 1]


def _crossing(workflow: Workflow, step_id: str) -> BackRefused | None:
    step = workflow.steps.get(step_id)
    if step is None or step.terminal:
        return ENDED
    if step.commits:
        return COMMITTED
    if step.awaits is not None:
        return PENDING
    return None


def resolved(target: Target, path: tuple[str, ...]) -> str:
    """Where `target` leads from a session with `path`: a `ReturnTo` to the most recent of its
    steps on the path (else its first)."""
    if isinstance(target, Goto):
        return target.step
    for step_id in reversed(path):
        if step_id in target.steps:
            return step_id
    return target.steps[0]


def moved_path(path: tuple[str, ...], target: str) -> tuple[str, ...]:
    """The path after moving to `target`: a step already on it is returned to (the path is cut
    after it), a new one is added."""
    if path and target == path[-1]:
        return path
    if target in path:
        return path[: len(path) - path[::-1].index(target)]
    return (*path, target)


def still_applying(
    workflow: Workflow,
    answers: Mapping[str, Mapping[str, object]],
    answered: str,
    path: tuple[str, ...],
) -> dict[str, Mapping[str, object]] | None:
    """The answers to keep after step `answered` moved the session to `path` (its current step
    last); None when every one still applies. Only the answers of steps after `answered` can be
    dropped, and only when they are off the path and unreachable from its current step (the
    answers a host page gave at the start, of steps never walked, stay)."""
    off_path = [step_id for step_id in answers if step_id not in path]
    if not off_path:
        return None
    later = _graph_reach(workflow, (answered,))
    candidates = [step_id for step_id in off_path if step_id in later]
    if not candidates:
        return None
    ahead = reachable(workflow, path)
    dropped = {step_id for step_id in candidates if step_id not in ahead}
    if not dropped:
        return None
    return {step_id: given for step_id, given in answers.items() if step_id not in dropped}


def reachable(workflow: Workflow, path: tuple[str, ...]) -> frozenset[str]:
    """Every step a session with `path` can still go to (its current step, the last, included),
    each `ReturnTo` resolved against the path as it would be then."""
    if not path or path[-1] not in workflow.steps:
        return frozenset()
    seen: set[tuple[str, ...]] = set()
    found: set[str] = set()
    stack = [path]
    while stack:
        walked = stack.pop()
        if walked in seen:
            continue
        if len(seen) >= MAX_WALK_STATES:  # bounded: the plain graph reaches at least as far
            return frozenset(found | _graph_reach(workflow, (walked[-1], *(p[-1] for p in stack))))
        seen.add(walked)
        found.add(walked[-1])
        for target in workflow.step(walked[-1]).targets():
            step_id = resolved(target, walked)
            if step_id in workflow.steps:
                stack.append(moved_path(walked, step_id))
    return frozenset(found)


def _graph_reach(workflow: Workflow, starts: Iterable[str]) -> set[str]:
    """Every step reachable from `starts` over any edge (guards, default, rejection)."""
    found: set[str] = set()
    stack = [step_id for step_id in starts if step_id in workflow.steps]
    while stack:
        step_id = stack.pop()
        if step_id in found:
            continue
        found.add(step_id)
        for target in workflow.step(step_id).targets():
            steps = (target.step,) if isinstance(target, Goto) else target.steps
            stack.extend(s for s in steps if s in workflow.steps and s not in found)
    return found
