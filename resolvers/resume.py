"""sendResumeLink and resumeSession (continue later): merged into Mutation."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.context import Info
from schema.errors import PublicError, limited
from schema.resume import (
    ResumeSessionResult,
    SendResumeLinkInput,
    SendResumeLinkResult,
    resumed_result,
    sent_result,
)
from workflows.resume import ResumePort, SendResumeLink


@strawberry.type
class ResumeMutations:
    @strawberry.mutation(
        description="Send the session a resume link by e-mail or SMS (Authorization: Bearer "
        "<session token>); a few per session (rate-limited)."
    )
    async def send_resume_link(
        self,
        info: Info,
        input: Annotated[SendResumeLinkInput, strawberry.argument(description="Where to send.")],
    ) -> SendResumeLinkResult:
        context = info.context
        command = SendResumeLink(
            str(input.session_id),
            context.token,
            input.channel,
            input.address,
            input.return_url,
            context.caller,
        )
        return sent_result(await limited(_port(info).send_link(command)))

    @strawberry.mutation(
        description="Open a session from its resume link: the current step with a new token "
        "(in `started`); the link works once."
    )
    async def resume_session(
        self,
        info: Info,
        resume_token: Annotated[
            str, strawberry.argument(description="The link's `trex_resume` parameter.")
        ],
    ) -> ResumeSessionResult:
        outcome = _port(info).open_link(resume_token, info.context.caller)
        return resumed_result(await limited(outcome))


def _port(info: Info) -> ResumePort:
    if info.context.resume is None:
        raise PublicError("Resume links are not available on this server.")
    return info.context.resume
