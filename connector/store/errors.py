"""Errors raised by the checkpoint store.

::

    StoreError
    ├── LeaseLostError           the caller no longer holds the lease its write depends on
    ├── InvalidTransitionError   the record's state does not allow the requested change
    ├── SubmissionRefusedError   the record must not be (re)sent now; carries the decision
    ├── RecordNotFoundError      no record with this flow and key
    └── SchemaMismatchError      the database schema is not the one this code expects

None of these is meant to be swallowed: each one means the engine's picture of a record is wrong,
and carrying on as if the write had happened could send an order twice or lose one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connector.store.decisions import Decision
    from connector.store.states import Event, RecordState


class StoreError(Exception):
    """Base of every error raised by the checkpoint store."""


class LeaseLostError(StoreError):
    """A write under a claim found that the claim's lease is no longer the caller's.

    The lease was taken over by another owner after it expired, released, or the record was
    changed by an operator. The caller must drop the record: whoever holds it now will reconcile.

    Attributes:
        flow: the record's flow.
        key: the record's key.
        owner: the owner named in the stale claim.
        lease_version: the fencing token of the stale claim.
        held_by: the current lease owner, or ``None`` if nobody holds the record now.
    """

    def __init__(
        self, flow: str, key: str, owner: str, lease_version: int, held_by: str | None
    ) -> None:
        holder = f"now held by {held_by!r}" if held_by else "no longer leased"
        super().__init__(
            f"lease on {flow}/{key} lost by {owner!r} (lease version {lease_version}): {holder}"
        )
        self.flow = flow
        self.key = key
        self.owner = owner
        self.lease_version = lease_version
        self.held_by = held_by


class InvalidTransitionError(StoreError):
    """The requested event is not allowed from the record's current state.

    Attributes:
        state: the record's state when the event was applied.
        event: the event that was refused.
        where: ``flow/key`` of the record, when known.
    """

    def __init__(self, state: RecordState, event: Event, where: str = "") -> None:
        subject = f"{where}: " if where else ""
        super().__init__(f"{subject}cannot apply {event.value!r} to a {state.value!r} record")
        self.state = state
        self.event = event
        self.where = where


class SubmissionRefusedError(StoreError):
    """The store will not let this record be claimed or sent now.

    Raised when the record's state, read under lock, says the engine's request is unsafe or
    pointless: it is already done with this content, it is waiting for an operator, or (for a
    direct submission) it is ``submitting`` and must be reconciled first. The engine normally
    avoids this by calling :func:`connector.store.decide` first; it still happens when another
    process changed the record in between.

    Attributes:
        flow: the record's flow.
        key: the record's key.
        decision: the store's decision for the record, as of the refusal.
    """

    def __init__(self, flow: str, key: str, decision: Decision) -> None:
        super().__init__(
            f"{flow}/{key} cannot be claimed for sending: {decision.action.value} "
            f"({decision.reason})"
        )
        self.flow = flow
        self.key = key
        self.decision = decision


class RecordNotFoundError(StoreError):
    """No record exists for this flow and key."""

    def __init__(self, flow: str, key: str) -> None:
        super().__init__(f"no record {flow}/{key} in the checkpoint store")
        self.flow = flow
        self.key = key


class SchemaMismatchError(StoreError):
    """The database schema is not at the revision this code expects.

    Either the database was written by a newer version of ahead-connector, or it was opened
    with ``migrate=False`` before being migrated.
    """
