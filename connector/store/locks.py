"""Named single-runner locks: PostgreSQL advisory locks, or lease rows on SQLite.

On PostgreSQL the lock belongs to a database session, so it is held on a connection set aside for
the duration and vanishes with it if the process dies. SQLite has no such session lock; there a
row in ``locks`` names the owner and an expiry, after which anyone may take the lock over, so a
crashed holder blocks the flow for at most ``lease_seconds``. A holder renews its row from a
background thread once a third of the lease has passed, so a long run keeps its lock.

These locks keep a single-runner flow from running twice at once; they are not what makes sends
exactly-once (record leases and fencing do that). If a PostgreSQL connection drops while the lock
is held, the server releases the lock without the holder noticing; a second runner may then
start, and record leases still keep the two from sending the same record.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, text, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from connector.store.tables import LockRow

logger = logging.getLogger(__name__)

_NAMESPACE = b"ahead-connector:"

RENEW_WHEN_USED = 1 / 3
"""A SQLite lock's lease is renewed each time this fraction of it has passed, so two renewals
can fail in a row before it expires."""


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
    engine: Engine, name: str, owner: str, clock: Callable[[], datetime], lease: timedelta
) -> Iterator[bool]:
    """Hold the lease row for ``name`` in ``locks``, renewed while held; yield whether it was
    acquired.

    ``engine`` must begin writing transactions (see :func:`connector.store.database.writer`).
    A renewal that fails is logged and tried again; one that finds the row taken over (the
    holder was stalled past its lease) is logged as an error and renewal stops: the record
    leases still keep two runners from sending the same record.
    """
    with Session(engine) as session, session.begin():
        row = session.exec(select(LockRow).where(LockRow.name == name)).one_or_none()
        now = clock()
        acquired = row is None or row.expires_at <= now
        if acquired:
            if row is None:
                row = LockRow(name=name, owner=owner, expires_at=now + lease)
            else:
                row.owner = owner
                row.expires_at = now + lease
            session.add(row)
    if not acquired:
        yield False
        return
    stopped = threading.Event()
    renewal = threading.Thread(
        target=_renew_until_stopped,
        args=(engine, name, owner, clock, lease, stopped),
        name=f"ahead-lock-{name}",
        daemon=True,
    )
    renewal.start()
    try:
        yield True
    finally:
        stopped.set()
        renewal.join()
        with Session(engine) as session, session.begin():
            session.execute(
                delete(LockRow).where(col(LockRow.name) == name, col(LockRow.owner) == owner)
            )


def _renew_until_stopped(
    engine: Engine,
    name: str,
    owner: str,
    clock: Callable[[], datetime],
    lease: timedelta,
    stopped: threading.Event,
) -> None:
    while not stopped.wait(lease.total_seconds() * RENEW_WHEN_USED):
        try:
            with engine.begin() as connection:
                renewed = connection.execute(
                    update(LockRow)
                    .where(col(LockRow.name) == name, col(LockRow.owner) == owner)
                    .values(expires_at=clock() + lease)
                ).rowcount
        except Exception:
            logger.warning("renewing the lock %r failed; trying again", name, exc_info=True)
            continue
        if not renewed:
            logger.error(
                "the lock %r was taken over by another runner after its lease ran out; "
                "it is no longer renewed",
                name,
            )
            return
