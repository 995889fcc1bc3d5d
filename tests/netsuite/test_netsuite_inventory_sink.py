"""The inventory sink: the sink contract against the simulator over loopback, and that it
writes only the three custom fields of the item it is configured with."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import sink_settings

from adapters.base import AdapterContext, Record, Sink, SinkRejectedError
from adapters.contract import SecondWrite, SinkContract, SinkHarness
from adapters.netsuite import NetSuiteInventorySink, NetSuiteInventorySinkSettings, RecordType
from adapters.netsuite.simulator import SimulatorServer


def _sink(server: SimulatorServer, folder: Path, **changes: Any) -> NetSuiteInventorySink:
    settings = NetSuiteInventorySinkSettings(**sink_settings(server, **changes))
    return NetSuiteInventorySink(settings, AdapterContext("ns-inventory", folder))


def _item(server: SimulatorServer, sku: str) -> str:
    return server.simulator.seed(
        RecordType.INVENTORY_ITEM, {"@externalId": sku, "itemId": sku, "displayName": sku}
    )


def _figures(sku: str, on_hand: int, **document: Any) -> tuple[Record, dict[str, Any]]:
    record = Record.of(f"inventory:{sku}:1", {"customer_sku": sku, "quantity_on_hand": on_hand})
    return record, {
        "item_external_id": sku,
        "quantity_on_hand": on_hand,
        "quantity_allocated": 2,
        "quantity_on_order": 5,
        **document,
    }


def _item_fields(server: SimulatorServer, item_id: str) -> dict[str, Any]:
    item = server.simulator.record(RecordType.INVENTORY_ITEM, item_id)
    fields = item.get("customFieldList", {}).get("customField", [])
    return {field["@scriptId"]: float(field["value"]) for field in fields}


class SimulatorInventory(SinkHarness):
    @property
    def second_write(self) -> SecondWrite:
        return SecondWrite.REPLACES

    def __init__(self, server: SimulatorServer, folder: Path) -> None:
        self._server = server
        self._folder = folder
        self._items: set[int] = set()

    def make_sink(self) -> Sink:
        return _sink(self._server, self._folder)

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        if number not in self._items:
            _item(self._server, f"SKU-{number}")
            self._items.add(number)
        return _figures(f"SKU-{number}", 10 + revision)

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        return _figures(f"NO-SUCH-SKU-{number}", 1)

    def make_unavailable_sink(self) -> Sink | None:
        return _sink(self._server, self._folder, endpoint="http://127.0.0.1:9")


class TestNetSuiteInventorySinkContract(SinkContract):
    @pytest.fixture
    def sink_harness(self, server: SimulatorServer, tmp_path: Path) -> SinkHarness:
        return SimulatorInventory(server, tmp_path)


@pytest.fixture
def sink(server: SimulatorServer, tmp_path: Path) -> Iterator[NetSuiteInventorySink]:
    made = _sink(server, tmp_path, on_hand_field="custitem_wh2_on_hand")
    yield made
    made.close()


def test_figures_go_to_the_configured_fields_of_the_item_by_internal_id(
    sink: NetSuiteInventorySink, server: SimulatorServer
) -> None:
    item_id = _item(server, "SKU-FIELDS")
    record, document = _figures("SKU-FIELDS", 12)
    del document["item_external_id"]
    assert sink.write(record, {**document, "item_internal_id": item_id}) == item_id
    assert _item_fields(server, item_id) == {
        "custitem_wh2_on_hand": 12.0,
        "custitem_ahead_quantity_allocated": 2.0,
        "custitem_ahead_quantity_on_order": 5.0,
    }
    assert server.simulator.record(RecordType.INVENTORY_ITEM, item_id)["displayName"] == (
        "SKU-FIELDS"
    )


def test_document_naming_no_item_or_two_is_rejected_before_sending(
    sink: NetSuiteInventorySink,
) -> None:
    record, document = _figures("SKU-NONE", 1)
    with pytest.raises(SinkRejectedError, match="one of them"):
        sink.write(record, {**document, "item_internal_id": "1001"})
    del document["item_external_id"]
    with pytest.raises(SinkRejectedError, match="one of them"):
        sink.write(record, document)
