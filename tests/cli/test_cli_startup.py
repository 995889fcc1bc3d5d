"""Start-up of the command line: help and the version import none of the heavy libraries.

Operators run ``--help``, ``status`` and ``records`` often; each command imports the database,
web, SOAP, X12 and template libraries it needs when it runs, not when the command line starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: Top-level packages that only the commands that use them may import.
HEAVY = (
    "alembic",
    "apscheduler",
    "fastapi",
    "httpx",
    "jinja2",
    "lxml",
    "pyx12",
    "sqlalchemy",
    "sqlmodel",
    "starlette",
    "uvicorn",
    "watchdog",
    "zeep",
)

#: Runs the console script's entry point with the given arguments, then writes down which heavy
#: modules ended up imported.
_PROBE = """
import json, sys
from connector.cli import main

heavy, report, *arguments = sys.argv[1:]
sys.argv = ["ahead-connector", *arguments]
try:
    main()
except SystemExit as stop:
    code = stop.code
else:
    code = 0
imported = sorted({m.split(".")[0] for m in sys.modules} & set(heavy.split(",")))
with open(report, "w", encoding="utf-8") as file:
    json.dump({"code": code, "imported": imported}, file)
"""


def _heavy_imports(tmp_path: Path, *arguments: str) -> list[str]:
    report = tmp_path / "report.json"
    finished = subprocess.run(
        [sys.executable, "-c", _PROBE, ",".join(HEAVY), str(report), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    outcome = json.loads(report.read_text(encoding="utf-8"))
    assert outcome["code"] in (0, None), finished.stderr
    assert "Usage:" in finished.stdout or "ahead-connector " in finished.stdout
    imported: list[str] = outcome["imported"]
    return imported


@pytest.mark.parametrize(
    "arguments",
    [
        ["--help"],
        ["--version"],
        ["status", "--help"],
        ["records", "list", "--help"],
        ["api", "items", "list", "--help"],
        ["mapping", "test", "--help"],
        ["demo", "--help"],
        ["simulate", "sap", "--help"],
    ],
    ids=" ".join,
)
def test_help_and_version_import_no_heavy_library(tmp_path: Path, arguments: list[str]) -> None:
    assert _heavy_imports(tmp_path, *arguments) == []
