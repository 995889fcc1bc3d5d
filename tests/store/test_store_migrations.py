"""The shipped migrations, opening a store, and the connection settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool
from store_support import FakeClock, run_together

import connector.store
from connector.store import CheckpointStore, RecordState, SchemaMismatchError
from connector.store.database import SQLITE_BUSY_TIMEOUT_MS, create_store_engine
from connector.store.migrate import (
    MIGRATIONS_DIR,
    VERSION_TABLE,
    alembic_config,
    current_revision,
    head_revision,
)
from connector.store.tables import METADATA


def differences(url: str) -> list[object]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "version_table": VERSION_TABLE}
            )
            return list(compare_metadata(context, METADATA))
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def downgrade_to(url: str, revision: str) -> None:
    engine = create_store_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def older_revisions() -> list[str]:
    scripts = ScriptDirectory.from_config(alembic_config())
    history = [script.revision for script in scripts.walk_revisions()]
    return ["base", *reversed(history[1:])]


def test_migrations_produce_exactly_the_table_models(empty_database_url: str) -> None:
    CheckpointStore.open(empty_database_url).close()
    assert differences(empty_database_url) == []


def test_comparison_would_notice_a_schema_that_differs(empty_database_url: str) -> None:
    CheckpointStore.open(empty_database_url).close()
    engine = create_engine(empty_database_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_records_work"))
    engine.dispose()
    assert differences(empty_database_url) != []


@pytest.mark.parametrize("older", older_revisions())
def test_open_upgrades_a_database_at_an_older_revision(
    empty_database_url: str, older: str, clock: FakeClock
) -> None:
    CheckpointStore.open(empty_database_url).close()
    downgrade_to(empty_database_url, older)
    assert revision_of(empty_database_url) == (None if older == "base" else older)
    with CheckpointStore.open(empty_database_url, clock=clock) as store:
        assert revision_of(empty_database_url) == head_revision()
        claim = store.begin_submission("orders", "PO-1", "c1", "i", "a", 60)
        assert claim is not None
        assert claim.record.state is RecordState.SUBMITTING
    assert differences(empty_database_url) == []


def test_migrations_downgrade_to_an_empty_database(empty_database_url: str) -> None:
    CheckpointStore.open(empty_database_url).close()
    downgrade_to(empty_database_url, "base")
    engine = create_engine(empty_database_url, poolclass=NullPool)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert tables <= {VERSION_TABLE}


def test_opening_a_current_store_changes_nothing(
    open_store: Callable[..., CheckpointStore], store_url: str
) -> None:
    store = open_store()
    store.set_cursor("orders", "42")
    assert open_store().get_cursor("orders") == "42"
    assert revision_of(store_url) == head_revision()


def test_open_without_migrate_refuses_a_database_that_was_never_migrated(
    empty_database_url: str,
) -> None:
    with pytest.raises(SchemaMismatchError, match="migrate=True"):
        CheckpointStore.open(empty_database_url, migrate=False)


def test_open_without_migrate_accepts_a_current_database(empty_database_url: str) -> None:
    CheckpointStore.open(empty_database_url).close()
    CheckpointStore.open(empty_database_url, migrate=False).close()


@pytest.mark.parametrize("migrate", [True, False])
def test_open_refuses_a_database_written_by_a_newer_version(
    empty_database_url: str, migrate: bool
) -> None:
    CheckpointStore.open(empty_database_url).close()
    engine = create_engine(empty_database_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(SchemaMismatchError, match="newer version"):
        CheckpointStore.open(empty_database_url, migrate=migrate)


def test_stores_opened_at_once_on_a_new_database_all_work(empty_database_url: str) -> None:
    stores = run_together([lambda: CheckpointStore.open(empty_database_url) for _ in range(4)])
    try:
        for number, store in enumerate(stores):
            store.set_cursor(f"flow-{number}", "x")
        assert revision_of(empty_database_url) == head_revision()
    finally:
        for store in stores:
            store.close()


def test_many_stores_opening_one_new_sqlite_file_at_once_all_open(tmp_path: Path) -> None:
    # Switching a new file to WAL mode is refused at once while another connection holds it;
    # one round in several used to fail that way, so several rounds.
    for round_number in range(20):
        url = f"sqlite:///{tmp_path / f'state-{round_number}.db'}"
        stores = run_together([lambda url=url: CheckpointStore.open(url) for _ in range(6)])
        for store in stores:
            store.close()


def test_migrations_ship_inside_the_package() -> None:
    package = Path(connector.store.__file__).parent
    assert package / "migrations" == MIGRATIONS_DIR
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "versions" / "__init__.py").is_file()


def test_sqlite_connections_use_wal_busy_timeout_foreign_keys_and_full_sync(
    tmp_path: Path,
) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        with engine.connect() as connection:
            settings = {
                pragma: connection.exec_driver_sql(f"PRAGMA {pragma}").scalar()
                for pragma in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
    finally:
        engine.dispose()
    assert settings == {
        "journal_mode": "wal",
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
        "foreign_keys": 1,
        "synchronous": 2,
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://localhost/state", "SQLite or PostgreSQL"),
        ("sqlite://", "SQLite file"),
        ("sqlite:///:memory:", "SQLite file"),
        ("postgresql+psycopg2://localhost/state", "psycopg driver"),
    ],
)
def test_unsupported_store_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CheckpointStore.open(url)
