"""The checkpoint store: durable record states, leases, cursors and history for the sync engine.

The pure part (no I/O) decides what to do with a source record (:func:`decide`) and when to retry
(:class:`RetryPolicy`); :class:`CheckpointStore` keeps the state on SQLite or PostgreSQL and
enforces the exactly-once protocol with leases, fencing and one transaction per step. The state
machine itself (events and allowed transitions) is in :mod:`connector.store.states`.

Each name is imported from its module on first use, so that the record states
(:mod:`connector.store.states`) can be imported without the database libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connector.lazy import lazy_exports

if TYPE_CHECKING:
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

#: The module that defines each exported name.
_MODULES = {
    "Action": "connector.store.decisions",
    "AuditAction": "connector.store.shapes",
    "AuditEntry": "connector.store.shapes",
    "Backend": "connector.store.database",
    "ChangePolicy": "connector.store.decisions",
    "CheckpointStore": "connector.store.store",
    "Claim": "connector.store.shapes",
    "Clock": "connector.store.store",
    "ControlKind": "connector.store.shapes",
    "DeadLetter": "connector.store.shapes",
    "Decision": "connector.store.decisions",
    "Direction": "connector.store.shapes",
    "FileOutcome": "connector.store.shapes",
    "GroupOutcome": "connector.store.shapes",
    "InvalidTransitionError": "connector.store.errors",
    "JsonValue": "connector.store.shapes",
    "LeaseLostError": "connector.store.errors",
    "LedgerEntry": "connector.store.shapes",
    "RecordNotFoundError": "connector.store.errors",
    "RecordSnapshot": "connector.store.states",
    "RecordState": "connector.store.states",
    "RetryPolicy": "connector.store.retry",
    "RunCounts": "connector.store.shapes",
    "RunInfo": "connector.store.shapes",
    "RunStatus": "connector.store.shapes",
    "SavedPayload": "connector.store.shapes",
    "SchemaMismatchError": "connector.store.errors",
    "StoreError": "connector.store.errors",
    "Submission": "connector.store.shapes",
    "SubmissionRefusedError": "connector.store.errors",
    "decide": "connector.store.decisions",
    "system_clock": "connector.store.store",
}

if not TYPE_CHECKING:
    # Hidden from the type checker, which would otherwise take any misspelt name for a valid one.
    __getattr__, __dir__ = lazy_exports(__name__, _MODULES)

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
