"""Several workers on one store: each record is claimed by one of them, never two.

Each worker opens its own store (its own connections), as separate processes would; one test
uses real processes.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.pool import NullPool
from store_support import FakeClock, race_for_submission, run_together

from connector.store import Action, CheckpointStore, ControlKind, RecordState
from connector.store.tables import RecordRow

WORKERS = 6


@pytest.mark.parametrize("key_exists", [False, True], ids=["new-key", "released-key"])
def test_concurrent_begin_submission_on_one_key_grants_exactly_one_claim(
    open_store: Callable[..., CheckpointStore], key_exists: bool
) -> None:
    stores = [open_store() for _ in range(WORKERS)]
    for round_number in range(5):
        key = f"PO-{round_number}"
        if key_exists:
            claim = stores[0].claim("orders", key, "c1", "setup", 60)
            assert claim is not None
            stores[0].release(claim)

        def attempt(store: CheckpointStore, owner: str, key: str = key) -> bool:
            return store.begin_submission("orders", key, "c1", "i", owner, 60) is not None

        results = run_together(
            [lambda s=store, o=f"w{i}": attempt(s, o) for i, store in enumerate(stores)]
        )
        assert results.count(True) == 1, f"{key}: {results}"
        record = stores[0].get("orders", key)
        assert record is not None
        assert record.attempts == 1


def test_concurrent_begin_submission_from_processes_grants_exactly_one_claim(
    store: CheckpointStore, store_url: str
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    results = context.Queue()
    processes = [
        context.Process(
            target=race_for_submission, args=(store_url, "PO-1", f"p{n}", barrier, results)
        )
        for n in range(4)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    results.close()
    results.join_thread()
    winners = [owner for owner, claimed in outcomes if claimed]
    assert len(winners) == 1
    record = store.get("orders", "PO-1")
    assert record is not None
    assert record.lease_owner == winners[0]


def test_claim_batch_from_several_owners_never_returns_the_same_record(
    open_store: Callable[..., CheckpointStore], store_url: str, clock: FakeClock
) -> None:
    stores = [open_store() for _ in range(WORKERS)]
    keys = [f"K{index:04d}" for index in range(300)]
    engine = create_engine(store_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(
            insert(RecordRow.__table__),  # type: ignore[attr-defined]
            [
                {
                    "flow": "orders",
                    "key": key,
                    "state": RecordState.PENDING,
                    "content_hash": "c",
                    "attempts": 0,
                    "lease_version": 0,
                    "next_attempt_at": clock(),
                    "created_at": clock(),
                    "updated_at": clock(),
                }
                for key in keys
            ],
        )
    engine.dispose()

    def drain(store: CheckpointStore, owner: str) -> list[str]:
        taken: list[str] = []
        while batch := store.claim_batch("orders", owner, 7, 600):
            assert all(claim.action is Action.SUBMIT for claim in batch)
            taken.extend(claim.key for claim in batch)
        return taken

    per_owner = run_together(
        [lambda s=store, o=f"w{i}": drain(s, o) for i, store in enumerate(stores)]
    )
    everything = [key for taken in per_owner for key in taken]
    assert len(everything) == len(set(everything))
    assert sorted(everything) == keys


def test_expired_lease_is_taken_over_by_exactly_one_survivor(
    open_store: Callable[..., CheckpointStore], clock: FakeClock
) -> None:
    crashed = open_store()
    assert crashed.begin_submission("orders", "PO-1", "c1", "i", "crashed", 60) is not None
    clock.advance(61)
    survivors = [open_store() for _ in range(WORKERS)]
    claims = run_together(
        [
            lambda s=store, o=f"s{i}": s.claim_batch("orders", o, 10, 60)
            for i, store in enumerate(survivors)
        ]
    )
    taken = [claim for batch in claims for claim in batch]
    assert [(claim.key, claim.action) for claim in taken] == [("PO-1", Action.RECONCILE)]


def test_concurrent_control_numbers_are_all_different(
    open_store: Callable[..., CheckpointStore],
) -> None:
    stores = [open_store() for _ in range(4)]

    def draw(store: CheckpointStore) -> list[int]:
        return [store.next_control_number("ACME", ControlKind.INTERCHANGE) for _ in range(25)]

    drawn = run_together([lambda s=store: draw(s) for store in stores])
    assert sorted(number for numbers in drawn for number in numbers) == list(range(1, 101))
