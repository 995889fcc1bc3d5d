"""997 and 999 acknowledgments, compared byte for byte with files written by hand from the
standard (``data/ack-*``; ``UPDATE_SNAPSHOTS=1`` rewrites them, see ``x12_samples_support``);
pyx12 validates the 999s with our 999 map."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from x12_pyx12_support import pyx12_findings
from x12_samples_support import (
    ACK_TIME,
    ElementReport,
    SegmentReport,
    SetReport,
    assert_matches_golden,
    data_file,
)

from adapters.x12.ack import (
    AcknowledgmentNumbers,
    AcknowledgmentType,
    ValidationReport,
    acknowledgment_type,
    build_acknowledgment,
)
from adapters.x12.envelope import InterchangeEnd, TransactionSet, read_envelopes
from adapters.x12.writer import LineBreak

Reports = Callable[[list[TransactionSet]], Mapping[int, ValidationReport]]


def no_reports(_: list[TransactionSet]) -> Mapping[int, ValidationReport]:
    return {}


def reference_qualifier_error(sets: list[TransactionSet]) -> Mapping[int, ValidationReport]:
    """REF04-01 (C040, element 128) holds a code the map does not know."""
    first = sets[0]
    element = ElementReport(
        position=4, component_position=1, reference_number="128", code="7", bad_value="ZZ"
    )
    return {first.position: SetReport((SegmentReport("REF", 3, element_errors=(element,)),))}


def unit_of_measure_error(sets: list[TransactionSet]) -> Mapping[int, ValidationReport]:
    """PO103 (element 355) is ``XX``, no unit of measure, in the second set."""
    second = sets[1]
    element = ElementReport(position=3, reference_number="355", code="7", bad_value="XX")
    return {second.position: SetReport((SegmentReport("PO1", 3, "PO1", None, (element,)),))}


def acknowledgments(
    name: str, reports: Reports, line_break: LineBreak, first_interchange: int = 501
) -> list[bytes]:
    written: list[bytes] = []
    sets: list[TransactionSet] = []
    for event in read_envelopes(data_file(name)):
        if isinstance(event, TransactionSet):
            sets.append(event)
        elif isinstance(event, InterchangeEnd):
            acknowledgment = build_acknowledgment(event, reports(sets), line_break=line_break)
            number = first_interchange + len(written)
            out = io.BytesIO()
            acknowledgment.write(out, AcknowledgmentNumbers(number, number, 1), timestamp=ACK_TIME)
            written.append(out.getvalue())
            sets = []
    return written


@pytest.mark.parametrize(
    ("inbound", "reports", "line_break", "golden"),
    [
        ("reader-850-4010-lf.x12", no_reports, LineBreak.LF, "ack-997-reader-850-4010-lf.x12"),
        (
            "reader-850-4010-pipe-newline.x12",
            reference_qualifier_error,
            LineBreak.NONE,
            "ack-997-reader-850-4010-pipe-newline.x12",
        ),
        (
            "reader-850-5010-bom-crlf.x12",
            unit_of_measure_error,
            LineBreak.CRLF,
            "ack-999-reader-850-5010-bom-crlf.x12",
        ),
        (
            "envelope-850-bad-counts.x12",
            no_reports,
            LineBreak.NONE,
            "ack-997-envelope-850-bad-counts.x12",
        ),
        (
            "envelope-850-truncated.x12",
            no_reports,
            LineBreak.LF,
            "ack-997-envelope-850-truncated.x12",
        ),
        (
            "envelope-850-5010-structure.x12",
            no_reports,
            LineBreak.LF,
            "ack-999-envelope-850-5010-structure.x12",
        ),
    ],
)
def test_the_acknowledgment_of_a_received_interchange_is_the_one_written_by_hand(
    inbound: str, reports: Reports, line_break: LineBreak, golden: str
) -> None:
    (written,) = acknowledgments(inbound, reports, line_break)

    assert_matches_golden(written, golden)


@pytest.mark.parametrize(
    "golden", ["ack-999-reader-850-5010-bom-crlf.x12", "ack-999-envelope-850-5010-structure.x12"]
)
def test_pyx12_validates_the_999s_written_by_hand_with_our_999_map(
    golden: str, x12_map_dir: Path
) -> None:
    assert pyx12_findings(data_file(golden), x12_map_dir) == (True, [])


def test_each_interchange_of_a_file_gets_its_own_acknowledgment_in_its_own_delimiters() -> None:
    first, second = acknowledgments("reader-850-two-interchanges.x12", no_reports, LineBreak.LF)

    assert first.startswith(b"ISA*00*")
    assert b"AK1*PO*4001~\n" in first
    assert_matches_golden(second, "ack-997-reader-850-two-interchanges-second.x12")


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("004010", AcknowledgmentType.FUNCTIONAL),
        ("004030", AcknowledgmentType.FUNCTIONAL),
        ("003040", AcknowledgmentType.FUNCTIONAL),
        ("005010", AcknowledgmentType.IMPLEMENTATION),
        ("005010X222A1", AcknowledgmentType.IMPLEMENTATION),
        ("006020", AcknowledgmentType.IMPLEMENTATION),
        ("", AcknowledgmentType.FUNCTIONAL),
    ],
)
def test_groups_before_005010_get_a_997_and_later_ones_a_999(
    version: str, expected: AcknowledgmentType
) -> None:
    assert acknowledgment_type(version) is expected
