"""Helpers for the checkpoint store tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when told to; thread-safe."""

    def __init__(self, start: datetime = START) -> None:
        self._lock = threading.Lock()
        self._now = start

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now
