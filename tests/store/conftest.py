"""Fixtures for the checkpoint store: the same tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool
from store_support import FakeClock

from connector.store import CheckpointStore
from connector.store.tables import METADATA

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _with_schema(url: str, schema: str) -> str:
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store's URL: a SQLite file of the test's own, or this session's PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def open_store(store_url: str, clock: FakeClock) -> Iterator[Callable[..., CheckpointStore]]:
    """Opens stores on the test's database (several act like several processes); closes them.

    On PostgreSQL the session's schema is shared by all tests, so its tables are emptied after
    each test.
    """
    opened: list[CheckpointStore] = []

    def open_one(**options: Any) -> CheckpointStore:
        options.setdefault("clock", clock)
        store = CheckpointStore.open(store_url, **options)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        store.close()
    if store_url.startswith("postgresql"):
        engine = create_engine(store_url, poolclass=NullPool)
        names = ", ".join(f'"{table.name}"' for table in METADATA.sorted_tables)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
        engine.dispose()


@pytest.fixture
def store(open_store: Callable[..., CheckpointStore]) -> CheckpointStore:
    return open_store()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no store in it yet: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    session_url = str(request.getfixturevalue("postgres_url"))
    schema = f"ahead_test_{os.getpid()}_{secrets.token_hex(4)}"
    engine = create_engine(session_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_schema(session_url, schema)
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()
