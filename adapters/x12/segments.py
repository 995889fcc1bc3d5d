"""The two shapes every part of the X12 adapter shares: delimiters and segments."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Delimiters", "Segment"]


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The separators of one interchange, as its ISA segment declares them.

    Attributes:
        element: separates elements (the fourth character of the ISA).
        component: separates the components of a composite element (ISA16).
        segment: ends a segment (the character after ISA16); line breaks after it are ignored.
        repetition: separates repetitions of an element (ISA11 from 00402 on); ``None`` in
            00401, where ISA11 is the standards identifier instead.
    """

    element: str
    component: str
    segment: str
    repetition: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment as read from a file, its elements still raw text.

    Attributes:
        tag: the segment identifier (``BEG``).
        elements: the element values after the tag, composites and repetitions not yet split:
            ``elements[0]`` is BEG01. Trailing empty elements are kept as they were written.
        position: the ordinal of the segment in its file, 1-based (the first ISA is 1).
        line: the physical line of the file where the segment starts, 1-based.
    """

    tag: str
    elements: tuple[str, ...]
    position: int
    line: int

    def element(self, index: int) -> str:
        """The element at 1-based ``index`` (``segment.element(3)`` is BEG03), ``""`` if absent."""
        return self.elements[index - 1] if 0 < index <= len(self.elements) else ""
