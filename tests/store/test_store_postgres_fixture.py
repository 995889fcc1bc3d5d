"""The shared PostgreSQL fixture: skipped with a reason locally, a failure in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
A_POSTGRES_TEST = "tests/store/test_store_locks.py::test_advisory_lock_is_not_reentrant[postgresql]"
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:9/test"


def run_without_postgres(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AHEAD_TEST_POSTGRES_URL": NOWHERE}
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", A_POSTGRES_TEST, "-p", "no:cacheprovider", "-rs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_unreachable_postgres_skips_with_the_url_and_the_variable_to_set() -> None:
    result = run_without_postgres(ci=None)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "PostgreSQL not reachable at postgresql+psycopg://postgres@127.0.0.1:9/test" in (
        result.stdout
    )
    assert "set AHEAD_TEST_POSTGRES_URL" in result.stdout


def test_unreachable_postgres_fails_in_ci() -> None:
    result = run_without_postgres(ci="true")
    assert result.returncode == 1, result.stdout
    assert "CI must run the PostgreSQL tests" in result.stdout
    assert "skipped" not in result.stdout
