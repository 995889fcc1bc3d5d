"""Good transaction sets pass the validation and become the record tree of docs/x12.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from x12_validation_support import (
    DATA,
    ENVELOPE_850_4010,
    GOOD_SAMPLES,
    assert_matches_snapshot,
    read_sets,
    sample_set,
    set_segments,
)

from adapters.x12.errors import SetErrorCode
from adapters.x12.segments import Delimiters
from adapters.x12.validation import (
    SetEnvelope,
    TransactionSetValidator,
    validate_transaction_set,
)


@pytest.mark.parametrize("sample", GOOD_SAMPLES)
def test_every_set_of_the_good_samples_is_accepted_with_a_tree(
    sample: str, x12_validator: TransactionSetValidator
):
    sets = read_sets(DATA / sample)
    assert len(sets) >= 2

    for found in sets:
        result = x12_validator.validate(found.segments, found.delimiters, found.envelope)

        assert result.messages() == []
        assert result.accepted
        assert result.tree
        assert result.set_id == found.segments[0].element(1)
        assert result.control_number == found.control_number


def test_the_tree_of_the_sample_850_matches_its_snapshot(x12_validator: TransactionSetValidator):
    found = sample_set("maps-850-4010-good.x12", "0001")

    result = x12_validator.validate(found.segments, found.delimiters, found.envelope)

    assert_matches_snapshot(result.tree, "validation-850-4010-tree.json")


def test_the_tree_follows_the_contract_shapes(x12_validator: TransactionSetValidator):
    found = sample_set("maps-850-4010-good.x12", "0001")

    tree = x12_validator.validate(found.segments, found.delimiters, found.envelope).tree

    assert tree is not None
    assert "ST" not in tree
    assert "SE" not in tree
    assert tree["BEG"] == {"BEG01": "00", "BEG02": "SA", "BEG03": "PO12345", "BEG05": "20250115"}
    assert tree["REF"] == [{"REF01": "DP", "REF02": "042"}, {"REF01": "IA", "REF02": "V7788"}]
    ship_to = tree["N1_loop"][0]
    assert ship_to["N1"]["N101"] == "ST"
    assert ship_to["N3"] == [{"N301": "4501 CASCADE AVE"}]
    assert ship_to["N4"] == {"N401": "BOULDER", "N402": "CO", "N403": "80301", "N404": "US"}
    second_line = tree["PO1_loop"][1]
    assert second_line["CTP"][0]["CTP05"] == ["CA", "1"]
    assert second_line["PID_loop"][0]["PID"]["PID05"] == "ALMOND BUTTER 16OZ CASE"
    assert tree["CTT_loop"] == [{"CTT": {"CTT01": "2", "CTT02": "18"}}]
    assert tree["N9_loop"] == [
        {"N9": {"N901": "ZZ", "N902": "NOTES"}, "MSG": [{"MSG01": "LEAVE AT DOCK 4"}]}
    ]


def test_a_composite_keeps_empty_components_before_the_last_given_one(
    x12_validator: TransactionSetValidator,
):
    segments = set_segments(
        """
        BEG*00*SA*PO1**20250115
        PO1*1*2*EA
        CTP**RES*1.00*2*CA>>10
        CTT*1
        """
    )

    result = x12_validator.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_850_4010)

    assert result.tree is not None
    assert result.tree["PO1_loop"][0]["CTP"][0]["CTP05"] == ["CA", "", "10"]


def test_hierarchical_levels_nest_by_their_parent(x12_validator: TransactionSetValidator):
    found = sample_set("maps-856-4010-good.x12", "0002")

    tree = x12_validator.validate(found.segments, found.delimiters, found.envelope).tree

    assert tree is not None
    [shipment] = tree["HL_loop"]
    assert shipment["HL"] == {"HL01": "1", "HL03": "S", "HL04": "1"}
    orders = shipment["HL_loop"]
    assert [order["PRF"]["PRF01"] for order in orders] == ["PO12346", "PO12347"]
    assert [item["HL"]["HL01"] for order in orders for item in order["HL_loop"]] == ["3", "5"]
    assert orders[0]["HL_loop"][0]["SN1"] == {"SN101": "1", "SN102": "100", "SN103": "PC"}


def test_an_005010_set_with_a_repetition_separator_is_accepted(
    x12_validator: TransactionSetValidator,
):
    found = sample_set("maps-850-5010-good.x12", "0002")
    assert found.delimiters.repetition == "^"

    result = x12_validator.validate(found.segments, found.delimiters, found.envelope)

    assert result.accepted
    assert result.tree is not None
    assert result.tree["BEG"]["BEG03"] == "PO22345"


def test_trailing_empty_elements_are_not_faulted(x12_validator: TransactionSetValidator):
    segments = set_segments(
        """
        BEG*00*SA*PO1**20250115***
        PO1*1*2*EA*****
        """
    )

    result = x12_validator.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_850_4010)

    assert result.messages() == []


def test_a_set_no_map_serves_is_reported_as_not_supported(x12_validator: TransactionSetValidator):
    found = sample_set("maps-850-4010-good.x12", "0003")
    envelope = SetEnvelope("00401", "PO", "003040", source="old.x12")

    result = x12_validator.validate(found.segments, found.delimiters, envelope)

    assert result.tree is None
    assert [error.code for error in result.set_errors] == [SetErrorCode.NOT_SUPPORTED]
    [message] = result.messages()
    assert "old.x12" in message
    assert "'003040'" in message
    assert "PO/004010 under 00401" in message


def test_without_a_validator_the_function_composes_the_maps_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, x12_validator: TransactionSetValidator
):
    monkeypatch.setenv("AHEAD_CONNECTOR_CACHE_DIR", str(tmp_path))
    found = sample_set("maps-850-4010-good.x12", "0003")

    result = validate_transaction_set(found.segments, found.delimiters, found.envelope)

    assert result.accepted
    assert (
        result.tree == x12_validator.validate(found.segments, found.delimiters, found.envelope).tree
    )
    assert len(list((tmp_path / "x12-maps").iterdir())) == 1
