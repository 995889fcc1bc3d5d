"""Repeating groups inside repeating groups: packages of a shipment and the serial numbers in
each, to a model target and to the generic X12 856 target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mapping_support import apply, line_of, mapping_from

from connector.mapping import RecordMappingError

SHIPMENT: dict[str, Any] = {
    "id": "SHIP0001",
    "order": {"customer_order": "ACME-PO12345", "purchase_order": "PO12345"},
    "shipped_at": "2025-01-20T15:30:00",
    "packages": [
        {
            "tracking": "1Z999AA10123456784",
            "weight": "5.5",
            "items": [
                {"product_code": "StockBox 2000", "quantity": 2, "serials": ["SB-1", "SB-2"]},
                {"product_code": "Power Cord C13", "quantity": 2, "serials": []},
            ],
        },
        {
            "tracking": "1Z999AA10123456785",
            "items": [{"product_code": "StockBox 2000", "quantity": 1, "serials": ["SB-3"]}],
        },
    ],
}

TO_SHIPMENT = """
target: test.shipment
fields:
  shipment_id: "{{ id }}"
  shipped_on: "{{ shipped_at | date('%Y-%m-%dT%H:%M:%S', '%Y%m%d') }}"
  packages:
    each: "{{ packages }}"
    as: package
    fields:
      tracking_number: "{{ package.tracking }}"
      weight:
        value: "{{ package.weight | decimal | float }}"
        default: null
      serials:
        each: "{{ package['items'] | map(attribute='serials') | sum(start=[]) }}"
        as: serial
        fields:
          serial: "{{ serial }}"
"""

TO_856 = """
target: x12.856
fields:
  BSN:
    BSN01: "00"
    BSN02: "{{ id }}"
    BSN03: "{{ shipped_at | date('%Y-%m-%dT%H:%M:%S', '%Y%m%d') }}"
    BSN04: "{{ shipped_at | date('%Y-%m-%dT%H:%M:%S', '%H%M') }}"
  HL_loop:
    each: "{{ [order] }}"
    as: shipped_order
    fields:
      HL: {HL03: O}
      PRF: {PRF01: "{{ shipped_order.purchase_order }}"}
      HL_loop:
        each: "{{ packages }}"
        as: package
        fields:
          HL: {HL03: P}
          REF:
            - "{{ [{'REF01': '2I', 'REF02': package.tracking}] }}"
          HL_loop:
            each: "{{ package['items'] }}"
            as: item
            fields:
              HL: {HL03: I}
              LIN: {LIN02: VP, LIN03: "{{ item.product_code }}"}
              SN1: {SN102: "{{ item.quantity }}", SN103: EA}
              REF:
                each: "{{ item.serials }}"
                as: serial
                fields:
                  REF01: SE
                  REF02: "{{ serial }}"
                when: "{{ item.serials }}"
"""


def test_packages_and_their_serial_numbers_map_to_nested_lists(tmp_path: Path) -> None:
    result = apply(tmp_path, TO_SHIPMENT, SHIPMENT)

    assert result.document == {
        "shipment_id": "SHIP0001",
        "shipped_on": "20250120",
        "packages": [
            {
                "tracking_number": "1Z999AA10123456784",
                "weight": 5.5,
                "serials": [{"serial": "SB-1"}, {"serial": "SB-2"}],
            },
            {"tracking_number": "1Z999AA10123456785", "serials": [{"serial": "SB-3"}]},
        ],
    }


def test_an_invalid_serial_deep_in_the_groups_is_placed_at_its_line_and_source(
    tmp_path: Path,
) -> None:
    shipment = dict(SHIPMENT, packages=[*SHIPMENT["packages"]])
    shipment["packages"][1] = {
        "tracking": "1Z999AA10123456785",
        "items": [{"product_code": "StockBox 2000", "quantity": 1, "serials": [""]}],
    }
    mapping = mapping_from(tmp_path, TO_SHIPMENT)

    with pytest.raises(RecordMappingError) as error:
        mapping.apply(shipment)

    [issue] = error.value.issues
    assert issue.field == "packages[1].serials[0].serial"
    assert issue.line == line_of(mapping.definition.file, 'serial: "{{ serial }}"')
    assert issue.file == mapping.definition.file
    assert "at least 1 character" in issue.message
    assert issue.value == "''"


def test_the_nesting_of_an_856_follows_the_groups(tmp_path: Path) -> None:
    result = apply(tmp_path, TO_856, SHIPMENT)

    document = result.document
    assert document["BSN"] == {
        "BSN01": "00",
        "BSN02": "SHIP0001",
        "BSN03": "20250120",
        "BSN04": "1530",
    }
    [order] = document["HL_loop"]
    assert order["PRF"] == {"PRF01": "PO12345"}
    first, second = order["HL_loop"]
    assert first["REF"] == [{"REF01": "2I", "REF02": "1Z999AA10123456784"}]
    assert [item["REF"] for item in first["HL_loop"] if "REF" in item] == [
        [{"REF01": "SE", "REF02": "SB-1"}, {"REF01": "SE", "REF02": "SB-2"}]
    ]
    assert "REF" not in first["HL_loop"][1]  # no serials, no REF segments
    assert second["HL_loop"][0]["SN1"] == {"SN102": 1, "SN103": "EA"}


def test_the_generic_856_check_places_a_misnamed_element_at_its_line(tmp_path: Path) -> None:
    text = TO_856.replace("SN1: {SN102:", "SN1: {SN12:")
    mapping = mapping_from(tmp_path, text)

    with pytest.raises(RecordMappingError) as error:
        mapping.apply(SHIPMENT)

    fields = [issue.field for issue in error.value.issues]
    assert fields == [
        "HL_loop[0].HL_loop[0].HL_loop[0].SN1.SN12",
        "HL_loop[0].HL_loop[0].HL_loop[1].SN1.SN12",
        "HL_loop[0].HL_loop[1].HL_loop[0].SN1.SN12",
    ]
    issue = error.value.issues[0]
    assert issue.line == line_of(mapping.definition.file, "SN1: {SN12:")
    assert "'SN12' is not an element of SN1" in issue.message
    assert issue.source == "packages[0].items[0].quantity"
