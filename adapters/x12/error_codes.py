"""The segment and element error codes a functional acknowledgment reports (997, 999).

The transaction set codes (AK502) are :class:`adapters.x12.errors.SetErrorCode`. The values are
the codes of the X12 data elements named in each class. The lists come from our
knowledge of the X12 standard, not from a published copy of the code lists: a partner's
implementation guide has the last word.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ElementErrorCode", "SegmentErrorCode"]


class SegmentErrorCode(StrEnum):
    """Segment syntax error code (data element 720): AK304 in a 997, IK304 in a 999."""

    UNRECOGNIZED_SEGMENT_ID = "1"
    UNEXPECTED_SEGMENT = "2"
    MANDATORY_SEGMENT_MISSING = "3"
    LOOP_OCCURS_OVER_MAXIMUM_TIMES = "4"
    SEGMENT_EXCEEDS_MAXIMUM_USE = "5"
    SEGMENT_NOT_IN_DEFINED_TRANSACTION_SET = "6"
    SEGMENT_NOT_IN_PROPER_SEQUENCE = "7"
    SEGMENT_HAS_DATA_ELEMENT_ERRORS = "8"


class ElementErrorCode(StrEnum):
    """Data element syntax error code (data element 723): AK403 in a 997, IK403 in a 999.

    ``TOO_MANY_REPETITIONS`` and ``TOO_MANY_COMPONENTS`` exist from 004020 on; in an 004010
    set too many components is reported as ``TOO_MANY_DATA_ELEMENTS``.
    """

    MANDATORY_DATA_ELEMENT_MISSING = "1"
    CONDITIONAL_REQUIRED_DATA_ELEMENT_MISSING = "2"
    TOO_MANY_DATA_ELEMENTS = "3"
    DATA_ELEMENT_TOO_SHORT = "4"
    DATA_ELEMENT_TOO_LONG = "5"
    INVALID_CHARACTER_IN_DATA_ELEMENT = "6"
    INVALID_CODE_VALUE = "7"
    INVALID_DATE = "8"
    INVALID_TIME = "9"
    EXCLUSION_CONDITION_VIOLATED = "10"
    TOO_MANY_REPETITIONS = "12"
    TOO_MANY_COMPONENTS = "13"
