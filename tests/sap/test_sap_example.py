"""The SAP example deployment runs with one command and does what its README says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "examples" / "sap" / "run_example.py"


def test_the_example_runs_against_the_simulators_and_sends_every_document_once(
    tmp_path: Path,
) -> None:
    deployment = tmp_path / "sap"

    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--folder", str(deployment)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "done: every document once" in result.stdout
    outbox = sorted(path.name for path in (deployment / "outbox").iterdir())
    assert [name.split("-")[0] for name in outbox] == ["desadv"] * 2 + ["invoic"] * 2
    reports = [json.loads(p.read_text()) for p in sorted((deployment / "reports").iterdir())]
    assert [report["verdict"] for report in reports] == ["matched", "matched"]
    assert sorted(path.name for path in (deployment / "error").iterdir()) == [
        "po-4500012347.xml",
        "po-4500012347.xml.error.txt",
    ]
