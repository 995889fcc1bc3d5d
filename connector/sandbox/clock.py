"""The sandbox's clock: real time plus an offset that tests and the control endpoint can move."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SandboxClock:
    """Wall-clock time that can be pushed forward (token expiry, order lifecycle, webhooks).

    Args:
        start: if given, the clock is frozen at this instant and only moves by :meth:`advance`.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._frozen = start
        self._offset = timedelta()

    def now(self) -> datetime:
        """The sandbox's current time, timezone-aware (UTC)."""
        with self._lock:
            base = self._frozen if self._frozen is not None else datetime.now(UTC)
            return base + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()
