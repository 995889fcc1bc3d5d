"""Single-runner locks: one holder at a time, on both backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
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
