"""Claiming records and recording outcomes, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from store_support import FakeClock

from connector.store import (
    Action,
    ChangePolicy,
    CheckpointStore,
    Claim,
    InvalidTransitionError,
    LeaseLostError,
    RecordState,
    RetryPolicy,
    SubmissionRefusedError,
)

LEASE = 60


def submit(
    store: CheckpointStore, key: str = "PO-1", content: str = "c1", owner: str = "a"
) -> Claim:
    claim = store.begin_submission("orders", key, content, f"intent-{content}", owner, LEASE)
    assert claim is not None
    return claim


def state_of(store: CheckpointStore, key: str) -> RecordState:
    record = store.get("orders", key)
    assert record is not None
    return record.state


def test_begin_submission_writes_intent_and_lease_before_sending(
    store: CheckpointStore, clock: FakeClock
) -> None:
    claim = submit(store)
    record = store.get("orders", "PO-1")
    assert record == claim.record
    assert record is not None
    assert record.state is RecordState.SUBMITTING
    assert record.content_hash == "c1"
    assert record.intent_hash == "intent-c1"
    assert record.attempts == 1
    assert record.lease_owner == "a"
    assert record.lease_expires_at == clock() + timedelta(seconds=LEASE)
    assert claim.action is Action.SUBMIT
    assert claim.lease_version == record.lease_version


def test_claim_by_second_owner_fails_while_lease_is_live(store: CheckpointStore) -> None:
    submit(store, owner="a")
    assert store.begin_submission("orders", "PO-1", "c1", "intent-c1", "b", LEASE) is None
    assert store.claim("orders", "PO-1", "c1", "b", LEASE) is None


def test_complete_records_remote_ref_and_releases_lease(store: CheckpointStore) -> None:
    record = store.complete(submit(store), "AHEAD-77")
    assert record.state is RecordState.DONE
    assert record.remote_ref == "AHEAD-77"
    assert record.lease_owner is None
    assert record.next_attempt_at is None
    assert store.get("orders", "PO-1") == record


def test_done_key_with_same_content_is_refused_as_unchanged(store: CheckpointStore) -> None:
    store.complete(submit(store), "AHEAD-77")
    with pytest.raises(SubmissionRefusedError) as refused:
        store.begin_submission("orders", "PO-1", "c1", "intent-c1", "b", LEASE)
    assert refused.value.decision.action is Action.SKIP_UNCHANGED


def test_done_key_with_new_content_is_never_created_again_under_warn_policy(
    store: CheckpointStore,
) -> None:
    store.complete(submit(store), "AHEAD-77")
    with pytest.raises(SubmissionRefusedError) as refused:
        store.begin_submission("orders", "PO-1", "c2", "intent-c2", "b", LEASE)
    assert refused.value.decision.action is Action.CHANGED_AFTER_DONE
    assert state_of(store, "PO-1") is RecordState.DONE


def test_update_policy_claims_a_changed_done_record_as_an_update_of_its_document(
    store: CheckpointStore,
) -> None:
    store.complete(submit(store), "AHEAD-77")
    claim = store.begin_submission(
        "orders", "PO-1", "c2", "intent-c2", "b", LEASE, change_policy=ChangePolicy.UPDATE
    )
    assert claim is not None
    assert claim.action is Action.CHANGED_AFTER_DONE
    assert claim.record.state is RecordState.SUBMITTING
    assert claim.record.remote_ref == "AHEAD-77"
    assert claim.record.attempts == 1
    assert store.complete(claim, "AHEAD-77").content_hash == "c2"


def test_in_doubt_record_is_refused_a_direct_resend(
    store: CheckpointStore, clock: FakeClock
) -> None:
    store.mark_in_doubt(submit(store), "read timeout", clock())
    with pytest.raises(SubmissionRefusedError) as refused:
        store.begin_submission("orders", "PO-1", "c1", "intent-c1", "b", LEASE)
    assert refused.value.decision.action is Action.RECONCILE


def test_expired_lease_is_taken_over_and_old_owner_cannot_complete(
    store: CheckpointStore, clock: FakeClock
) -> None:
    stale = submit(store, owner="a")
    clock.advance(LEASE + 1)
    takeover = store.claim("orders", "PO-1", "c1", "b", LEASE)
    assert takeover is not None
    assert takeover.action is Action.RECONCILE
    assert takeover.lease_version > stale.lease_version
    with pytest.raises(LeaseLostError) as lost:
        store.complete(stale, "AHEAD-1")
    assert lost.value.held_by == "b"
    assert state_of(store, "PO-1") is RecordState.SUBMITTING


def test_expired_lease_not_taken_over_still_lets_its_owner_complete(
    store: CheckpointStore, clock: FakeClock
) -> None:
    claim = submit(store)
    clock.advance(LEASE * 10)
    assert store.complete(claim, "AHEAD-1").state is RecordState.DONE


def test_reconciliation_that_finds_the_key_marks_it_done(
    store: CheckpointStore, clock: FakeClock
) -> None:
    submit(store, owner="a")
    clock.advance(LEASE + 1)
    claim = store.claim("orders", "PO-1", "c1", "b", LEASE)
    assert claim is not None
    record = store.mark_reconciled(claim, "AHEAD-9")
    assert record.state is RecordState.DONE
    assert record.remote_ref == "AHEAD-9"
    assert record.attempts == 1


def test_reconciliation_that_misses_the_key_allows_one_more_attempt(
    store: CheckpointStore, clock: FakeClock
) -> None:
    submit(store, owner="a")
    clock.advance(LEASE + 1)
    claim = store.claim("orders", "PO-1", "c1", "b", LEASE)
    assert claim is not None
    ready = store.mark_not_applied(claim)
    assert ready.record.state is RecordState.PENDING
    assert ready.record.lease_owner == "b"
    resent = store.start_attempt(ready, "intent-c1")
    assert resent.record.state is RecordState.SUBMITTING
    assert resent.record.attempts == 2


def test_submitting_record_cannot_start_another_attempt_before_reconciliation(
    store: CheckpointStore, clock: FakeClock
) -> None:
    submit(store, owner="a")
    clock.advance(LEASE + 1)
    claim = store.claim("orders", "PO-1", "c1", "b", LEASE)
    assert claim is not None
    with pytest.raises(InvalidTransitionError):
        store.start_attempt(claim, "intent-c1")


def test_rejected_record_is_held_until_its_source_changes(store: CheckpointStore) -> None:
    record = store.reject(submit(store), "422 ship_to.country: unknown code")
    assert record.state is RecordState.FAILED
    assert record.last_error == "422 ship_to.country: unknown code"
    with pytest.raises(SubmissionRefusedError) as refused:
        store.begin_submission("orders", "PO-1", "c1", "intent-c1", "a", LEASE)
    assert refused.value.decision.action is Action.HOLD


def test_rejected_record_with_new_content_is_retried_with_attempts_counted_afresh(
    store: CheckpointStore,
) -> None:
    store.reject(submit(store), "422")
    claim = store.begin_submission("orders", "PO-1", "c2", "intent-c2", "a", LEASE)
    assert claim is not None
    assert claim.action is Action.RETRY_FAILED
    assert claim.record.content_hash == "c2"
    assert claim.record.attempts == 1


def test_retry_later_returns_record_to_pending_until_it_is_due(
    store: CheckpointStore, clock: FakeClock
) -> None:
    due = clock() + timedelta(minutes=5)
    record = store.retry_later(submit(store), "429 too many requests", due)
    assert record.state is RecordState.PENDING
    assert record.next_attempt_at == due
    assert record.lease_owner is None
    with pytest.raises(SubmissionRefusedError) as refused:
        store.begin_submission("orders", "PO-1", "c1", "intent-c1", "a", LEASE)
    assert refused.value.decision.action is Action.WAIT
    clock.advance(300)
    again = store.begin_submission("orders", "PO-1", "c1", "intent-c1", "a", LEASE)
    assert again is not None
    assert again.record.attempts == 2


def test_in_doubt_record_stays_submitting_until_reconciled(
    store: CheckpointStore, clock: FakeClock
) -> None:
    reconcile_at = clock() + timedelta(minutes=1)
    record = store.mark_in_doubt(submit(store), "connection reset", reconcile_at)
    assert record.state is RecordState.SUBMITTING
    assert record.lease_owner is None
    assert record.next_attempt_at == reconcile_at
    assert record.last_error == "connection reset"


def test_mark_dead_writes_the_dead_letter_with_the_record(store: CheckpointStore) -> None:
    payload = {"customer_order": "PO-1", "lines": [{"item": "X-1", "quantity": 2}]}
    record = store.mark_dead(submit(store), "503 after 8 attempts", payload)
    assert record.state is RecordState.DEAD
    [letter] = store.dead_letters("orders")
    assert (letter.key, letter.payload, letter.error) == ("PO-1", payload, "503 after 8 attempts")


def claimed(
    store: CheckpointStore,
    content: str = "c1",
    change_policy: ChangePolicy = ChangePolicy.WARN,
) -> Claim:
    claim = store.claim("orders", "PO-1", content, "a", LEASE, change_policy=change_policy)
    assert claim is not None
    return claim


RETRY = RetryPolicy(max_attempts=3, first_delay=timedelta(seconds=30))


def test_postponed_record_is_pending_with_the_attempt_counted_and_no_intent(
    store: CheckpointStore, clock: FakeClock
) -> None:
    record = store.postpone(claimed(store), "countries unavailable: 503", RETRY, {})

    assert record.state is RecordState.PENDING
    assert (record.attempts, record.intent_hash, record.lease_owner) == (1, None, None)
    assert record.next_attempt_at == clock() + timedelta(seconds=30)
    assert record.last_error == "countries unavailable: 503"
    with pytest.raises(SubmissionRefusedError) as refused:
        store.claim("orders", "PO-1", "c1", "a", LEASE)
    assert refused.value.decision.action is Action.WAIT
    clock.advance(30)
    again = store.postpone(claimed(store), "countries unavailable: 503", RETRY, {})
    assert again.attempts == 2
    assert again.next_attempt_at == clock() + timedelta(seconds=60)
    assert store.dead_letters("orders") == []


def test_postponement_that_uses_up_the_attempts_makes_the_record_dead_with_a_dead_letter(
    store: CheckpointStore, clock: FakeClock
) -> None:
    payload = {"customer_order": "PO-1"}
    for _ in range(RETRY.max_attempts - 1):
        store.postpone(claimed(store), "503", RETRY, payload)
        clock.advance(3600)

    record = store.postpone(claimed(store), "countries unavailable: 503", RETRY, payload)

    assert (record.state, record.attempts, record.next_attempt_at) == (
        RecordState.DEAD,
        RETRY.max_attempts,
        None,
    )
    [letter] = store.dead_letters("orders")
    assert (letter.payload, letter.error) == (payload, "countries unavailable: 503")


def test_postponed_new_version_of_a_rejected_record_is_pending_with_attempts_counted_afresh(
    store: CheckpointStore,
) -> None:
    store.reject(submit(store), "422")
    claim = claimed(store, "c2")
    assert claim.action is Action.RETRY_FAILED

    record = store.postpone(claim, "503", RETRY, {})

    assert (record.state, record.content_hash, record.attempts) == (RecordState.PENDING, "c2", 1)


def test_postponed_new_version_of_a_rejected_record_goes_dead_at_once_with_one_attempt_allowed(
    store: CheckpointStore,
) -> None:
    store.reject(submit(store), "422")

    record = store.postpone(claimed(store, "c2"), "503", RetryPolicy(max_attempts=1), {})

    assert (record.state, record.content_hash) == (RecordState.DEAD, "c2")
    assert len(store.dead_letters("orders")) == 1


def test_postponed_update_of_a_done_record_stays_an_update_of_its_document(
    store: CheckpointStore,
) -> None:
    store.complete(submit(store), "AHEAD-1")
    claim = claimed(store, "c2", ChangePolicy.UPDATE)
    assert claim.action is Action.CHANGED_AFTER_DONE

    record = store.postpone(claim, "503", RETRY, {})

    assert (record.state, record.content_hash, record.remote_ref) == (
        RecordState.PENDING,
        "c2",
        "AHEAD-1",
    )


def test_postponing_a_record_whose_send_is_in_doubt_is_refused(store: CheckpointStore) -> None:
    with pytest.raises(InvalidTransitionError):
        store.postpone(submit(store), "503", RETRY, {})


def test_postponing_under_a_lost_lease_changes_nothing(
    store: CheckpointStore, clock: FakeClock
) -> None:
    claim = claimed(store)
    clock.advance(LEASE + 1)
    assert store.claim("orders", "PO-1", "c1", "b", LEASE) is not None

    with pytest.raises(LeaseLostError):
        store.postpone(claim, "503", RETRY, {})

    record = store.get("orders", "PO-1")
    assert record is not None
    assert (record.lease_owner, record.attempts) == ("b", 0)


def test_outcome_written_twice_is_refused_the_second_time(store: CheckpointStore) -> None:
    claim = submit(store)
    store.complete(claim, "AHEAD-1")
    with pytest.raises(LeaseLostError):
        store.reject(claim, "late error")


def test_complete_without_an_attempt_is_refused(store: CheckpointStore) -> None:
    claim = store.claim("orders", "PO-1", "c1", "a", LEASE)
    assert claim is not None
    with pytest.raises(InvalidTransitionError):
        store.complete(claim, "AHEAD-1")


def test_claim_creates_a_pending_record_for_a_new_key(store: CheckpointStore) -> None:
    claim = store.claim("orders", "PO-1", "c1", "a", LEASE)
    assert claim is not None
    assert claim.action is Action.SUBMIT
    assert claim.record.state is RecordState.PENDING
    assert claim.record.attempts == 0


def test_unmappable_record_can_be_rejected_before_any_attempt(store: CheckpointStore) -> None:
    claim = store.claim("orders", "PO-1", "c1", "a", LEASE)
    assert claim is not None
    assert store.reject(claim, "mapping: ship_to missing").state is RecordState.FAILED


def test_release_keeps_the_state_and_frees_the_key_at_once(
    store: CheckpointStore, clock: FakeClock
) -> None:
    record = store.release(submit(store, owner="a"))
    assert record.state is RecordState.SUBMITTING
    assert record.lease_owner is None
    assert record.next_attempt_at == clock()
    claim = store.claim("orders", "PO-1", "c1", "b", LEASE)
    assert claim is not None
    assert claim.action is Action.RECONCILE


def test_renew_extends_the_lease_with_the_same_fencing_token(
    store: CheckpointStore, clock: FakeClock
) -> None:
    claim = submit(store)
    clock.advance(LEASE - 1)
    renewed = store.renew(claim, LEASE)
    assert renewed.lease_version == claim.lease_version
    clock.advance(LEASE - 1)
    assert store.claim("orders", "PO-1", "c1", "b", LEASE) is None
    assert store.complete(claim, "AHEAD-1").state is RecordState.DONE


def test_expire_leases_frees_every_key_of_a_dead_owner(store: CheckpointStore) -> None:
    submit(store, "PO-1", owner="dead-worker")
    submit(store, "PO-2", owner="dead-worker")
    submit(store, "PO-3", owner="live-worker")
    assert store.expire_leases("dead-worker") == 2
    assert store.claim("orders", "PO-1", "c1", "b", LEASE) is not None
    assert store.claim("orders", "PO-2", "c1", "b", LEASE) is not None
    assert store.claim("orders", "PO-3", "c1", "b", LEASE) is None


def test_same_key_in_two_flows_are_two_records(store: CheckpointStore) -> None:
    store.complete(submit(store), "AHEAD-1")
    claim = store.begin_submission("rmas", "PO-1", "c1", "intent-c1", "a", LEASE)
    assert claim is not None
    assert claim.action is Action.SUBMIT


def test_negative_lease_is_refused(store: CheckpointStore) -> None:
    with pytest.raises(ValueError, match="negative"):
        store.begin_submission("orders", "PO-1", "c1", "intent-c1", "a", -1)


def test_naive_retry_time_is_refused(store: CheckpointStore, clock: FakeClock) -> None:
    claim = submit(store)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.retry_later(claim, "429", clock().replace(tzinfo=None))


def test_stores_on_the_same_database_see_each_others_claims(
    open_store: Callable[..., CheckpointStore],
) -> None:
    first, second = open_store(), open_store()
    submit(first, owner="a")
    assert second.begin_submission("orders", "PO-1", "c1", "intent-c1", "b", LEASE) is None


def test_withdrawn_intent_is_pending_again_uncounted_and_free_at_once(
    store: CheckpointStore, clock: FakeClock
) -> None:
    claim = submit(store, "PO-1")

    record = store.withdraw(claim)

    assert (record.state, record.attempts, record.lease_owner, record.next_attempt_at) == (
        RecordState.PENDING,
        0,
        None,
        clock(),
    )
    [again] = store.claim_batch("orders", "b", 10, LEASE)
    assert (again.key, again.action) == ("PO-1", Action.SUBMIT)


def test_withdraw_is_refused_once_the_lease_was_taken_over(
    store: CheckpointStore, clock: FakeClock
) -> None:
    claim = submit(store, "PO-1")
    clock.advance(LEASE + 1)
    assert store.claim_batch("orders", "b", 10, LEASE)

    with pytest.raises(LeaseLostError):
        store.withdraw(claim)

    assert state_of(store, "PO-1") is RecordState.SUBMITTING


def test_withdraw_is_refused_for_a_record_with_no_intent(store: CheckpointStore) -> None:
    claim = store.claim("orders", "PO-1", "c1", "a", LEASE)
    assert claim is not None

    with pytest.raises(InvalidTransitionError):
        store.withdraw(claim)
