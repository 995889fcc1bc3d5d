"""What goes into a 997/999: the verdicts and codes, the mirrored envelope, the caller's control
numbers; and that an acknowledgment is itself a well-formed interchange."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from x12_samples_support import (
    ACK_TIME,
    ElementReport,
    SegmentReport,
    SetProblem,
    SetReport,
    data_file,
    interchange,
    purchase_order_sets,
)

from adapters.x12.ack import (
    Acknowledgment,
    AcknowledgmentNumbers,
    ValidationReport,
    build_acknowledgment,
)
from adapters.x12.envelope import GroupEnd, InterchangeEnd, TransactionSet, read_envelopes
from adapters.x12.errors import AcknowledgmentCode
from adapters.x12.reader import SegmentReader
from adapters.x12.segments import Delimiters, Segment
from adapters.x12.writer import LineBreak

GS_4010 = "GS*PO*ACMEBUYER*AHEADMFG*20250115*1530*{number}*X*004010"
GS_5010 = "GS*PO*BUYERAPP*AHEADAPP*20250115*1530*{number}*X*005010"


def received(path: Path) -> tuple[InterchangeEnd, list[TransactionSet]]:
    sets: list[TransactionSet] = []
    for event in read_envelopes(path):
        if isinstance(event, TransactionSet):
            sets.append(event)
        elif isinstance(event, InterchangeEnd):
            return event, sets
    raise AssertionError("no interchange in the file")


def written(acknowledgment: Acknowledgment, numbers: AcknowledgmentNumbers, tmp_path: Path) -> Path:
    path = tmp_path / "ack.x12"
    with path.open("wb") as out:
        acknowledgment.write(out, numbers, timestamp=ACK_TIME)
    return path


def segments_of(path: Path) -> list[Segment]:
    with SegmentReader(path) as reader:
        return list(reader)


def file_with(tmp_path: Path, segments: list[str], **options: str) -> Path:
    path = tmp_path / "inbound.x12"
    path.write_text(interchange(segments, **options), newline="")
    return path


def test_an_acknowledgment_is_a_well_formed_interchange_back_to_the_sender(
    tmp_path: Path,
) -> None:
    end, _ = received(data_file("reader-850-4010-pipe-newline.x12"))
    acknowledgment = build_acknowledgment(end, {})

    path = written(acknowledgment, AcknowledgmentNumbers(77, 88, 5), tmp_path)

    events = list(read_envelopes(path))
    assert all(not event.problems for event in events)
    sets = [event for event in events if isinstance(event, TransactionSet)]
    assert [(found.set_id, found.control_number) for found in sets] == [
        ("997", "0005"),
        ("997", "0006"),
    ]
    header = sets[0].interchange
    assert (header.sender_qualifier, header.sender_id) == ("ZZ", "AHEADMFG")
    assert (header.receiver_qualifier, header.receiver_id) == ("ZZ", "ACMEBUYER")
    assert (header.control_number, header.usage, header.version) == ("000000077", "T", "00401")
    assert header.delimiters == Delimiters("|", "^", "\n")
    group = sets[0].group
    assert (group.functional_id, group.control_number, group.version) == ("FA", "88", "004010")
    assert (group.sender_id, group.receiver_id) == ("AHEADMFG", "ACMEBUYER")
    assert acknowledgment.group_count == 1
    assert acknowledgment.set_count == 2


def test_other_delimiters_can_be_asked_for(tmp_path: Path) -> None:
    end, _ = received(data_file("reader-850-4010-pipe-newline.x12"))
    chosen = Delimiters("*", ">", "~")

    acknowledgment = build_acknowledgment(end, {}, delimiters=chosen, line_break=LineBreak.CRLF)
    path = written(acknowledgment, AcknowledgmentNumbers(1, 1), tmp_path)

    data = path.read_bytes()
    assert data.startswith(b"ISA*00*")
    assert b"\r\nAK1*PO*2001~\r\n" in data


def test_groups_of_different_versions_get_a_997_and_a_999_in_groups_numbered_in_turn(
    tmp_path: Path,
) -> None:
    segments = [
        GS_4010.format(number=11),
        *purchase_order_sets(2),
        "GE*2*11",
        GS_5010.format(number=12),
        *purchase_order_sets(1),
        "GE*1*12",
        "IEA*2*000000001",
    ]
    end, _ = received(file_with(tmp_path, segments, version="00501", repetition="^"))
    acknowledgment = build_acknowledgment(end, {})
    assert (acknowledgment.group_count, acknowledgment.set_count) == (2, 2)

    path = written(acknowledgment, AcknowledgmentNumbers(900, 40, 7), tmp_path)

    events = list(read_envelopes(path))
    assert all(not event.problems for event in events)
    sets = [event for event in events if isinstance(event, TransactionSet)]
    assert [(found.set_id, found.control_number, found.group.control_number) for found in sets] == [
        ("997", "0007", "40"),
        ("999", "0008", "41"),
    ]
    assert [found.group.version for found in sets] == ["004010", "005010"]
    assert [(found.group.sender_id, found.group.receiver_id) for found in sets] == [
        ("AHEADMFG", "ACMEBUYER"),
        ("AHEADAPP", "BUYERAPP"),
    ]
    assert sets[1].segments[0].elements == ("999", "0008", "005010X231A1")
    assert sets[1].segments[1].elements == ("PO", "12", "005010")


def body_of(acknowledgment: Acknowledgment) -> list[tuple[str, list[object]]]:
    (group,) = acknowledgment.groups
    (answer,) = group.sets
    return [(tag, list(elements)) for tag, elements in answer.segments]


def test_bad_values_lose_their_delimiters_and_are_cut_to_99_characters(tmp_path: Path) -> None:
    end, sets = received(
        file_with(
            tmp_path,
            [GS_4010.format(number=1), *purchase_order_sets(1), "GE*1*1", "IEA*1*000000001"],
        )
    )
    reports: Mapping[int, ValidationReport] = {
        sets[0].position: SetReport(
            (
                SegmentReport(
                    "PO1",
                    3,
                    "PO1",
                    element_errors=(
                        ElementReport(2, "6", "330", bad_value="1*2>3~4\n5"),
                        ElementReport(7, "5", "234", bad_value="X" * 150),
                    ),
                ),
            )
        )
    }

    body = body_of(build_acknowledgment(end, reports))

    ak4 = [elements for tag, elements in body if tag == "AK4"]
    assert ak4[0] == [["2"], "330", "6", "12345"]
    assert ak4[1][3] == "X" * 99


def test_copied_values_keep_only_the_trailing_spaces_their_elements_need(tmp_path: Path) -> None:
    short_control_number = [
        segment.replace("*0001", "*01") for segment in purchase_order_sets(1, lines=1)
    ]
    segments = [GS_4010.format(number=1), *short_control_number, "GE*1*1", "IEA*1*000000001"]
    end, sets = received(file_with(tmp_path, segments))
    report = SetReport(
        (
            SegmentReport(
                "REF",
                3,
                element_errors=(
                    ElementReport(2, "6", "127", bad_value="042  "),
                    ElementReport(3, "6", "352", bad_value="   "),
                    ElementReport(4, "13", "C040", bad_value="X", component_position=7),
                ),
            ),
            SegmentReport("X", 4, code="1"),
        )
    )

    body = body_of(build_acknowledgment(end, {sets[0].position: report}))

    assert body[1] == ("AK2", ["850", "01  "])
    assert [(tag, elements) for tag, elements in body if tag in {"AK3", "AK4"}] == [
        ("AK3", ["REF", "3", None, "8"]),
        ("AK4", [["2"], "127", "6", "042"]),
        ("AK4", [["3"], "352", "6", None]),
        ("AK4", [["4", "7"], None, "13", "X"]),
        ("AK3", ["X ", "4", None, "1"]),
    ]


POSITIONED_ERRORS = (
    ElementReport(3, "7", "355", repetition_position=2),
    ElementReport(4, "7", "C001", component_position=1, repetition_position=3),
    ElementReport(5, "4", "212", component_position=2),
)


def element_positions(inbound: Path) -> list[object]:
    end, sets = received(inbound)
    report = SetReport((SegmentReport("PO1", 3, "PO1", element_errors=POSITIONED_ERRORS),))
    body = body_of(build_acknowledgment(end, {sets[0].position: report}))
    return [elements[0] for tag, elements in body if tag in {"AK4", "IK4"}]


def test_a_999_element_position_carries_component_and_repetition(tmp_path: Path) -> None:
    segments = [GS_5010.format(number=1), *purchase_order_sets(1), "GE*1*1", "IEA*1*000000001"]
    inbound = file_with(tmp_path, segments, version="00501", repetition="^")

    assert element_positions(inbound) == [["3", "", "2"], ["4", "1", "3"], ["5", "2"]]


def test_a_997_element_position_carries_the_component_only(tmp_path: Path) -> None:
    segments = [GS_4010.format(number=1), *purchase_order_sets(1), "GE*1*1", "IEA*1*000000001"]
    inbound = file_with(tmp_path, segments)

    assert element_positions(inbound) == [["3"], ["4", "1"], ["5", "2"]]


def test_a_segment_error_without_element_errors_keeps_its_own_code(tmp_path: Path) -> None:
    end, sets = received(
        file_with(
            tmp_path,
            [GS_4010.format(number=1), *purchase_order_sets(1), "GE*1*1", "IEA*1*000000001"],
        )
    )
    report = SetReport((SegmentReport("ZZZ", 4, None, "1"),))

    body = body_of(build_acknowledgment(end, {sets[0].position: report}))

    assert ("AK3", ["ZZZ", "4", None, "1"]) in body
    assert ("AK5", [AcknowledgmentCode.REJECTED, "5"]) in body


def test_a_set_with_envelope_and_validation_problems_gets_both_codes(tmp_path: Path) -> None:
    segments = [
        GS_4010.format(number=1),
        "ST*850*0001",
        "BEG*00*SA*PO1",
        "SE*9*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ]
    end, sets = received(file_with(tmp_path, segments))
    report = SetReport((SegmentReport("BEG", 2, None, None, (ElementReport(5, "1", "373"),)),))

    body = body_of(build_acknowledgment(end, {sets[0].position: report}))

    assert ("AK5", [AcknowledgmentCode.REJECTED, "4", "5"]) in body
    assert ("AK3", ["BEG", "2", None, "8"]) in body


def test_a_set_the_validation_does_not_support_is_rejected_with_its_code(tmp_path: Path) -> None:
    end, sets = received(
        file_with(
            tmp_path,
            [GS_4010.format(number=1), *purchase_order_sets(2), "GE*2*1", "IEA*1*000000001"],
        )
    )
    report = SetReport(set_errors=(SetProblem("1"),))

    body = body_of(build_acknowledgment(end, {sets[1].position: report}))

    assert body[1:5] == [
        ("AK2", ["850", "0001"]),
        ("AK5", [AcknowledgmentCode.ACCEPTED]),
        ("AK2", ["850", "0002"]),
        ("AK5", [AcknowledgmentCode.REJECTED, "1"]),
    ]
    assert body[-1] == ("AK9", ["P", "2", "2", "1"])


def test_a_group_with_a_wrong_trailer_whose_sets_all_pass_is_accepted_with_errors(
    tmp_path: Path,
) -> None:
    segments = [GS_4010.format(number=1), *purchase_order_sets(2), "GE*3*1", "IEA*1*000000001"]
    end, _ = received(file_with(tmp_path, segments))

    acknowledgment = build_acknowledgment(end, {})

    assert body_of(acknowledgment)[-1] == ("AK9", ["E", "3", "2", "2", "5"])
    assert acknowledgment.groups[0].sets[0].verdict is AcknowledgmentCode.ACCEPTED_WITH_ERRORS


def test_a_group_whose_sets_are_all_rejected_is_rejected(tmp_path: Path) -> None:
    segments = [
        GS_4010.format(number=1),
        "ST*850*0001",
        "SE*5*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ]
    end, _ = received(file_with(tmp_path, segments))

    body = body_of(build_acknowledgment(end, {}))

    assert body[-1] == ("AK9", ["R", "1", "1", "0"])


def test_an_interchange_without_groups_gets_an_acknowledgment_without_sets(tmp_path: Path) -> None:
    end, _ = received(file_with(tmp_path, ["IEA*0*000000001"]))

    acknowledgment = build_acknowledgment(end, {})

    assert (acknowledgment.group_count, acknowledgment.set_count) == (0, 0)
    out = io.BytesIO()
    acknowledgment.write(out, AcknowledgmentNumbers(3, 3), timestamp=ACK_TIME)
    assert out.getvalue().endswith(b"IEA*0*000000003~")


def test_a_group_end_keeps_what_the_acknowledgment_needs_of_each_set() -> None:
    events = list(read_envelopes(data_file("reader-850-5010-bom-crlf.x12")))

    group = next(event for event in events if isinstance(event, GroupEnd))

    assert [(found.set_id, found.control_number, found.position) for found in group.sets] == [
        ("850", "0001", 3),
        ("850", "0002", 10),
    ]
