"""Fixtures shared by every test folder: a cache folder and a PostgreSQL schema of the test
session's own.

The cache (``AHEAD_CONNECTOR_CACHE_DIR``, where the X12 adapter composes its pyx12 maps) is a
temporary folder, so tests never write to the user's cache.

The server comes from ``AHEAD_TEST_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). When it cannot be reached, tests that need
it are skipped, except in CI (the ``CI`` environment variable is set), where they fail: CI must
never pass with the PostgreSQL tests silently left out. Mark such tests ``postgres``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

POSTGRES_URL_VARIABLE = "AHEAD_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session", autouse=True)
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    variable = "AHEAD_CONNECTOR_CACHE_DIR"
    before = os.environ.get(variable)
    os.environ[variable] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        del os.environ[variable]
    else:
        os.environ[variable] = before


def _running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a fresh, uniquely named PostgreSQL schema, dropped when the session ends.

    The schema is selected with ``search_path`` in the URL, so whatever connects with it
    creates and finds its tables there and never sees another test run's rows.
    """
    server = os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL)
    shown = make_url(server).render_as_string(hide_password=True)
    admin = create_engine(server, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as error:
        admin.dispose()
        reason = (
            f"PostgreSQL not reachable at {shown}; set {POSTGRES_URL_VARIABLE} "
            f"({str(error.orig).strip()})"
        )
        if _running_in_ci():
            pytest.fail(f"{reason}. CI must run the PostgreSQL tests.", pytrace=False)
        pytest.skip(reason)
    schema = f"ahead_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
