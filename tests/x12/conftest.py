"""Fixtures for the X12 tests: one composed pyx12 map directory and one validator per session.

The map directory is composed into the session's temporary folder, never the user's cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.x12.mapdir import map_directory
from adapters.x12.validation import TransactionSetValidator


@pytest.fixture(scope="session")
def x12_map_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The composed map directory (pyx12's maps and ours)."""
    return map_directory(tmp_path_factory.mktemp("x12-cache"))


@pytest.fixture(scope="session")
def x12_validator(x12_map_dir: Path) -> TransactionSetValidator:
    """A validator over the composed maps, shared by the session: it loads each map once."""
    return TransactionSetValidator(x12_map_dir)
