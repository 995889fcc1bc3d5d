"""Reading and changing ``records`` rows inside a transaction: locks, leases, fencing, events.

Internal to the store. A row is read into a frozen :class:`RecordSnapshot`, changed by the pure
functions here (:func:`grant`, :func:`start_attempt`, :func:`move`, :func:`postpone`,
:func:`release`, :func:`revoke`) and written back whole by one ``UPDATE``. The statements are
SQLAlchemy Core, built once and compiled once per database (SQLAlchemy caches their compiled
form): the engine calls them for every record it sends, and the ORM's unit of work cost several
times more than the database itself there.

Every function that touches the database takes the connection of one open transaction, and the
caller commits. Rows are locked before they are changed (``FOR UPDATE`` on PostgreSQL; on SQLite
the transaction already holds the write lock), so a check followed by a write is atomic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, Table, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from connector.store.database import Backend
from connector.store.decisions import Action
from connector.store.errors import LeaseLostError
from connector.store.retry import RetryPolicy
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

RECORDS: Table = RecordRow.__table__  # type: ignore[attr-defined]

CHANGING_COLUMNS = (
    "state",
    "content_hash",
    "intent_hash",
    "attempts",
    "last_error",
    "remote_ref",
    "lease_owner",
    "lease_version",
    "lease_expires_at",
    "next_attempt_at",
    "updated_at",
)
"""Every column but the primary key and ``created_at``: what :func:`write` sets."""

_ALL_COLUMNS = tuple(RecordSnapshot.__dataclass_fields__)

_BY_KEY = (RECORDS.c.flow == bindparam("flow"), RECORDS.c.key == bindparam("key"))
_SELECT = select(RECORDS).where(*_BY_KEY)
_LOCK = _SELECT.with_for_update()
# In key order: concurrent transactions on PostgreSQL lock their rows in the same order.
_LOCK_MANY = (
    select(RECORDS)
    .where(
        RECORDS.c.flow == bindparam("flow"), RECORDS.c.key.in_(bindparam("keys", expanding=True))
    )
    .order_by(RECORDS.c.key)
    .with_for_update()
)
_UPDATE = (
    update(RECORDS)
    .where(RECORDS.c.flow == bindparam("row_flow"), RECORDS.c.key == bindparam("row_key"))
    .values({name: bindparam(name) for name in CHANGING_COLUMNS})
)
# The columns a change computed from a claim's record depends on, besides the fence (the lease
# owner and version): if they still hold, the row is what the claim saw.
_UNCHANGED = ("state", "content_hash", "attempts")
_WRITE_UNCHANGED = (
    update(RECORDS)
    .where(
        RECORDS.c.flow == bindparam("row_flow"),
        RECORDS.c.key == bindparam("row_key"),
        RECORDS.c.lease_owner == bindparam("was_lease_owner"),
        RECORDS.c.lease_version == bindparam("was_lease_version"),
        *(RECORDS.c[name] == bindparam(f"was_{name}") for name in _UNCHANGED),
    )
    .values({name: bindparam(name) for name in CHANGING_COLUMNS})
)
_INSERTS = {
    Backend.SQLITE: sqlite.insert(RECORDS)
    .on_conflict_do_nothing(index_elements=["flow", "key"])
    .returning(RECORDS.c.key),
    Backend.POSTGRESQL: postgresql.insert(RECORDS)
    .on_conflict_do_nothing(index_elements=["flow", "key"])
    .returning(RECORDS.c.key),
}


def snapshot(row: Row[Any]) -> RecordSnapshot:
    """A frozen copy of a ``records`` row read with Core."""
    return RecordSnapshot(**row._mapping)


def select_records() -> Select[Any]:
    """``SELECT`` of whole ``records`` rows, for :func:`snapshot`; add the ``WHERE``."""
    return select(RECORDS)


def read(connection: Connection, flow: str, key: str) -> RecordSnapshot | None:
    """The row for ``flow``/``key`` without locking it; ``None`` if there is none."""
    row = connection.execute(_SELECT, {"flow": flow, "key": key}).first()
    return None if row is None else snapshot(row)


def lock(connection: Connection, flow: str, key: str) -> RecordSnapshot | None:
    """The row for ``flow``/``key``, locked for this transaction; ``None`` if there is none."""
    row = connection.execute(_LOCK, {"flow": flow, "key": key}).first()
    return None if row is None else snapshot(row)


def lock_many(connection: Connection, flow: str, keys: Iterable[str]) -> dict[str, RecordSnapshot]:
    """The rows of ``flow`` for ``keys`` that exist, locked for this transaction in key order."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = connection.execute(_LOCK_MANY, {"flow": flow, "keys": wanted})
    return {row.key: snapshot(row) for row in rows}


