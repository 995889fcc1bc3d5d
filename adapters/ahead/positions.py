"""How far into an AHEAD list a source has settled every record: its cursor, as pure logic.

The AHEAD API lists records in id order and pages them by ``offset``; it offers no filter on
ids or timestamps. New records get higher ids, and orders and invoices cannot be deleted
through the API, so a record keeps its place in the list. A source therefore remembers how
many records at the head of the list are *settled* (yielded and durably handled, or known to
need nothing from this source ever again) and the id of the last of them, and starts its next
read there instead of at the beginning. The id is the anchor that proves the list has not
shifted; when it has, the source reads from the start again (the engine skips what it has
already done, so nothing is lost, it only costs a longer read).

This module does no I/O; :mod:`adapters.ahead.listing` reads the pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Self

_VERSION = 1


class CursorError(ValueError):
    """A stored cursor is not a position in the list this source reads."""


class ListOrderError(ValueError):
    """The list did not come in increasing id order, so positions in it mean nothing."""


@dataclass(frozen=True)
class ListPosition:
    """The settled head of one AHEAD list.

    Attributes:
        resource: the list, e.g. ``customer_order_submissions``.
        settled: how many records at the head of the list are settled.
        last_id: the id of the last settled record; ``None`` when ``settled`` is 0.
    """

    resource: str
    settled: int = 0
    last_id: int | None = None

    def __post_init__(self) -> None:
        if self.settled < 0:
            raise ValueError(f"settled must not be negative, not {self.settled}")
        if (self.settled == 0) != (self.last_id is None):
            raise ValueError("last_id is given exactly when some records are settled")

    @classmethod
    def start(cls, resource: str) -> Self:
        """The head of ``resource`` with nothing settled."""
        return cls(resource)

    def encode(self) -> str:
        """The cursor text, e.g. ``{"v":1,"list":"invoices","settled":12,"last_id":5013}``."""
        return json.dumps(
            {
                "v": _VERSION,
                "list": self.resource,
                "settled": self.settled,
                "last_id": self.last_id,
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, cursor: str | None, resource: str) -> Self:
        """The position a cursor made by :meth:`encode` names; ``None`` is the start.

        Raises:
            CursorError: the cursor was not made by :meth:`encode` for ``resource``; the
                message says what was expected and how to recover.
        """
        if cursor is None:
            return cls.start(resource)
        fields = _fields(cursor)
        expected = (
            f"a position in the AHEAD list {resource!r}, like {cls(resource, 12, 5013).encode()}"
        )
        if fields is None or fields.get("v") != _VERSION:
            raise CursorError(
                f"the stored cursor {cursor!r} is not {expected}; it was stored by another kind "
                "of source. Clear the flow's cursor to read the list from the start."
            )
        if fields.get("list") != resource:
            raise CursorError(
                f"the stored cursor {cursor!r} is a position in the AHEAD list "
                f"{fields.get('list')!r}, not in {resource!r}; the flow's source was changed. "
                "Clear the flow's cursor to read the list from the start."
            )
        settled, last_id = fields.get("settled"), fields.get("last_id")
        if not isinstance(settled, int) or not (last_id is None or isinstance(last_id, int)):
            raise CursorError(f"the stored cursor {cursor!r} is not {expected}")
        if isinstance(settled, bool) or isinstance(last_id, bool):
            raise CursorError(f"the stored cursor {cursor!r} is not {expected}")
        try:
            return cls(resource, settled, last_id)
        except ValueError as exc:
            raise CursorError(f"the stored cursor {cursor!r} is not {expected}: {exc}") from None


class SettledPrefix:
    """Walks a list from a position and moves the position over records as they settle.

    The position moves over a record only while every record before it, from the start of the
    walk, has settled; the first record that has not (an order not shipped yet) holds it there
    for the rest of the walk, so the next read comes back to that record.

    Args:
        start: where the walk starts; the first record visited is at ``start.settled``.
    """

    def __init__(self, start: ListPosition) -> None:
        self._position = start
        self._next = start.settled
        self._previous_id = start.last_id
        self._held_at: int | None = None

    @property
    def position(self) -> ListPosition:
        """How far the walk has settled every record so far."""
        return self._position

    @property
    def held_at(self) -> int | None:
        """The place of the first record that did not settle, or ``None``."""
        return self._held_at

    def visit(self, place: int, record_id: int | None, *, settled: bool) -> None:
        """Take the next record of the list into account.

        Args:
            place: its place in the list (0 for the first record).
            record_id: its id, or ``None`` when it has none that can be read (it cannot settle:
                without an id it cannot anchor a position).
            settled: whether it is settled.

        Raises:
            ValueError: ``place`` is not the place after the last visited record.
            ListOrderError: its id is not greater than the id before it.
        """
        if place != self._next:
            raise ValueError(f"expected the record at place {self._next}, not at {place}")
        self._next += 1
        if record_id is not None:
            if self._previous_id is not None and record_id <= self._previous_id:
                raise ListOrderError(
                    f"the record at place {place} has id {record_id}, not more than the id "
                    f"before it ({self._previous_id}); the list is not in id order"
                )
            self._previous_id = record_id
        if self._held_at is not None:
            return
        if settled and record_id is not None:
            self._position = ListPosition(self._position.resource, place + 1, record_id)
        else:
            self._held_at = place


def _fields(cursor: str) -> dict[str, Any] | None:
    try:
        decoded = json.loads(cursor)
    except json.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, dict) else None
