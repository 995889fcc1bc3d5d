"""The life of a record: its states, the events that move it, and what the store knows of it.

Pure logic, no I/O. A new key starts ``pending``; from then on only these events move it
(:data:`TRANSITIONS` is the authority, this table is its summary):

=====================  ========================  ==========
event                  from                      to
=====================  ========================  ==========
start_attempt          pending, failed, done     submitting
complete               submitting                done
reconcile_found        submitting                done
reconcile_not_applied  submitting                pending
withdraw               submitting                pending
reject                 pending, submitting,      failed
                       failed
retry_later            pending, submitting       pending
postpone               pending, failed, done     pending
in_doubt               submitting                submitting
give_up                pending, submitting       dead
replay                 failed, dead              pending
resolve                failed, dead              done
acknowledge_change     done                      done
=====================  ========================  ==========

``submitting`` is the only state in which a request may have reached the destination without the
store knowing the outcome, so no event leads from ``submitting`` to another send except
``reconcile_not_applied`` (the destination was asked, and the attempt did not take effect) and
``withdraw`` (the request was never handed to the sink).
Whether ``start_attempt`` from ``failed`` or ``done`` is wanted (the source changed; the flow's
change policy allows updates) is decided by :func:`connector.store.decisions.decide`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from connector.store.errors import InvalidTransitionError


class RecordState(StrEnum):
    """Where a record stands on its way to the destination."""

    PENDING = "pending"
    """Known to the store; nothing was sent, or what was sent definitely did not take effect."""
    SUBMITTING = "submitting"
    """The intent is written and the request may have left: reconcile before any re-send."""
    DONE = "done"
    """The destination holds the record; ``remote_ref`` says where."""
    FAILED = "failed"
    """The destination definitely rejected it; waits for a source change or an operator's replay."""
    DEAD = "dead"
    """Retries ran out; waits for an operator (replay or resolve)."""


class Event(StrEnum):
    """Something that happens to a record; each one maps to one store operation."""

    START_ATTEMPT = "start_attempt"
    """The intent is written: the request is about to leave."""
    COMPLETE = "complete"
    """The destination confirmed the request."""
    RECONCILE_FOUND = "reconcile_found"
    """A lookup after an unknown outcome found the key at the destination."""
    RECONCILE_NOT_APPLIED = "reconcile_not_applied"
    """A lookup after an unknown outcome showed the attempt did not take effect (the key is not
    at the destination), or that repeating it is harmless (an update of an existing document)."""
    WITHDRAW = "withdraw"
    """The intent was written but the request was never handed to the sink (the run stopped
    first): the attempt did not happen."""
    REJECT = "reject"
    """The destination definitely refused the record, or it cannot be mapped (also a new version
    of a record that was rejected before)."""
    RETRY_LATER = "retry_later"
    """The request definitely did not take effect; try again later."""
    POSTPONE = "postpone"
    """The attempt could not start: something the record's document needs is unavailable now
    (the mapping's reference data). Nothing was sent; it counts as an attempt of the version
    claimed; try again later. A new version of a ``failed`` or ``done`` record becomes
    ``pending`` with it (a ``done`` one keeps its remote reference: its next send is an
    update)."""
    IN_DOUBT = "in_doubt"
    """The outcome is unknown (timeout, reset, 5xx); reconcile later."""
    GIVE_UP = "give_up"
    """Retries ran out; a dead letter is written."""
    REPLAY = "replay"
    """An operator asks for another attempt."""
    RESOLVE = "resolve"
    """An operator declares the record handled."""
    ACKNOWLEDGE_CHANGE = "acknowledge_change"
    """A changed source for a done record was reported and is deliberately not sent."""


@dataclass(frozen=True, slots=True)
class Transition:
    """The states an event may start from and the state it leads to.

    Attributes:
        sources: the states in which the event is allowed.
        target: the state after the event.
    """

    sources: frozenset[RecordState]
    target: RecordState


_S = RecordState

