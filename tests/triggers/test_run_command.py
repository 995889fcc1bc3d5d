"""``ahead-connector run`` in a subprocess: SIGTERM stops it cleanly, mid-run, with nothing lost,
nothing sent twice and no record left claimed; a second Ctrl-C exits at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from triggers_support import ENVIRON, PATIENCE_SECONDS, wait_until, write_deployment

from adapters.filedrop import write_atomically
from connector.sandbox import SandboxConfig
from connector.sandbox.config import FaultRule, LifecycleConfig
from connector.sandbox.server import SandboxServer
from connector.sandbox.store import Table
from connector.store import CheckpointStore, RecordState

ORDERS = 12
ORDER_FLOW = """\
  orders:
    source: inbox
    sink: ahead
    watch: inbox
    concurrency: 2
"""
AHEAD_SINK = """\
  ahead:
    kind: ahead-orders
    role: sink
"""


def order(number: int) -> dict[str, object]:
    return {
        "purchase_order": f"PO-{number}",
        "customer_order": f"CO-{number}",
        "ship_method_id": 24,
        "recipient": {
            "name": "John L. Doe",
            "company": "John L. Doe Ltd.",
            "email": "jdoe@example.com",
            "phone": "1-555-555-6789",
            "address_1": "467 Highway #1",
            "city": "Toronto",
            "state": "ON",
            "zip": "M5A 1J3",
            "country": "CA",
        },
        "lines": [{"product_code": "StockBox 2000", "quantity": 1, "customs_declared_value": 12}],
    }


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    # Each order takes a while, so that SIGTERM arrives in the middle of the run.
    config = SandboxConfig(
        lifecycle=LifecycleConfig(release_after=None, ship_after=None),
        faults=[FaultRule(method="POST", path="/v2/customer_order_submissions", latency=0.2)],
    )
    with SandboxServer(config) as server:
        yield server


def connector(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from connector.cli import main; main()", *args],
        cwd=cwd,
        env={**os.environ, **ENVIRON},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def submitted(server: SandboxServer) -> list[str]:
    """The customer orders of the orders this test sent (the sandbox seeds some of its own)."""
    orders = server.sandbox.store.all(Table.CUSTOMER_ORDER_SUBMISSIONS)
    return [o["customer_order"] for o in orders if o["customer_order"].startswith("CO-")]


def test_sigterm_mid_run_exits_0_leaving_no_claimed_record_and_losing_none(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    write_deployment(tmp_path, flows=ORDER_FLOW, adapters=AHEAD_SINK, base_url=sandbox.base_url)
    for number in range(ORDERS):
        write_atomically(
            tmp_path / "inbox" / f"po-{number}.json", json.dumps(order(number)).encode()
        )

    daemon = connector(
        "run", "--deployment", str(tmp_path), "--settle-seconds", "0.05", cwd=tmp_path
    )
    try:
        wait_until(lambda: len(submitted(sandbox)) >= 2, "the first orders to arrive")
        daemon.send_signal(signal.SIGTERM)
        _, log = daemon.communicate(timeout=PATIENCE_SECONDS)
    finally:
        daemon.kill()
        daemon.wait()

    assert daemon.returncode == 0, log
    assert "SIGTERM received: stopping" in log
    assert "stopped cleanly" in log
    with CheckpointStore.open(f"sqlite:///{tmp_path / 'state.db'}") as store:
        records = store.list_records("orders", limit=1000)
        now = datetime.now(UTC)
        assert [r.key for r in records if r.state is RecordState.SUBMITTING] == []
        assert [r.key for r in records if r.lease_is_live(now)] == []
        done = {r.key for r in records if r.state is RecordState.DONE}
        last = store.last_run("orders")
    assert last is not None
    assert last.status.value == "interrupted", log
    # Stopped in the middle: some orders are still to send, and each one sent is recorded.
    assert done == set(submitted(sandbox))
    assert len(done) < ORDERS

    # Run to the end: every order arrives exactly once.
    finish = connector("sync", "orders", "--deployment", str(tmp_path), cwd=tmp_path)
    _, log = finish.communicate(timeout=PATIENCE_SECONDS * 2)
    assert finish.returncode == 0, log
    assert sorted(submitted(sandbox)) == sorted(f"CO-{n}" for n in range(ORDERS))


def test_run_with_a_configuration_problem_exits_2_naming_it(tmp_path: Path) -> None:
    write_deployment(tmp_path, flows="  orders:\n    source: inbox\n    sink: nowhere\n")
    daemon = connector("run", "--deployment", str(tmp_path), cwd=tmp_path)
    _, log = daemon.communicate(timeout=PATIENCE_SECONDS)
    assert daemon.returncode == 2
    assert "flows.orders.sink" in log


def test_run_with_a_missing_inbox_exits_2_naming_the_flow(tmp_path: Path) -> None:
    write_deployment(
        tmp_path, flows="  orders:\n    source: inbox\n    sink: outbox\n    watch: drops\n"
    )
    daemon = connector("run", "--deployment", str(tmp_path), cwd=tmp_path)
    _, log = daemon.communicate(timeout=PATIENCE_SECONDS)
    assert daemon.returncode == 2
    assert "flow orders watches" in log


STUCK_DAEMON = textwrap.dedent(
    """
    import sys, threading
    from connector.triggers import FlowRunner, StopSignals

    def stuck(flow, stop):
        print("running", flush=True)
        threading.Event().wait()  # ignores the stop event

    runner = FlowRunner(stuck)
    with StopSignals() as signals:
        runner("orders", "test")
        signals.stop_requested.wait()
        print("stopping", flush=True)
        runner.shutdown(timeout=600)
    """
)


def test_a_second_ctrl_c_exits_at_once_while_a_run_will_not_stop(tmp_path: Path) -> None:
    daemon = subprocess.Popen(
        [sys.executable, "-c", STUCK_DAEMON],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        assert daemon.stdout.readline() == "running\n"
        daemon.send_signal(signal.SIGINT)
        assert daemon.stdout.readline() == "stopping\n"
        daemon.send_signal(signal.SIGINT)
        _, log = daemon.communicate(timeout=PATIENCE_SECONDS)
    finally:
        daemon.kill()
        daemon.wait()
    assert daemon.returncode == 128 + signal.SIGINT
    assert "SIGINT again: exiting now" in log


def test_the_first_sigterm_lets_a_run_that_honours_stop_end_and_exits_normally(
    tmp_path: Path,
) -> None:
    script = textwrap.dedent(
        """
        from connector.triggers import FlowRunner, StopSignals

        def patient(flow, stop):
            print("running", flush=True)
            stop.wait()
            print("run stopped", flush=True)

        runner = FlowRunner(patient)
        with StopSignals() as signals:
            runner("orders", "test")
            signals.stop_requested.wait()
            assert runner.shutdown(timeout=60) == []
        print("exiting", flush=True)
        """
    )
    daemon = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert daemon.stdout is not None
        assert daemon.stdout.readline() == "running\n"
        daemon.send_signal(signal.SIGTERM)
        out, log = daemon.communicate(timeout=PATIENCE_SECONDS)
    finally:
        daemon.kill()
        daemon.wait()
    assert daemon.returncode == 0, log
    assert out == "run stopped\nexiting\n"
