"""The sessions this process touched last, as it last read or wrote them.

A transition starts from here instead of the database. That is safe because every write is
conditional on the row version it read: a record that another process changed since fails to
save, and the service then reads the session anew and runs the transition again. Answers that
are not writes (the current step, a stale step) read the database whenever the cache disagrees
with the caller.
"""

from __future__ import annotations

from collections import OrderedDict

from app.services.records import SessionRecord

KEPT = 10_000


class SessionCache:
    def __init__(self, size: int = KEPT) -> None:
        self._size = size
        self._records: OrderedDict[str, SessionRecord] = OrderedDict()

    def get(self, session_id: str) -> SessionRecord | None:
        record = self._records.get(session_id)
        if record is not None:
            self._records.move_to_end(session_id)
        return record

    def put(self, record: SessionRecord) -> None:
        """Keep `record` unless a newer version of it is already here."""
        known = self._records.get(record.id)
        if known is not None and known.row_version > record.row_version:
            return
        self._records[record.id] = record
        self._records.move_to_end(record.id)
        if len(self._records) > self._size:
            self._records.popitem(last=False)

    def forget(self, session_id: str) -> None:
        self._records.pop(session_id, None)
