"""The stock mapping of an X12 850 to an AHEAD order, with lookups in the sandbox over loopback."""

from __future__ import annotations

from typing import Any

import pytest
from mapping_support import line_of, purchase_order

from connector.api import AheadClient
from connector.api.models import OrderSubmission
from connector.mapping import AheadLookups, DeclarativeMapping, MappingLibrary, RecordMappingError

STOCK_850 = "x12/850-to-order"


@pytest.fixture
def mapping(sandbox_lookups: AheadLookups) -> DeclarativeMapping:
    return DeclarativeMapping(MappingLibrary.for_deployment(None).load(STOCK_850), sandbox_lookups)


def _ship_to(record: dict[str, Any]) -> dict[str, Any]:
    ship_to: dict[str, Any] = record["N1_loop"][1]
    return ship_to


def test_a_purchase_order_becomes_an_order_the_sandbox_accepts(
    mapping: DeclarativeMapping, ahead: AheadClient
) -> None:
    result = mapping.apply(purchase_order())

    assert result.document == {
        "purchase_order": "PO12345",
        "customer_order": "ACME-PO12345",
        "ship_method_id": 30,
        "recipient": {
            "name": "STORE 118",
            "address_1": "4501 CASCADE AVE",
            "address_2": "DOCK 4",
            "city": "BOULDER",
            "state": "CO",
            "zip": "80301",
            "country": "US",
        },
        "lines": [
            {"product_code": "StockBox 2000", "quantity": 12},
            {"product_code": "Power Cord C13", "quantity": 3},
        ],
    }
    assert result.warnings == ()
    order = ahead.submit_order(OrderSubmission.model_validate(result.document))
    assert order.customer_order == "ACME-PO12345"


def test_the_country_defaults_to_us_when_n404_is_absent(mapping: DeclarativeMapping) -> None:
    record = purchase_order()
    del _ship_to(record)["N4"]["N404"]

    assert mapping.apply(record).document["recipient"]["country"] == "US"


def test_a_country_name_in_n404_becomes_its_iso_code(mapping: DeclarativeMapping) -> None:
    record = purchase_order()
    _ship_to(record)["N4"]["N404"] = "Canada"

    assert mapping.apply(record).document["recipient"]["country"] == "CA"


@pytest.mark.parametrize(
    ("td5", "method_id"),
    [
        ([{"TD505": "FedEx 2Day"}], 13),
        ([{"TD502": "2", "TD503": "UPSN", "TD504": "U"}], 30),
        ([{"TD502": "2", "TD503": "XXXX"}], 12),
        (None, 12),
    ],
)
def test_the_ship_method_comes_from_td5_routing_then_carrier_then_the_default(
    mapping: DeclarativeMapping, td5: list[dict[str, str]] | None, method_id: int
) -> None:
    record = purchase_order(TD5=td5)

    assert mapping.apply(record).document["ship_method_id"] == method_id


def test_an_unknown_routing_is_an_error_not_a_silent_default(mapping: DeclarativeMapping) -> None:
    with pytest.raises(RecordMappingError) as error:
        mapping.apply(purchase_order(TD5=[{"TD505": "BEST WAY"}]))

    [issue] = error.value.issues
    assert issue.field == "ship_method_id"
    assert issue.source == "TD5[0].TD505"
    assert issue.value == "'BEST WAY'"
    assert issue.line == line_of(issue.file, "{{ TD5[0].TD505 | ship_method_id }}")


def test_the_buyers_part_number_is_preferred_and_looked_up_in_the_catalog(
    mapping: DeclarativeMapping,
) -> None:
    record = purchase_order()
    record["PO1_loop"][0]["PO1"].update(PO110="VP", PO111="ACME-MEM32")

    lines = mapping.apply(record).document["lines"]

    assert lines[0]["product_code"] == "StockBox 2000"


def test_a_line_without_a_known_part_number_is_an_error_at_its_line(
    mapping: DeclarativeMapping,
) -> None:
    record = purchase_order()
    record["PO1_loop"][1]["PO1"].update(PO106="UP", PO107="614141000000")

    with pytest.raises(RecordMappingError) as error:
        mapping.apply(record)

    [issue] = error.value.issues
    assert issue.field == "lines[1].product_code"
    assert issue.line == line_of(issue.file, "product_code:")
    assert issue.source == "PO1_loop[1].PO1"
    assert "PO1 has no ID qualified BP or VP or VN (its qualifiers: UP)" in issue.message


def test_notes_gather_the_messages_of_n9_loops(mapping: DeclarativeMapping) -> None:
    record = purchase_order(
        N9_loop=[
            {"N9": {"N901": "L1"}, "MSG": [{"MSG01": "DELIVER TO DOCK 4"}]},
            {"N9": {"N901": "L1"}, "MSG": [{"MSG01": "CALL 30 MIN BEFORE"}]},
        ]
    )

    assert mapping.apply(record).document["notes"] == "DELIVER TO DOCK 4\nCALL 30 MIN BEFORE"
    assert "notes" not in mapping.apply(purchase_order()).document


def test_long_address_lines_are_cut_to_35_characters_with_a_warning_each(
    mapping: DeclarativeMapping,
) -> None:
    record = purchase_order()
    long_street = "4501 CASCADE AVENUE NORTHWEST INDUSTRIAL PARK"
    _ship_to(record)["N3"] = [
        {"N301": long_street},
        {"N301": "BUILDING 7 RECEIVING", "N302": "X" * 40},
    ]

    result = mapping.apply(record)

    recipient = result.document["recipient"]
    assert recipient["address_1"] == long_street[:35]
    assert recipient["address_2"] == "BUILDING 7 RECEIVING"
    assert recipient["address_3"] == "X" * 35
    assert [(w.field, w.source) for w in result.warnings] == [
        ("recipient.address_1", "N1_loop[1].N3"),
        ("recipient.address_3", "N1_loop[1].N3"),
    ]
    file = result.warnings[0].file
    assert [w.line for w in result.warnings] == [
        line_of(file, "value: \"{{ (ship_to.N3 | elements('N301', 'N302'))[0] }}\"") + 1,
        line_of(file, "value: \"{{ (ship_to.N3 | elements('N301', 'N302'))[2] }}\"") + 2,
    ]


def test_an_order_without_a_ship_to_party_says_so(mapping: DeclarativeMapping) -> None:
    record = purchase_order()
    del record["N1_loop"][1]

    with pytest.raises(RecordMappingError) as error:
        mapping.apply(record)

    [issue] = error.value.issues
    assert issue.field == "recipient"
    assert issue.line == line_of(issue.file, "with:")
    assert "No first item" in issue.message
    assert issue.source == "N1_loop"
