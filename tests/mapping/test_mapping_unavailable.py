"""AHEAD down while a flow's mapping loads its reference data: the record waits for a retry
instead of failing, its file stays in the inbox and nothing is sent; once AHEAD answers again,
the next run delivers it exactly once. A value AHEAD does not know still fails its record.

Real parts: the sandbox over loopback with its fault rules, the stock 850 mapping with lookups
over the AHEAD client, the JSON files inbox, the AHEAD order sink and a SQLite store."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from mapping_support import purchase_order

from adapters.base import AdapterContext, Sink, Source
from adapters.registry import Role, build_adapter
from connector.api import AheadClient, AuthError, HmacAuth, RetryPolicy
from connector.engine import Engine, Flow, MappingUnavailableError
from connector.engine.report import RunReport
from connector.mapping import AheadLookups, DeclarativeMapping, MappingLibrary
from connector.sandbox import FaultRule, SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN
from connector.store import CheckpointStore, RecordSnapshot, RecordState, RunStatus

REFERENCE_PATHS = (
    "/v2/countries",
    "/v2/shipping_methods",
    "/v2/customer_catalog_items",
    "/v2/items",
)
RETRY_DELAY = 30  # FlowPolicy's default, in seconds


class Clock:
    """The engine's and the store's time; moves only when told to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


def _client(base_url: str, secret: str = DEFAULT_HMAC_SECRET) -> AheadClient:
    # The client retries once, without waiting, before it gives up.
    retry = RetryPolicy(max_attempts=2, sleep=lambda _: None, max_retry_after=5)
    return AheadClient(base_url, auth=HmacAuth(DEFAULT_HMAC_TOKEN, secret), retry=retry)


class OrdersFlow:
    """A deployment folder with an inbox of 850 records mapped by the stock mapping into AHEAD
    orders, and the engine that runs it."""

    def __init__(self, folder: Path, client: AheadClient, store: CheckpointStore, clock: Clock):
        self.folder = folder
        self.store = store
        self.clock = clock
        self.inbox.mkdir(parents=True)
        inbox_settings = {"inbox": "inbox", "key_field": "envelope.customer_order"}
        source = build_adapter(
            Role.SOURCE, "jsonfiles", inbox_settings, AdapterContext("partner-inbox", folder)
        )
        context = AdapterContext("ahead-orders", folder, services={"ahead": client})
        sink = build_adapter(Role.SINK, "ahead-orders", {}, context)
        assert isinstance(source, Source)
        assert isinstance(sink, Sink)
        self.lookups = AheadLookups(client)
        definition = MappingLibrary.for_deployment(folder).load("x12/850-to-order")
        mapping = DeclarativeMapping(definition, self.lookups, relative_to=folder)
        self.flow = Flow("orders", source, sink, mapping=mapping)
        self.engine = Engine(store, clock=clock)

    @property
    def inbox(self) -> Path:
        return self.folder / "inbox"

    def drop(self, name: str, record: dict[str, Any]) -> None:
        (self.inbox / name).write_text(json.dumps(record), encoding="utf-8")

    def run(self, *, dry_run: bool = False) -> RunReport:
        return self.engine.run(self.flow, dry_run=dry_run)

    def record(self, key: str) -> RecordSnapshot:
        record = self.store.get("orders", key)
        assert record is not None
        return record

    def files(self, folder: str) -> list[str]:
        return sorted(path.name for path in (self.folder / folder).glob("*.json"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[CheckpointStore]:
    with CheckpointStore.open(f"sqlite:///{tmp_path / 'state.db'}", clock=clock) as opened:
        yield opened


@pytest.fixture
def client(server: SandboxServer) -> Iterator[AheadClient]:
    with _client(server.base_url) as made:
        yield made


@pytest.fixture
def orders(tmp_path: Path, client: AheadClient, store: CheckpointStore, clock: Clock) -> OrdersFlow:
    return OrdersFlow(tmp_path / "acme", client, store, clock)


def _order(customer_order: str, **changes: Any) -> dict[str, Any]:
    record = purchase_order(**changes)
    record["envelope"]["customer_order"] = customer_order
    record["BEG"]["BEG03"] = customer_order.removeprefix("ACME-")
    return record


def _submitted(server: SandboxServer, customer_order: str) -> int:
    rows = server.sandbox.store.all(
        "customer_order_submissions", {"customer_order": customer_order}
    )
    return len(rows)


def _reference_data_answers(server: SandboxServer, **fault: Any) -> None:
    """Every GET of AHEAD's reference data meets ``fault`` (none: AHEAD answers again)."""
    rules = [FaultRule(method="GET", path=path, **fault) for path in REFERENCE_PATHS]
    server.sandbox.faults.set(rules if fault else [])


def test_outage_of_the_reference_data_leaves_the_record_waiting_and_it_is_delivered_once_later(
    server: SandboxServer, orders: OrdersFlow, clock: Clock
) -> None:
    orders.drop("po-1.json", _order("ACME-PO1"))
    _reference_data_answers(server, error_rate=1.0, error_status=503)

    during = orders.run()

    assert (during.counts.retrying, during.counts.failed) == (1, 0)
    assert during.errors == []
    waiting = orders.record("ACME-PO1")
    assert (waiting.state, waiting.attempts, waiting.intent_hash) == (RecordState.PENDING, 1, None)
    assert waiting.last_error is not None
    assert waiting.last_error.startswith(
        "the mapping could not run now: AHEAD's shipping methods could not be loaded: "
        "GET /v2/shipping_methods answered 503"
    )
    assert waiting.next_attempt_at == clock() + timedelta(seconds=RETRY_DELAY)
    assert orders.files("inbox") == ["po-1.json"]
    assert orders.files("error") == []
    assert _submitted(server, "ACME-PO1") == 0

    _reference_data_answers(server)
    too_early = orders.run()
    clock.advance(RETRY_DELAY)
    after = orders.run()
    again = orders.run()

    assert (too_early.counts.waiting, too_early.counts.submitted) == (1, 0)
    assert after.status is RunStatus.SUCCEEDED
    assert after.counts.submitted == 1
    assert again.counts.submitted == 0
    assert _submitted(server, "ACME-PO1") == 1
    assert orders.record("ACME-PO1").state is RecordState.DONE
    assert orders.files("inbox") == []
    assert orders.files("archive") == ["po-1.json"]


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"error_rate": 1.0, "error_status": 502}, id="502"),
        pytest.param({"rate_limit_rate": 1.0, "retry_after": 0.01}, id="429"),
    ],
)
@pytest.mark.parametrize("path", REFERENCE_PATHS)
def test_a_server_error_or_rate_limit_on_any_reference_table_postpones_the_record(
    server: SandboxServer, orders: OrdersFlow, path: str, fault: dict[str, Any]
) -> None:
    orders.drop("po-1.json", _order("ACME-PO1"))
    server.sandbox.faults.set([FaultRule(method="GET", path=path, **fault)])

    report = orders.run()

    assert (report.counts.retrying, report.counts.failed) == (1, 0)
    assert orders.record("ACME-PO1").state is RecordState.PENDING
    assert orders.files("inbox") == ["po-1.json"]
    assert _submitted(server, "ACME-PO1") == 0


