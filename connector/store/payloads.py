"""Saving the source record claimed for a key (``saved_payloads``) inside a transaction.

Internal to the store. Written with every claim of a source record, so the statement is built
once per database and reused; the caller's transaction commits it together with the claim.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from connector.store.database import Backend
from connector.store.shapes import SavedPayload
from connector.store.tables import SavedPayloadRow

SAVED_PAYLOADS: Table = SavedPayloadRow.__table__  # type: ignore[attr-defined]

_REPLACED = ("content_hash", "payload", "origin", "saved_at")


def _sqlite_upsert() -> Insert:
    statement = sqlite.insert(SAVED_PAYLOADS)
    replaced = {name: statement.excluded[name] for name in _REPLACED}
    return statement.on_conflict_do_update(index_elements=["flow", "key"], set_=replaced)


def _postgresql_upsert() -> Insert:
    statement = postgresql.insert(SAVED_PAYLOADS)
    replaced = {name: statement.excluded[name] for name in _REPLACED}
    return statement.on_conflict_do_update(index_elements=["flow", "key"], set_=replaced)


_UPSERTS = {Backend.SQLITE: _sqlite_upsert(), Backend.POSTGRESQL: _postgresql_upsert()}


def save(connection: Connection, backend: Backend, saved: Sequence[SavedPayload]) -> None:
    """Save (or replace) the source records kept for their keys, in one statement."""
    if saved:
        rows = [
            {
                "flow": item.flow,
                "key": item.key,
                "content_hash": item.content_hash,
                "payload": item.payload,
                "origin": item.origin,
                "saved_at": item.saved_at,
            }
            for item in saved
        ]
        connection.execute(_UPSERTS[backend], rows)
