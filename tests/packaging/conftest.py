"""The packaging tests' marker: ``pytest -m "not wheel"`` leaves out the wheel build."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "wheel: builds ahead-connector's wheel offline from the working tree and installs it "
        "into a temporary folder (about 10 s)",
    )
