"""The ISA segment: where an interchange declares its delimiters.

X12 names no fixed delimiters; each interchange declares its own in its ISA, which is why the ISA
alone is fixed width: 16 elements of set widths, 106 characters up to and including the segment
terminator. From it:

- the element separator is the character right after ``ISA`` (the fourth);
- the component separator is ISA16 (the 105th character);
- the segment terminator is the character right after ISA16 (the 106th);
- the repetition separator is ISA11 when ISA12, the version, is ``00402`` or later (before that
  ISA11 is the standards identifier ``U`` and there is no repetition separator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters.x12.errors import X12SyntaxError
from adapters.x12.segments import Delimiters

__all__ = ["ISA_ELEMENT_WIDTHS", "ISA_LENGTH", "parse_isa"]

ISA_ELEMENT_WIDTHS: tuple[int, ...] = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
"""The fixed widths of ISA01 to ISA16."""

ISA_LENGTH = 3 + sum(width + 1 for width in ISA_ELEMENT_WIDTHS) + 1
"""Characters from ``I`` of ``ISA`` up to and including the segment terminator (106)."""

# The first version whose ISA11 is the repetition separator rather than a standards identifier.
_FIRST_VERSION_WITH_REPETITION = "00402"


def parse_isa(text: str, *, source: str, position: int = 1, line: int = 1) -> Delimiters:
    """The delimiters an ISA declares, after checking that it is a well-formed ISA.

    Args:
        text: the text from the ``I`` of ``ISA`` on; at least :data:`ISA_LENGTH` characters
            unless the data ends sooner.
        source: the file name, for error messages.
        position: the ordinal of the ISA in its file, for error messages.
        line: the physical line where the ISA starts, for error messages.

    Raises:
        X12SyntaxError: the text is not a fixed-width ISA with usable delimiters.
    """

    fail = _IsaErrors(source, position, line).error
    if not text.startswith("ISA"):
        raise fail(
            f"the data starts with {_shown(text[:20])} instead of an ISA segment",
            "an interchange starting with 'ISA'",
        )
    if len(text) < ISA_LENGTH:
        raise fail(
            f"the ISA is cut short: the data ends {len(text)} characters into it",
            f"a fixed-width ISA of {ISA_LENGTH} characters up to and including the segment "
            "terminator",
        )
    element = text[3]
    if not _usable(element):
        raise fail(
            f"the element separator (the character after 'ISA') is {_shown(element)}",
            "a character that is neither a letter, a digit nor a space",
        )
    _check_widths(text, element, fail)
    component = text[ISA_LENGTH - 2]
    terminator = text[ISA_LENGTH - 1]
    if not _usable(component) or component == element:
        raise fail(
            f"the component separator is {_shown(component)}",
            "a character that is neither a letter, a digit, a space nor the element separator",
            "ISA16",
        )
    if not _usable(terminator) or terminator in (element, component):
        raise fail(
            f"the segment terminator (the character after ISA16) is {_shown(terminator)}",
            "a character that is neither a letter, a digit, a space nor another delimiter",
        )
    version = _field(text, 12)
    if not version.isdigit() or not version.isascii():
        raise fail(
            f"the interchange version ISA12 is {_shown(version)}",
            "five digits such as 00401 or 00501",
            "ISA12",
        )
    repetition: str | None = None
    if version >= _FIRST_VERSION_WITH_REPETITION:
        repetition = _field(text, 11)
        if not _usable(repetition) or repetition in (element, component, terminator):
            raise fail(
                f"the repetition separator ISA11 is {_shown(repetition)} in version {version}",
                "from version 00402 on, a character that is neither a letter, a digit, a space "
                "nor another delimiter",
                "ISA11",
            )
    return Delimiters(
        element=element, component=component, segment=terminator, repetition=repetition
    )


def _check_widths(text: str, element: str, fail: Callable[[str, str, str], X12SyntaxError]) -> None:
    start = 4
    for number, width in enumerate(ISA_ELEMENT_WIDTHS[:-1], start=1):
        end = start + width
        if text[end] != element or element in text[start:end]:
            actual = text.find(element, start)
            shown = "runs past the end of the ISA" if actual < 0 else f"is {actual - start}"
            raise fail(
                f"ISA{number:02d} {shown} characters long: the ISA is fixed width",
                f"ISA{number:02d} of exactly {width} characters (padded with spaces)",
                f"ISA{number:02d}",
            )
        start = end + 1


def _field(text: str, number: int) -> str:
    start = 4 + sum(width + 1 for width in ISA_ELEMENT_WIDTHS[: number - 1])
    return text[start : start + ISA_ELEMENT_WIDTHS[number - 1]]


def _usable(delimiter: str) -> bool:
    return not (delimiter.isalnum() or delimiter == " ")


def _shown(value: str) -> str:
    return repr(value) if value else "nothing"


@dataclass(frozen=True)
class _IsaErrors:
    source: str
    position: int
    line: int

    def error(self, problem: str, expected: str, element: str | None = None) -> X12SyntaxError:
        return X12SyntaxError(
            problem,
            expected=expected,
            source=self.source,
            position=self.position,
            line=self.line,
            segment="ISA",
            element=element,
        )
