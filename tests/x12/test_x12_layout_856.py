"""Laying out an outbound 856: map order, HL numbers from the nesting, CTT01, clear errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from x12_validation_support import as_segments, assert_matches_snapshot

from adapters.x12.layout import LayoutError
from adapters.x12.segments import Delimiters
from adapters.x12.validation import SetEnvelope, TransactionSetValidator, layout_document


def _shipment() -> dict[str, Any]:
    item = {
        "SN1": {"SN102": 12, "SN103": "EA"},
        "HL": {"HL03": "I"},
        "LIN": {"LIN02": "UP", "LIN03": "614141007349", "LIN04": "VN", "LIN05": "TM-12"},
    }
    return {
        "HL_loop": [
            {
                "N1_loop": [
                    {"N1": {"N101": "ST", "N102": "STORE 118", "N103": "92", "N104": "0118"}},
                    {"N1": {"N101": "SF", "N102": "ACME", "N103": "92", "N104": "W01"}},
                ],
                "REF": [{"REF01": "BM", "REF02": "BOL123"}, {"REF01": "CN", "REF02": "1Z999"}],
                "TD5": [{"TD502": "2", "TD503": "UPSN", "TD504": "M"}],
                "TD1": [{"TD101": "CTN25", "TD102": 1, "TD106": "G", "TD107": 5.5, "TD108": "LB"}],
                "HL": {"HL03": "S"},
                "HL_loop": [
                    {
                        "HL": {"HL03": "O"},
                        "PRF": {"PRF01": "PO12345", "PRF04": "20250115"},
                        "HL_loop": [
                            {
                                "HL": {"HL03": "P"},
                                "MAN": [{"MAN01": "GM", "MAN02": "00012345600000000018"}],
                                "HL_loop": [item],
                            }
                        ],
                    }
                ],
            }
        ],
        "DTM": [{"DTM01": "011", "DTM02": "20250120"}],
        "BSN": {
            "BSN01": "00",
            "BSN02": "SHIP0001",
            "BSN03": "20250120",
            "BSN04": "1530",
            "BSN05": "0001",
        },
    }


def _tags(laid_out: list[tuple[str, tuple[Any, ...]]]) -> list[str]:
    return [tag for tag, _ in laid_out]


def test_an_856_is_laid_out_in_map_order_with_hl_numbers_from_the_nesting(
    x12_validator: TransactionSetValidator,
):
    laid_out = layout_document(_shipment(), "856", "004010", validator=x12_validator)

    assert_matches_snapshot(
        [[tag, list(elements)] for tag, elements in laid_out], "layout-856-4010-segments.json"
    )
    assert _tags(laid_out) == [
        "BSN", "DTM", "HL", "TD1", "TD5", "REF", "REF", "N1", "N1",
        "HL", "PRF", "HL", "MAN", "HL", "LIN", "SN1", "CTT",
    ]  # fmt: skip
    hl = [elements for tag, elements in laid_out if tag == "HL"]
    assert hl == [
        ("1", "", "S", "1"),
        ("2", "1", "O", "1"),
        ("3", "2", "P", "1"),
        ("4", "3", "I", "0"),
    ]
    assert laid_out[-1] == ("CTT", ("4",))
    assert laid_out[3] == ("TD1", ("CTN25", "1", "", "", "", "G", "5.5", "LB"))


def test_sibling_levels_share_their_parent_and_number_depth_first(
    x12_validator: TransactionSetValidator,
):
    document = _shipment()
    order = document["HL_loop"][0]["HL_loop"][0]
    second_order = copy.deepcopy(order)
    second_order["PRF"]["PRF01"] = "PO12346"
    document["HL_loop"][0]["HL_loop"].append(second_order)

    laid_out = x12_validator.layout(document, "856", "004010")

    hl = [elements[:3] for tag, elements in laid_out if tag == "HL"]
    assert hl == [
        ("1", "", "S"),
        ("2", "1", "O"),
        ("3", "2", "P"),
        ("4", "3", "I"),
        ("5", "1", "O"),
        ("6", "5", "P"),
        ("7", "6", "I"),
    ]
    assert laid_out[-1] == ("CTT", ("7",))


def test_given_hl04_and_ctt01_are_kept(x12_validator: TransactionSetValidator):
    document = _shipment()
    document["HL_loop"][0]["HL"]["HL04"] = "1"
    document["CTT"] = {"CTT01": "1", "CTT02": "12"}

    laid_out = x12_validator.layout(document, "856", "004010")

    assert laid_out[-1] == ("CTT", ("1", "12"))


def test_the_layout_validates_like_a_received_set_and_gives_back_the_document(
    x12_validator: TransactionSetValidator,
):
    document = _shipment()
    laid_out = x12_validator.layout(document, "856", "004010")

    result = x12_validator.validate(
        as_segments(laid_out, "856"),
        Delimiters("*", ">", "~"),
        SetEnvelope("00401", "SH", "004010"),
    )

    assert result.accepted
    assert result.tree is not None
    assert result.tree["BSN"]["BSN02"] == "SHIP0001"
    item = result.tree["HL_loop"][0]["HL_loop"][0]["HL_loop"][0]["HL_loop"][0]
    assert item["SN1"] == {"SN102": "12", "SN103": "EA"}
    assert result.tree["CTT"] == {"CTT01": "4"}


def test_unknown_keys_are_errors_naming_the_key_and_the_loop(
    x12_validator: TransactionSetValidator,
):
    document = _shipment()
    document["HL_loop"][0]["HL_loop"][0]["TRACKING"] = "1Z999"
    document["HL_loop"][0]["REF"][1]["REF09"] = "X"
    document["SHIPMENT"] = {}

    with pytest.raises(LayoutError) as raised:
        x12_validator.layout(document, "856", "004010")

    assert raised.value.problems == [
        "SHIPMENT: unknown key 'SHIPMENT' in the document's top level; expected one of: "
        "BSN, CTT, DTM, HL_loop",
        "HL_loop[0].REF[1].REF09: 'REF09' is not an element of REF; its elements are REF01 to "
        "REF04",
        "HL_loop[0].HL_loop[0].TRACKING: unknown key 'TRACKING' in an item of HL_loop; "
        "expected one of: DTM, FOB, HL, HL_loop, LIN, MAN, MEA, N1_loop, PER, PID, PKG, PO4, "
        "PRF, REF, SLN, SN1, TD1, TD3, TD4, TD5",
    ]


def test_an_hl_number_that_disagrees_with_the_nesting_is_an_error(
    x12_validator: TransactionSetValidator,
):
    document = _shipment()
    document["HL_loop"][0]["HL_loop"][0]["HL"]["HL02"] = "7"
    document["HL_loop"][0]["HL"]["HL01"] = "1"

    with pytest.raises(LayoutError) as raised:
        x12_validator.layout(document, "856", "004010")

    assert raised.value.problems == [
        "HL_loop[0].HL_loop[0].HL.HL02: is '7', but the nesting of HL_loop makes it '1'; "
        "leave it out and it is computed"
    ]


def test_values_that_are_neither_text_nor_numbers_are_errors(
    x12_validator: TransactionSetValidator,
):
    document = _shipment()
    document["BSN"]["BSN05"] = True
    document["DTM"][0]["DTM02"] = ["2025", "01", "20"]

    with pytest.raises(LayoutError) as raised:
        x12_validator.layout(document, "856", "004010")

    assert raised.value.problems == [
        "BSN.BSN05: is True; expected text or a number",
        "DTM[0].DTM02: is ['2025', '01', '20']; expected text or a number (a list is only for "
        "a composite element)",
    ]


def test_a_laid_out_856_that_breaks_the_map_names_the_place_in_the_document(
    x12_validator: TransactionSetValidator,
):
    document = _shipment()
    document["BSN"]["BSN03"] = "2025-01-20"
    del document["HL_loop"][0]["HL_loop"][0]["PRF"]["PRF01"]

    with pytest.raises(LayoutError) as raised:
        x12_validator.layout(document, "856", "004010")

    problems = raised.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("document BSN (BSN, segment 2 of the laid-out set): BSN03")
    assert "'2025-01-20'" in problems[0]
    assert problems[2].startswith(
        "document HL_loop[0].HL_loop[0].PRF (PRF, segment 12 of the laid-out set): PRF01"
    )
    assert "is mandatory and missing" in problems[2]


def test_a_level_without_its_hl_gets_one_numbered_and_is_told_its_level_code_is_missing(
    x12_validator: TransactionSetValidator,
):
    document = _shipment()
    del document["HL_loop"][0]["HL_loop"][0]["HL"]

    with pytest.raises(LayoutError) as raised:
        x12_validator.layout(document, "856", "004010")

    [problem] = raised.value.problems
    assert problem.startswith("document HL_loop[0].HL_loop[0].HL (HL, segment 11 of the laid-out")
    assert "HL03 (Hierarchical Level Code, data element 735) is mandatory and missing" in problem


def test_a_document_without_a_mandatory_segment_is_refused(x12_validator: TransactionSetValidator):
    document = _shipment()
    del document["BSN"]

    with pytest.raises(LayoutError, match=r"the mandatory segment BSN .* is missing"):
        x12_validator.layout(document, "856", "004010")


def test_a_set_without_a_map_cannot_be_laid_out(x12_validator: TransactionSetValidator):
    with pytest.raises(LayoutError, match="there is no map for transaction set 856 in version"):
        x12_validator.layout(_shipment(), "856", "005010")
