"""ORDERS05 IDoc files become JSON record trees; bad ones are refused with every problem named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.sap.idoc import IdocError, read_idoc_file, read_idocs, read_orders05

DATA = Path(__file__).parent / "data"


def test_an_orders05_file_becomes_the_record_tree_of_its_snapshot() -> None:
    documents = read_orders05(DATA / "idoc-orders05-good.xml")

    expected = json.loads((DATA / "idoc-orders05-good-tree.json").read_text(encoding="utf-8"))
    assert len(documents) == 1
    assert documents[0].tree == expected
    assert (documents[0].basic_type, documents[0].message_type) == ("ORDERS05", "ORDERS")
    assert documents[0].control["SNDPRN"] == "0000100001"


def test_segments_that_may_repeat_are_lists_even_when_there_is_one() -> None:
    tree = read_orders05(DATA / "idoc-orders05-good.xml")[0].tree

    assert isinstance(tree["E1EDK01"], dict)
    assert isinstance(tree["E1EDK02"], list)
    assert len(tree["E1EDK02"]) == 1
    assert tree["E1EDP01"][1]["E1EDPT1"][0]["E1EDPT2"][0]["TDLINE"].startswith("Serial")
    assert "E1EDP20" not in tree["E1EDP01"][1]


def test_a_file_with_two_idocs_gives_two_documents() -> None:
    one = (DATA / "idoc-orders05-good.xml").read_text(encoding="utf-8")
    start, end = one.index("<IDOC"), one.index("</IDOC>") + len("</IDOC>")
    second = one[start:end].replace("4500012345", "4500012346")
    two = one[:end] + second + one[end:]

    documents = read_idocs(two.encode(), "ORDERS05", source="two.xml")

    assert [d.index for d in documents] == [1, 2]
    assert [d.tree["E1EDK01"]["BELNR"] for d in documents] == ["4500012345", "4500012346"]


def test_a_bad_file_is_refused_with_every_problem_naming_its_place() -> None:
    path = DATA / "idoc-orders05-bad.xml"

    with pytest.raises(IdocError) as caught:
        read_orders05(path)

    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}, line 10: IDoc 1, segment EDI_DC40, field SNDPRN: "
        "'00001000010000100001' has 20 characters; at most 10",
        f"{path}, line 5: IDoc 1, segment EDI_DC40, field RCVPRN: required, and missing",
        f"{path}, line 7: IDoc 1, segment EDI_DC40, field MESTYP: 'INVOIC' is not a message "
        "type of ORDERS05 (expected ORDERS, ORDCHG, ORDRSP)",
        f"{path}, line 19: IDoc 1, segment E1EDKA1 #1 (segment number 2), field PARVW: "
        "required, and empty",
        f"{path}, line 22: IDoc 1, segment E1EDK03 #1 (segment number 3): out of order: "
        "ORDERS05 puts E1EDK03 before E1EDKA1 under IDOC",
        f"{path}, line 28: IDoc 1, segment E1EDP01 #1 (segment number 4), field MENGE: "
        "'1234567890.1234567' has 18 characters; at most 15",
        f"{path}, line 29: IDoc 1, segment E1EDP01 #1 (segment number 4), field MENGE: "
        "given twice; a field occurs once",
        f"{path}, line 30: IDoc 1, segment E1EDP01 #1 (segment number 4), field COLOUR: "
        "not a field of E1EDP01 (its fields: POSEX, ACTION, PSTYP, KZABS, MENGE, MENEE, "
        "BMNG2, PMENE and 43 more)",
        f"{path}, line 31: IDoc 1, segment E1EDP19 #1 (segment number 5), field QUALF: "
        "required, and missing",
        f"{path}, line 35: IDoc 1, segment E1EDP01 #2 (segment number 6): "
        'has no SEGMENT="1" attribute',
        f"{path}, line 37: IDoc 1, segment Z1EDPX1 #1 (segment number 7): not a segment of "
        "ORDERS05 under E1EDP01 (expected E1EDP02, E1EDP03, E1EDP04, E1EDP05, E1EDP20, "
        "E1EDPA1, E1EDP19, E1EDP17 and 2 more)",
        f"{path}, line 4: IDoc 1, segment E1EDK01: mandatory segment missing under IDOC",
    ]
    assert str(caught.value).startswith(f"{path}: 12 problems:\n  - {path}, line 10:")


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (
            b'<DELVRY07><IDOC BEGIN="1"/></DELVRY07>',
            "line 1: the root element is <DELVRY07>; an ORDERS05 file starts with <ORDERS05>",
        ),
        (b"<ORDERS05><NOTE>hi</NOTE></ORDERS05>", "<NOTE> under <ORDERS05>: expected only IDOC"),
        (b"<ORDERS05></ORDERS05>", "line 1: <ORDERS05> holds no IDOC"),
        (
            b"<ORDERS05><IDOC><E1EDK01 SEGMENT='1'/></IDOC></ORDERS05>",
            'IDoc 1: IDOC has no BEGIN="1" attribute',
        ),
        (
            b"<ORDERS05><IDOC BEGIN='1'><E1EDK01 SEGMENT='1'/></IDOC></ORDERS05>",
            "segment EDI_DC40: the control record is missing",
        ),
        (
            b"<ORDERS05><IDOC BEGIN='1'><EDI_DC40 SEGMENT='1'><IDOCTYP>INVOIC02</IDOCTYP>"
            b"</EDI_DC40></IDOC></ORDERS05>",
            "field IDOCTYP: 'INVOIC02', but this is an ORDERS05 file",
        ),
        (
            b"<ORDERS05><IDOC BEGIN='1'><EDI_DC40 SEGMENT='1'/><E1EDK01 SEGMENT='1'/>"
            b"<BELNR>1</BELNR></IDOC></ORDERS05>",
            "segment BELNR: holds text directly under IDOC; expected a segment",
        ),
        (
            b"<ORDERS05><IDOC BEGIN='1'><EDI_DC40 SEGMENT='1'/><E1EDK01 SEGMENT='1'/>"
            b"<EDI_DC40 SEGMENT='1'/></IDOC></ORDERS05>",
            "segment EDI_DC40: EDI_DC40 must be the first element of IDOC, and only once",
        ),
        (
            b"<ORDERS05><IDOC BEGIN='1'><EDI_DC40 SEGMENT='1'/><E1EDK01 SEGMENT='1'/>"
            b"<E1EDK01 SEGMENT='1'/></IDOC></ORDERS05>",
            "segment E1EDK01 #2 (segment number 2): E1EDK01 may occur at most once under IDOC",
        ),
        (b"<ORDERS05><IDOC>", "line 1: not well-formed XML"),
        (b"   ", "the document is empty"),
    ],
)
def test_a_file_that_is_not_an_orders05_idoc_says_what_was_expected(
    xml: bytes, expected: str
) -> None:
    with pytest.raises(IdocError) as caught:
        read_idocs(xml, "ORDERS05", source="in.xml")

    assert any(expected in str(problem) for problem in caught.value.problems), caught.value


def test_too_many_of_a_repeating_segment_is_reported_once_at_the_first_too_many() -> None:
    organisation = b"<E1EDK14 SEGMENT='1'><QUALF>008</QUALF><ORGID>1710</ORGID></E1EDK14>"
    xml = (
        b"<ORDERS05><IDOC BEGIN='1'><EDI_DC40 SEGMENT='1'><IDOCTYP>ORDERS05</IDOCTYP>"
        b"<MESTYP>ORDERS</MESTYP><SNDPOR>P</SNDPOR><SNDPRT>KU</SNDPRT><SNDPRN>1</SNDPRN>"
        b"<RCVPOR>R</RCVPOR><RCVPRT>LS</RCVPRT><RCVPRN>A</RCVPRN></EDI_DC40>"
        b"<E1EDK01 SEGMENT='1'/>" + organisation * 14 + b"</IDOC></ORDERS05>"
    )

    with pytest.raises(IdocError) as caught:
        read_idocs(xml, "ORDERS05", source="in.xml")

    assert [str(p) for p in caught.value.problems] == [
        "in.xml, line 1: IDoc 1, segment E1EDK14 #13 (segment number 14): "
        "E1EDK14 may occur at most 12 times under IDOC"
    ]


def test_a_file_that_cannot_be_read_is_an_idoc_error(tmp_path: Path) -> None:
    with pytest.raises(IdocError, match="cannot be read"):
        read_idoc_file(tmp_path / "missing.xml", "ORDERS05")
