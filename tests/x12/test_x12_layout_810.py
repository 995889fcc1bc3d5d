"""Laying out an outbound 810: map order whatever the key order, CTT01 counting IT1 lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from x12_validation_support import as_segments

from adapters.x12.layout import LayoutError
from adapters.x12.segments import Delimiters
from adapters.x12.validation import SetEnvelope, TransactionSetValidator


def _invoice() -> dict[str, Any]:
    return {
        "BIG": {"BIG01": "20250121", "BIG02": "INV9001", "BIG03": "20250115", "BIG04": "PO12345"},
        "REF": [{"REF01": "IA", "REF02": "V7788"}],
        "N1_loop": [
            {"N1": {"N101": "RE", "N102": "ACME REMIT", "N103": "92", "N104": "R1"}},
            {"N1": {"N101": "ST", "N102": "STORE 118", "N103": "92", "N104": "0118"}},
        ],
        "ITD": [{"ITD01": "01", "ITD02": "3", "ITD03": 2, "ITD05": 10, "ITD07": 30}],
        "DTM": [{"DTM01": "011", "DTM02": "20250120"}],
        "IT1_loop": [
            {
                "IT1": {
                    "IT101": "1",
                    "IT102": 12,
                    "IT103": "EA",
                    "IT104": Decimal("8.50"),
                    "IT106": "UP",
                    "IT107": "614141007349",
                    "IT108": "VN",
                    "IT109": "TM-12",
                },
                "PID_loop": [{"PID": {"PID01": "F", "PID05": "TRAIL MIX 12OZ"}}],
            },
            {
                "IT1": {"IT101": "2", "IT102": 1, "IT103": "EA", "IT104": 0.5},
                "PID_loop": [{"PID": {"PID01": "F", "PID05": "SAMPLE BAG"}}],
            },
        ],
        "TDS": {"TDS01": "10250"},
        "CAD": {"CAD01": "M", "CAD04": "UPSN", "CAD05": "UPS GROUND"},
        "ISS_loop": [{"ISS": {"ISS01": 13, "ISS02": "EA"}}],
    }


def test_an_810_is_laid_out_in_map_order_with_ctt01_counting_its_lines(
    x12_validator: TransactionSetValidator,
):
    laid_out = x12_validator.layout(_invoice(), "810", "004010")

    assert laid_out == [
        ("BIG", ("20250121", "INV9001", "20250115", "PO12345")),
        ("REF", ("IA", "V7788")),
        ("N1", ("RE", "ACME REMIT", "92", "R1")),
        ("N1", ("ST", "STORE 118", "92", "0118")),
        ("ITD", ("01", "3", "2", "", "10", "", "30")),
        ("DTM", ("011", "20250120")),
        ("IT1", ("1", "12", "EA", "8.50", "", "UP", "614141007349", "VN", "TM-12")),
        ("PID", ("F", "", "", "", "TRAIL MIX 12OZ")),
        ("IT1", ("2", "1", "EA", "0.5")),
        ("PID", ("F", "", "", "", "SAMPLE BAG")),
        ("TDS", ("10250",)),
        ("CAD", ("M", "", "", "UPSN", "UPS GROUND")),
        ("ISS", ("13", "EA")),
        ("CTT", ("2",)),
    ]


def test_the_order_of_the_documents_keys_does_not_matter(x12_validator: TransactionSetValidator):
    invoice = _invoice()
    reversed_invoice = {key: invoice[key] for key in reversed(invoice)}

    assert x12_validator.layout(reversed_invoice, "810", "004010") == x12_validator.layout(
        invoice, "810", "004010"
    )


def test_a_laid_out_810_reads_back_as_the_same_tree(x12_validator: TransactionSetValidator):
    laid_out = x12_validator.layout(_invoice(), "810", "004010")

    result = x12_validator.validate(
        as_segments(laid_out, "810"),
        Delimiters("*", ">", "~"),
        SetEnvelope("00401", "IN", "004010"),
    )

    assert result.accepted
    assert result.tree is not None
    assert result.tree["IT1_loop"][0]["IT1"]["IT104"] == "8.50"
    assert result.tree["ISS_loop"] == [{"ISS": {"ISS01": "13", "ISS02": "EA"}}]
    assert result.tree["CTT"] == {"CTT01": "2"}


def test_an_envelope_key_is_ignored_and_a_composite_takes_a_list(
    x12_validator: TransactionSetValidator,
):
    invoice = _invoice()
    invoice["envelope"] = {"partner": "acme"}
    invoice["IT1_loop"][0]["CTP"] = [{"CTP03": "8.50", "CTP04": 12, "CTP05": ["EA", "", 1]}]

    laid_out = x12_validator.layout(invoice, "810", "004010")

    assert ("CTP", ("", "", "8.50", "12", ("EA", "", "1"))) in laid_out


def test_a_mandatory_summary_left_out_is_named(x12_validator: TransactionSetValidator):
    invoice = _invoice()
    del invoice["TDS"]

    with pytest.raises(LayoutError) as raised:
        x12_validator.layout(invoice, "810", "004010")

    [problem] = raised.value.problems
    assert problem.startswith("document CAD (CAD, segment 12 of the laid-out set): ")
    assert "the mandatory segment TDS (Total Monetary Value Summary) is missing" in problem


def test_a_loop_given_as_something_else_than_objects_is_an_error(
    x12_validator: TransactionSetValidator,
):
    invoice = _invoice()
    invoice["IT1_loop"].append("line 3")
    invoice["ISS_loop"] = "13 EA"

    with pytest.raises(LayoutError) as raised:
        x12_validator.layout(invoice, "810", "004010")

    assert raised.value.problems == [
        "IT1_loop[2]: an item of IT1_loop must be an object of segments and loops, not str",
        "ISS_loop: expected an object or a list of objects, not '13 EA'",
    ]
