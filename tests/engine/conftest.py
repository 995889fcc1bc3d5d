"""Fixtures for the engine tests: a checkpoint store on SQLite and on PostgreSQL, a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_support import FakeClock
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from connector.store import CheckpointStore
from connector.store.tables import METADATA

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLite file of the test's own, or this session's PostgreSQL schema (emptied after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.db'}"
        return
    url = str(request.getfixturevalue("postgres_url"))
    yield url
    engine = create_engine(url, poolclass=NullPool)
    names = ", ".join(f'"{table.name}"' for table in METADATA.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
    engine.dispose()


@pytest.fixture
def store(store_url: str, clock: FakeClock) -> Iterator[CheckpointStore]:
    with CheckpointStore.open(store_url, clock=clock) as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path, clock: FakeClock) -> Iterator[CheckpointStore]:
    with CheckpointStore.open(f"sqlite:///{tmp_path / 'state.db'}", clock=clock) as opened:
        yield opened
