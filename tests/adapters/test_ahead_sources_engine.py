"""The AHEAD sources under the engine: a real SQLite store, a sandbox on loopback, JSON files out.

These check what the cursor means to a flow: a run that fails on a 503 keeps the stored cursor
where it was, the next run sends what was missed, and a run with no changes sends nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from adapter_support import ahead_client
from ahead_sources_support import (
    INVOICES_PATH,
    ORDERS_PATH,
    SandboxOrders,
    invoice_source,
    own_sandbox,
    shipped_order_source,
    unique_prefix,
)

from adapters.ahead.positions import ListPosition
from adapters.base import AdapterContext, Source
from adapters.jsonfiles import JsonFileSink, JsonFileSinkSettings
from connector.api import AheadClient
from connector.engine import Engine, Flow, FlowPolicy
from connector.engine.report import RunStatus
from connector.sandbox import FaultRule, SandboxServer
from connector.store import CheckpointStore


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with own_sandbox() as running:
        yield running


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[AheadClient]:
    sandbox.sandbox.faults.set([])
    with ahead_client(sandbox) as made:
        yield made
    sandbox.sandbox.faults.set([])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CheckpointStore]:
    with CheckpointStore.open(f"sqlite:///{tmp_path / 'state.db'}") as opened:
        yield opened


def outbox_flow(name: str, source: Source, deployment: Path) -> Flow:
    settings = JsonFileSinkSettings(outbox=Path("outbox"))
    sink = JsonFileSink(settings, AdapterContext(f"{name}-out", deployment))
    return Flow(name, source, sink, policy=FlowPolicy(concurrency=2))


def sent(deployment: Path) -> dict[str, dict[str, object]]:
    """The documents in the outbox, by file name without ``.json``."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((deployment / "outbox").glob("*.json"))
    }


@pytest.mark.parametrize(
    ("kind", "failing_path"),
    [("shipments", ORDERS_PATH), ("invoices", INVOICES_PATH)],
)
def test_run_failing_on_a_503_keeps_the_cursor_and_the_next_run_sends_what_it_missed(
    sandbox: SandboxServer,
    client: AheadClient,
    store: CheckpointStore,
    tmp_path: Path,
    kind: str,
    failing_path: str,
) -> None:
    prefix = unique_prefix("FLOW")
    make = shipped_order_source if kind == "shipments" else invoice_source
    flow = outbox_flow(kind, make(client, tmp_path, customer_order_prefix=prefix), tmp_path)
    engine = Engine(store)
    orders = SandboxOrders(sandbox, client)
    orders.ship(f"{prefix}1")
    assert engine.run(flow).status is RunStatus.SUCCEEDED
    cursor = store.get_cursor(kind)
    assert cursor is not None
    assert len(sent(tmp_path)) == 1

    orders.ship(f"{prefix}2")
    sandbox.sandbox.faults.set(
        [FaultRule(method="GET", path=failing_path, error_rate=1.0, error_status=503)]
    )
    failed = engine.run(flow)
    assert failed.status is RunStatus.FAILED
    assert failed.error is not None
    assert "answered 503" in failed.error
    assert store.get_cursor(kind) == cursor
    assert len(sent(tmp_path)) == 1

    sandbox.sandbox.faults.set([])
    assert engine.run(flow).status is RunStatus.SUCCEEDED
    assert len(sent(tmp_path)) == 2
    assert store.get_cursor(kind) != cursor


def test_runs_with_no_changes_send_nothing_again_even_from_the_start_of_the_list(
    sandbox: SandboxServer, client: AheadClient, store: CheckpointStore, tmp_path: Path
) -> None:
    prefix = unique_prefix("FLOW")
    source = shipped_order_source(client, tmp_path, customer_order_prefix=prefix)
    flow = outbox_flow("shipments", source, tmp_path)
    engine = Engine(store)
    orders = SandboxOrders(sandbox, client)
    for number in range(3):
        orders.ship(f"{prefix}{number}")
    assert engine.run(flow).counts.submitted == 3
    sent_first = sent(tmp_path)
    assert sorted(sent_first) == sorted(f"{prefix}{number}" for number in range(3))

    from_cursor = engine.run(flow)
    assert from_cursor.status is RunStatus.SUCCEEDED
    assert from_cursor.counts.seen == 0

    store.set_cursor("shipments", ListPosition.start("customer_order_submissions").encode())
    from_start = engine.run(flow)
    assert from_start.status is RunStatus.SUCCEEDED
    assert (from_start.counts.seen, from_start.counts.skipped) == (3, 3)
    assert from_start.counts.submitted == from_start.counts.changed == 0
    assert sent(tmp_path) == sent_first