TRANSITIONS: Final = MappingProxyType(
    {
        Event.START_ATTEMPT: Transition(frozenset({_S.PENDING, _S.FAILED, _S.DONE}), _S.SUBMITTING),
        Event.COMPLETE: Transition(frozenset({_S.SUBMITTING}), _S.DONE),
        Event.RECONCILE_FOUND: Transition(frozenset({_S.SUBMITTING}), _S.DONE),
        Event.RECONCILE_NOT_APPLIED: Transition(frozenset({_S.SUBMITTING}), _S.PENDING),
        Event.WITHDRAW: Transition(frozenset({_S.SUBMITTING}), _S.PENDING),
        Event.REJECT: Transition(frozenset({_S.PENDING, _S.SUBMITTING, _S.FAILED}), _S.FAILED),
        Event.RETRY_LATER: Transition(frozenset({_S.PENDING, _S.SUBMITTING}), _S.PENDING),
        Event.POSTPONE: Transition(frozenset({_S.PENDING, _S.FAILED, _S.DONE}), _S.PENDING),
        Event.IN_DOUBT: Transition(frozenset({_S.SUBMITTING}), _S.SUBMITTING),
        Event.GIVE_UP: Transition(frozenset({_S.PENDING, _S.SUBMITTING}), _S.DEAD),
        Event.REPLAY: Transition(frozenset({_S.FAILED, _S.DEAD}), _S.PENDING),
        Event.RESOLVE: Transition(frozenset({_S.FAILED, _S.DEAD}), _S.DONE),
        Event.ACKNOWLEDGE_CHANGE: Transition(frozenset({_S.DONE}), _S.DONE),
    }
)
"""Every allowed move, by event. A (state, event) pair not covered here is refused."""

INITIAL_STATE: Final = RecordState.PENDING
"""The state of a key the store has just learned about."""

WORK_STATES: Final = frozenset({RecordState.PENDING, RecordState.SUBMITTING})
"""States in which a record needs work without any new input (a send, a retry, a reconciliation).

``failed`` and ``dead`` records wait for a source change or an operator; ``done`` ones for nothing.
"""


def apply(state: RecordState, event: Event, where: str = "") -> RecordState:
    """The state after ``event`` happens to a record in ``state``.

    Args:
        state: the record's current state.
        event: what happens to it.
        where: ``flow/key`` of the record, used only in the error message.

    Returns:
        The record's next state.

    Raises:
        InvalidTransitionError: if ``event`` is not allowed in ``state``.
    """
    transition = TRANSITIONS[event]
    if state not in transition.sources:
        raise InvalidTransitionError(state, event, where)
    return transition.target


@dataclass(frozen=True, slots=True)
class RecordSnapshot:
    """What the store knows about one record, as of one read.

    Attributes:
        flow: the flow the record belongs to (e.g. ``"orders"``).
        key: the record's stable key within the flow (e.g. partner plus PO number).
        state: where the record stands.
        content_hash: hash of the source record the store last acted on. For a ``done`` record,
            the source version that was delivered (or acknowledged as not to be sent).
        intent_hash: hash of the payload of the latest attempt, written before it was sent;
            ``None`` until a first attempt starts.
        attempts: attempts started for the current ``content_hash`` (reset when it changes).
        last_error: the error of the latest failed or uncertain attempt, ``None`` after success.
        remote_ref: the destination's reference once the document exists there. A record that
            has one while ``pending`` or ``submitting`` is an *update* of that document.
        lease_owner: who holds the record's lease, ``None`` when nobody does.
        lease_version: fencing token, incremented whenever a lease is granted.
        lease_expires_at: when the current lease ends; ``None`` when nobody holds it.
        next_attempt_at: when the record next needs work from anyone: a new or due retry, the
            reconciliation of an unknown outcome, or the end of a lease (a survivor may take it
            over then). ``None`` when nothing is due (``done``, ``failed``, ``dead``).
        created_at: when the store first saw the key (UTC).
        updated_at: when the record last changed (UTC).
    """

    flow: str
    key: str
    state: RecordState
    content_hash: str
    intent_hash: str | None
    attempts: int
    last_error: str | None
    remote_ref: str | None
    lease_owner: str | None
    lease_version: int
    lease_expires_at: datetime | None
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def lease_is_live(self, now: datetime) -> bool:
        """Whether someone holds the record's lease at ``now``."""
        return (
            self.lease_owner is not None
            and self.lease_expires_at is not None
            and self.lease_expires_at > now
        )
