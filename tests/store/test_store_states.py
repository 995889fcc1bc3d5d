"""The record state machine, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from connector.store import InvalidTransitionError, RecordSnapshot, RecordState
from connector.store.states import TRANSITIONS, WORK_STATES, Event, apply

P, S, D, F, X = (
    RecordState.PENDING,
    RecordState.SUBMITTING,
    RecordState.DONE,
    RecordState.FAILED,
    RecordState.DEAD,
)

# Written out independently of TRANSITIONS: a change to the state machine must change this too.
ALLOWED = {
    (P, Event.START_ATTEMPT): S,
    (F, Event.START_ATTEMPT): S,
    (D, Event.START_ATTEMPT): S,
    (S, Event.COMPLETE): D,
    (S, Event.RECONCILE_FOUND): D,
    (S, Event.RECONCILE_NOT_APPLIED): P,
    (S, Event.WITHDRAW): P,
    (P, Event.REJECT): F,
    (S, Event.REJECT): F,
    (F, Event.REJECT): F,
    (P, Event.RETRY_LATER): P,
    (S, Event.RETRY_LATER): P,
    (P, Event.POSTPONE): P,
    (F, Event.POSTPONE): P,
    (D, Event.POSTPONE): P,
    (S, Event.IN_DOUBT): S,
    (P, Event.GIVE_UP): X,
    (S, Event.GIVE_UP): X,
    (F, Event.REPLAY): P,
    (X, Event.REPLAY): P,
    (F, Event.RESOLVE): D,
    (X, Event.RESOLVE): D,
    (D, Event.ACKNOWLEDGE_CHANGE): D,
}


@pytest.mark.parametrize(("state", "event"), list(product(RecordState, Event)))
def test_event_moves_a_record_only_from_its_allowed_states(
    state: RecordState, event: Event
) -> None:
    if (state, event) in ALLOWED:
        assert apply(state, event) is ALLOWED[(state, event)]
    else:
        with pytest.raises(InvalidTransitionError) as refused:
            apply(state, event)
        assert refused.value.state is state
        assert refused.value.event is event


def test_every_event_has_a_transition() -> None:
    assert set(TRANSITIONS) == set(Event)


def test_refused_transition_names_the_record_state_and_event() -> None:
    with pytest.raises(
        InvalidTransitionError, match=r"orders/PO-1: cannot apply 'complete' to a 'done'"
    ):
        apply(RecordState.DONE, Event.COMPLETE, "orders/PO-1")


def test_only_pending_and_submitting_records_need_work_without_new_input() -> None:
    assert {RecordState.PENDING, RecordState.SUBMITTING} == WORK_STATES


def test_state_values_are_the_documented_words() -> None:
    assert [state.value for state in RecordState] == [
        "pending",
        "submitting",
        "done",
        "failed",
        "dead",
    ]


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _leased(owner: str | None, expires: datetime | None) -> RecordSnapshot:
    return RecordSnapshot(
        flow="orders",
        key="PO-1",
        state=RecordState.SUBMITTING,
        content_hash="h",
        intent_hash="i",
        attempts=1,
        last_error=None,
        remote_ref=None,
        lease_owner=owner,
        lease_version=1,
        lease_expires_at=expires,
        next_attempt_at=expires,
        created_at=NOW,
        updated_at=NOW,
    )


def test_lease_is_live_only_before_it_expires() -> None:
    assert _leased("a", NOW + timedelta(seconds=1)).lease_is_live(NOW)
    assert not _leased("a", NOW).lease_is_live(NOW)
    assert not _leased("a", NOW - timedelta(seconds=1)).lease_is_live(NOW)


def test_lease_without_owner_is_not_live() -> None:
    assert not _leased(None, None).lease_is_live(NOW)
