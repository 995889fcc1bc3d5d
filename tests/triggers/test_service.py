"""TriggerService on a real deployment: files, schedules and webhooks run the flows through the
runtime; stopping leaves nothing running."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from triggers_support import ENVIRON, free_port, wait_until, write_deployment

from adapters.filedrop import write_atomically
from connector.api import signing
from connector.runtime import Runtime
from connector.store import RecordState
from connector.triggers import TriggerOptions, TriggerService

FAST = TriggerOptions(settle_seconds=0.05, rescan_seconds=0.5, shutdown_timeout=15)

WATCHED = """\
  orders:
    source: inbox
    sink: outbox
    watch: inbox
"""


def order(customer_order: str) -> bytes:
    return json.dumps(
        {"customer_order": customer_order, "lines": [{"sku": "A", "qty": 1}]}
    ).encode()


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    write_deployment(tmp_path, flows=WATCHED)
    with Runtime.open(tmp_path, environ=ENVIRON) as runtime:
        yield runtime


@pytest.fixture
def service(runtime: Runtime) -> Iterator[TriggerService]:
    with TriggerService(runtime, FAST) as service:
        yield service


def test_a_file_dropped_in_a_watched_inbox_is_delivered_and_archived(
    tmp_path: Path, service: TriggerService
) -> None:
    write_atomically(tmp_path / "inbox" / "po-1.json", order("CO-1"))

    wait_until(lambda: (tmp_path / "archive" / "po-1.json").exists(), "the file to be archived")
    assert json.loads((tmp_path / "outbox" / "CO-1.json").read_text())["customer_order"] == "CO-1"
    assert not (tmp_path / "inbox" / "po-1.json").exists()


def test_the_same_file_dropped_twice_is_delivered_once(
    tmp_path: Path, runtime: Runtime, service: TriggerService
) -> None:
    write_atomically(tmp_path / "inbox" / "po-1.json", order("CO-1"))
    wait_until(lambda: (tmp_path / "archive" / "po-1.json").exists(), "the first drop")
    delivered = tmp_path / "outbox" / "CO-1.json"
    first_delivery = delivered.stat()
    write_atomically(tmp_path / "inbox" / "po-1.json", order("CO-1"))

    # The second drop is archived once a run has read it and found its record done already.
    # Runs queued by the same events may follow that one, so no single run is looked at.
    wait_until(lambda: (tmp_path / "archive" / "po-1.1.json").exists(), "the second drop")
    wait_until(lambda: not service.runner.running(), "the runs to end")
    record = runtime.store.get("orders", "CO-1")
    assert record is not None
    assert (record.state, record.attempts) == (RecordState.DONE, 1)
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == ["CO-1.json"]
    second_look = delivered.stat()
    assert (second_look.st_ino, second_look.st_mtime_ns) == (
        first_delivery.st_ino,
        first_delivery.st_mtime_ns,
    ), "the order was written to the outbox again"
    assert list((tmp_path / "inbox").iterdir()) == []


def test_a_file_that_fails_moves_to_error_with_a_report(
    tmp_path: Path, service: TriggerService
) -> None:
    write_atomically(tmp_path / "inbox" / "po-bad.json", b'{"customer_order": ')

    wait_until(lambda: (tmp_path / "error" / "po-bad.json").exists(), "the file in error/")
    report = (tmp_path / "error" / "po-bad.json.error.txt").read_text()
    assert "po-bad.json" in report
    assert list((tmp_path / "outbox").iterdir()) == []


def test_files_waiting_at_start_are_delivered(tmp_path: Path, runtime: Runtime) -> None:
    for number in range(3):
        write_atomically(tmp_path / "inbox" / f"po-{number}.json", order(f"CO-{number}"))

    with TriggerService(runtime, FAST):
        wait_until(lambda: len(list((tmp_path / "archive").iterdir())) == 3, "three archived")
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == [
        "CO-0.json",
        "CO-1.json",
        "CO-2.json",
    ]


def test_scheduled_flows_run_and_disabled_ones_never_do(tmp_path: Path) -> None:
    write_deployment(
        tmp_path,
        flows="""\
  invoices:
    source: inbox
    sink: outbox
    schedule: {interval: 0.05}
  old:
    source: inbox
    sink: outbox
    schedule: {interval: 0.05}
    enabled: false
""",
    )
    with Runtime.open(tmp_path, environ=ENVIRON) as runtime:
        with TriggerService(runtime, FAST) as service:
            assert set(service.scheduler.schedules) == {"invoices"}
            wait_until(lambda: _runs(runtime, "invoices") >= 2, "two scheduled runs")
        assert runtime.store.last_run("old") is None


def test_a_signed_shipped_webhook_runs_the_shipments_flow(tmp_path: Path) -> None:
    (tmp_path / "shipped").mkdir()
    write_deployment(
        tmp_path,
        adapters="""\
  shipped:
    kind: jsonfiles
    role: source
    settings: {inbox: shipped, key_field: customer_order}
""",
        flows="""\
  shipments:
    source: shipped
    sink: outbox
""",
        webhook_port=free_port(),
    )
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "event": "order.shipped",
            "created_at": datetime.now(UTC).isoformat(),
            "data": {"id": 1},
        }
    ).encode()
    signature = signing.webhook_signature(ENVIRON["AHEAD_WEBHOOK_SECRET"], body)

    with (
        Runtime.open(tmp_path, environ=ENVIRON) as runtime,
        TriggerService(runtime, FAST) as service,
    ):
        assert service.webhook_url is not None
        answer = httpx.post(
            service.webhook_url,
            content=body,
            headers={signing.WEBHOOK_SIGNATURE_HEADER: signature},
        )
        assert answer.status_code == 202, answer.text
        wait_until(lambda: _runs(runtime, "shipments") >= 1, "the shipments run")


def test_a_missing_inbox_fails_the_start_and_leaves_no_trigger_running(tmp_path: Path) -> None:
    port = free_port()
    write_deployment(
        tmp_path,
        flows="""\
  invoices:
    source: inbox
    sink: outbox
    schedule: {interval: 0.05}
  orders:
    source: inbox
    sink: outbox
    watch: drops
""",
        webhook_port=port,
    )
    with Runtime.open(tmp_path, environ=ENVIRON) as runtime:
        service = TriggerService(runtime, FAST)
        with pytest.raises(FileNotFoundError, match=r"flow orders watches .*drops"):
            service.start()
        assert service.scheduler.next_run("invoices") is None
        # The webhook port was never taken, or was given back.
        with socket.create_server(("127.0.0.1", port)):
            pass


def test_a_webhook_port_in_use_fails_the_start(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        write_deployment(tmp_path, flows=WATCHED, webhook_port=taken.getsockname()[1])
        with Runtime.open(tmp_path, environ=ENVIRON) as runtime:
            service = TriggerService(runtime, FAST)
            with pytest.raises(OSError, match="in use"):
                service.start()
            assert service.watchers[0]._thread is not None
            assert not service.watchers[0]._thread.is_alive()


def _runs(runtime: Runtime, flow: str) -> int:
    last = runtime.store.last_run(flow)
    return 0 if last is None else last.id
