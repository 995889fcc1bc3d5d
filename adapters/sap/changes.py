"""Reading what changed in SAP since last time, by change time, so nothing is skipped or taken
twice: the cursor and the query plan, as pure logic (no I/O).

The problem. Sales orders carry ``LastChangeDateTime`` (UTC, to 100 ns), but:

- *ties*: many documents can share a change time, so "after the last time I saw" (``gt``)
  skips those of a tie that a page boundary cut off;
- *late visibility*: SAP stamps the time when a change is made, but the change becomes visible
  when its transaction commits, and SAP's application servers' clocks differ slightly; a
  document can appear *after* documents with later times were read;
- *precision*: OData v2 JSON gives times to the millisecond only, while ``$filter`` compares
  SAP's full precision, so a document read as ``…00.123`` may really be ``…00.1234567``;
- *moving data*: ``$skip`` counts positions, and a document that changes while pages are read
  moves to the end, shifting the others: one would be skipped.

The design:

1. **Overlap window.** Each read starts ``overlap`` before the latest change time taken so far
   (the *watermark*): ``LastChangeDateTime ge <watermark - overlap>``. Anything that became
   visible late, within the overlap, is read again. The times come from SAP itself (the
   watermark is a time SAP wrote), so the connector's own clock never matters.
2. **De-duplication by key and change time.** The cursor remembers, for every document taken
   with a change time inside the window, the change time it was taken at. A document read
   again with the same (or an older) change time is not taken again; one with a newer change
   time is a new change and is taken. Entries older than the window are dropped, since no read
   returns them any more: the cursor stays as small as the window.
3. **Paging by value.** Each request asks for ``page_size`` documents ordered by change time and
   key, starting at the change time of the last document received (``ge``), not at a position.
   A change while reading cannot shift a document past the reader; documents at the boundary
   are read twice and de-duplicated. Only when a whole page shares one change time (more than
   ``page_size`` documents in the same millisecond) does the next request add ``$skip`` within
   that time. SAP's ``__next`` link, when SAP holds documents back, is treated the same way:
   the next request continues after the last document received.

What remains: a document that becomes visible more than ``overlap`` after its change time is
missed. Choose the overlap larger than the longest commit delay plus clock difference between
SAP's servers (minutes; the default is 10); the cost is reading that window again each time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Self

__all__ = ["ChangeCursor", "ChangeCursorError", "ChangeScan", "ScanRequest"]

_VERSION = 1


class ChangeCursorError(ValueError):
    """A stored cursor is not a change cursor this version can read."""


def _timestamp(text: object, where: str) -> datetime:
    if not isinstance(text, str):
        raise ChangeCursorError(f"{where}: expected an ISO 8601 time, not {text!r}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ChangeCursorError(f"{where}: {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ChangeCursorError(f"{where}: {text!r} has no time zone")
    return moment


@dataclass(frozen=True)
class ChangeCursor:
    """How far reading by change time has come.

    Attributes:
        watermark: the latest change time taken, ``None`` before the first.
        taken: the change time each recently taken document was taken at, by key; only keys
            whose change time is within the overlap window of the watermark are kept.
    """

    watermark: datetime | None = None
    taken: Mapping[str, datetime] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.watermark is not None and self.watermark.tzinfo is None:
            raise ValueError("the watermark must be an aware datetime")
        object.__setattr__(self, "taken", MappingProxyType(dict(self.taken)))

    def lower_bound(self, overlap: timedelta) -> datetime | None:
        """Where the next read starts: the watermark less the overlap (``None``: the start)."""
        return None if self.watermark is None else self.watermark - overlap

    def is_taken(self, key: str, changed_at: datetime) -> bool:
        """Whether this version of a document (its key and change time) was taken already."""
        known = self.taken.get(key)
        return known is not None and changed_at <= known

    def take(self, key: str, changed_at: datetime, overlap: timedelta) -> ChangeCursor:
        """The cursor after taking a document changed at ``changed_at``."""
        if changed_at.tzinfo is None:
            raise ValueError("changed_at must be an aware datetime")
        watermark = changed_at if self.watermark is None else max(self.watermark, changed_at)
        floor = watermark - overlap
        taken = {k: t for k, t in self.taken.items() if t >= floor}
        previous = taken.get(key)
        taken[key] = changed_at if previous is None else max(previous, changed_at)
        if taken[key] < floor:
            del taken[key]
        return ChangeCursor(watermark, taken)

    def encode(self) -> str:
        """The cursor as text for the store, e.g. ``{"v":1,"watermark":"…","taken":{…}}``."""
        return json.dumps(
            {
                "v": _VERSION,
                "watermark": None if self.watermark is None else self.watermark.isoformat(),
                "taken": {key: moment.isoformat() for key, moment in sorted(self.taken.items())},
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str | None) -> Self:
        """A cursor from :meth:`encode`'s text; ``None`` is the start.

        Raises:
            ChangeCursorError: the text is not such a cursor.
        """
        if text is None:
            return cls()
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise ChangeCursorError(f"the cursor {text[:80]!r} is not JSON") from None
        if not isinstance(data, dict) or data.get("v") != _VERSION:
            raise ChangeCursorError(
                f"the cursor {text[:80]!r} is not a version {_VERSION} change cursor"
            )
        taken = data.get("taken", {})
        if not isinstance(taken, dict):
            raise ChangeCursorError("the cursor's taken is not an object")
        watermark = data.get("watermark")
        return cls(
            None if watermark is None else _timestamp(watermark, "watermark"),
            {str(key): _timestamp(value, f"taken[{key}]") for key, value in taken.items()},
        )


@dataclass(frozen=True)
class ScanRequest:
    """One request of a read: documents changed at or after ``lower``, past the first ``skip``.

    Attributes:
        lower: the ``ge`` bound on the change time (``None``: no bound).
        skip: how many documents at the start of that result to skip (``$skip``); more than 0
            only inside a run of documents sharing one change time.
    """

    lower: datetime | None
    skip: int = 0


class ChangeScan:
    """Plans the requests of one read (see the module's design).

    Args:
        cursor: where the last read ended.
        overlap: how far before the watermark to start again.
        page_size: the ``$top`` of each request.
    """

    def __init__(self, cursor: ChangeCursor, overlap: timedelta, page_size: int) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        if overlap < timedelta(0):
            raise ValueError("the overlap must not be negative")
        self.cursor = cursor
        self.overlap = overlap
        self.page_size = page_size

    def first(self) -> ScanRequest:
        """The first request of the read."""
        return ScanRequest(self.cursor.lower_bound(self.overlap))

    def after(
        self, request: ScanRequest, change_times: Sequence[datetime], *, held_back: bool
    ) -> ScanRequest | None:
        """The request that follows ``request``, or ``None`` when the read is complete.

        Args:
            request: the request just answered.
            change_times: the change times of the documents it returned, in order.
            held_back: SAP said it has more (a ``__next`` link).
        """
        if not change_times:
            return None
        if len(change_times) < self.page_size and not held_back:
            return None
        last = change_times[-1]
        if request.lower is not None and last <= request.lower:
            # A whole page at one change time: going on by value would read it again forever.
            return ScanRequest(request.lower, request.skip + len(change_times))
        return ScanRequest(last)