def new(flow: str, key: str, content_hash: str, now: datetime) -> RecordSnapshot:
    """A key the store has not seen: ``pending``, due now, never leased."""
    return RecordSnapshot(
        flow=flow,
        key=key,
        state=INITIAL_STATE,
        content_hash=content_hash,
        intent_hash=None,
        attempts=0,
        last_error=None,
        remote_ref=None,
        lease_owner=None,
        lease_version=0,
        lease_expires_at=None,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )


def insert(connection: Connection, backend: Backend, records: Sequence[RecordSnapshot]) -> set[str]:
    """Create the rows ``records`` describe, in one statement, except where a key exists.

    Concurrent callers for the same key create one row: the others wait for it and find it.
    Give the records in key order (see :func:`lock_many`).

    Returns:
        The keys created.
    """
    if not records:
        return set()
    rows = [{name: getattr(record, name) for name in _ALL_COLUMNS} for record in records]
    return {row.key for row in connection.execute(_INSERTS[backend], rows)}


def write(connection: Connection, records: Iterable[RecordSnapshot]) -> None:
    """Write the records' changing columns to their rows, which the transaction has locked."""
    rows = [
        {
            "row_flow": record.flow,
            "row_key": record.key,
            **{name: getattr(record, name) for name in CHANGING_COLUMNS},
        }
        for record in records
    ]
    if rows:
        connection.execute(_UPDATE, rows)


def write_unchanged(
    connection: Connection, changes: Sequence[tuple[Claim, RecordSnapshot]]
) -> bool:
    """Write each changed record over its row only if the row is still as the claim saw it,
    without reading it first (in key order, one statement).

    Each change must be computed from its claim's :attr:`~Claim.record`. A row counts as
    unchanged while the claim holds its lease and the row's state, content hash and attempts
    are the claim's: under a lease nothing else changes them, and the other columns the change
    sets are the claim's own or overwritten.

    Returns:
        Whether every row was written; if not, some were and some were not, and the caller
        must roll the transaction back.
    """
    rows = [
        {
            "row_flow": claim.flow,
            "row_key": claim.key,
            "was_lease_owner": claim.owner,
            "was_lease_version": claim.lease_version,
            **{f"was_{name}": getattr(claim.record, name) for name in _UNCHANGED},
            **{name: getattr(record, name) for name in CHANGING_COLUMNS},
        }
        for claim, record in sorted(changes, key=lambda change: change[0].key)
    ]
    if not rows:
        return True
    return connection.execute(_WRITE_UNCHANGED, rows).rowcount == len(rows)


def due(flow: str, state: RecordState, now: datetime, limit: int) -> Select[Any]:
    """Rows of ``flow`` in ``state`` that need work at ``now``, oldest due first.

    A range scan of the work index ``(flow, state, next_attempt_at)``: its cost depends on the
    rows returned, not on the size of the table.
    """
    columns = RECORDS.c
    return (
        select(RECORDS)
        .where(
            columns.flow == flow,
            columns.state == state,
            columns.next_attempt_at <= now,
            or_(columns.lease_expires_at.is_(None), columns.lease_expires_at <= now),
        )
        .order_by(columns.next_attempt_at)
        .limit(limit)
    )


def grant(record: RecordSnapshot, owner: str, lease: timedelta, now: datetime) -> RecordSnapshot:
    """``record`` with a new lease for ``owner`` (and a new fencing token)."""
    expires = now + lease
    return replace(
        record,
        lease_owner=owner,
        lease_version=record.lease_version + 1,
        lease_expires_at=expires,
        # Due again when the lease ends: a survivor's claim_batch finds it then.
        next_attempt_at=expires if record.state in WORK_STATES else record.next_attempt_at,
        updated_at=now,
    )


def claim_for(record: RecordSnapshot, action: Action, content_hash: str) -> Claim:
    """The claim describing ``record``'s current lease."""
    assert record.lease_owner is not None
    assert record.lease_expires_at is not None
    return Claim(
        flow=record.flow,
        key=record.key,
        owner=record.lease_owner,
        lease_version=record.lease_version,
        lease_expires_at=record.lease_expires_at,
        action=action,
        content_hash=content_hash,
        record=record,
    )


