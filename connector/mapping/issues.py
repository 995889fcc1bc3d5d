"""What went wrong (or was changed visibly) while mapping one record, and where.

Every issue names the mapping file and line, the target field, the source path the value came
from when it is known, and the value itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from connector.engine.mapping import MappingError

_VALUE_WIDTH = 80


@dataclass(frozen=True)
class MappingIssue:
    """An error or a warning about one field of a mapped record.

    Attributes:
        file: the mapping file.
        line: the line of the field (or of the expression) in that file.
        field: the target field, as a path: ``lines[2].quantity``.
        message: what is wrong (or what was changed) and what was expected.
        source: the source path the value came from (``PO1_loop[2].PO1.PO102``), when known.
        value: the value that failed, as written in Python (``'0'``), when there is one.
    """

    file: Path
    line: int | None
    field: str
    message: str
    source: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        return self.describe()

    def describe(self, relative_to: Path | None = None) -> str:
        """``file:line field: message (source ..., value ...)``.

        Args:
            relative_to: show the file relative to this folder when it is inside it.
        """
        file = self.file
        if relative_to is not None and file.is_relative_to(relative_to):
            file = file.relative_to(relative_to)
        where = f"{file}:{self.line}" if self.line is not None else str(file)
        details = []
        if self.source:
            details.append(f"source {self.source}")
        if self.value is not None:
            details.append(f"value {self.value}")
        suffix = f" ({', '.join(details)})" if details else ""
        return f"{where}: {self.field or '(document)'}: {self.message}{suffix}"


def shown_value(value: object) -> str:
    """``value`` as it appears in a message, shortened when long."""
    text = repr(value)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 3] + "..."


class RecordMappingError(MappingError):
    """A record cannot be mapped; :attr:`detail` lists every error of the record.

    Attributes:
        mapping: the name of the mapping.
        issues: the errors, at least one, in the order they were found.
        warnings: what was changed visibly before the errors were found (cut values).
    """

    def __init__(
        self,
        mapping: str,
        issues: Sequence[MappingIssue],
        warnings: Sequence[MappingIssue] = (),
        *,
        relative_to: Path | None = None,
    ) -> None:
        self.mapping = mapping
        self.issues = tuple(issues)
        self.warnings = tuple(warnings)
        count = len(self.issues)
        heading = f"{count} mapping error{'s' if count != 1 else ''} in {mapping}:"
        lines = [heading, *(f"  {issue.describe(relative_to)}" for issue in self.issues)]
        super().__init__("\n".join(lines))
