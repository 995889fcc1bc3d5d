"""The envelope walk yields each transaction set in its context, checks counts, control numbers
and trailers, and reports each problem with its place and its 997/999 code, going on with the
good sets."""

from __future__ import annotations

from pathlib import Path

import pytest
from x12_samples_support import data_file, interchange, purchase_order_sets

from adapters.x12.envelope import (
    EnvelopeEvent,
    EnvelopeLevel,
    EnvelopeProblem,
    GroupEnd,
    InterchangeEnd,
    TransactionSet,
    read_envelopes,
)
from adapters.x12.errors import (
    GroupErrorCode,
    InterchangeErrorCode,
    SetErrorCode,
    X12SyntaxError,
)

GS = "GS*PO*ACMEBUYER*AHEADMFG*20250115*1530*1*X*004010"


def events_of(path: Path) -> list[EnvelopeEvent]:
    return list(read_envelopes(path))


def written(tmp_path: Path, segments: list[str], **options: str) -> Path:
    path = tmp_path / "inbound.x12"
    path.write_text(interchange(segments, after="\n", **options), newline="")
    return path


def sets_of(events: list[EnvelopeEvent]) -> list[TransactionSet]:
    return [event for event in events if isinstance(event, TransactionSet)]


def only(problems: tuple[EnvelopeProblem, ...]) -> EnvelopeProblem:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_good_file_yields_each_set_then_the_group_end_then_the_interchange_end() -> None:
    events = events_of(data_file("reader-850-4010-lf.x12"))

    assert [type(event).__name__ for event in events] == [
        "TransactionSet",
        "TransactionSet",
        "GroupEnd",
        "InterchangeEnd",
    ]
    first, second, group, end = events
    assert isinstance(first, TransactionSet)
    assert isinstance(second, TransactionSet)
    assert isinstance(group, GroupEnd)
    assert isinstance(end, InterchangeEnd)
    assert [segment.tag for segment in first.segments][:2] == ["ST", "BEG"]
    assert first.segments[-1].tag == "SE"
    assert len(first.segments) == 12
    assert (first.set_id, first.control_number, first.position, first.line) == ("850", "0001", 3, 3)
    assert not first.problems
    assert not second.problems
    assert [summary.control_number for summary in group.sets] == ["0001", "0002"]
    assert group.declared_sets == 2
    assert not group.problems
    assert end.groups == (group,)
    assert end.declared_groups == 1
    assert not end.problems


def test_a_set_carries_its_interchange_and_group_as_the_mapping_tree_names_them() -> None:
    transaction_set = sets_of(events_of(data_file("reader-850-4010-lf.x12")))[0]

    assert transaction_set.interchange.envelope_fields() == {
        "sender_qualifier": "ZZ",
        "sender_id": "ACMEBUYER",
        "receiver_qualifier": "ZZ",
        "receiver_id": "AHEADMFG",
        "control_number": "000000101",
        "date": "250115",
        "time": "1530",
        "version": "00401",
        "usage": "P",
    }
    assert transaction_set.group.envelope_fields() == {
        "functional_id": "PO",
        "sender_id": "ACMEBUYER",
        "receiver_id": "AHEADMFG",
        "control_number": "1001",
        "version": "004010",
        "date": "20250115",
        "time": "1530",
    }


def test_wrong_counts_and_control_numbers_are_each_reported_with_code_place_and_element() -> None:
    path = data_file("envelope-850-bad-counts.x12")
    events = events_of(path)
    good, bad_count, bad_number = sets_of(events)
    group = next(event for event in events if isinstance(event, GroupEnd))
    end = events[-1]
    assert isinstance(end, InterchangeEnd)

    assert not good.problems
    count = only(bad_count.problems)
    assert (count.level, count.code, count.segment, count.element) == (
        EnvelopeLevel.TRANSACTION_SET,
        SetErrorCode.SEGMENT_COUNT_MISMATCH,
        "SE",
        "SE01",
    )
    assert (count.position, count.line) == (12, 12)
    assert count.source == str(path)
    assert "SE01 is '9' but the set has 5 segments from ST to SE; expected 5" in count.message
    number = only(bad_number.problems)
    assert (number.code, number.element, number.position) == (
        SetErrorCode.CONTROL_NUMBER_MISMATCH,
        "SE02",
        17,
    )
    assert "SE02 is '0004' but ST02 is '0003'" in number.message
    assert [(problem.code, problem.element) for problem in group.problems] == [
        (GroupErrorCode.SET_COUNT_MISMATCH, "GE01"),
        (GroupErrorCode.CONTROL_NUMBER_MISMATCH, "GE02"),
    ]
    assert group.declared_sets == 2
    assert [(problem.code, problem.element) for problem in end.problems] == [
        (InterchangeErrorCode.GROUP_COUNT_MISMATCH, "IEA01"),
        (InterchangeErrorCode.CONTROL_NUMBER_MISMATCH, "IEA02"),
    ]
    assert str(end.problems[1]) == (
        f"{path}, segment 19 (line 19), IEA02: IEA02 is '000000209' but ISA13 is "
        "'000000201'; expected the same control number (interchange error code 001)"
    )


