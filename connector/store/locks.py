"""Named single-runner locks: PostgreSQL advisory locks, or lease rows on SQLite.

On PostgreSQL the lock belongs to a database session, so it is held on a connection set aside for
the duration and vanishes with it if the process dies. SQLite has no such session lock; there a
row in ``locks`` names the owner and an expiry, after which anyone may take the lock over, so a
crashed holder blocks the flow for at most ``lease_seconds``.

These locks keep a single-runner flow from running twice at once; they are not what makes sends
exactly-once (record leases and fencing do that). If a PostgreSQL connection drops while the lock
is held, the server releases the lock without the holder noticing; a second runner may then
start, and record leases still keep the two from sending the same record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from connector.store.tables import LockRow

_NAMESPACE = b"ahead-connector:"


def lock_key(name: str) -> int:
    """A stable signed 64-bit PostgreSQL advisory lock key for ``name``."""
    digest = hashlib.blake2b(_NAMESPACE + name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def postgres_advisory_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Hold ``pg_try_advisory_lock`` for ``name`` on a dedicated connection; yield if acquired."""
    key = lock_key(name)
    with engine.connect() as connection:
        acquired = bool(
            connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        )
        connection.commit()
        try:
            yield acquired
        finally:
            if acquired:
                _unlock(connection, key)


def _unlock(connection: Connection, key: int) -> None:
    try:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()
    except BaseException:
        # A session lock must not go back to the pool with the connection: discard it, which
        # ends the session and the lock with it.
        connection.invalidate()
        raise


@contextmanager
def sqlite_lease_lock(
    engine: Engine, name: str, owner: str, now: datetime, lease: timedelta
) -> Iterator[bool]:
    """Hold the lease row for ``name`` in ``locks``; yield whether it was acquired.

    ``engine`` must begin writing transactions (see :func:`connector.store.database.writer`).
    """
    with Session(engine) as session, session.begin():
        row = session.exec(select(LockRow).where(LockRow.name == name)).one_or_none()
        acquired = row is None or row.expires_at <= now
        if acquired:
            if row is None:
                row = LockRow(name=name, owner=owner, expires_at=now + lease)
            else:
                row.owner = owner
                row.expires_at = now + lease
            session.add(row)
    try:
        yield acquired
    finally:
        if acquired:
            with Session(engine) as session, session.begin():
                session.execute(
                    delete(LockRow).where(col(LockRow.name) == name, col(LockRow.owner) == owner)
                )
