"""The simulator's clock: real time, or a time a test sets and moves."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

__all__ = ["SimulatorClock"]


class SimulatorClock:
    """Gives the simulator its "now" (aware, UTC).

    By default it follows real time. :meth:`set` stops it at a given moment (every change then
    gets the same ``LastChangeDateTime``, which is how tests make ties) and :meth:`advance`
    moves it; :meth:`set` with ``None`` goes back to real time.
    """

    def __init__(self, fixed: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._fixed = fixed.astimezone(UTC) if fixed is not None else None

    def now(self) -> datetime:
        """The current time."""
        with self._lock:
            return self._fixed if self._fixed is not None else datetime.now(UTC)

    def set(self, moment: datetime | None) -> None:
        """Stop the clock at ``moment`` (aware), or let it follow real time again (``None``)."""
        if moment is not None and moment.tzinfo is None:
            raise ValueError("give the simulator clock an aware datetime")
        with self._lock:
            self._fixed = moment.astimezone(UTC) if moment is not None else None

    def advance(self, delta: timedelta) -> datetime:
        """Move a stopped clock forward by ``delta`` and return the new time.

        Raises:
            RuntimeError: the clock follows real time.
        """
        with self._lock:
            if self._fixed is None:
                raise RuntimeError("only a stopped clock can be advanced; set() it first")
            self._fixed += delta
            return self._fixed
