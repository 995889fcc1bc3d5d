"""Connecting to the store's database: SQLite or PostgreSQL, and how transactions begin.

SQLite connections run in WAL mode (readers never block the writer), wait up to
:data:`SQLITE_BUSY_TIMEOUT_MS` for a lock instead of failing, enforce foreign keys, and use
``synchronous=FULL``: the intent must survive a power cut once the request has left.

SQLAlchemy, not the ``sqlite3`` module, begins SQLite transactions, so that a writing transaction
can start with ``BEGIN IMMEDIATE``: it takes the write lock up front, and two writers never both
read a row and then both decide to claim it. Reading transactions start with a plain ``BEGIN``.
"""

from __future__ import annotations

import sqlite3
import time
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import Connection

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another writer before giving up."""

WAL_SWITCH_RETRY_SECONDS = 0.01
"""Pause between attempts to put a new SQLite database in WAL mode while another connection
holds it."""

_WRITE_OPTION = "connector_store_write"


class Backend(StrEnum):
    """The database products the store runs on."""

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


def backend_of(url: str) -> Backend:
    """The backend a store URL names.

    Raises:
        ValueError: for any other database, or a PostgreSQL driver other than psycopg 3.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Backend.SQLITE
    if parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise ValueError(
                f"use the psycopg driver for PostgreSQL: postgresql+psycopg://..., not {url!r}"
            )
        return Backend.POSTGRESQL
    raise ValueError(f"the checkpoint store runs on SQLite or PostgreSQL, not {url!r}")


def create_store_engine(url: str) -> Engine:
    """An engine for the store at ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    Raises:
        ValueError: if the URL names another database, or an in-memory SQLite database (each
            connection would see a different, empty database).
    """
    backend = backend_of(url)
    if backend is Backend.POSTGRESQL:
        return create_engine(url, pool_pre_ping=True)
    database = make_url(url).database
    if not database or database == ":memory:" or "mode=memory" in url:
        raise ValueError(f"the checkpoint store needs a SQLite file, not {url!r}")
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, with transactions that begin as writers (``BEGIN IMMEDIATE`` on SQLite).

    PostgreSQL needs no such mode: the store locks the rows it writes (``FOR UPDATE``).
    """
    return engine.execution_options(**{_WRITE_OPTION: True})


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    # No implicit BEGIN from the sqlite3 module: _begin_sqlite_transaction emits it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        _use_wal(cursor)
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def _use_wal(cursor: sqlite3.Cursor) -> None:
    # Switching a new database to WAL needs it to itself for a moment, and SQLite answers
    # "database is locked" at once, without its busy handler, while another connection (another
    # store opening the same new file) holds a lock: wait here as the busy timeout would.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_SWITCH_RETRY_SECONDS)


def _begin_sqlite_transaction(connection: Connection) -> None:
    # Straight to the driver: this runs for every transaction, and a BEGIN needs none of
    # SQLAlchemy's statement handling.
    begin = "BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITE_OPTION) else "BEGIN"
    connection.connection.driver_connection.execute(begin)  # type: ignore[union-attr]
