"""The checkpoint store: durable record states, leases, cursors and history for the sync engine.

The pure part (no I/O) decides what to do with a source record (:func:`decide`) and when to retry
(:class:`RetryPolicy`); :class:`CheckpointStore` keeps the state on SQLite or PostgreSQL and
enforces the exactly-once protocol with leases, fencing and one transaction per step. The state
machine itself (events and allowed transitions) is in :mod:`connector.store.states`.
"""

from connector.store.database import Backend
from connector.store.decisions import Action, ChangePolicy, Decision, decide
from connector.store.errors import (
    InvalidTransitionError,
    LeaseLostError,
    RecordNotFoundError,
    SchemaMismatchError,
    StoreError,
    SubmissionRefusedError,
)
from connector.store.retry import RetryPolicy
from connector.store.shapes import (
    AuditAction,
    AuditEntry,
    Claim,
    ControlKind,
    DeadLetter,
    Direction,
    FileOutcome,
    GroupOutcome,
    JsonValue,
    LedgerEntry,
    RunCounts,
    RunInfo,
    RunStatus,
    SavedPayload,
    Submission,
)
from connector.store.states import RecordSnapshot, RecordState
from connector.store.store import CheckpointStore, Clock, system_clock

__all__ = [
    "Action",
    "AuditAction",
    "AuditEntry",
    "Backend",
    "ChangePolicy",
    "CheckpointStore",
    "Claim",
    "Clock",
    "ControlKind",
    "DeadLetter",
    "Decision",
    "Direction",
    "FileOutcome",
    "GroupOutcome",
    "InvalidTransitionError",
    "JsonValue",
    "LeaseLostError",
    "LedgerEntry",
    "RecordNotFoundError",
    "RecordSnapshot",
    "RecordState",
    "RetryPolicy",
    "RunCounts",
    "RunInfo",
    "RunStatus",
    "SavedPayload",
    "SchemaMismatchError",
    "StoreError",
    "Submission",
    "SubmissionRefusedError",
    "decide",
    "system_clock",
]
