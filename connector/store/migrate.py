"""Bringing a store's database to the schema this code expects, with the shipped migrations.

:meth:`CheckpointStore.open <connector.store.CheckpointStore.open>` calls :func:`upgrade` unless
told not to. Upgrading is safe when several processes open the same store at once: on PostgreSQL
they queue on an advisory lock, on SQLite on the write lock of one ``BEGIN IMMEDIATE``
transaction, and each migration runs inside that transaction (both databases have transactional
DDL), so a crash mid-upgrade leaves the previous revision intact.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from connector.store.database import Backend, writer
from connector.store.errors import SchemaMismatchError
from connector.store.locks import lock_key

VERSION_TABLE = "store_schema_version"
"""The table holding the store's schema revision (not alembic's default name, so that a database
shared with other alembic-managed schemas keeps them apart)."""

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_MIGRATION_LOCK = lock_key("connector.store.migrate")


def alembic_config() -> Config:
    """An alembic configuration for the shipped migrations; no ``alembic.ini`` is involved."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest schema revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise SchemaMismatchError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The database's schema revision, ``None`` if the store was never created in it."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Migrate the store's database to :func:`head_revision`.

    Returns:
        Whether any migration ran.

    Raises:
        SchemaMismatchError: if the database is at a revision this code does not know (written by a
            newer version of ahead-connector).
    """
    with writer(engine).begin() as connection:
        if engine.dialect.name == Backend.POSTGRESQL:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        current = current_revision(connection)
        _check_known(current)
        if current == head_revision():
            return False
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        return True


def ensure_current(engine: Engine) -> None:
    """Check that the database is at :func:`head_revision` without changing it.

    Raises:
        SchemaMismatchError: if it is not.
    """
    with engine.connect() as connection:
        current = current_revision(connection)
    _check_known(current)
    head = head_revision()
    if current != head:
        raise SchemaMismatchError(
            f"the store is at schema revision {current or 'none'}, this code needs {head}: "
            "open it with migrate=True to upgrade it"
        )


def _check_known(current: str | None) -> None:
    if current is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config())
    if current not in {script.revision for script in scripts.walk_revisions()}:
        raise SchemaMismatchError(
            f"the store is at schema revision {current}, which this version of ahead-connector "
            "does not know: it was written by a newer version"
        )
