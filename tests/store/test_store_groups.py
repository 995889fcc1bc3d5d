"""Claiming and completing a group of records in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from store_support import FakeClock, run_together

from connector.store import (
    Action,
    CheckpointStore,
    Claim,
    Decision,
    InvalidTransitionError,
    LeaseLostError,
    RecordState,
    Submission,
)

LEASE = 60


def submission(key: str, content: str = "c1", payload: dict[str, str] | None = None) -> Submission:
    return Submission(key, content, f"intent-{content}", payload, None)


def claimed(outcome: Claim | Decision) -> Claim:
    assert isinstance(outcome, Claim), outcome
    return outcome


def refused(outcome: Claim | Decision) -> Decision:
    assert isinstance(outcome, Decision), outcome
    return outcome


def submit(store: CheckpointStore, key: str, owner: str = "a") -> Claim:
    [outcome] = store.begin_submissions("orders", [submission(key)], owner, LEASE)
    return claimed(outcome)


def test_a_group_claims_what_may_be_sent_and_changes_nothing_else(
    store: CheckpointStore, clock: FakeClock
) -> None:
    store.complete(submit(store, "done"), "R-1")
    store.retry_later(submit(store, "due"), "429", clock())
    submit(store, "held-elsewhere", owner="b")
    store.mark_in_doubt(submit(store, "in-doubt"), "timeout", clock())
    before = {key: store.get("orders", key) for key in ("done", "held-elsewhere", "in-doubt")}

    outcomes = store.begin_submissions(
        "orders",
        [
            submission("new"),
            submission("done"),
            submission("held-elsewhere"),
            submission("due"),
            submission("in-doubt"),
        ],
        "a",
        LEASE,
    )

    new, done, held, due, in_doubt = outcomes
    assert (claimed(new).action, claimed(due).action) == (Action.SUBMIT, Action.SUBMIT)
    assert refused(done).action is Action.SKIP_UNCHANGED
    assert refused(held).action is Action.BUSY
    assert refused(in_doubt).action is Action.RECONCILE
    for key in ("new", "due"):
        record = store.get("orders", key)
        assert record is not None
        assert (record.state, record.intent_hash, record.lease_owner) == (
            RecordState.SUBMITTING,
            "intent-c1",
            "a",
        )
    assert {key: store.get("orders", key) for key in before} == before


def test_a_group_saves_the_payloads_of_the_records_it_claims_only(store: CheckpointStore) -> None:
    submit(store, "held-elsewhere", owner="b")

    store.begin_submissions(
        "orders",
        [
            submission("PO-1", payload={"po": "1"}),
            submission("held-elsewhere", payload={"po": "2"}),
            submission("PO-3"),
        ],
        "a",
        LEASE,
    )

    saved = store.saved_payloads("orders", ["PO-1", "held-elsewhere", "PO-3"])
    assert {key: copy.payload for key, copy in saved.items()} == {"PO-1": {"po": "1"}}


def test_a_key_given_twice_in_one_group_is_claimed_once(store: CheckpointStore) -> None:
    first, second = store.begin_submissions(
        "orders", [submission("PO-1"), submission("PO-1", "c2")], "a", LEASE
    )

    assert claimed(first).content_hash == "c1"
    assert refused(second).action is Action.BUSY
    record = store.get("orders", "PO-1")
    assert record is not None
    assert (record.content_hash, record.attempts) == ("c1", 1)


def test_outcomes_and_the_next_intents_are_written_together(
    store: CheckpointStore, clock: FakeClock
) -> None:
    sent = [submit(store, key) for key in ("PO-1", "PO-2")]
    clock.advance(1)

    group = store.complete_and_begin(
        "orders",
        [(sent[0], "R-1"), (sent[1], "R-2")],
        [submission("PO-3"), submission("PO-4")],
        "a",
        LEASE,
    )

    completed = [record for record in group.completed if not isinstance(record, Exception)]
    assert [record.remote_ref for record in completed] == ["R-1", "R-2"]
    assert [claimed(outcome).key for outcome in group.claimed] == ["PO-3", "PO-4"]
    for key, state, owner in [
        ("PO-1", RecordState.DONE, None),
        ("PO-2", RecordState.DONE, None),
        ("PO-3", RecordState.SUBMITTING, "a"),
        ("PO-4", RecordState.SUBMITTING, "a"),
    ]:
        record = store.get("orders", key)
        assert record is not None
        assert (record.state, record.lease_owner) == (state, owner)


def test_a_completion_whose_lease_was_taken_over_is_reported_and_the_others_are_written(
    open_store: Callable[..., CheckpointStore], clock: FakeClock
) -> None:
    store = open_store()
    survivor = open_store()
    slow = submit(store, "PO-1")
    quick = submit(store, "PO-2")
    clock.advance(LEASE + 1)
    [taken] = survivor.claim_batch("orders", "survivor", 1, LEASE)
    assert taken.key == "PO-1"

    group = store.complete_and_begin("orders", [(slow, "R-1"), (quick, "R-2")], [], "a", LEASE)

    lost, written = group.completed
    assert isinstance(lost, LeaseLostError)
    assert not isinstance(written, LeaseLostError)
    assert written.state is RecordState.DONE
    record = store.get("orders", "PO-1")
    assert record is not None
    assert (record.state, record.lease_owner) == (RecordState.SUBMITTING, "survivor")


def test_a_group_with_an_invalid_completion_writes_nothing(store: CheckpointStore) -> None:
    sent = submit(store, "PO-1")
    unsent = store.claim("orders", "PO-2", "c1", "a", LEASE)
    assert unsent is not None

    with pytest.raises(InvalidTransitionError):
        store.complete_and_begin(
            "orders", [(sent, "R-1"), (unsent, "R-2")], [submission("PO-3")], "a", LEASE
        )

    assert state_of(store, "PO-1") is RecordState.SUBMITTING
    assert state_of(store, "PO-2") is RecordState.PENDING
    assert store.get("orders", "PO-3") is None


def test_completions_of_another_flow_are_refused(store: CheckpointStore) -> None:
    claim = store.begin_submission("invoices", "INV-1", "c1", "i", "a", LEASE)
    assert claim is not None

    with pytest.raises(ValueError, match="another flow"):
        store.complete_and_begin("orders", [(claim, "R-1")], [], "a", LEASE)

    assert state_of(store, "INV-1", flow="invoices") is RecordState.SUBMITTING


def test_groups_racing_for_overlapping_keys_claim_each_key_once(
    open_store: Callable[..., CheckpointStore],
) -> None:
    owners = [f"w{n}" for n in range(4)]
    stores = [open_store() for _ in owners]
    keys = [f"K{n:03d}" for n in range(60)]
    # Each worker goes through the keys in its own order, in groups of 6: groups overlap in
    # every way, and on PostgreSQL they wait for each other's rows.
    orders = {owner: random.Random(owner).sample(keys, len(keys)) for owner in owners}

    def claim_all(store: CheckpointStore, owner: str) -> list[str]:
        mine = orders[owner]
        won: list[str] = []
        for start in range(0, len(mine), 6):
            group = [submission(key) for key in mine[start : start + 6]]
            outcomes = store.begin_submissions("orders", group, owner, LEASE)
            won.extend(outcome.key for outcome in outcomes if isinstance(outcome, Claim))
        return won

    pairs = zip(stores, owners, strict=True)
    won = run_together([lambda s=store, o=owner: claim_all(s, o) for store, owner in pairs])

    everything = [key for keys_won in won for key in keys_won]
    assert sorted(everything) == keys
    for owner, keys_won in zip(owners, won, strict=True):
        for key in keys_won:
            record = stores[0].get("orders", key)
            assert record is not None
            assert (record.lease_owner, record.attempts) == (owner, 1)


def test_a_claim_that_expired_unnoticed_still_completes_in_a_group(
    store: CheckpointStore, clock: FakeClock
) -> None:
    claim = submit(store, "PO-1")
    clock.advance(LEASE * 2)

    group = store.complete_and_begin("orders", [(claim, "R-1")], [], "a", LEASE)

    [record] = group.completed
    assert not isinstance(record, LeaseLostError)
    assert (record.state, record.remote_ref, record.next_attempt_at) == (
        RecordState.DONE,
        "R-1",
        None,
    )
    assert store.claim_batch("orders", "other", 10, LEASE) == []


def state_of(store: CheckpointStore, key: str, flow: str = "orders") -> RecordState:
    record = store.get(flow, key)
    assert record is not None
    return record.state


def test_a_completion_under_an_earlier_claim_of_the_same_lease_is_written(
    store: CheckpointStore, clock: FakeClock
) -> None:
    # The claim given is not the latest of its lease: the row moved on since (a reconciliation
    # showed the attempt did not arrive, and a second attempt started), but the lease is the
    # same, so the outcome still belongs to it.
    first = submit(store, "PO-1")
    store.mark_in_doubt(first, "timeout", clock())
    [reconciling] = store.claim_batch("orders", "a", 1, LEASE)
    retried = store.start_attempt(store.mark_not_applied(reconciling), "intent-c1")
    assert retried.record.attempts == 2

    group = store.complete_and_begin("orders", [(reconciling, "R-1")], [], "a", LEASE)

    [record] = group.completed
    assert not isinstance(record, LeaseLostError)
    assert (record.state, record.remote_ref, record.attempts) == (RecordState.DONE, "R-1", 2)
