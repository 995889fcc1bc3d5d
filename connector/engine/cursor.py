"""The low watermark: how far a flow's cursor may move while records are still in flight.

Pure logic, no I/O. The engine numbers source records in the order the source yields them and
settles each one once its outcome is durably recorded (or once it needs nothing). Records settle
out of order when several are sent at once; the cursor may only move to the position of the last
record of the settled prefix, so it never passes a record that is still being sent, waiting for
its turn, or abandoned by an interrupted run. Those are read again from the source next time.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CursorMove", "LowWatermark"]


@dataclass(frozen=True, slots=True)
class CursorMove:
    """Where the cursor may move now.

    Attributes:
        cursor: the source's cursor after the last record of the settled prefix.
        key: the key of that record.
        passed: records in the settled prefix since the cursor last moved.
    """

    cursor: str
    key: str
    passed: int


class LowWatermark:
    """Tracks source records in order and finds the furthest cursor that is safe to store.

    Records whose :attr:`~adapters.base.Record.cursor` is ``None`` take part in the order but
    give no position: the cursor moves past them only with the next record that has one.
    """

    def __init__(self) -> None:
        self._next = 0
        self._floor = 0
        self._positions: dict[int, tuple[str | None, str]] = {}
        self._settled: set[int] = set()
        self._moved_at = 0
        self._safe: tuple[str, str, int] | None = None

    def add(self, key: str, cursor: str | None) -> int:
        """Register the next source record; returns its sequence number."""
        sequence = self._next
        self._next += 1
        self._positions[sequence] = (cursor, key)
        return sequence

    def settle(self, sequence: int) -> None:
        """Mark record ``sequence`` as durably handled.

        Raises:
            ValueError: if the record was never added or is settled already.
        """
        if sequence not in self._positions or sequence in self._settled:
            raise ValueError(f"record {sequence} is not waiting to settle")
        self._settled.add(sequence)
        while self._floor in self._settled:
            cursor, key = self._positions.pop(self._floor)
            self._settled.discard(self._floor)
            self._floor += 1
            if cursor is not None:
                self._safe = (cursor, key, self._floor)

    @property
    def unsettled(self) -> int:
        """Records added and not settled yet."""
        return len(self._positions) - len(self._settled)

    def advance(self, *, at_least: int = 1) -> CursorMove | None:
        """The cursor to store now, if it moved by at least ``at_least`` records.

        Once a move is returned, the next one is counted from it.
        """
        if self._safe is None:
            return None
        cursor, key, position = self._safe
        passed = position - self._moved_at
        if passed < max(at_least, 1):
            return None
        self._moved_at = position
        return CursorMove(cursor=cursor, key=key, passed=passed)
