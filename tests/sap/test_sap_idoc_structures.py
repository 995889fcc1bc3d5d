"""Our structure definitions of ORDERS05, DELVRY07 and INVOIC02, and the check reused on the
IDocs the connector will write."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.sap.idoc import (
    IdocBasicType,
    IdocStructureError,
    SegmentDefinition,
    check_idoc_xml,
    load_structure,
    read_idoc_file,
)

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("basic_type", list(IdocBasicType))
def test_every_definition_loads_and_names_its_control_record(basic_type: IdocBasicType) -> None:
    structure = load_structure(basic_type)

    assert structure.basic_type == basic_type.value
    assert structure.control.name == "EDI_DC40"
    assert structure.control.fields["DOCNUM"] == 16
    assert structure.segments[0].mandatory


def test_definitions_hold_segment_lengths_occurrences_and_children() -> None:
    orders = load_structure("ORDERS05")

    item = next(s for s in orders.segments if s.name == "E1EDP01")
    partner = next(s for s in orders.segments if s.name == "E1EDKA1")
    assert (item.max, item.fields["MENGE"], item.fields["MENEE"]) == (999999, 15, 3)
    assert [c.name for c in item.children][:3] == ["E1EDP02", "E1EDP03", "E1EDP04"]
    assert (partner.max, partner.required, partner.child("E1EDKA3") is not None) == (
        99,
        ("PARVW",),
        True,
    )


@pytest.mark.parametrize(
    ("file", "basic_type"),
    [("idoc-delvry07-good.xml", "DELVRY07"), ("idoc-invoic02-good.xml", "INVOIC02")],
)
def test_a_shipment_and_an_invoice_as_the_connector_will_write_them_conform(
    file: str, basic_type: str
) -> None:
    path = DATA / file

    assert check_idoc_xml(path.read_bytes(), basic_type, source=file) == []
    assert read_idoc_file(path, basic_type)[0].tree["EDI_DC40"]["IDOCTYP"] == basic_type


def test_a_shipment_that_breaks_the_definition_is_caught_before_it_is_written() -> None:
    xml = (DATA / "idoc-delvry07-good.xml").read_text(encoding="utf-8")
    broken = xml.replace("<VBELN>80000000</VBELN>\n      <BTGEW>", "<BTGEW>").replace(
        "<TRAID>UPS</TRAID>", "<TRAID>UNITED PARCEL SERVICE GROUND</TRAID>"
    )

    problems = check_idoc_xml(broken.encode(), "DELVRY07", source="desadv.xml")

    assert [str(p) for p in problems] == [
        "desadv.xml, line 21: IDoc 1, segment E1EDL20 #1 (segment number 1), field TRAID: "
        "'UNITED PARCEL SERVICE GROUND' has 28 characters; at most 20",
        "desadv.xml, line 17: IDoc 1, segment E1EDL20 #1 (segment number 1), field VBELN: "
        "required, and missing",
    ]


def test_an_invoice_item_in_the_wrong_place_is_caught() -> None:
    xml = (DATA / "idoc-invoic02-good.xml").read_text(encoding="utf-8")
    summary_first = xml.replace(
        "<E1EDP01 SEGMENT", '<E1EDS01 SEGMENT="1"><SUMID>010</SUMID></E1EDS01><E1EDP01 SEGMENT', 1
    )

    problems = check_idoc_xml(summary_first.encode(), "INVOIC02", source="invoice.xml")

    assert [p.message for p in problems] == [
        "out of order: INVOIC02 puts E1EDP01 before E1EDS01 under IDOC"
    ]


def test_an_unknown_basic_type_has_no_definition() -> None:
    with pytest.raises(IdocStructureError, match="no structure definition of 'ORDERS99'"):
        load_structure("ORDERS99")


def test_a_definition_requiring_a_field_it_does_not_have_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"required \['QUALF'\] are not among its fields"):
        SegmentDefinition(name="E1EDK14", fields={"ORGID": 35}, required=("QUALF",))
