"""Helpers for the checkpoint store tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

T = TypeVar("T")

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


def race_for_submission(url: str, key: str, owner: str, barrier: Any, results: Any) -> None:
    """Run in a child process: open the store, wait for the others, try to claim ``key``."""
    from connector.store import CheckpointStore

    store = CheckpointStore.open(url)
    try:
        barrier.wait(timeout=60)
        claim = store.begin_submission("orders", key, "c1", "intent-c1", owner, 600)
        results.put((owner, claim is not None))
    finally:
        store.close()


def run_together(tasks: list[Callable[[], T]]) -> list[T]:
    """Run the tasks on their own threads, started at the same moment; return their results."""
    barrier = threading.Barrier(len(tasks))

    def start(task: Callable[[], T]) -> T:
        barrier.wait(timeout=30)
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(start, task) for task in tasks]
        return [future.result(timeout=60) for future in futures]
