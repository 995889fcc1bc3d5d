"""Bad transaction sets: the AK3/AK4 codes, positions, loops and messages the validation gives."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from x12_validation_support import (
    ENVELOPE_850_4010,
    ENVELOPE_850_5010,
    ENVELOPE_856_4010,
    sample_set,
    set_segments,
)

from adapters.x12.error_codes import ElementErrorCode, SegmentErrorCode
from adapters.x12.errors import SetErrorCode
from adapters.x12.segments import Delimiters
from adapters.x12.validation import SetResult, TransactionSetValidator

BAD_850 = "validation-850-4010-bad.x12"
BAD_856 = "validation-856-4010-bad.x12"


@dataclass(frozen=True)
class Expected:
    """One expected AK3 with its AK4s: (position, component, reference, code, bad value)."""

    segment_id: str
    position: int
    loop_id: str | None
    code: SegmentErrorCode
    elements: tuple[tuple[int, int | None, str | None, ElementErrorCode, str | None], ...] = ()


def _reported(result: SetResult) -> list[Expected]:
    return [
        Expected(
            error.segment_id,
            error.position,
            error.loop_id,
            error.code,
            tuple(
                (e.position, e.component_position, e.reference_number, e.code, e.bad_value)
                for e in error.element_errors
            ),
        )
        for error in result.segment_errors
    ]


def _validate(validator: TransactionSetValidator, name: str, control: str) -> SetResult:
    found = sample_set(name, control)
    return validator.validate(found.segments, found.delimiters, found.envelope)


@pytest.mark.parametrize(
    ("control", "expected"),
    [
        pytest.param(
            "0001",
            Expected("BEG", 2, None, SegmentErrorCode.MANDATORY_SEGMENT_MISSING),
            id="missing BEG",
        ),
        pytest.param(
            "0002",
            Expected(
                "BEG",
                2,
                None,
                SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS,
                ((1, None, "353", ElementErrorCode.INVALID_CODE_VALUE, "ZZ"),),
            ),
            id="bad BEG01 code",
        ),
        pytest.param(
            "0003",
            Expected("XYZ", 4, None, SegmentErrorCode.UNRECOGNIZED_SEGMENT_ID),
            id="unknown segment",
        ),
        pytest.param(
            "0004",
            Expected(
                "REF",
                3,
                None,
                SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS,
                ((5, None, None, ElementErrorCode.TOO_MANY_DATA_ELEMENTS, "EXTRA"),),
            ),
            id="too many elements",
        ),
        pytest.param(
            "0005",
            Expected(
                "PO1",
                9,
                "PO1",
                SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS,
                ((2, None, "330", ElementErrorCode.MANDATORY_DATA_ELEMENT_MISSING, None),),
            ),
            id="PO1 without quantity",
        ),
        pytest.param(
            "0006",
            Expected(
                "BEG",
                2,
                None,
                SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS,
                (
                    (
                        3,
                        None,
                        "324",
                        ElementErrorCode.DATA_ELEMENT_TOO_LONG,
                        "PO12347-2025-0117-LONGER",
                    ),
                ),
            ),
            id="element too long",
        ),
        pytest.param(
            "0007",
            Expected("PO1", 9, "PO1", SegmentErrorCode.MANDATORY_SEGMENT_MISSING),
            id="PO1 loop missing at the end of the set",
        ),
        pytest.param(
            "0008",
            Expected("REF", 4, None, SegmentErrorCode.SEGMENT_NOT_IN_PROPER_SEQUENCE),
            id="segment out of sequence",
        ),
    ],
)
def test_a_bad_850_gets_the_codes_of_its_fault(
    control: str, expected: Expected, x12_validator: TransactionSetValidator
):
    result = _validate(x12_validator, BAD_850, control)

    assert _reported(result) == [expected]
    assert result.tree is None
    assert not result.accepted
    assert [error.code for error in result.set_errors] == [SetErrorCode.SEGMENTS_IN_ERROR]


@pytest.mark.parametrize(
    ("control", "fragments"),
    [
        (
            "0001",
            [
                "validation-850-4010-bad.x12: line 4, segment 4 of the file, REF",
                "(position 2 in 850 set 0001)",
                "the mandatory segment BEG (Beginning Segment for Purchase Order) is missing",
            ],
        ),
        (
            "0002",
            [
                "line 15, segment 15 of the file, BEG (position 2 in 850 set 0002)",
                "BEG01 (Transaction Set Purpose Code, data element 353) is 'ZZ'",
                "not one of its codes: 00, 01, 04, 05",
            ],
        ),
        ("0003", ["XYZ (position 4", "'XYZ' is not a segment of the 850 map", "BEG, CTP"]),
        ("0004", ["REF (position 3", "REF has 5 elements; the map defines 4"]),
        ("0005", ["PO1 (position 9", "PO102 (Quantity Ordered, data element 330)", "mandatory"]),
        (
            "0006",
            [
                "BEG03 (Purchase Order Number, data element 324)",
                "'PO12347-2025-0117-LONGER' (24 characters); expected 1 to 22 characters",
            ],
        ),
        ("0007", ["SE (position 9", "the mandatory loop PO1 (Baseline Item Data"]),
        ("0008", ["REF (position 4", "not allowed here after DTM (position 3)"]),
    ],
)
def test_a_bad_850_message_names_the_place_the_segment_the_element_and_the_expectation(
    control: str, fragments: list[str], x12_validator: TransactionSetValidator
):
    [message] = _validate(x12_validator, BAD_850, control).messages()

    for fragment in fragments:
        assert fragment in message


def test_an_hl_whose_parent_is_no_open_level_is_an_error_on_hl02(
    x12_validator: TransactionSetValidator,
):
    result = _validate(x12_validator, BAD_856, "0001")

    assert _reported(result) == [
        Expected(
            "HL",
            13,
            "HL",
            SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS,
            ((2, None, "734", ElementErrorCode.INVALID_CODE_VALUE, "7"),),
        )
    ]
    [message] = result.messages()
    assert "line 15, segment 15 of the file, HL (position 13 in 856 set 0001)" in message
    assert "HL02 '7'" in message
    assert "expected the id of the previous HL or of one of its parents: 2, 1" in message


def test_an_hl_repeating_an_earlier_id_is_an_error_on_hl01(x12_validator: TransactionSetValidator):
    result = _validate(x12_validator, BAD_856, "0002")

    assert _reported(result) == [
        Expected(
            "HL",
            15,
            "HL",
            SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS,
            ((1, None, "628", ElementErrorCode.INVALID_CODE_VALUE, "3"),),
        )
    ]


def test_a_broken_syntax_rule_names_the_element_it_misses(x12_validator: TransactionSetValidator):
    segments = set_segments(
        """
        BEG*00*SA*PO1**20250115
        N1*ST*STORE 118*92
        PO1*1*2*EA
        """
    )

    result = x12_validator.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_850_4010)

    [error] = result.segment_errors
    [element] = error.element_errors
    assert (error.segment_id, error.position, error.loop_id) == ("N1", 3, "N1")
    assert (element.position, element.reference_number, element.code) == (
        4,
        "67",
        ElementErrorCode.CONDITIONAL_REQUIRED_DATA_ELEMENT_MISSING,
    )
    assert "syntax rule P0304 of N1: N103, N104 are given together or not at all" in (
        element.message
    )


def test_too_many_components_are_reported_on_the_composite(x12_validator: TransactionSetValidator):
    segments = set_segments(
        """
        BEG*00*SA*PO1**20250115
        REF*DP*042**DP>1>IA>2>ZZ>3>IT>4
        PO1*1*2*EA
        """
    )

    result_4010 = x12_validator.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_850_4010)
    result_5010 = x12_validator.validate(
        segments, Delimiters("*", ">", "~", "^"), ENVELOPE_850_5010
    )

    for result, code in (
        (result_4010, ElementErrorCode.TOO_MANY_DATA_ELEMENTS),
        (result_5010, ElementErrorCode.TOO_MANY_COMPONENTS),
    ):
        [error] = result.segment_errors
        [element] = error.element_errors
        assert (element.position, element.component_position, element.code) == (4, 7, code)
        assert "REF04 (Reference Identifier) has 8 components; the composite has 6" in (
            element.message
        )


def test_a_repetition_separator_in_an_element_that_does_not_repeat_is_an_error(
    x12_validator: TransactionSetValidator,
):
    segments = set_segments(
        """
        BEG*00*SA*PO1**20250115
        REF*DP*042^043
        PO1*1*2*EA
        """
    )

    result = x12_validator.validate(segments, Delimiters("*", ">", "~", "^"), ENVELOPE_850_5010)

    [error] = result.segment_errors
    [element] = error.element_errors
    assert (element.position, element.code, element.bad_value) == (
        2,
        ElementErrorCode.TOO_MANY_REPETITIONS,
        "042^043",
    )


def test_a_segment_over_its_maximum_use_and_a_bad_date_are_both_reported(
    x12_validator: TransactionSetValidator,
):
    segments = set_segments(
        """
        BEG*00*SA*PO1**20250115
        BEG*00*SA*PO1**20250115
        DTM*002*20251301
        PO1*1*2*EA
        """
    )

    result = x12_validator.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_850_4010)

    assert [(e.segment_id, e.position, e.code) for e in result.segment_errors] == [
        ("BEG", 3, SegmentErrorCode.SEGMENT_EXCEEDS_MAXIMUM_USE),
        ("DTM", 4, SegmentErrorCode.SEGMENT_HAS_DATA_ELEMENT_ERRORS),
    ]
    assert result.segment_errors[1].element_errors[0].code is ElementErrorCode.INVALID_DATE
    assert "BEG (Beginning Segment for Purchase Order) appears more than the 1 time(s)" in (
        result.segment_errors[0].message
    )


def test_a_mandatory_segment_missing_from_a_set_cut_short_is_still_reported(
    x12_validator: TransactionSetValidator,
):
    segments = set_segments(
        """
        BSN*00*SHIP1*20250120*1530
        """
    )[:-1]

    result = x12_validator.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_856_4010)

    assert [(e.segment_id, e.code) for e in result.segment_errors] == [
        ("HL", SegmentErrorCode.MANDATORY_SEGMENT_MISSING)
    ]


def test_a_bad_set_leaves_the_next_one_unharmed(x12_validator: TransactionSetValidator):
    bad = _validate(x12_validator, BAD_850, "0002")
    good = sample_set("maps-850-4010-good.x12", "0003")

    result = x12_validator.validate(good.segments, good.delimiters, good.envelope)

    assert not bad.accepted
    assert result.accepted


@pytest.mark.parametrize(
    ("segment", "position", "fragment"),
    [
        (
            "N1*ST*STORE 118 *92*0118",
            2,
            "N102 (Name, data element 93) is 'STORE 118 ': trailing spaces are not allowed",
        ),
        (
            "N1*ST*STORE\t118",
            2,
            "N102 (Name, data element 93) contains the control character <HT>",
        ),
        (
            "N1*ST*STORE>118",
            2,
            "N102 (Name, data element 93) is 'STORE>118': it holds 2 components, but it is a "
            "simple element",
        ),
        (
            "TD1*CTN25*1O",
            2,
            "TD102 (Lading Quantity, data element 80) is '1O', which is not a whole number, "
            "digits only",
        ),
    ],
)
def test_an_invalid_character_is_explained(
    segment: str, position: int, fragment: str, x12_validator: TransactionSetValidator
):
    segments = set_segments(
        f"""
        BEG*00*SA*PO1**20250115
        {segment}
        PO1*1*2*EA
        """
    )

    result = x12_validator.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_850_4010)

    [error] = result.segment_errors
    assert error.element_errors[0].position == position
    assert fragment in error.element_errors[0].message


def test_a_code_list_can_be_left_unchecked(x12_map_dir, x12_validator: TransactionSetValidator):
    segments = set_segments(
        """
        BEG*00*SA*PO1**20250115
        PO1*1*2*QQ
        """
    )
    lenient = TransactionSetValidator(x12_map_dir, unchecked_code_lists=["x12_355"])

    strict_result = x12_validator.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_850_4010)
    lenient_result = lenient.validate(segments, Delimiters("*", ">", "~"), ENVELOPE_850_4010)

    assert [e.code for e in strict_result.segment_errors[0].element_errors] == [
        ElementErrorCode.INVALID_CODE_VALUE
    ]
    assert lenient_result.accepted
