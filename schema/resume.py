"""Continue later: sendResumeLink's and resumeSession's inputs and answers (union members for
every expected failure, never GraphQL errors)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from schema.results import FieldError, SessionNotFound
from schema.steps import Step, step_of
from workflows import resume as domain
from workflows.outcomes import NotFound


@strawberry.enum(description="How a resume link is sent.")
class ResumeChannel(Enum):
    EMAIL = strawberry.enum_value("email", description="By e-mail, to an e-mail address.")
    SMS = strawberry.enum_value("sms", description="By text message, to a mobile number.")


@strawberry.input(description="Where to send the session's resume link.")
class SendResumeLinkInput:
    session_id: strawberry.ID = strawberry.field(description="The session to continue later.")
    channel: str = strawberry.field(
        description="`email` or `sms` (the ResumeChannel values); anything else is refused "
        "as a ValidationFailed-like ResumeLinkInvalid naming `channel`."
    )
    address: str = strawberry.field(
        description="The e-mail address or mobile number: used to send this one message, "
        "never stored, logged or sent back."
    )
    return_url: str = strawberry.field(
        description="The page the link opens (the host page, a page of the session's own "
        "site); the link adds `trex_resume=<token>` to it."
    )


@strawberry.type(description="The link is on its way; it works once, until `expiresAt`.")
class ResumeLinkSent:
    channel: ResumeChannel = strawberry.field(description="How it was sent.")
    expires_at: datetime = strawberry.field(description="Until when the link opens the session.")


@strawberry.type(description="The input broke a rule; nothing was sent. Every failing field.")
class ResumeLinkInvalid:
    errors: list[FieldError] = strawberry.field(
        description="Every failing field (`channel`, `address`, `returnUrl`), each with its code."
    )


@strawberry.type(description="The message could not be sent now; try again a little later.")
class ResumeLinkNotSent:
    reason: str = strawberry.field(description="Why, for the visitor, in the session's language.")
    code: str = strawberry.field(description="A stable code: `unavailable`.")
    message_id: str | None = strawberry.field(
        default=None,
        description="The catalogue id of `reason` (`resume.not_sent`), the same in every language.",
    )


@strawberry.type(description="The session at its current step, opened from a resume link.")
class SessionResumed:
    step: Step = strawberry.field(
        description="The current step; its `started { id token }` carries the session's NEW "
        "token (the earlier one no longer works)."
    )


@strawberry.type(description="The link opens nothing: unknown, already used, or expired.")
class ResumeLinkRefused:
    reason: str = strawberry.field(
        description="Why, for the visitor: in the language of the link's session (US English "
        "for an unknown link)."
    )
    code: str = strawberry.field(description="A stable code: `unknown`, `used` or `expired`.")
    message_id: str | None = strawberry.field(
        default=None,
        description="The catalogue id of `reason` (`resume.link.<code>`), the same in every "
        "language.",
    )


SendResumeLinkResult = Annotated[
    ResumeLinkSent | ResumeLinkInvalid | ResumeLinkNotSent | SessionNotFound,
    strawberry.union(
        "SendResumeLinkResult",
        description="What sendResumeLink answers: sent, or why not (bad input, the provider "
        "down, no such session or a wrong token).",
    ),
]

ResumeSessionResult = Annotated[
    SessionResumed | ResumeLinkRefused,
    strawberry.union(
        "ResumeSessionResult",
        description="What resumeSession answers: the session with a new token, or why not.",
    ),
]


def sent_result(outcome: domain.SendOutcome) -> SendResumeLinkResult:
    if isinstance(outcome, domain.LinkSent):
        return ResumeLinkSent(channel=ResumeChannel(outcome.channel), expires_at=outcome.expires_at)
    if isinstance(outcome, domain.LinkInvalid):
        errors = [FieldError.of(e) for e in outcome.errors]
        return ResumeLinkInvalid(errors=errors)
    if isinstance(outcome, domain.LinkNotSent):
        return ResumeLinkNotSent(
            reason=outcome.reason, code=outcome.code, message_id=outcome.message_id
        )
    assert isinstance(outcome, NotFound)
    return SessionNotFound(session_id=strawberry.ID(outcome.session_id))


def resumed_result(outcome: domain.OpenOutcome) -> ResumeSessionResult:
    if isinstance(outcome, domain.Resumed):
        return SessionResumed(step=step_of(outcome.view))
    return ResumeLinkRefused(
        reason=outcome.reason, code=outcome.code, message_id=outcome.message_id
    )
