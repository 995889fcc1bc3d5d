"""What can be wrong with X12 data, and the codes acknowledgments use to say so.

Two exceptions, for what stops the work:

- :class:`X12SyntaxError`: bytes that cannot be read as X12 at all (no ISA, a short ISA,
  unusable delimiters, text that is not in the expected character set).
- :class:`X12WriteError`: a value the writer cannot put in a file (X12 has no escape, so a value
  holding a delimiter cannot be written).

Problems that do not stop the work (a wrong count, a missing trailer) are not exceptions: the
envelope walker reports them as data (:class:`adapters.x12.envelope.EnvelopeProblem`) with one
of the codes below, and goes on with the rest of the file.

The codes are those of the X12 standard's code lists: E718 (AK502 and IK502), E716 (AK905),
E886 (TA105) and E715/E717 (AK901, AK501 and IK501).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AcknowledgmentCode",
    "GroupErrorCode",
    "InterchangeErrorCode",
    "SetErrorCode",
    "X12Error",
    "X12SyntaxError",
    "X12WriteError",
]


class SetErrorCode(StrEnum):
    """Why a transaction set is in error (E718: AK502 in a 997, IK502 in a 999)."""

    NOT_SUPPORTED = "1"
    TRAILER_MISSING = "2"
    CONTROL_NUMBER_MISMATCH = "3"
    SEGMENT_COUNT_MISMATCH = "4"
    SEGMENTS_IN_ERROR = "5"
    INVALID_SET_IDENTIFIER = "6"
    INVALID_CONTROL_NUMBER = "7"


class GroupErrorCode(StrEnum):
    """Why a functional group is in error (E716: AK905 to AK909)."""

    NOT_SUPPORTED = "1"
    VERSION_NOT_SUPPORTED = "2"
    TRAILER_MISSING = "3"
    CONTROL_NUMBER_MISMATCH = "4"
    SET_COUNT_MISMATCH = "5"
    INVALID_CONTROL_NUMBER = "6"


class InterchangeErrorCode(StrEnum):
    """Why an interchange is in error (E886, the interchange note code of a TA1).

    A 997 or 999 acknowledges groups and sets, not interchanges; these codes say what an
    interchange acknowledgment (TA1) would say.
    """

    CONTROL_NUMBER_MISMATCH = "001"
    INVALID_CONTROL_NUMBER = "018"
    GROUP_COUNT_MISMATCH = "021"
    INVALID_CONTROL_STRUCTURE = "022"
    PREMATURE_END_OF_FILE = "023"


class AcknowledgmentCode(StrEnum):
    """The verdict on a set (E717: AK501, IK501) or a group (E715: AK901)."""

    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    PARTIALLY_ACCEPTED = "P"
    """Groups only: at least one set was rejected and at least one was accepted."""
    REJECTED = "R"


class X12Error(Exception):
    """Base of the X12 adapter's exceptions."""


def _location(source: str | None, position: int | None, line: int | None, where: str | None) -> str:
    parts: list[str] = []
    if source:
        parts.append(source)
    if position is not None:
        parts.append(f"segment {position}" + (f" (line {line})" if line is not None else ""))
    elif line is not None:
        parts.append(f"line {line}")
    if where:
        parts.append(where)
    return ", ".join(parts)


class X12SyntaxError(X12Error):
    """The data cannot be read as X12 from this point on.

    Attributes:
        problem: what is wrong.
        expected: what should have been there instead.
        source: the file (or stream) name.
        position: the ordinal of the segment in the file (1-based), if known.
        line: the physical line (1-based), if known.
        segment: the segment identifier concerned (``ISA``), if any.
        element: the element reference concerned (``ISA16``), if any.
    """

    def __init__(
        self,
        problem: str,
        *,
        expected: str,
        source: str,
        position: int | None = None,
        line: int | None = None,
        segment: str | None = None,
        element: str | None = None,
    ) -> None:
        self.problem = problem
        self.expected = expected
        self.source = source
        self.position = position
        self.line = line
        self.segment = segment
        self.element = element
        where = element or segment
        super().__init__(
            f"{_location(source, position, line, where)}: {problem}; expected {expected}"
        )


class X12WriteError(X12Error):
    """A value cannot be written as X12.

    Attributes:
        problem: what is wrong, naming the value.
        segment: the segment identifier being written (``N1``).
        element: the element reference (``N102``), if the problem is in one element.
        context: where the segment is (``segment 5 of transaction set 856 0001``).
    """

    def __init__(
        self, problem: str, *, segment: str, element: str | None = None, context: str = ""
    ) -> None:
        self.problem = problem
        self.segment = segment
        self.element = element
        self.context = context
        where = element or segment
        if context:
            where = f"{where} ({context})"
        super().__init__(f"{where}: {problem}")
