"""The public surface of connector.store is exactly the intended names."""

from __future__ import annotations

import connector.store

INTENDED = {
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
}


def test_exported_names_are_exactly_the_intended_ones() -> None:
    assert set(connector.store.__all__) == INTENDED
    assert len(connector.store.__all__) == len(INTENDED)


def test_every_exported_name_resolves() -> None:
    missing = [name for name in connector.store.__all__ if not hasattr(connector.store, name)]
    assert missing == []


def test_store_errors_all_derive_from_store_error() -> None:
    errors = [
        connector.store.InvalidTransitionError,
        connector.store.LeaseLostError,
        connector.store.RecordNotFoundError,
        connector.store.SchemaMismatchError,
        connector.store.SubmissionRefusedError,
    ]
    assert all(issubclass(error, connector.store.StoreError) for error in errors)
