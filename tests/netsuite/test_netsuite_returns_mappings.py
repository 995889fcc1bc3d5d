"""The stock mappings of returns and inventory: an RMA's status for its return authorization
line, and AHEAD's figures for an item's custom fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import LOOKUPS, netsuite_targets

from connector.mapping import DeclarativeMapping, MappingLibrary, RecordMappingError


def _mapping(name: str, deployment: Path | None = None) -> DeclarativeMapping:
    library = MappingLibrary.for_deployment(deployment, targets=netsuite_targets())
    return DeclarativeMapping(library.load(name), LOOKUPS)


def _rma(**changes: Any) -> dict[str, Any]:
    return {
        "id": 7001,
        "reference": "returnAuthorization:1003:SN-1",
        "manufacturer_serial": "SN-1",
        "status": "Checked In",
        "status_id": 2,
        "closed_date": None,
        **changes,
    }


def _inventory(**changes: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "item_id": 10,
        "inventory_location_id": 1,
        "quantity_on_hand": "40",
        "quantity_allocated": "3",
        "quantity_on_order": "0",
        "item": {"id": 10, "name": "StockBox 2000", "manufacturer_sku": "SB2000"},
        "customer_sku": "ACME-SB2000",
        **changes,
    }


def test_an_rma_gives_its_number_and_status_for_the_line_of_its_serial() -> None:
    mapping = _mapping("netsuite/rma-to-return-authorization-status")
    assert mapping.apply(_rma()).document == {
        "return_authorization": "1003",
        "serial": "SN-1",
        "rma_number": "7001",
        "rma_status": "Checked In",
    }


def test_an_rma_of_another_channel_is_not_mapped_to_a_return_authorization() -> None:
    mapping = _mapping("netsuite/rma-to-return-authorization-status")
    with pytest.raises(RecordMappingError) as failed:
        mapping.apply(_rma(reference="edi:PO-1:SN-1"))
    assert "return_authorization" in str(failed.value)


def test_inventory_figures_name_the_item_by_its_customer_sku() -> None:
    document = _mapping("netsuite/inventory-to-item-figures").apply(_inventory()).document
    assert document == {
        "item_external_id": "ACME-SB2000",
        "quantity_on_hand": "40",
        "quantity_allocated": "3",
        "quantity_on_order": "0",
    }


def test_inventory_figures_of_an_item_in_item_ids_name_it_by_internal_id(tmp_path: Path) -> None:
    override = tmp_path / "mappings" / "netsuite" / "inventory-to-item-figures.yaml"
    override.parent.mkdir(parents=True)
    override.write_text(
        "extends: netsuite/inventory-to-item-figures\nparams: {item_ids: {ACME-SB2000: '501'}}\n",
        encoding="utf-8",
    )
    mapping = _mapping("netsuite/inventory-to-item-figures", tmp_path)
    document = mapping.apply(_inventory()).document
    assert document["item_internal_id"] == "501"
    assert "item_external_id" not in document


def test_inventory_figures_of_an_item_without_a_sku_name_it_by_the_ahead_item() -> None:
    document = (
        _mapping("netsuite/inventory-to-item-figures").apply(_inventory(customer_sku=None)).document
    )
    assert document["item_external_id"] == "StockBox 2000"
