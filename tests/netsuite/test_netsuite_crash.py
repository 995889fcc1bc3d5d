"""A process running a NetSuite flow is killed (SIGKILL) at a step boundary of the
exactly-once protocol; the next runs finish the work and nothing exists twice: no AHEAD order
for a sales order, no item fulfillment for a shipment."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from netsuite_e2e_support import (
    Systems,
    netsuite_orders,
    records,
    running_systems,
    seed_sales_orders,
    ship,
)

from adapters.netsuite import RecordType
from connector.engine.observer import Step
from connector.runtime import Runtime

RUNNER = Path(__file__).resolve().parent / "netsuite_crash_runner.py"
OWNER = "netsuite-crash-test"
_KILLED = -9
_RUNS_TO_FINISH = 4


def _run(systems: Systems, flow: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = systems.deployment / "environ.json"
    environ.write_text(json.dumps(systems.environ), encoding="utf-8")
    command = [sys.executable, str(RUNNER), "--deployment", str(systems.deployment)]
    command += ["--environ", str(environ), "--flow", flow, "--owner", OWNER, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _kill_then_finish(systems: Systems, flow: str, step: Step) -> None:
    killed = _run(systems, flow, "--kill-at", step.value, "--kill-after", "2")
    assert killed.returncode == _KILLED, killed.stdout + killed.stderr
    for _ in range(_RUNS_TO_FINISH):
        time.sleep(0.05)
        finished = _run(systems, flow, "--recover")
        assert finished.returncode == 0, finished.stderr
        counts = json.loads(finished.stdout.splitlines()[-1])
        if not {"in_doubt", "waiting", "retrying"} & counts.keys():
            return
    pytest.fail(f"{flow} did not finish after the kill at {step}: {counts}")


@pytest.mark.parametrize("step", [Step.BEFORE_SEND, Step.AFTER_SEND, Step.OUTCOME_WRITTEN])
def test_orders_killed_at_a_step_boundary_reach_ahead_once(tmp_path: Path, step: Step) -> None:
    with running_systems(tmp_path / "acme") as systems:
        sales_orders = seed_sales_orders(systems.netsuite)

        _kill_then_finish(systems, "netsuite-orders", step)

        with Runtime.open(systems.deployment, environ=systems.environ) as runtime:
            orders = netsuite_orders(runtime.ahead)
        assert sorted(order.customer_order for order in orders) == sorted(
            f"salesOrder:{internal_id}" for internal_id in sales_orders
        )


@pytest.mark.parametrize("step", [Step.BEFORE_SEND, Step.AFTER_SEND, Step.OUTCOME_WRITTEN])
def test_shipments_killed_at_a_step_boundary_are_fulfilled_once(tmp_path: Path, step: Step) -> None:
    with running_systems(tmp_path / "acme") as systems:
        sales_orders = seed_sales_orders(systems.netsuite)
        with Runtime.open(systems.deployment, environ=systems.environ) as runtime:
            runtime.run_flow("netsuite-orders")
            ship(systems.ahead.base_url, netsuite_orders(runtime.ahead))

        _kill_then_finish(systems, "netsuite-shipments", step)

        fulfilled = [
            fulfillment["createdFrom"]["@internalId"]
            for fulfillment in records(systems.netsuite, RecordType.ITEM_FULFILLMENT)
        ]
        assert sorted(fulfilled) == sorted(sales_orders)
