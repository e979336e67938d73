"""The refusals a visitor reads, by the catalogue's id (`workflows/messages`): the business
rejections a transition's effects (and its caps) give, each with a stable `code` (the contract),
shown in the session's locale; and why an invitation does not open a session, shown in the
locale of the start's context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workflows.messages import text


@dataclass(frozen=True, slots=True)
class Rejection:
    """`code`: the rule (the contract); `message_id`: the catalogue's text that says it, filled
    with `params` and shown in the session's locale (`reason`: in US English)."""

    code: str
    message_id: str
    params: Mapping[str, object] = field(default_factory=dict)
    # False: the visitor stays on the step and nothing is written (a cap, not a changed world).
    moves: bool = True

    @property
    def reason(self) -> str:
        return text(self.message_id, params=self.params)


RETRY_REFUSED = Rejection("retry_not_needed", "rejection.retry_not_needed", moves=False)
VEHICLE_TAKEN = Rejection("vehicle_unavailable", "rejection.vehicle_unavailable")

# Why an invitation opens no session (InvalidStart, field "invitation").
INVITATION_UNKNOWN = "start.invitation.unknown"
INVITATION_USED = "start.invitation.used"
INVITATION_EXPIRED = "start.invitation.expired"
INVITATION_OTHER_SITE = "start.invitation.other_site"
INVITATION_NEEDED = "start.invitation.required"  # BUYER_FINANCING without one
INVITATION_WRONG_WORKFLOW = "start.invitation.wrong_workflow"  # one with another workflowType
