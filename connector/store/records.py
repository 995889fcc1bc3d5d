"""Reading and changing ``records`` rows inside a transaction: locks, leases, fencing, events.

Internal to the store: every function takes the open session of one transaction, and the caller
commits. Rows are locked before they are changed (``FOR UPDATE`` on PostgreSQL; on SQLite the
transaction already holds the write lock), so a check followed by a write is atomic.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from connector.store.database import Backend
from connector.store.decisions import Action
from connector.store.errors import LeaseLostError
from connector.store.shapes import Claim
from connector.store.states import (
    INITIAL_STATE,
    WORK_STATES,
    Event,
    RecordSnapshot,
    RecordState,
    apply,
)
from connector.store.tables import RecordRow

RECORDS = RecordRow.__table__  # type: ignore[attr-defined]


def snapshot(row: Any) -> RecordSnapshot:
    """A frozen copy of a ``records`` row (an ORM object or a result row)."""
    return RecordSnapshot(
        flow=row.flow,
        key=row.key,
        state=row.state,
        content_hash=row.content_hash,
        intent_hash=row.intent_hash,
        attempts=row.attempts,
        last_error=row.last_error,
        remote_ref=row.remote_ref,
        lease_owner=row.lease_owner,
        lease_version=row.lease_version,
        lease_expires_at=row.lease_expires_at,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def lock(session: Session, flow: str, key: str) -> RecordRow | None:
    """The row for ``flow``/``key``, locked for this transaction; ``None`` if there is none."""
    statement = (
        select(RecordRow).where(RecordRow.flow == flow, RecordRow.key == key).with_for_update()
    )
    return session.exec(statement).one_or_none()


def insert_if_absent(
    session: Session, backend: Backend, flow: str, key: str, content_hash: str, now: datetime
) -> bool:
    """Create a ``pending`` row for a new key; return whether it was created.

    Concurrent callers for the same key create one row: the others wait for it and find it.
    """
    dialect_insert = postgresql.insert if backend is Backend.POSTGRESQL else sqlite.insert
    statement = (
        dialect_insert(RECORDS)
        .values(
            flow=flow,
            key=key,
            state=INITIAL_STATE,
            content_hash=content_hash,
            attempts=0,
            lease_version=0,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["flow", "key"])
        .returning(RECORDS.c.key)
    )
    return session.execute(statement).first() is not None


def due(flow: str, state: RecordState, now: datetime, limit: int) -> SelectOfScalar[RecordRow]:
    """Rows of ``flow`` in ``state`` that need work at ``now``, oldest due first.

    A range scan of the work index ``(flow, state, next_attempt_at)``: its cost depends on the
    rows returned, not on the size of the table.
    """
    return (
        select(RecordRow)
        .where(
            RecordRow.flow == flow,
            RecordRow.state == state,
            col(RecordRow.next_attempt_at) <= now,
            or_(col(RecordRow.lease_expires_at).is_(None), col(RecordRow.lease_expires_at) <= now),
        )
        .order_by(col(RecordRow.next_attempt_at))
        .limit(limit)
    )


def grant(
    row: RecordRow, owner: str, lease: timedelta, now: datetime, action: Action, content_hash: str
) -> Claim:
    """Give ``owner`` a new lease on ``row`` and return the claim proving it."""
    expires = now + lease
    row.lease_owner = owner
    row.lease_version += 1
    row.lease_expires_at = expires
    if row.state in WORK_STATES:
        # Due again when the lease ends: a survivor's claim_batch finds it then.
        row.next_attempt_at = expires
    row.updated_at = now
    return claim_for(row, action, content_hash)


def claim_for(row: RecordRow, action: Action, content_hash: str) -> Claim:
    """The claim describing ``row``'s current lease."""
    assert row.lease_owner is not None
    assert row.lease_expires_at is not None
    return Claim(
        flow=row.flow,
        key=row.key,
        owner=row.lease_owner,
        lease_version=row.lease_version,
        lease_expires_at=row.lease_expires_at,
        action=action,
        content_hash=content_hash,
        record=snapshot(row),
    )


def fenced(session: Session, claim: Claim) -> RecordRow:
    """The claim's row, locked, after checking that the claim still holds its lease.

    A lease that expired but was not taken over still counts: nobody else can have acted on the
    record, and refusing the write would throw away a known outcome.

    Raises:
        LeaseLostError: if another owner took the lease, it was released, or an operator acted.
    """
    row = lock(session, claim.flow, claim.key)
    if row is None or row.lease_owner != claim.owner or row.lease_version != claim.lease_version:
        raise LeaseLostError(
            claim.flow,
            claim.key,
            claim.owner,
            claim.lease_version,
            None if row is None else row.lease_owner,
        )
    return row


def move(row: RecordRow, event: Event, now: datetime) -> None:
    """Apply ``event`` to ``row``'s state.

    Raises:
        InvalidTransitionError: if the event is not allowed in the row's state.
    """
    row.state = apply(row.state, event, f"{row.flow}/{row.key}")
    row.updated_at = now


def start_attempt(row: RecordRow, content_hash: str, intent_hash: str, now: datetime) -> None:
    """Write the intent: ``submitting``, the payload hash, one more attempt."""
    move(row, Event.START_ATTEMPT, now)
    if row.content_hash != content_hash:
        row.content_hash = content_hash
        row.attempts = 0
    row.attempts += 1
    row.intent_hash = intent_hash
    row.next_attempt_at = row.lease_expires_at


def release(row: RecordRow, next_attempt_at: datetime | None) -> None:
    """Drop the lease (its version stays, so old claims stay fenced off) and set the due time."""
    row.lease_owner = None
    row.lease_expires_at = None
    row.next_attempt_at = next_attempt_at if row.state in WORK_STATES else None


def revoke(row: RecordRow, now: datetime) -> None:
    """Take the lease away from whoever holds it, for an operator's action."""
    row.lease_version += 1
    release(row, now)
