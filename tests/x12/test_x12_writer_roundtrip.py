"""The writer adds the envelope and counts, pads the ISA, trims trailing empties, refuses values
it cannot write, and what it writes reads back the same."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from adapters.x12.envelope import GroupEnd, InterchangeEnd, TransactionSet, read_envelopes
from adapters.x12.errors import X12WriteError
from adapters.x12.reader import SegmentReader
from adapters.x12.segments import Delimiters, Segment
from adapters.x12.syntax import ISA_LENGTH
from adapters.x12.writer import (
    EnvelopeSettings,
    InterchangeWriter,
    LineBreak,
    OutboundSegment,
    Repeated,
    UsageIndicator,
)

WHEN = datetime(2025, 1, 20, 15, 30)
SETTINGS = EnvelopeSettings(
    sender_qualifier="ZZ",
    sender_id="AHEADMFG",
    receiver_qualifier="12",
    receiver_id="5551234567",
    group_sender_id="AHEADMFG",
    group_receiver_id="ACMEBUYER",
)
SETTINGS_5010 = EnvelopeSettings(
    sender_qualifier="ZZ",
    sender_id="AHEADMFG",
    receiver_qualifier="ZZ",
    receiver_id="ACMEBUYER",
    group_sender_id="AHEADMFG",
    group_receiver_id="ACMEBUYER",
    version="00501",
    group_version="005010",
    usage=UsageIndicator.TEST,
    delimiters=Delimiters("|", ":", "\n", "^"),
)
SHIPMENT: list[OutboundSegment] = [
    ("BSN", ["00", "SHIP0001", "20250120", "1530", "0001"]),
    ("HL", ["1", None, "S"]),
    ("TD1", ["CTN25", "1", None, None, None, "G", "5", "LB"]),
    ("REF", ["BM", "BOL123"]),
    ("HL", ["2", "1", "O"]),
    ("PRF", ["PO12345", None, None, "20250115"]),
    ("CTT", ["2"]),
]
INVOICE: list[OutboundSegment] = [
    ("BIG", ["20250121", "INV9001", "20250115", "PO12345"]),
    ("IT1", ["1", "12", "EA", "8.50", None, "UP", "614141007349"]),
    ("TDS", ["10200"]),
    ("CTT", ["1"]),
]


def write(settings: EnvelopeSettings = SETTINGS, control_number: int = 42) -> bytes:
    out = io.BytesIO()
    with InterchangeWriter(out, settings, control_number, timestamp=WHEN) as writer:
        writer.begin_group("SH", 7)
        writer.write_set("856", 1, SHIPMENT)
        writer.write_set("856", 2, SHIPMENT[:3])
        writer.begin_group("IN", 8)
        writer.write_set("810", "12345", INVOICE)
    return out.getvalue()


def read_back(tmp_path: Path, data: bytes) -> list[Segment]:
    path = tmp_path / "written.x12"
    path.write_bytes(data)
    with SegmentReader(path) as reader:
        return list(reader)


def test_what_is_written_reads_back_the_same(tmp_path: Path) -> None:
    segments = read_back(tmp_path, write())

    assert [(segment.tag, list(segment.elements)) for segment in segments] == [
        (
            "ISA",
            [
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                "AHEADMFG       ",
                "12",
                "5551234567     ",
                "250120",
                "1530",
                "U",
                "00401",
                "000000042",
                "0",
                "P",
                ">",
            ],
        ),
        ("GS", ["SH", "AHEADMFG", "ACMEBUYER", "20250120", "1530", "7", "X", "004010"]),
        ("ST", ["856", "0001"]),
        ("BSN", ["00", "SHIP0001", "20250120", "1530", "0001"]),
        ("HL", ["1", "", "S"]),
        ("TD1", ["CTN25", "1", "", "", "", "G", "5", "LB"]),
        ("REF", ["BM", "BOL123"]),
        ("HL", ["2", "1", "O"]),
        ("PRF", ["PO12345", "", "", "20250115"]),
        ("CTT", ["2"]),
        ("SE", ["9", "0001"]),
        ("ST", ["856", "0002"]),
        ("BSN", ["00", "SHIP0001", "20250120", "1530", "0001"]),
        ("HL", ["1", "", "S"]),
        ("TD1", ["CTN25", "1", "", "", "", "G", "5", "LB"]),
        ("SE", ["5", "0002"]),
        ("GE", ["2", "7"]),
        ("GS", ["IN", "AHEADMFG", "ACMEBUYER", "20250120", "1530", "8", "X", "004010"]),
        ("ST", ["810", "12345"]),
        ("BIG", ["20250121", "INV9001", "20250115", "PO12345"]),
        ("IT1", ["1", "12", "EA", "8.50", "", "UP", "614141007349"]),
        ("TDS", ["10200"]),
        ("CTT", ["1"]),
        ("SE", ["6", "12345"]),
        ("GE", ["1", "8"]),
        ("IEA", ["2", "000000042"]),
    ]


def test_the_counts_and_control_numbers_written_pass_the_envelope_checks(tmp_path: Path) -> None:
    path = tmp_path / "written.x12"
    path.write_bytes(write())

    events = list(read_envelopes(path))

    assert all(not event.problems for event in events)
    assert [type(event) for event in events] == [
        TransactionSet,
        TransactionSet,
        GroupEnd,
        TransactionSet,
        GroupEnd,
        InterchangeEnd,
    ]


def test_the_isa_is_fixed_width_and_written_at_once() -> None:
    out = io.BytesIO()
    InterchangeWriter(out, SETTINGS, 1, timestamp=WHEN)

    isa = out.getvalue().decode()
    assert len(isa) == ISA_LENGTH
    assert isa.endswith("*000000001*0*P*>~")


def test_composites_repetitions_and_a_line_break_terminator_read_back(tmp_path: Path) -> None:
    out = io.BytesIO()
    with InterchangeWriter(out, SETTINGS_5010, 9, timestamp=WHEN) as writer:
        writer.begin_group("PO", 3)
        writer.write_set(
            "850",
            1,
            [
                ("BEG", ["00", "SA", "PO1", None, "20250115"]),
                ("REF", ["DP", "042", None, ["ZZ", "DEPT7", None]]),
                ("LQ", [Repeated(("A1", ["B", "2"], "")), "X"]),
            ],
            implementation_reference="005010X220A1",
        )

    segments = read_back(tmp_path, out.getvalue())

    assert [(segment.tag, segment.elements, segment.line) for segment in segments[2:6]] == [
        ("ST", ("850", "0001", "005010X220A1"), 3),
        ("BEG", ("00", "SA", "PO1", "", "20250115"), 4),
        ("REF", ("DP", "042", "", "ZZ:DEPT7"), 5),
        ("LQ", ("A1^B:2", "X"), 6),
    ]
    assert segments[0].element(11) == "^"
    assert segments[0].element(15) == "T"


def test_trailing_empty_elements_and_components_are_left_out() -> None:
    out = io.BytesIO()
    with InterchangeWriter(out, SETTINGS, 1, timestamp=WHEN) as writer:
        writer.begin_group("SH", 1)
        writer.write_set("856", 1, [("N1", ["ST", "STORE", None, "", None]), ("MEA", [["A", ""]])])

    assert b"~N1*ST*STORE~MEA*A~" in out.getvalue()


@pytest.mark.parametrize("line_break", [LineBreak.LF, LineBreak.CRLF])
def test_a_line_break_after_each_segment_when_asked(line_break: LineBreak) -> None:
    settings = EnvelopeSettings(**{**SETTINGS.__dict__, "line_break": line_break})
    out = io.BytesIO()
    with InterchangeWriter(out, settings, 1, timestamp=WHEN) as writer:
        writer.begin_group("SH", 1)

    lines = out.getvalue().decode().split(line_break)
    assert [line[:3] for line in lines] == ["ISA", "GS*", "GE*", "IEA", ""]
    assert all(line.endswith("~") for line in lines[:-1])


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("STORE*118", "the element separator '*'"),
        ("STORE~118", "the segment terminator '~'"),
        ("STORE>118", "the component separator '>'"),
        ("STORE\n118", "a line break '\\n'"),
    ],
)
def test_a_value_holding_a_delimiter_is_refused_naming_segment_and_element(
    value: str, what: str
) -> None:
    out = io.BytesIO()
    writer = InterchangeWriter(out, SETTINGS, 1, timestamp=WHEN)
    writer.begin_group("SH", 1)

    with pytest.raises(X12WriteError) as raised:
        writer.write_set("856", 1, [("BSN", ["00", "S1"]), ("N1", ["ST", value])])

    error = raised.value
    assert (error.segment, error.element) == ("N1", "N102")
    assert "segment 3 of transaction set 856 0001" in str(error)
    assert what in str(error)
    assert "X12 has no escape" in str(error)


def test_a_component_holding_the_repetition_separator_is_refused() -> None:
    out = io.BytesIO()
    writer = InterchangeWriter(out, SETTINGS_5010, 1, timestamp=WHEN)
    writer.begin_group("PO", 1)

    with pytest.raises(X12WriteError) as raised:
        writer.write_set("850", 1, [("REF", ["DP", "042", None, ["ZZ", "A^B"]])])

    assert raised.value.element == "REF04"
    assert "the repetition separator '^'" in str(raised.value)


def test_an_isa_field_too_long_for_its_width_is_refused() -> None:
    settings = EnvelopeSettings(**{**SETTINGS.__dict__, "sender_id": "A" * 16})

    with pytest.raises(X12WriteError) as raised:
        InterchangeWriter(io.BytesIO(), settings, 1, timestamp=WHEN)

    assert raised.value.element == "ISA06"
    assert "expected at most 15" in str(raised.value)


def test_version_00501_needs_a_repetition_separator_and_00401_must_have_none() -> None:
    with pytest.raises(X12WriteError, match="needs a repetition separator"):
        EnvelopeSettings(**{**SETTINGS.__dict__, "version": "00501"})
    with pytest.raises(X12WriteError, match="has no repetition separator"):
        EnvelopeSettings(**{**SETTINGS.__dict__, "delimiters": Delimiters("*", ">", "~", "^")})


def test_delimiters_that_clash_are_refused() -> None:
    with pytest.raises(X12WriteError, match="not usable"):
        EnvelopeSettings(**{**SETTINGS.__dict__, "delimiters": Delimiters("*", "*", "~")})


def test_control_numbers_out_of_range_are_refused() -> None:
    with pytest.raises(X12WriteError, match="expected 1 to 999999999"):
        InterchangeWriter(io.BytesIO(), SETTINGS, 1_000_000_000, timestamp=WHEN)
    writer = InterchangeWriter(io.BytesIO(), SETTINGS, 1, timestamp=WHEN)
    with pytest.raises(X12WriteError, match="group control number"):
        writer.begin_group("SH", 0)
    writer.begin_group("SH", 1)
    with pytest.raises(X12WriteError, match="4 to 9 characters"):
        writer.write_set("856", "12", SHIPMENT)


def test_a_set_outside_a_group_is_refused() -> None:
    writer = InterchangeWriter(io.BytesIO(), SETTINGS, 1, timestamp=WHEN)

    with pytest.raises(X12WriteError, match="begin_group"):
        writer.write_set("856", 1, SHIPMENT)


def fail_while_writing(out: io.BytesIO) -> None:
    with InterchangeWriter(out, SETTINGS, 1, timestamp=WHEN) as writer:
        writer.begin_group("SH", 1)
        raise RuntimeError("the mapping failed")


def test_leaving_the_block_with_an_error_writes_no_iea() -> None:
    out = io.BytesIO()

    with pytest.raises(RuntimeError):
        fail_while_writing(out)

    assert b"IEA" not in out.getvalue()
    assert b"GE" not in out.getvalue()


def test_segments_are_written_as_they_come() -> None:
    out = io.BytesIO()
    writer = InterchangeWriter(out, SETTINGS, 1, timestamp=WHEN)
    writer.begin_group("SH", 1)
    seen_when_asked: list[bytes] = []

    def segments() -> Iterator[OutboundSegment]:
        yield ("BSN", ["00", "S1"])
        seen_when_asked.append(out.getvalue())
        yield ("HL", ["1", None, "S"])

    count = writer.write_set("856", 1, segments())

    assert count == 4
    assert seen_when_asked[0].endswith(b"BSN*00*S1~")


def test_closing_twice_writes_one_iea_and_writing_after_is_refused() -> None:
    out = io.BytesIO()
    writer = InterchangeWriter(out, SETTINGS, 1, timestamp=WHEN)
    writer.close()
    writer.close()

    assert out.getvalue().count(b"IEA") == 1
    assert out.getvalue().endswith(b"IEA*0*000000001~")
    with pytest.raises(X12WriteError, match="already closed"):
        writer.begin_group("SH", 1)