def test_a_file_cut_short_closes_the_set_group_and_interchange_with_missing_trailers() -> None:
    events = events_of(data_file("envelope-850-truncated.x12"))

    complete, cut = sets_of(events)
    assert not complete.problems
    assert [segment.tag for segment in cut.segments] == ["ST", "BEG", "PO1"]
    missing_se = only(cut.problems)
    assert (missing_se.code, missing_se.segment, missing_se.position, missing_se.line) == (
        SetErrorCode.TRAILER_MISSING,
        "SE",
        10,
        10,
    )
    assert "has no SE: the file ends" in missing_se.message
    group, end = events[-2:]
    assert isinstance(group, GroupEnd)
    assert isinstance(end, InterchangeEnd)
    assert only(group.problems).code == GroupErrorCode.TRAILER_MISSING
    assert group.declared_sets is None
    assert only(end.problems).code == InterchangeErrorCode.PREMATURE_END_OF_FILE
    assert end.declared_groups is None


def test_a_set_whose_id_belongs_in_another_group_and_a_short_st02_are_rejected() -> None:
    events = events_of(data_file("envelope-850-5010-structure.x12"))

    good, shipment, short_number = sets_of(events)
    assert not good.problems
    wrong_group = only(shipment.problems)
    assert (wrong_group.code, wrong_group.element) == (
        SetErrorCode.INVALID_SET_IDENTIFIER,
        "ST01",
    )
    assert "transaction set 856 is in a functional group PO" in wrong_group.message
    assert "expected it in a group SH" in wrong_group.message
    assert only(short_number.problems).code == SetErrorCode.INVALID_CONTROL_NUMBER


def test_segments_outside_any_set_are_one_interchange_problem_and_the_sets_go_on() -> None:
    events = events_of(data_file("envelope-850-5010-structure.x12"))

    end = events[-1]
    assert isinstance(end, InterchangeEnd)
    stray = only(end.problems)
    assert (stray.level, stray.code, stray.segment, stray.position) == (
        EnvelopeLevel.INTERCHANGE,
        InterchangeErrorCode.INVALID_CONTROL_STRUCTURE,
        "N1",
        11,
    )
    assert "segment N1 (and the 1 segment after it) is outside any transaction set" in (
        stray.message
    )
    assert len(sets_of(events)) == 3


def test_a_bad_set_does_not_stop_the_good_ones_after_it(tmp_path: Path) -> None:
    segments = [
        GS,
        "ST*850*0001",
        "BEG*00*SA*PO1",
        "SE*7*0001",
        *purchase_order_sets(2, first=2),
        "GE*3*1",
        "IEA*1*000000001",
    ]

    events = events_of(written(tmp_path, segments))

    assert [bool(found.problems) for found in sets_of(events)] == [True, False, False]


def test_a_missing_se_is_reported_where_the_next_header_comes(tmp_path: Path) -> None:
    segments = [
        GS,
        "ST*850*0001",
        "BEG*00*SA*PO1",
        *purchase_order_sets(1, first=2),
        "GE*2*1",
        "IEA*1*000000001",
    ]

    events = events_of(written(tmp_path, segments))

    cut, following = sets_of(events)
    missing = only(cut.problems)
    assert missing.code == SetErrorCode.TRAILER_MISSING
    assert missing.position == 5
    assert "the ST at segment 5 comes first" in missing.message
    assert not following.problems


