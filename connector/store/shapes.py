"""The values the checkpoint store hands out, besides record snapshots: claims and history.

Every shape is a frozen dataclass, read inside one transaction and safe to pass between threads.
Timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from connector.store.decisions import Action, Decision
from connector.store.errors import LeaseLostError
from connector.store.states import RecordSnapshot

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
"""A value that survives a JSON round trip (dead-letter payloads)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """Proof that the caller holds a record's lease; every write about the record needs one.

    Attributes:
        flow: the record's flow.
        key: the record's key.
        owner: who holds the lease (unique per worker, e.g. host, process id and a nonce).
        lease_version: fencing token: writes succeed only while the record still carries it.
        lease_expires_at: when the lease ends unless renewed; after that another owner may take
            the record over (the old owner's writes then raise
            :class:`~connector.store.errors.LeaseLostError`).
        action: why the record was claimed: :attr:`Action.SUBMIT`, :attr:`Action.RETRY_FAILED`,
            :attr:`Action.CHANGED_AFTER_DONE` (an update) or :attr:`Action.RECONCILE`.
        content_hash: the source version being worked on; written to the record by the next
            attempt.
        record: the record as the claim left it.
    """

    flow: str
    key: str
    owner: str
    lease_version: int
    lease_expires_at: datetime
    action: Action
    content_hash: str
    record: RecordSnapshot


@dataclass(frozen=True, slots=True)
class Submission:
    """One source record to claim and send, for
    :meth:`~connector.store.CheckpointStore.begin_submissions`.

    Attributes:
        key: the record's key.
        content_hash: hash of the source record.
        intent_hash: hash of the payload about to be sent.
        payload: the source record, saved with the claim so that a retry, a reconciliation or a
            takeover can work without the source yielding it again; ``None`` saves nothing.
        origin: where the source record came from, saved with ``payload``.
    """

    key: str
    content_hash: str
    intent_hash: str
    payload: JsonValue | None = None
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """What :meth:`~connector.store.CheckpointStore.complete_and_begin` did.

    Attributes:
        completed: for each completion, in order: the record as now recorded (``done``), or
            the :class:`~connector.store.LeaseLostError` of a claim that no longer held its
            lease (nothing was written for it; the new holder reconciles).
        claimed: for each submission, in order: its claim (the intent is durable: the request
            may leave), or the store's decision when the record was not claimed:
            :attr:`Action.BUSY` when another owner holds a live lease on the key, otherwise why
            sending is not allowed now (the decision
            :meth:`~connector.store.CheckpointStore.begin_submission` refuses with).
    """

    completed: list[RecordSnapshot | LeaseLostError]
    claimed: list[Claim | Decision]


class FileOutcome(StrEnum):
    """What became of a received file."""

    ACCEPTED = "accepted"
    """Processed; the same content dropped again is a duplicate."""
    REJECTED = "rejected"
    """Moved to ``error/``; the same content may be dropped again and is then processed."""


class Direction(StrEnum):
    """Which way an interchange travelled."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class ControlKind(StrEnum):
    """The control numbers an EDI adapter numbers per partner (X12 ISA13, GS06, ST02)."""

    INTERCHANGE = "interchange"
    GROUP = "group"
    TRANSACTION_SET = "transaction_set"


class RunStatus(StrEnum):
    """How a run of a flow ended."""

    RUNNING = "running"
    """Started and not finished (or its process died: a later run by the same owner tells)."""
    SUCCEEDED = "succeeded"
    """Every record reached a durable outcome without a failure."""
    PARTIAL = "partial"
    """The run finished, and some records failed or went dead."""
    FAILED = "failed"
    """The run itself failed (source unreachable, configuration error, ...)."""
    INTERRUPTED = "interrupted"
    """Stopped by a shutdown request; in-flight records were finished or released."""


class AuditAction(StrEnum):
    """What an operator (or the engine, on the operator's behalf) did to a record."""

    REPLAY = "replay"
    """A ``failed`` or ``dead`` record was sent back to ``pending``."""
    RESOLVE = "resolve"
    """A ``failed`` or ``dead`` record was declared handled (``done``) without sending."""
    ACKNOWLEDGE_CHANGE = "acknowledge_change"
    """A change to a ``done`` record's source was reported and deliberately not sent."""


@dataclass(frozen=True, slots=True)
class RunCounts:
    """What happened to records during one run (stored as a JSON object with these keys).

    Attributes:
        seen: source records read.
        submitted: records sent and confirmed ``done``.
        skipped: records unchanged since they were done.
        reconciled: records found at the destination after an unknown outcome.
        changed: ``done`` records whose source changed (reported or updated per policy).
        retried: records scheduled for another attempt.
        failed: records definitely rejected.
        dead: records whose retries ran out.
        in_doubt: records left ``submitting`` with an unknown outcome.
    """

    seen: int = 0
    submitted: int = 0
    skipped: int = 0
    reconciled: int = 0
    changed: int = 0
    retried: int = 0
    failed: int = 0
    dead: int = 0
    in_doubt: int = 0

    def to_json(self) -> dict[str, int]:
        """The counts as a JSON object."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunCounts:
        """Read counts back; keys this version does not know are ignored, missing ones are 0."""
        known = {field.name for field in fields(cls)}
        return cls(**{name: int(value) for name, value in data.items() if name in known})


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One run of a flow.

    Attributes:
        id: the run's number in the store.
        flow: the flow that ran.
        owner: the worker that ran it.
        status: how it ended (``RUNNING`` while it has not).
        started_at: when it started.
        finished_at: when it finished, ``None`` while running.
        counts: what happened to records.
        error: why the run failed, if it did.
    """

    id: int
    flow: str
    owner: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    counts: RunCounts
    error: str | None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A document written to a destination (the outbound ledger).

    Attributes:
        id: the entry's number in the store.
        flow: the flow that wrote it.
        key: the record key it was written for.
        destination: where it went (a partner's outbox, an ERP endpoint, ...).
        document_kind: what it is, in the adapter's terms (e.g. ``"x12-856"``).
        document_hash: hash of the document's bytes.
        remote_ref: the destination's reference (a file name, a record id), if any.
        written_at: when it was written.
    """

    id: int
    flow: str
    key: str
    destination: str
    document_kind: str
    document_hash: str
    remote_ref: str | None
    written_at: datetime


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record whose retries ran out, with what it would have sent.

    Attributes:
        id: the letter's number in the store.
        flow: the record's flow.
        key: the record's key.
        payload: the source record or payload the engine saved with it.
        error: the last error.
        created_at: when the record went dead.
    """

    id: int
    flow: str
    key: str
    payload: JsonValue
    error: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SavedPayload:
    """The latest source record the engine claimed for a key, kept with the claim.

    With it the engine can retry, reconcile, take over or replay a record whose source will not
    yield it again (its cursor moved on, its file was moved to ``archive/`` or ``error/``).

    Attributes:
        flow: the record's flow.
        key: the record's key.
        content_hash: the hash of this version of the source record.
        payload: the source record's payload.
        origin: where it came from (a file name, an ERP document number), if known.
        saved_at: when it was saved.
    """

    flow: str
    key: str
    content_hash: str
    payload: JsonValue
    origin: str | None
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One operator action on a record.

    Attributes:
        id: the entry's number in the store.
        flow: the record's flow.
        key: the record's key.
        action: what was done.
        actor: who did it.
        note: why, in the actor's words.
        at: when.
    """

    id: int
    flow: str
    key: str
    action: AuditAction
    actor: str
    note: str
    at: datetime