def test_ahead_not_answering_at_all_postpones_the_record(
    tmp_path: Path, store: CheckpointStore, clock: Clock
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with _client(f"http://127.0.0.1:{port}") as unreachable:
        orders = OrdersFlow(tmp_path / "acme", unreachable, store, clock)
        orders.drop("po-1.json", _order("ACME-PO1"))

        report = orders.run()

    assert (report.counts.retrying, report.counts.failed) == (1, 0)
    last_error = orders.record("ACME-PO1").last_error
    assert last_error is not None
    assert "GET /v2/shipping_methods failed: ConnectError" in last_error
    assert orders.files("inbox") == ["po-1.json"]


def test_a_country_ahead_does_not_know_still_fails_its_record(
    server: SandboxServer, orders: OrdersFlow
) -> None:
    narnia = _order("ACME-PO1")
    narnia["N1_loop"][1]["N4"]["N404"] = "Narnia"
    orders.drop("po-1.json", narnia)
    orders.drop("po-2.json", _order("ACME-PO2"))

    report = orders.run()

    assert (report.counts.failed, report.counts.submitted, report.counts.retrying) == (1, 1, 0)
    [(key, error)] = report.errors
    assert key == "ACME-PO1"
    assert "recipient.country: unknown country 'Narnia'" in error
    assert orders.record("ACME-PO1").state is RecordState.FAILED
    assert orders.files("error") == ["po-1.json"]
    assert _submitted(server, "ACME-PO1") == 0
    assert _submitted(server, "ACME-PO2") == 1


def test_dry_run_during_the_outage_says_the_record_would_be_retried(
    server: SandboxServer, orders: OrdersFlow
) -> None:
    orders.drop("po-1.json", _order("ACME-PO1"))
    _reference_data_answers(server, error_rate=1.0, error_status=503)

    report = orders.run(dry_run=True)

    assert (report.counts.retrying, report.counts.failed) == (1, 0)
    [(key, warning)] = report.warnings
    assert key == "ACME-PO1"
    assert "the mapping could not run now" in warning
    assert orders.store.get("orders", "ACME-PO1") is None
    assert orders.files("inbox") == ["po-1.json"]


def test_a_table_that_failed_to_load_is_loaded_again_by_the_next_lookup(
    server: SandboxServer, client: AheadClient
) -> None:
    lookups = AheadLookups(client)
    _reference_data_answers(server, error_rate=1.0, error_status=503)

    with pytest.raises(MappingUnavailableError) as unavailable:
        lookups.country_iso("Canada")
    _reference_data_answers(server)

    assert unavailable.value.detail.startswith("AHEAD's countries could not be loaded: GET ")
    assert lookups.country_iso("Canada") == "CA"


def test_credentials_ahead_refuses_are_not_an_outage(server: SandboxServer) -> None:
    with _client(server.base_url, secret="not-the-secret") as refused, pytest.raises(AuthError):
        AheadLookups(refused).country_iso("Canada")
