"""The example deployment's script as a module, so tests build the same deployment."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).parents[2] / "examples" / "sap" / "run_example.py"


def load_example() -> ModuleType:
    """``examples/sap/run_example.py``, imported (its ``main`` is not run)."""
    spec = importlib.util.spec_from_file_location("sap_run_example", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
