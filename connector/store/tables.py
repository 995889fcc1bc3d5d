"""The store's tables (SQLModel), field by field.

These are the store's private layout: code outside :mod:`connector.store` reads and writes through
:class:`~connector.store.CheckpointStore`. Any change here needs a migration in
``migrations/versions/``; a test checks that the migrations produce exactly these tables.

Every timestamp is a timezone-aware UTC ``datetime`` (``timestamptz`` on PostgreSQL; on SQLite,
SQLModel's ``UTCDateTime`` stores UTC and hands back aware values).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from connector.store.columns import EnumValue
from connector.store.shapes import AuditAction, ControlKind, Direction, FileOutcome, RunStatus
from connector.store.states import RecordState

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names are spelled out so that migrations name them the same on every backend."""

ENUM_LENGTH = 32
"""Length of every enum column (values are short words)."""


_REGISTRY = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class StoreTable(SQLModel, registry=_REGISTRY):
    """Base of the store's tables: their own metadata, apart from any other SQLModel tables."""


class RecordRow(StoreTable, table=True):
    """``records``: one row per source record key and flow; see :class:`RecordSnapshot`.

    The work index ``(flow, state, next_attempt_at)`` answers "what needs work now" with a range
    scan per state, however many ``done`` records the flow holds.
    """

    __tablename__ = "records"
    __table_args__ = (
        Index("ix_records_work", "flow", "state", "next_attempt_at"),
        Index("ix_records_lease_owner", "lease_owner"),
    )

    flow: str = Field(primary_key=True, sa_type=String)
    """The flow the record belongs to."""
    key: str = Field(primary_key=True, sa_type=String)
    """The record's stable key within the flow."""
    state: RecordState = Field(sa_type=EnumValue(RecordState, ENUM_LENGTH))
    """Where the record stands."""
    content_hash: str = Field(sa_type=String)
    """Hash of the source version the store last acted on."""
    intent_hash: str | None = Field(default=None, sa_type=String)
    """Hash of the latest attempt's payload, written before it was sent."""
    attempts: int = 0
    """Attempts started for the current content hash."""
    last_error: str | None = Field(default=None, sa_type=Text)
    """Error of the latest failed or uncertain attempt."""
    remote_ref: str | None = Field(default=None, sa_type=String)
    """The destination's reference once the document exists there."""
    lease_owner: str | None = Field(default=None, sa_type=String)
    """Who holds the lease, if anyone."""
    lease_version: int = 0
    """Fencing token, incremented whenever a lease is granted."""
    lease_expires_at: datetime | None = None
    """When the current lease ends."""
    next_attempt_at: datetime | None = None
    """When the record next needs work from anyone; ``NULL`` when nothing is due."""
    created_at: datetime
    """When the store first saw the key."""
    updated_at: datetime
    """When the row last changed."""


class SavedPayloadRow(StoreTable, table=True):
    """``saved_payloads``: the latest source record the engine claimed for each key.

    Kept apart from ``records`` so that the engine's per-run lookups stay small: it is read only
    when a record is worked on without its source yielding it again (a retry, a reconciliation,
    a takeover, an operator's replay).
    """

    __tablename__ = "saved_payloads"

    flow: str = Field(primary_key=True, sa_type=String)
    """The record's flow."""
    key: str = Field(primary_key=True, sa_type=String)
    """The record's key."""
    content_hash: str = Field(sa_type=String)
    """Hash of the source record saved here."""
    payload: Any = Field(sa_type=JSON)
    """The source record's payload (JSON)."""
    origin: str | None = Field(default=None, sa_type=Text)
    """Where the source record came from (a file name, an ERP document number)."""
    saved_at: datetime
    """When it was saved."""


class CursorRow(StoreTable, table=True):
    """``cursors``: how far a flow has read its source."""

    __tablename__ = "cursors"

    flow: str = Field(primary_key=True, sa_type=String)
    """The flow."""
    value: str = Field(sa_type=Text)
    """The source adapter's cursor, opaque to the store."""
    updated_at: datetime
    """When it last moved."""


