"""How GraphQL errors are logged: values out of every message, one line for a client's own
mistake, a traceback only for a fault.

Strawberry logs every error at ERROR with `str(error)`, which prints the query text around the
error's location and, for a variable error, the variables' values, with a traceback. Here a
refused document, a bad variable or a refused subscription is one INFO line naming the rule;
only a fault (an exception from our code) keeps its traceback, server-side (the client sees it
masked). `scrub` runs first, so the answer and the log say the same."""

from __future__ import annotations

import logging
import re

from graphql import GraphQLError

from schema.errors import should_mask
from schema.redaction import scrub

log = logging.getLogger("trex.graphql")
# A refusal may echo an id the client sent ("Session … not found"): whatever it typed there that
# looks like an e-mail address or a phone number stays out of the log all the same.
_CONTACT_LIKE = re.compile(r"[^\s@'\"]+@[^\s@'\"]+|\+\d{7,}|(?<![\w-])\d{7,}(?![\w-])")


def log_errors(errors: list[GraphQLError]) -> None:
    scrub(errors)
    for error in errors:
        log_error(error)


def log_error(error: GraphQLError) -> None:
    where = ".".join(str(key) for key in error.path or ()) or "request"
    if should_mask(error):
        log.error("fault in %s", where, exc_info=error.original_error)
    else:
        log.info("refused %s: %s", where, _CONTACT_LIKE.sub("…", error.message))
