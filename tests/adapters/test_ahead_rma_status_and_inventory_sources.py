"""The RMA status source and the inventory source against a sandbox on loopback: the source
contract, RMAs without a reference passed over, an open RMA read again until it closes, and
inventory figures of the chosen locations with their item and SKU."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from adapter_support import ahead_client
from ahead_sources_support import own_sandbox

from adapters.ahead import (
    AheadInventorySource,
    AheadInventorySourceSettings,
    AheadRmaStatusSource,
    AheadRmaStatusSourceSettings,
)
from adapters.ahead.rma_reference import with_reference
from adapters.base import AdapterContext, Source
from adapters.contract import SourceContract, SourceHarness
from connector.api import AheadClient
from connector.api.models import RmaCreate, RmaRequestType
from connector.sandbox import SandboxServer, rmas
from connector.sandbox.store import Table

CHECKED_IN = {"id": 2, "name": "Checked In"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with own_sandbox() as running:
        yield running


def context(client: AheadClient, folder: Path) -> AdapterContext:
    return AdapterContext("ahead-in", folder, services={"ahead": client})


def request_rma(server: SandboxServer, serial: str, reference: str | None) -> int:
    """An RMA as the sandbox makes it for a request; with the connector's reference line."""
    problem = "Does not power on"
    request = RmaCreate(
        problem=problem if reference is None else with_reference(problem, reference),
        request_type_id=RmaRequestType.DEPOT_REPAIR_AND_RETURN,
        manufacturer_serial=serial,
        replacement_name="Acme Robotics",
    )
    now = server.sandbox.clock.now()
    made = rmas.create_rma(
        server.sandbox.store, request, organization_id=1, today=now.date(), now=now
    )
    return int(made["id"])


def change_rma(server: SandboxServer, rma_id: int, **changes: Any) -> None:
    store = server.sandbox.store
    current = store.get(Table.RMAS, rma_id)
    assert current is not None
    store.update(Table.RMAS, rma_id, {**current, **changes})