class ReceivedFileRow(StoreTable, table=True):
    """``received_files``: files taken in by a flow, one per content hash."""

    __tablename__ = "received_files"
    __table_args__ = (UniqueConstraint("flow", "content_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    """Row number."""
    flow: str = Field(sa_type=String)
    """The flow that received it."""
    content_hash: str = Field(sa_type=String)
    """Hash of the file's bytes; unique per flow."""
    name: str = Field(sa_type=String)
    """The file's name when it arrived."""
    size: int = Field(sa_type=BigInteger)
    """Its size in bytes."""
    outcome: FileOutcome = Field(sa_type=EnumValue(FileOutcome, ENUM_LENGTH))
    """What became of it."""
    received_at: datetime
    """When it was recorded."""


class InterchangeControlRow(StoreTable, table=True):
    """``interchange_controls``: EDI interchange control numbers seen or sent, per partner."""

    __tablename__ = "interchange_controls"
    __table_args__ = (UniqueConstraint("partner", "direction", "control_number"),)

    id: int | None = Field(default=None, primary_key=True)
    """Row number."""
    partner: str = Field(sa_type=String)
    """The trading partner."""
    direction: Direction = Field(sa_type=EnumValue(Direction, ENUM_LENGTH))
    """Inbound or outbound."""
    control_number: str = Field(sa_type=String)
    """The interchange control number, as written in the interchange."""
    recorded_at: datetime
    """When it was received or sent."""


class ControlCounterRow(StoreTable, table=True):
    """``control_counters``: the last outbound control number used, per partner and kind."""

    __tablename__ = "control_counters"

    partner: str = Field(primary_key=True, sa_type=String)
    """The trading partner."""
    kind: ControlKind = Field(primary_key=True, sa_type=EnumValue(ControlKind, ENUM_LENGTH))
    """Which control number."""
    value: int = Field(sa_type=BigInteger)
    """The last number handed out."""
    updated_at: datetime
    """When it was last incremented."""


class LedgerRow(StoreTable, table=True):
    """``ledger``: every document written to a destination."""

    __tablename__ = "ledger"
    __table_args__ = (Index("ix_ledger_lookup", "flow", "key", "destination"),)

    id: int | None = Field(default=None, primary_key=True)
    """Row number; later rows are later writes."""
    flow: str = Field(sa_type=String)
    """The flow that wrote it."""
    key: str = Field(sa_type=String)
    """The record key it was written for."""
    destination: str = Field(sa_type=String)
    """Where it went."""
    document_kind: str = Field(sa_type=String)
    """What it is, in the adapter's terms."""
    document_hash: str = Field(sa_type=String)
    """Hash of the document's bytes."""
    remote_ref: str | None = Field(default=None, sa_type=String)
    """The destination's reference, if any."""
    written_at: datetime
    """When it was written."""


class RunRow(StoreTable, table=True):
    """``runs``: the history of flow runs."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_flow_started", "flow", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    """Run number."""
    flow: str = Field(sa_type=String)
    """The flow that ran."""
    owner: str = Field(sa_type=String)
    """The worker that ran it."""
    status: RunStatus = Field(sa_type=EnumValue(RunStatus, ENUM_LENGTH))
    """How it ended, or ``running``."""
    started_at: datetime
    """When it started."""
    finished_at: datetime | None = None
    """When it finished."""
    counts: dict[str, Any] = Field(sa_type=JSON)
    """Record counts, the keys of :class:`RunCounts`."""
    error: str | None = Field(default=None, sa_type=Text)
    """Why the run failed, if it did."""


class DeadLetterRow(StoreTable, table=True):
    """``dead_letters``: records whose retries ran out, with their payload."""

    __tablename__ = "dead_letters"
    __table_args__ = (Index("ix_dead_letters_record", "flow", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    """Row number."""
    flow: str = Field(sa_type=String)
    """The record's flow."""
    key: str = Field(sa_type=String)
    """The record's key."""
    payload: Any = Field(sa_type=JSON)
    """What the engine saved with it (JSON)."""
    error: str = Field(sa_type=Text)
    """The last error."""
    created_at: datetime
    """When the record went dead."""


class AuditRow(StoreTable, table=True):
    """``audit``: operator actions on records."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_record", "flow", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    """Row number."""
    flow: str = Field(sa_type=String)
    """The record's flow."""
    key: str = Field(sa_type=String)
    """The record's key."""
    action: AuditAction = Field(sa_type=EnumValue(AuditAction, ENUM_LENGTH))
    """What was done."""
    actor: str = Field(sa_type=String)
    """Who did it."""
    note: str = Field(sa_type=Text)
    """Why."""
    at: datetime
    """When."""


class LockRow(StoreTable, table=True):
    """``locks``: named single-runner locks on SQLite (PostgreSQL uses advisory locks instead)."""

    __tablename__ = "locks"

    name: str = Field(primary_key=True, sa_type=String)
    """The lock's name."""
    owner: str = Field(sa_type=String)
    """Who holds it."""
    expires_at: datetime
    """When it ends unless released first; after that anyone may take it."""


METADATA: MetaData = StoreTable.metadata
"""The store's schema, as the migrations must produce it."""
