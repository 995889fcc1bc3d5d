"""The NetSuite example deployment runs with one command against both simulators."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "netsuite" / "run_example.py"


def test_the_example_runs_every_flow_and_reports_fulfillments_and_bills(tmp_path: Path) -> None:
    deployment = tmp_path / "acme-netsuite"

    finished = subprocess.run(
        [sys.executable, str(EXAMPLE), "--deployment", str(deployment)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    lines = finished.stdout.splitlines()
    assert "flow netsuite-orders: 2 read, 2 sent, 0 skipped, 0 failed (succeeded)" in lines
    for flow in ("netsuite-shipments", "netsuite-order-status", "netsuite-invoices"):
        assert f"flow {flow}: 2 read, 2 sent, 0 skipped, 0 failed (succeeded)" in lines
    assert sum("item fulfillment IF" in line for line in lines) == 2
    assert sum(line.startswith("vendor bill ") for line in lines) == 2
    assert lines[-1] == "done"
    assert (deployment / "connector.yaml").is_file()
    assert (deployment / "state.db").is_file()