class RmaStatusHarness(SourceHarness):
    """RMAs of one reference prefix; a revision checks the RMA in and closes it."""

    def __init__(self, server: SandboxServer, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.prefix = f"returnAuthorization:{uuid.uuid4().hex[:8]}"
        self.client = ahead_client(server)
        self.sources: list[AheadRmaStatusSource] = []
        self.rmas: dict[int, int] = {}

    def make_source(self) -> Source:
        options = AheadRmaStatusSourceSettings(reference_prefix=self.prefix)
        source = AheadRmaStatusSource(options, context(self.client, self.folder))
        self.sources.append(source)
        return source

    def put(self, number: int, revision: int = 0) -> str:
        reference = f"{self.prefix}:{number}:SN-{number}"
        if number not in self.rmas:
            self.rmas[number] = request_rma(self.server, f"SN-{number}", reference)
        if revision:
            change_rma(
                self.server,
                self.rmas[number],
                status=CHECKED_IN,
                closed_date=f"2026-01-{revision:02d}",
            )
        return reference

    def put_bad(self) -> str | None:
        rma_id = request_rma(self.server, "SN-BAD", f"{self.prefix}:bad:SN-BAD")
        change_rma(self.server, rma_id, start_date="the day before yesterday")
        return f"AHEAD RMA {rma_id}"

    def was_quarantined(self, origin: str) -> bool:
        return any(origin in source.quarantined for source in self.sources)


class InventoryHarness(SourceHarness):
    """Inventory figures at one new location; a revision changes the quantity on hand."""

    def __init__(self, server: SandboxServer, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.location = 1000 + uuid.uuid4().int % 1_000_000
        self.client = ahead_client(server)
        self.sources: list[AheadInventorySource] = []
        self.rows: dict[int, int] = {}
        self.item_id = server.sandbox.store.all(Table.ITEMS)[0]["id"]

    def make_source(self) -> Source:
        options = AheadInventorySourceSettings(location_ids=[self.location])
        source = AheadInventorySource(options, context(self.client, self.folder))
        self.sources.append(source)
        return source

    def put(self, number: int, revision: int = 0) -> str:
        store = self.server.sandbox.store
        figures = {
            "item_id": self.item_id + number,
            "inventory_location_id": self.location,
            "quantity_on_hand": 10 + revision,
            "quantity_allocated": 0,
            "quantity_on_order": 0,
        }
        if number in self.rows:
            store.update(Table.INVENTORIES, self.rows[number], figures)
        else:
            self.rows[number] = int(store.insert(Table.INVENTORIES, figures)["id"])
        return f"inventory:{self.item_id + number}:{self.location}"

    def put_bad(self) -> str | None:
        bad = {"item_id": "none", "inventory_location_id": self.location, "quantity_on_hand": 1}
        row = self.server.sandbox.store.insert(Table.INVENTORIES, bad)
        return f"AHEAD inventory {row['id']}"

    def was_quarantined(self, origin: str) -> bool:
        return any(origin in source.quarantined for source in self.sources)


class TestAheadRmaStatusSource(SourceContract):
    @pytest.fixture
    def source_harness(self, sandbox: SandboxServer, tmp_path: Path) -> Iterator[RmaStatusHarness]:
        harness = RmaStatusHarness(sandbox, tmp_path)
        yield harness
        harness.client.close()


class TestAheadInventorySource(SourceContract):
    @pytest.fixture
    def source_harness(self, sandbox: SandboxServer, tmp_path: Path) -> Iterator[InventoryHarness]:
        harness = InventoryHarness(sandbox, tmp_path)
        yield harness
        harness.client.close()


@pytest.fixture
def rma_harness(sandbox: SandboxServer, tmp_path: Path) -> Iterator[RmaStatusHarness]:
    harness = RmaStatusHarness(sandbox, tmp_path)
    yield harness
    harness.client.close()


def test_rma_status_payload_names_the_reference_serial_and_status(
    rma_harness: RmaStatusHarness,
) -> None:
    key = rma_harness.put(1)
    (record,) = rma_harness.make_source().read(None)
    assert record.key == key
    assert record.origin == f"AHEAD RMA {rma_harness.rmas[1]}"
    assert record.payload["reference"] == key
    assert record.payload["manufacturer_serial"] == "SN-1"
    assert record.payload["status"] == "Not Received"
    assert record.payload["closed_date"] is None


def test_rmas_without_the_reference_prefix_are_passed_over(
    rma_harness: RmaStatusHarness, sandbox: SandboxServer
) -> None:
    request_rma(sandbox, "SN-HAND", None)
    request_rma(sandbox, "SN-OTHER", "edi:PO-1:SN-OTHER")
    key = rma_harness.put(2)
    assert [record.key for record in rma_harness.make_source().read(None)] == [key]


def test_an_open_rma_holds_the_cursor_until_it_closes(rma_harness: RmaStatusHarness) -> None:
    key = rma_harness.put(3)
    source = rma_harness.make_source()
    (first,) = source.read(None)
    (again,) = source.read(first.cursor)
    assert again.key == key
    rma_harness.put(3, revision=1)
    (closed,) = source.read(again.cursor)
    assert closed.payload["closed_date"] == "2026-01-01"
    assert closed.payload["status"] == "Checked In"
    assert list(source.read(closed.cursor)) == []


def test_inventory_payload_carries_the_item_and_its_customer_sku(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    harness = InventoryHarness(sandbox, tmp_path)
    try:
        key = harness.put(0)
        (record,) = harness.make_source().read(None)
    finally:
        harness.client.close()
    item = sandbox.sandbox.store.get(Table.ITEMS, harness.item_id)
    assert item is not None
    (entry,) = sandbox.sandbox.store.all(Table.CUSTOMER_CATALOG_ITEMS, {"item_id": item["id"]})
    assert record.key == key
    assert record.payload["item"]["name"] == item["name"]
    assert record.payload["customer_sku"] == entry["customer_sku"]
    assert record.payload["quantity_on_hand"] == 10
    assert "updated_at" not in record.payload
