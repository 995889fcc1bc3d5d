"""Operator actions, cursors, files, control numbers, the ledger and run history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from store_support import FakeClock

from connector.store import (
    Action,
    AuditAction,
    CheckpointStore,
    Claim,
    ControlKind,
    Direction,
    FileOutcome,
    InvalidTransitionError,
    LeaseLostError,
    RecordNotFoundError,
    RecordState,
    RunCounts,
    RunStatus,
    SubmissionRefusedError,
)

LEASE = 60


def submit(store: CheckpointStore, key: str = "PO-1", content: str = "c1") -> Claim:
    claim = store.begin_submission("orders", key, content, f"intent-{content}", "a", LEASE)
    assert claim is not None
    return claim


def test_replay_sends_a_dead_record_again_with_attempts_reset_and_an_audit_row(
    store: CheckpointStore, clock: FakeClock
) -> None:
    store.mark_dead(submit(store), "503", None)
    record = store.replay("orders", "PO-1", "alice", "AHEAD outage is over")
    assert record.state is RecordState.PENDING
    assert record.attempts == 0
    assert record.next_attempt_at == clock()
    [entry] = store.audit_trail("orders", "PO-1")
    assert (entry.action, entry.actor, entry.note) == (
        AuditAction.REPLAY,
        "alice",
        "AHEAD outage is over",
    )
    claim = store.begin_submission("orders", "PO-1", "c1", "intent-c1", "a", LEASE)
    assert claim is not None
    assert claim.record.attempts == 1


def test_replay_of_a_failed_record_makes_it_due_for_claim_batch(store: CheckpointStore) -> None:
    store.reject(submit(store), "422")
    store.replay("orders", "PO-1", "alice", "partner fixed the item master")
    [claim] = store.claim_batch("orders", "w", 10, LEASE)
    assert (claim.key, claim.action) == ("PO-1", Action.SUBMIT)


def test_replay_of_a_done_record_is_refused(store: CheckpointStore) -> None:
    store.complete(submit(store), "R-1")
    with pytest.raises(InvalidTransitionError):
        store.replay("orders", "PO-1", "alice", "again please")
    assert store.audit_trail("orders", "PO-1") == []


def test_replay_of_an_unknown_record_names_it(store: CheckpointStore) -> None:
    with pytest.raises(RecordNotFoundError, match="orders/PO-404"):
        store.replay("orders", "PO-404", "alice", "")


def test_resolve_marks_a_failed_record_done_without_sending(store: CheckpointStore) -> None:
    store.reject(submit(store), "422")
    record = store.resolve("orders", "PO-1", "bob", "keyed in by hand", remote_ref="AHEAD-5")
    assert record.state is RecordState.DONE
    assert record.remote_ref == "AHEAD-5"
    assert [entry.action for entry in store.audit_trail("orders", "PO-1")] == [AuditAction.RESOLVE]
    with pytest.raises(SubmissionRefusedError):
        store.begin_submission("orders", "PO-1", "c1", "intent-c1", "a", LEASE)


def test_operator_action_revokes_a_lease_held_on_the_record(store: CheckpointStore) -> None:
    store.reject(submit(store), "422")
    held = store.claim("orders", "PO-1", "c2", "worker", LEASE)
    assert held is not None
    store.resolve("orders", "PO-1", "bob", "handled elsewhere")
    with pytest.raises(LeaseLostError):
        store.start_attempt(held, "intent-c2")


def test_acknowledged_change_is_skipped_until_the_source_changes_again(
    store: CheckpointStore,
) -> None:
    store.complete(submit(store, content="c1"), "R-1")
    record = store.acknowledge_change("orders", "PO-1", "c2", "engine", "flow only warns")
    assert (record.state, record.content_hash, record.intent_hash) == (
        RecordState.DONE,
        "c2",
        "intent-c1",
    )
    with pytest.raises(SubmissionRefusedError) as refused:
        store.begin_submission("orders", "PO-1", "c2", "intent-c2", "a", LEASE)
    assert refused.value.decision.action is Action.SKIP_UNCHANGED
    [entry] = store.audit_trail("orders", "PO-1")
    assert "c1 -> c2" in entry.note


def test_cursor_is_absent_until_set_and_then_moves(store: CheckpointStore) -> None:
    assert store.get_cursor("orders") is None
    store.set_cursor("orders", "2026-03-01T00:00:00Z")
    store.set_cursor("orders", "2026-03-02T00:00:00Z")
    assert store.get_cursor("orders") == "2026-03-02T00:00:00Z"
    assert store.get_cursor("invoices") is None


def test_accepted_file_is_seen_and_its_second_drop_is_a_duplicate(store: CheckpointStore) -> None:
    assert not store.file_seen("x12-850", "sha-1")
    assert store.record_file("x12-850", "sha-1", "po_1.edi", 1234, FileOutcome.ACCEPTED)
    assert store.file_seen("x12-850", "sha-1")
    assert not store.record_file("x12-850", "sha-1", "po_1_copy.edi", 1234, FileOutcome.ACCEPTED)
    assert not store.file_seen("other-flow", "sha-1")


def test_rejected_file_may_be_dropped_again_and_accepted(store: CheckpointStore) -> None:
    assert store.record_file("x12-850", "sha-1", "po_1.edi", 10, FileOutcome.REJECTED)
    assert not store.file_seen("x12-850", "sha-1")
    assert store.record_file("x12-850", "sha-1", "po_1.edi", 10, FileOutcome.ACCEPTED)
    assert store.file_seen("x12-850", "sha-1")


def test_repeated_inbound_interchange_is_detected(store: CheckpointStore) -> None:
    assert store.record_interchange("ACME", Direction.INBOUND, "000000042")
    assert not store.record_interchange("ACME", Direction.INBOUND, "000000042")
    assert store.record_interchange("ACME", Direction.OUTBOUND, "000000042")
    assert store.record_interchange("GLOBEX", Direction.INBOUND, "000000042")


def test_control_numbers_count_up_per_partner_and_kind(store: CheckpointStore) -> None:
    numbers = [store.next_control_number("ACME", ControlKind.INTERCHANGE) for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert store.next_control_number("ACME", ControlKind.GROUP) == 1
    assert store.next_control_number("GLOBEX", ControlKind.INTERCHANGE) == 1


def test_find_document_returns_the_latest_write_to_that_destination(
    store: CheckpointStore, clock: FakeClock
) -> None:
    assert store.find_document("shipments", "PO-1", "acme-outbox") is None
    store.record_document("shipments", "PO-1", "acme-outbox", "x12-856", "h1", "856_1.edi")
    clock.advance(5)
    latest = store.record_document("shipments", "PO-1", "acme-outbox", "x12-856", "h2")
    store.record_document("shipments", "PO-1", "globex-outbox", "x12-856", "h3")
    assert store.find_document("shipments", "PO-1", "acme-outbox") == latest
    assert latest.written_at == clock()
    assert latest.remote_ref is None


def test_run_history_keeps_start_finish_counts_and_error(
    store: CheckpointStore, clock: FakeClock
) -> None:
    assert store.last_run("orders") is None
    first = store.record_run_start("orders", "host-1")
    assert first.status is RunStatus.RUNNING
    store.record_run_finish(first.id, RunStatus.FAILED, RunCounts(seen=3), "source unreachable")
    clock.advance(60)
    second = store.record_run_start("orders", "host-2")
    clock.advance(5)
    finished = store.record_run_finish(
        second.id, RunStatus.PARTIAL, RunCounts(seen=10, submitted=8, failed=2)
    )
    assert store.last_run("orders") == finished
    assert finished.counts == RunCounts(seen=10, submitted=8, failed=2)
    assert finished.finished_at == clock()
    assert finished.error is None


def test_run_cannot_finish_as_running(store: CheckpointStore) -> None:
    run = store.record_run_start("orders", "host-1")
    with pytest.raises(ValueError, match="final status"):
        store.record_run_finish(run.id, RunStatus.RUNNING, RunCounts())


def test_unknown_run_cannot_finish(store: CheckpointStore) -> None:
    with pytest.raises(ValueError, match="no run 999"):
        store.record_run_finish(999, RunStatus.SUCCEEDED, RunCounts())


def test_run_counts_read_back_ignore_unknown_keys_and_default_missing_ones() -> None:
    assert RunCounts.from_json({"seen": 4, "teleported": 1}) == RunCounts(seen=4)


def test_dead_letters_are_listed_newest_first_and_by_key(store: CheckpointStore) -> None:
    store.mark_dead(submit(store, "PO-1"), "first", {"n": 1})
    store.mark_dead(submit(store, "PO-2"), "second", {"n": 2})
    assert [letter.key for letter in store.dead_letters("orders")] == ["PO-2", "PO-1"]
    assert [letter.error for letter in store.dead_letters("orders", key="PO-1")] == ["first"]


def test_times_read_back_are_the_same_instants_in_utc(
    open_store: Callable[..., CheckpointStore],
) -> None:
    eastern = timezone(timedelta(hours=-5))
    store = open_store(clock=lambda: datetime(2026, 3, 2, 4, 0, tzinfo=eastern))
    claim = store.begin_submission("orders", "PO-1", "c1", "i", "a", LEASE)
    assert claim is not None
    record = store.get("orders", "PO-1")
    assert record is not None
    assert record.created_at == datetime(2026, 3, 2, 4, 0, tzinfo=eastern)
    assert record.created_at.utcoffset() == timedelta(0)
    assert record.lease_expires_at is not None
    assert record.lease_expires_at.utcoffset() == timedelta(0)


def test_clock_giving_naive_times_is_refused(open_store: Callable[..., CheckpointStore]) -> None:
    store = open_store(clock=lambda: datetime(2026, 3, 2, 9, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.set_cursor("orders", "x")
