"""What the engine does with a source record, given the store's snapshot; no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from connector.store import Action, ChangePolicy, Decision, RecordSnapshot, RecordState, decide

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(minutes=5)
LATER = NOW + timedelta(minutes=5)

SAME = "hash-1"
CHANGED = "hash-2"


def snapshot(
    state: RecordState,
    *,
    lease_owner: str | None = None,
    lease_expires_at: datetime | None = None,
    next_attempt_at: datetime | None = None,
) -> RecordSnapshot:
    return RecordSnapshot(
        flow="orders",
        key="PO-1",
        state=state,
        content_hash=SAME,
        intent_hash="payload-1",
        attempts=1,
        last_error=None,
        remote_ref=None,
        lease_owner=lease_owner,
        lease_version=3,
        lease_expires_at=lease_expires_at,
        next_attempt_at=next_attempt_at,
        created_at=EARLIER,
        updated_at=EARLIER,
    )


def test_new_key_is_submitted() -> None:
    assert decide(None, SAME, NOW, ChangePolicy.WARN).action is Action.SUBMIT


@pytest.mark.parametrize(
    ("state", "content_hash", "next_attempt_at", "expected"),
    [
        (RecordState.PENDING, SAME, None, Action.SUBMIT),
        (RecordState.PENDING, CHANGED, EARLIER, Action.SUBMIT),
        (RecordState.PENDING, SAME, NOW, Action.SUBMIT),
        (RecordState.PENDING, SAME, LATER, Action.WAIT),
        (RecordState.SUBMITTING, SAME, None, Action.RECONCILE),
        (RecordState.SUBMITTING, CHANGED, EARLIER, Action.RECONCILE),
        (RecordState.SUBMITTING, SAME, LATER, Action.WAIT),
        (RecordState.DONE, SAME, None, Action.SKIP_UNCHANGED),
        (RecordState.DONE, CHANGED, None, Action.CHANGED_AFTER_DONE),
        (RecordState.FAILED, SAME, None, Action.HOLD),
        (RecordState.FAILED, CHANGED, None, Action.RETRY_FAILED),
        (RecordState.DEAD, SAME, None, Action.HOLD),
        (RecordState.DEAD, CHANGED, None, Action.HOLD),
    ],
)
def test_unleased_record_gets_the_action_of_its_state(
    state: RecordState, content_hash: str, next_attempt_at: datetime | None, expected: Action
) -> None:
    existing = snapshot(state, next_attempt_at=next_attempt_at)
    assert decide(existing, content_hash, NOW, ChangePolicy.WARN).action is expected


def test_waiting_record_says_when_it_is_due() -> None:
    decision = decide(
        snapshot(RecordState.PENDING, next_attempt_at=LATER), SAME, NOW, ChangePolicy.WARN
    )
    assert decision.not_before == LATER


@pytest.mark.parametrize("state", list(RecordState))
def test_live_lease_of_another_owner_makes_any_record_busy(state: RecordState) -> None:
    existing = snapshot(state, lease_owner="worker-b", lease_expires_at=LATER)
    decision = decide(existing, CHANGED, NOW, ChangePolicy.UPDATE)
    assert decision.action is Action.BUSY
    assert decision.not_before == LATER


def test_submitting_record_whose_lease_expired_is_reconciled_not_resent() -> None:
    existing = snapshot(
        RecordState.SUBMITTING,
        lease_owner="worker-a",
        lease_expires_at=EARLIER,
        next_attempt_at=EARLIER,
    )
    decision = decide(existing, SAME, NOW, ChangePolicy.WARN)
    assert decision.action is Action.RECONCILE
    assert decision.needs_claim
    assert not decision.may_send


def test_lease_ending_exactly_now_is_expired() -> None:
    existing = snapshot(
        RecordState.SUBMITTING, lease_owner="worker-a", lease_expires_at=NOW, next_attempt_at=NOW
    )
    assert decide(existing, SAME, NOW, ChangePolicy.WARN).action is Action.RECONCILE


@pytest.mark.parametrize("policy", list(ChangePolicy))
def test_changed_done_record_carries_the_flow_change_policy(policy: ChangePolicy) -> None:
    decision = decide(snapshot(RecordState.DONE), CHANGED, NOW, policy)
    assert decision.action is Action.CHANGED_AFTER_DONE
    assert decision.change_policy is policy


def test_changed_done_record_is_claimed_only_under_update_policy() -> None:
    warn = decide(snapshot(RecordState.DONE), CHANGED, NOW, ChangePolicy.WARN)
    update = decide(snapshot(RecordState.DONE), CHANGED, NOW, ChangePolicy.UPDATE)
    assert not warn.needs_claim
    assert update.needs_claim
    assert update.may_send


@pytest.mark.parametrize(
    ("decision", "needs_claim", "may_send"),
    [
        (Decision(Action.SUBMIT, ""), True, True),
        (Decision(Action.RETRY_FAILED, ""), True, True),
        (Decision(Action.RECONCILE, ""), True, False),
        (Decision(Action.CHANGED_AFTER_DONE, "", ChangePolicy.UPDATE), True, True),
        (Decision(Action.CHANGED_AFTER_DONE, "", ChangePolicy.WARN), False, False),
        (Decision(Action.SKIP_UNCHANGED, ""), False, False),
        (Decision(Action.HOLD, ""), False, False),
        (Decision(Action.BUSY, ""), False, False),
        (Decision(Action.WAIT, ""), False, False),
    ],
)
def test_only_actionable_decisions_claim_and_only_sends_skip_the_lookup(
    decision: Decision, needs_claim: bool, may_send: bool
) -> None:
    assert decision.needs_claim is needs_claim
    assert decision.may_send is may_send


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(None, SAME, datetime(2026, 3, 2, 9, 0), ChangePolicy.WARN)


# Every combination the store can hold, to check the rules that must never bend.
LEASES = [(None, None), ("worker-b", LATER), ("worker-b", EARLIER)]
DUE = [None, EARLIER, LATER]
ALL_CASES = [
    (
        replace(snapshot(state), lease_owner=owner, lease_expires_at=expires, next_attempt_at=due),
        content_hash,
        policy,
    )
    for state, (owner, expires), due, content_hash, policy in product(
        RecordState, LEASES, DUE, [SAME, CHANGED], ChangePolicy
    )
]


def test_every_action_is_reachable() -> None:
    reached = {decide(existing, h, NOW, policy).action for existing, h, policy in ALL_CASES}
    assert reached == set(Action)


@pytest.mark.parametrize(("existing", "content_hash", "policy"), ALL_CASES)
def test_no_decision_sends_what_may_already_be_at_the_destination(
    existing: RecordSnapshot, content_hash: str, policy: ChangePolicy
) -> None:
    decision = decide(existing, content_hash, NOW, policy)
    if existing.lease_is_live(NOW):
        assert decision.action is Action.BUSY
    elif existing.state is RecordState.SUBMITTING:
        assert not decision.may_send
    elif existing.state is RecordState.DONE:
        assert decision.action in {Action.SKIP_UNCHANGED, Action.CHANGED_AFTER_DONE}
        assert decision.needs_claim is (
            content_hash != existing.content_hash and policy is ChangePolicy.UPDATE
        )
    elif existing.state is RecordState.DEAD:
        assert decision.action is Action.HOLD
    elif existing.state is RecordState.FAILED:
        assert decision.may_send is (content_hash != existing.content_hash)
