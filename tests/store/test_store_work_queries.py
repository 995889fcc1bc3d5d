"""Finding work and reading records: claim_batch, known_records, counts, listings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Select, create_engine, insert
from sqlalchemy.pool import NullPool
from store_support import FakeClock

from connector.store import (
    Action,
    Backend,
    CheckpointStore,
    Claim,
    RecordState,
    StoreError,
)
from connector.store.records import due
from connector.store.store import LOOKUP_BATCH
from connector.store.tables import RecordRow

LEASE = 60


def submit(store: CheckpointStore, key: str, owner: str = "a", content: str = "c1") -> Claim:
    claim = store.begin_submission("orders", key, content, f"intent-{content}", owner, LEASE)
    assert claim is not None
    return claim


def test_claim_batch_takes_due_retries_and_expired_submissions_only(
    store: CheckpointStore, clock: FakeClock
) -> None:
    store.complete(submit(store, "done"), "R-1")
    store.reject(submit(store, "failed"), "422")
    store.mark_dead(submit(store, "dead"), "503", None)
    store.retry_later(submit(store, "retry-due"), "429", clock() + timedelta(seconds=10))
    store.retry_later(submit(store, "retry-later"), "429", clock() + timedelta(hours=1))
    store.mark_in_doubt(submit(store, "in-doubt"), "timeout", clock())
    submit(store, "crashed")
    submit(store, "in-flight", owner="b")
    store.renew(submit(store, "renewed", owner="b"), 3600)
    clock.advance(LEASE + 1)
    submit(store, "fresh", owner="b")

    claims = store.claim_batch("orders", "worker", 100, LEASE)

    assert {(claim.key, claim.action) for claim in claims} == {
        ("in-doubt", Action.RECONCILE),
        ("crashed", Action.RECONCILE),
        ("in-flight", Action.RECONCILE),
        ("retry-due", Action.SUBMIT),
    }
    assert all(claim.owner == "worker" for claim in claims)


def test_claim_batch_reconciles_before_it_submits(store: CheckpointStore, clock: FakeClock) -> None:
    store.retry_later(submit(store, "retry"), "429", clock())
    store.mark_in_doubt(submit(store, "in-doubt"), "timeout", clock())
    [first] = store.claim_batch("orders", "worker", 1, LEASE)
    assert first.key == "in-doubt"
    assert first.action is Action.RECONCILE


def test_claim_batch_respects_the_limit_and_takes_oldest_due_first(
    store: CheckpointStore, clock: FakeClock
) -> None:
    for minutes, key in [(3, "c"), (1, "a"), (2, "b")]:
        store.retry_later(submit(store, key), "429", clock() + timedelta(minutes=minutes))
    clock.advance(600)
    assert [claim.key for claim in store.claim_batch("orders", "w", 2, LEASE)] == ["a", "b"]


def test_claimed_records_are_not_claimed_again_until_their_lease_ends(
    store: CheckpointStore, clock: FakeClock
) -> None:
    store.retry_later(submit(store, "PO-1"), "429", clock())
    assert len(store.claim_batch("orders", "w1", 10, LEASE)) == 1
    assert store.claim_batch("orders", "w2", 10, LEASE) == []
    clock.advance(LEASE)
    [taken] = store.claim_batch("orders", "w2", 10, LEASE)
    assert taken.owner == "w2"


def test_claim_batch_with_nothing_to_do_returns_nothing(store: CheckpointStore) -> None:
    assert store.claim_batch("orders", "w", 10, LEASE) == []
    assert store.claim_batch("orders", "w", 0, LEASE) == []


def _plan(url: str, statement: Select[Any]) -> str:
    engine = create_engine(url, poolclass=NullPool)
    try:
        sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
                return " ".join(str(row[-1]) for row in rows)
            # On a small table the planner rightly prefers a scan; ask what it does at scale.
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
            return " ".join(str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))
    finally:
        engine.dispose()


@pytest.mark.parametrize("state", [RecordState.PENDING, RecordState.SUBMITTING])
def test_work_query_reads_the_work_index_in_order_without_sorting(
    store: CheckpointStore, store_url: str, clock: FakeClock, state: RecordState
) -> None:
    plan = _plan(store_url, due("orders", state, clock(), 10))
    if store.backend is Backend.SQLITE:
        assert "USING INDEX ix_records_work (flow=? AND state=? AND next_attempt_at<?)" in plan
        assert "TEMP B-TREE" not in plan
    else:
        assert "Index Scan using ix_records_work" in plan
        assert "Sort" not in plan


def test_known_records_returns_only_keys_the_store_has_seen(store: CheckpointStore) -> None:
    store.complete(submit(store, "PO-1"), "R-1")
    submit(store, "PO-2", content="c2")
    known = store.known_records("orders", ["PO-1", "PO-2", "PO-3", "PO-1"])
    assert set(known) == {"PO-1", "PO-2"}
    assert (known["PO-1"].state, known["PO-1"].content_hash) == (RecordState.DONE, "c1")
    assert (known["PO-2"].state, known["PO-2"].content_hash) == (RecordState.SUBMITTING, "c2")


def test_known_records_looks_up_more_keys_than_one_batch(
    store: CheckpointStore, store_url: str, clock: FakeClock
) -> None:
    count = LOOKUP_BATCH * 2 + 7
    rows = [
        {
            "flow": "orders",
            "key": f"K{index:05d}",
            "state": RecordState.DONE,
            "content_hash": "c",
            "attempts": 1,
            "lease_version": 1,
            "created_at": clock(),
            "updated_at": clock(),
        }
        for index in range(count)
    ]
    engine = create_engine(store_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(insert(RecordRow.__table__), rows)  # type: ignore[attr-defined]
    engine.dispose()
    keys = [f"K{index:05d}" for index in range(count + 50)]
    assert set(store.known_records("orders", keys)) == set(keys[:count])


def test_counts_by_state_lists_every_state(store: CheckpointStore) -> None:
    store.complete(submit(store, "PO-1"), "R-1")
    store.complete(submit(store, "PO-2"), "R-2")
    store.reject(submit(store, "PO-3"), "422")
    submit(store, "PO-4")
    assert store.begin_submission("rmas", "RMA-1", "c1", "i", "a", LEASE) is not None
    assert store.counts_by_state("orders") == {
        RecordState.PENDING: 0,
        RecordState.SUBMITTING: 1,
        RecordState.DONE: 2,
        RecordState.FAILED: 1,
        RecordState.DEAD: 0,
    }
    assert store.counts_by_state("rmas")[RecordState.SUBMITTING] == 1
    assert set(store.counts_by_state("invoices").values()) == {0}


def test_list_records_filters_by_state_and_pages_in_key_order(store: CheckpointStore) -> None:
    for key in ["PO-5", "PO-2", "PO-4", "PO-1", "PO-3"]:
        claim = submit(store, key)
        if key != "PO-3":
            store.reject(claim, "422")
    failed = store.list_records("orders", state=RecordState.FAILED, limit=2, offset=1)
    assert [record.key for record in failed] == ["PO-2", "PO-4"]
    everything = store.list_records("orders", limit=10)
    assert [record.key for record in everything] == ["PO-1", "PO-2", "PO-3", "PO-4", "PO-5"]


def test_oldest_failure_is_the_longest_waiting_failed_or_dead_record(
    store: CheckpointStore, clock: FakeClock
) -> None:
    assert store.oldest_failure("orders") is None
    store.complete(submit(store, "PO-0"), "R")
    clock.advance(1)
    store.mark_dead(submit(store, "PO-1"), "503", None)
    clock.advance(1)
    store.reject(submit(store, "PO-2"), "422")
    oldest = store.oldest_failure("orders")
    assert oldest is not None
    assert oldest.key == "PO-1"


def test_get_unknown_record_is_none(store: CheckpointStore) -> None:
    assert store.get("orders", "nope") is None


def test_store_errors_share_one_base(store: CheckpointStore) -> None:
    with pytest.raises(StoreError):
        store.replay("orders", "nope", "ops", "")
