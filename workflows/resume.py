"""Continuing a session later, elsewhere: a resume link sent by e-mail or SMS, and opening it.

The commands and answers the API layer exchanges with the service (`app/services/resume_links.py`).
The address a link goes to is personal data: it is used to send the message and then dropped
(never stored, logged or echoed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from workflows import messages
from workflows.model import Component, Field, FieldType, Option, Step
from workflows.outcomes import ANONYMOUS, Caller, NotFound, StepView
from workflows.rules import FieldError, validate

CHANNELS = ("email", "sms")
URL_PARAMETER = "trex_resume"


@dataclass(frozen=True, slots=True)
class SendResumeLink:
    session_id: str
    token: str | None
    channel: str
    address: str
    # The page the link opens (the host page the visitor is on, without its fragment).
    return_url: str
    caller: Caller = ANONYMOUS

    def __repr__(self) -> str:  # the address and the token never reach a log line
        return f"SendResumeLink({self.session_id!r}, channel={self.channel!r})"


@dataclass(frozen=True, slots=True)
class LinkSent:
    channel: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class LinkInvalid:
    """The input broke a rule: every failing field, nothing sent."""

    errors: tuple[FieldError, ...]


@dataclass(frozen=True, slots=True)
class LinkNotSent:
    """The message could not be sent now (the provider is down or refused the address);
    `reason`: the catalogue's text of `message_id` in the session's locale."""

    reason: str
    code: str
    message_id: str | None = None


SendOutcome = LinkSent | LinkInvalid | LinkNotSent | NotFound


@dataclass(frozen=True, slots=True)
class Resumed:
    """The session's current step; its view carries the session's new token (once)."""

    view: StepView


@dataclass(frozen=True, slots=True)
class LinkRefused:
    """Unknown (or malformed), already used, or expired; `code` says which. `reason`: the
    catalogue's text of `message_id`, in the locale of the link's session where it is known
    (else US English)."""

    reason: str
    code: str
    message_id: str | None = None

    @classmethod
    def said(cls, code: str, locale: str = messages.DEFAULT_LOCALE) -> LinkRefused:
        message_id = _REFUSALS[code]
        return cls(messages.text(message_id, locale), code, message_id)


_REFUSALS = {
    "unknown": "resume.link.unknown",
    "used": "resume.link.used",
    "expired": "resume.link.expired",
}


OpenOutcome = Resumed | LinkRefused


class ResumePort(Protocol):
    async def send_link(self, command: SendResumeLink) -> SendOutcome: ...
    async def open_link(self, resume_token: str, caller: Caller = ANONYMOUS) -> OpenOutcome: ...


_CHANNEL = Field(
    "channel",
    FieldType.ENUM,
    "How to send the link",
    required=True,
    options=(Option("email", "E-mail"), Option("sms", "Text message")),
)
_FORMS = {
    channel: Step(
        "resume_link",
        Component.CHOICE,
        "Continue later",
        fields=(_CHANNEL, Field("address", kind, label, required=True)),
    )
    for channel, kind, label in (
        ("email", FieldType.EMAIL, "E-mail address"),
        ("sms", FieldType.PHONE, "Mobile number"),
    )
}


class _NoLookups:
    def options(self, source: str, answers: object) -> None:
        return None


def checked_address(channel: str, address: str, today: date) -> tuple[str, list[FieldError]]:
    """The address normalized as a step's e-mail or phone field would be (+12125550199), and
    the errors naming the field and rule, the same rules and messages as the steps'."""
    form = _FORMS.get(channel, _FORMS["email"])
    data = {"channel": channel, "address": address}
    values, errors = validate(form, data, lookups=_NoLookups(), today=today)
    if channel not in _FORMS:  # the address cannot be judged without a channel
        errors = [e for e in errors if e.field != "address"]
    return str(values.get("address", "")), errors
