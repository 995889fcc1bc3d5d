"""What can be wrong with an IDoc file, each problem naming where it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["IdocError", "IdocProblem"]


@dataclass(frozen=True)
class IdocProblem:
    """One problem in an IDoc file.

    Attributes:
        source: the file (or other source) it is in.
        message: what is wrong, and what was expected.
        line: the line of the XML element, when known.
        idoc: which IDoc of the file (1-based; a file may hold several ``IDOC`` elements).
        segment: the segment, e.g. ``E1EDP01`` (``EDI_DC40`` for the control record).
        occurrence: which ``segment`` under its parent (1-based): ``E1EDP01 #2``.
        number: the segment's number in the IDoc, counting from 1 in document order without
            the control record (what SAP calls the segment number).
        field: the field, e.g. ``MENGE``.
    """

    source: str
    message: str
    line: int | None = None
    idoc: int | None = None
    segment: str | None = None
    occurrence: int | None = None
    number: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        place = self.source if self.line is None else f"{self.source}, line {self.line}"
        parts = []
        if self.idoc is not None:
            parts.append(f"IDoc {self.idoc}")
        if self.segment is not None:
            segment = f"segment {self.segment}"
            if self.occurrence is not None:
                segment += f" #{self.occurrence}"
            if self.number is not None:
                segment += f" (segment number {self.number})"
            parts.append(segment)
        if self.field is not None:
            parts.append(f"field {self.field}")
        where = ", ".join(parts)
        return f"{place}: {where}: {self.message}" if where else f"{place}: {self.message}"


class IdocError(ValueError):
    """An IDoc file that cannot be taken, with every problem found in it.

    Attributes:
        source: the file.
        problems: every problem, in document order.
    """

    def __init__(self, source: str, problems: Sequence[IdocProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{source}: {count} problem{'s' if count != 1 else ''}:\n{lines}")