def test_a_missing_ge_is_reported_when_the_next_group_begins(tmp_path: Path) -> None:
    segments = [
        GS,
        *purchase_order_sets(1),
        GS.replace("*1*X*", "*2*X*"),
        *purchase_order_sets(1),
        "GE*1*2",
        "IEA*2*000000001",
    ]

    events = events_of(written(tmp_path, segments))

    first_group, second_group = (event for event in events if isinstance(event, GroupEnd))
    assert only(first_group.problems).code == GroupErrorCode.TRAILER_MISSING
    assert not second_group.problems
    end = events[-1]
    assert isinstance(end, InterchangeEnd)
    assert not end.problems


def test_control_numbers_that_break_their_syntax_are_reported(tmp_path: Path) -> None:
    segments = [
        GS.replace("*1*X*", "*A1*X*"),
        *purchase_order_sets(1),
        "GE*1*A1",
        "IEA*1*00000000X",
    ]

    events = events_of(written(tmp_path, segments, control_number="00000000X"))

    group = next(event for event in events if isinstance(event, GroupEnd))
    assert [(problem.code, problem.element) for problem in group.problems] == [
        (GroupErrorCode.INVALID_CONTROL_NUMBER, "GS06")
    ]
    end = events[-1]
    assert isinstance(end, InterchangeEnd)
    assert [(problem.code, problem.element) for problem in end.problems] == [
        (InterchangeErrorCode.INVALID_CONTROL_NUMBER, "ISA13")
    ]


def test_a_set_outside_any_group_is_reported_and_not_yielded(tmp_path: Path) -> None:
    segments = [*purchase_order_sets(1), GS, *purchase_order_sets(1), "GE*1*1", "IEA*1*000000001"]

    events = events_of(written(tmp_path, segments))

    assert len(sets_of(events)) == 1
    end = events[-1]
    assert isinstance(end, InterchangeEnd)
    outside = only(end.problems)
    assert outside.segment == "ST"
    assert "belongs to a transaction set outside any functional group" in outside.message


def test_a_new_isa_before_the_iea_closes_the_open_interchange(tmp_path: Path) -> None:
    first = interchange([GS, *purchase_order_sets(1)], after="\n")
    second = interchange(
        [GS, *purchase_order_sets(1), "GE*1*1", "IEA*1*000000002"],
        control_number="000000002",
        after="\n",
    )
    path = tmp_path / "two.x12"
    path.write_text(first + second, newline="")

    events = events_of(path)

    ends = [event for event in events if isinstance(event, InterchangeEnd)]
    assert [end.header.control_number for end in ends] == ["000000001", "000000002"]
    missing = only(ends[0].problems)
    assert missing.code == InterchangeErrorCode.INVALID_CONTROL_STRUCTURE
    assert "a new ISA at segment 9 comes first" in missing.message
    assert not ends[1].problems
    assert [not found.problems for found in sets_of(events)] == [True, True]


def test_an_unreadable_rest_closes_what_is_open_then_raises(tmp_path: Path) -> None:
    path = tmp_path / "broken.x12"
    good = interchange([GS, *purchase_order_sets(1)], after="\n").encode()
    path.write_bytes(good + b"ST*850*0002~\nN1*ST*\xff~\n")
    seen: list[EnvelopeEvent] = []

    with pytest.raises(X12SyntaxError) as raised:
        seen.extend(read_envelopes(path))

    assert raised.value.line == 10
    assert [type(event).__name__ for event in seen] == [
        "TransactionSet",
        "TransactionSet",
        "GroupEnd",
        "InterchangeEnd",
    ]
    cut = seen[1]
    assert isinstance(cut, TransactionSet)
    assert [segment.tag for segment in cut.segments] == ["ST"]
    assert only(cut.problems).code == SetErrorCode.TRAILER_MISSING
    end = seen[-1]
    assert isinstance(end, InterchangeEnd)
    assert "the rest of the file cannot be read (byte 0xff" in only(end.problems).message


def test_every_set_of_a_file_with_several_interchanges_knows_its_own() -> None:
    events = events_of(data_file("reader-850-two-interchanges.x12"))

    found = sets_of(events)
    assert [(item.interchange.control_number, item.group.control_number) for item in found] == [
        ("000000104", "4001"),
        ("000000105", "4002"),
    ]
    assert found[1].interchange.delimiters.segment == "!"
    assert all(not event.problems for event in events)