def fenced(connection: Connection, claim: Claim) -> RecordSnapshot:
    """The claim's row, locked, after checking that the claim still holds its lease.

    Raises:
        LeaseLostError: see :func:`check_fence`.
    """
    return check_fence(lock(connection, claim.flow, claim.key), claim)


def check_fence(record: RecordSnapshot | None, claim: Claim) -> RecordSnapshot:
    """``record`` (the claim's row, locked), after checking that the claim still holds it.

    A lease that expired but was not taken over still counts: nobody else can have acted on the
    record, and refusing the write would throw away a known outcome.

    Raises:
        LeaseLostError: if another owner took the lease, it was released, or an operator acted.
    """
    if (
        record is None
        or record.lease_owner != claim.owner
        or record.lease_version != claim.lease_version
    ):
        raise LeaseLostError(
            claim.flow,
            claim.key,
            claim.owner,
            claim.lease_version,
            None if record is None else record.lease_owner,
        )
    return record


def move(record: RecordSnapshot, event: Event, now: datetime) -> RecordSnapshot:
    """``record`` after ``event``.

    Raises:
        InvalidTransitionError: if the event is not allowed in the record's state.
    """
    state = apply(record.state, event, f"{record.flow}/{record.key}")
    return replace(record, state=state, updated_at=now)


def start_attempt(
    record: RecordSnapshot, content_hash: str, intent_hash: str, now: datetime
) -> RecordSnapshot:
    """``record`` with the intent written: ``submitting``, the payload hash, one more attempt."""
    attempts = record.attempts if record.content_hash == content_hash else 0
    return replace(
        record,
        state=apply(record.state, Event.START_ATTEMPT, f"{record.flow}/{record.key}"),
        content_hash=content_hash,
        attempts=attempts + 1,
        intent_hash=intent_hash,
        next_attempt_at=record.lease_expires_at,
        updated_at=now,
    )


def finish(
    record: RecordSnapshot,
    event: Event,
    now: datetime,
    *,
    error: str | None,
    remote_ref: str | None = None,
    due: datetime | None = None,
    content_hash: str | None = None,
) -> RecordSnapshot:
    """``record`` after an outcome: moved by ``event``, with ``error`` (and ``remote_ref``,
    ``content_hash`` when given; a new content hash counts attempts afresh), lease released and
    due at ``due`` if its state needs work.

    Raises:
        InvalidTransitionError: if the event is not allowed in the record's state.
    """
    state = apply(record.state, event, f"{record.flow}/{record.key}")
    content = record.content_hash if content_hash is None else content_hash
    return replace(
        record,
        state=state,
        content_hash=content,
        attempts=record.attempts if content == record.content_hash else 0,
        last_error=error,
        remote_ref=record.remote_ref if remote_ref is None else remote_ref,
        lease_owner=None,
        lease_expires_at=None,
        next_attempt_at=due if state in WORK_STATES else None,
        updated_at=now,
    )


def postpone(
    record: RecordSnapshot, content_hash: str, error: str, retry: RetryPolicy, now: datetime
) -> RecordSnapshot:
    """``record`` after an attempt of version ``content_hash`` could not start (nothing was
    sent): the attempt counted (afresh for a new version), ``error`` kept, lease released, and
    ``pending`` due after ``retry``'s delay, or ``dead`` once ``retry`` is exhausted.

    Raises:
        InvalidTransitionError: if the record is not ``pending``, ``failed`` or ``done``.
    """
    postponed = finish(record, Event.POSTPONE, now, error=error, content_hash=content_hash)
    attempts = postponed.attempts + 1
    if retry.exhausted(attempts):
        return replace(move(postponed, Event.GIVE_UP, now), attempts=attempts, next_attempt_at=None)
    return replace(
        postponed, attempts=attempts, next_attempt_at=retry.next_attempt_at(attempts, now)
    )


def release(record: RecordSnapshot, next_attempt_at: datetime | None) -> RecordSnapshot:
    """``record`` without its lease (the version stays, so old claims stay fenced off) and due
    at ``next_attempt_at`` if its state needs work."""
    return replace(
        record,
        lease_owner=None,
        lease_expires_at=None,
        next_attempt_at=next_attempt_at if record.state in WORK_STATES else None,
    )


def revoke(record: RecordSnapshot, now: datetime) -> RecordSnapshot:
    """``record`` with the lease taken from whoever holds it, for an operator's action."""
    return release(replace(record, lease_version=record.lease_version + 1), now)
