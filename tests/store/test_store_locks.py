"""Single-runner locks: one holder at a time, on both backends."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing
from pathlib import Path

import pytest
from store_support import FakeClock

from connector.store import CheckpointStore


def test_advisory_lock_excludes_a_second_holder(
    open_store: Callable[..., CheckpointStore],
) -> None:
    first, second = open_store(), open_store()
    with first.advisory_lock("orders", "host-1") as held:
        assert held
        with second.advisory_lock("orders", "host-2") as also_held:
            assert not also_held


def test_advisory_lock_is_free_again_after_its_holder_leaves(
    open_store: Callable[..., CheckpointStore],
) -> None:
    first, second = open_store(), open_store()
    with first.advisory_lock("orders", "host-1") as held:
        assert held
    with second.advisory_lock("orders", "host-2") as held:
        assert held


def test_advisory_lock_is_not_reentrant(store: CheckpointStore) -> None:
    with store.advisory_lock("orders", "host-1") as held:
        assert held
        with store.advisory_lock("orders", "host-1") as again:
            assert not again


def test_advisory_locks_with_different_names_are_independent(
    open_store: Callable[..., CheckpointStore],
) -> None:
    first, second = open_store(), open_store()
    with (
        first.advisory_lock("orders", "host-1") as orders,
        second.advisory_lock("invoices", "host-2") as invoices,
    ):
        assert orders
        assert invoices


def test_advisory_lock_is_released_when_the_block_raises(
    open_store: Callable[..., CheckpointStore],
) -> None:
    first, second = open_store(), open_store()
    with pytest.raises(RuntimeError, match="flow broke"), first.advisory_lock("orders", "h1"):
        raise RuntimeError("flow broke")
    with second.advisory_lock("orders", "host-2") as held:
        assert held


@pytest.fixture
def sqlite_stores(tmp_path: Path, clock: FakeClock) -> Iterator[list[CheckpointStore]]:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    stores = [CheckpointStore.open(url, clock=clock) for _ in range(3)]
    yield stores
    for store in stores:
        store.close()


def test_sqlite_lock_whose_lease_ran_out_is_taken_over(
    sqlite_stores: list[CheckpointStore], clock: FakeClock
) -> None:
    stuck, survivor, latecomer = sqlite_stores
    with stuck.advisory_lock("orders", "stuck", lease_seconds=30) as held:
        assert held
        clock.advance(29)
        with survivor.advisory_lock("orders", "survivor") as early:
            assert not early
        clock.advance(1)
        with survivor.advisory_lock("orders", "survivor", lease_seconds=30) as taken:
            assert taken
    with latecomer.advisory_lock("orders", "latecomer") as after_stuck_left:
        assert after_stuck_left


def test_sqlite_lock_holder_leaving_late_does_not_release_its_successor(
    sqlite_stores: list[CheckpointStore], clock: FakeClock
) -> None:
    stuck, survivor, latecomer = sqlite_stores
    with ExitStack() as survivor_holds:
        with stuck.advisory_lock("orders", "stuck", lease_seconds=30) as held:
            assert held
            clock.advance(31)
            lock = survivor.advisory_lock("orders", "survivor", lease_seconds=300)
            assert survivor_holds.enter_context(lock)
        with latecomer.advisory_lock("orders", "latecomer") as taken_from_survivor:
            assert not taken_from_survivor


def lock_expiry(store_file: Path, name: str) -> str | None:
    """The expiry the SQLite lock row of ``name`` holds now, read over a connection of its own."""
    with closing(sqlite3.connect(store_file)) as connection:
        row = connection.execute("SELECT expires_at FROM locks WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_sqlite_lock_is_renewed_while_its_holder_runs(
    sqlite_stores: list[CheckpointStore], clock: FakeClock, tmp_path: Path
) -> None:
    holder, other, _ = sqlite_stores
    with holder.advisory_lock("orders", "holder", lease_seconds=0.3) as held:
        assert held
        first_expiry = lock_expiry(tmp_path / "state.db", "orders")
        clock.advance(0.25)
        wait_for(
            lambda: lock_expiry(tmp_path / "state.db", "orders") != first_expiry,
            "the lock's renewal",
        )
        clock.advance(0.1)  # past the first lease: only the renewal keeps the lock held
        with other.advisory_lock("orders", "other") as taken:
            assert not taken
    assert lock_expiry(tmp_path / "state.db", "orders") is None


def test_sqlite_lock_taken_over_after_a_stall_is_not_renewed_by_its_old_holder(
    sqlite_stores: list[CheckpointStore],
    clock: FakeClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stalled, successor, _ = sqlite_stores
    with stalled.advisory_lock("orders", "stalled", lease_seconds=0.3) as held:
        assert held
        clock.advance(1)
        with successor.advisory_lock("orders", "successor", lease_seconds=300) as taken:
            assert taken
            successors_expiry = lock_expiry(tmp_path / "state.db", "orders")
            wait_for(lambda: "taken over by another runner" in caplog.text, "the lost lock's error")
            assert lock_expiry(tmp_path / "state.db", "orders") == successors_expiry
    assert [r.levelname for r in caplog.records if "taken over" in r.getMessage()] == ["ERROR"]
