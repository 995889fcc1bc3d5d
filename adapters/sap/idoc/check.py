"""Checking IDoc XML against our structure definition, reporting every problem.

The checks, per file and per IDoc:

- the root element is the basic type, and holds only ``IDOC`` elements (at least one), each
  with ``BEGIN="1"``;
- the control record ``EDI_DC40`` comes first, once; its fields are known and not too long,
  the required ones are there, ``IDOCTYP`` is the basic type and ``MESTYP`` one it carries;
- every segment is a segment of its parent in the definition, in the definition's order,
  carries ``SEGMENT="1"``, occurs at most its maximum, and mandatory segments are there;
- every field is a field of its segment, given once, no longer than its length, and the
  segment's required fields are not empty.

Nothing stops at the first problem: each is reported with its file, line, IDoc, segment (with
its occurrence and segment number) and field, and what was expected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from adapters.sap.idoc.document import CONTROL_RECORD, Idoc, IdocFile, IdocSegment
from adapters.sap.idoc.problems import IdocProblem
from adapters.sap.idoc.structure import IdocStructure, SegmentDefinition

__all__ = ["check_idoc_file"]

_LISTED = 8


def _listing(names: Sequence[str]) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


@dataclass
class _Checker:
    source: str
    structure: IdocStructure
    idoc: int
    problems: list[IdocProblem]

    def report(
        self,
        message: str,
        *,
        line: int | None,
        segment: IdocSegment | None = None,
        name: str | None = None,
        field: str | None = None,
    ) -> None:
        is_control = segment is not None and segment.name == CONTROL_RECORD and segment.number == 0
        self.problems.append(
            IdocProblem(
                source=self.source,
                message=message,
                line=line,
                idoc=self.idoc,
                segment=segment.name if segment is not None else name,
                occurrence=None if segment is None or is_control else segment.occurrence,
                number=None if segment is None or is_control else segment.number,
                field=field,
            )
        )

    def fields(self, definition: SegmentDefinition, segment: IdocSegment) -> None:
        given: dict[str, str] = {}
        lines: dict[str, int | None] = {}
        for field in segment.fields:
            length = definition.fields.get(field.name)
            if length is None:
                self.report(
                    f"not a field of {definition.name} (its fields: "
                    f"{_listing(list(definition.fields))})",
                    line=field.line,
                    segment=segment,
                    field=field.name,
                )
                continue
            if field.name in given:
                self.report(
                    "given twice; a field occurs once",
                    line=field.line,
                    segment=segment,
                    field=field.name,
                )
            if len(field.value) > length:
                self.report(
                    f"{field.value!r} has {len(field.value)} characters; at most {length}",
                    line=field.line,
                    segment=segment,
                    field=field.name,
                )
            if field.has_attributes:
                self.report(
                    "a field holds text only, without attributes",
                    line=field.line,
                    segment=segment,
                    field=field.name,
                )
            given.setdefault(field.name, field.value)
            lines.setdefault(field.name, field.line)
        for name in definition.required:
            if not given.get(name, "").strip():
                state = "empty" if name in given else "missing"
                line = lines.get(name, segment.line)
                self.report(f"required, and {state}", line=line, segment=segment, field=name)

    def control(self, idoc: Idoc) -> None:
        control = idoc.control
        if control is None:
            self.report(
                f"the control record is missing; {CONTROL_RECORD} must be the first element "
                "of each IDOC",
                line=idoc.line,
                name=CONTROL_RECORD,
            )
            return
        if not control.flagged:
            self.report('has no SEGMENT="1" attribute', line=control.line, segment=control)
        self.fields(self.structure.control, control)
        given = {field.name: field for field in reversed(control.fields)}
        basic_type = self.structure.basic_type
        idoc_type = given.get("IDOCTYP")
        if idoc_type is not None and idoc_type.value and idoc_type.value != basic_type:
            self.report(
                f"{idoc_type.value!r}, but this is an {basic_type} file",
                line=idoc_type.line,
                segment=control,
                field="IDOCTYP",
            )
        message_type = given.get("MESTYP")
        if (
            message_type is not None
            and message_type.value
            and message_type.value not in self.structure.message_types
        ):
            self.report(
                f"{message_type.value!r} is not a message type of {basic_type} "
                f"(expected {', '.join(self.structure.message_types)})",
                line=message_type.line,
                segment=control,
                field="MESTYP",
            )

    def children(
        self,
        definition: SegmentDefinition,
        segments: Sequence[IdocSegment],
        parent: str,
        parent_line: int | None,
    ) -> None:
        order = {child.name: index for index, child in enumerate(definition.children)}
        counts: Counter[str] = Counter()
        last: tuple[int, str] | None = None
        allowed = [child.name for child in definition.children]
        for segment in segments:
            child = definition.child(segment.name)
            if child is None:
                self.report(
                    f"not a segment of {self.structure.basic_type} under {parent} "
                    f"(expected {_listing(allowed)})",
                    line=segment.line,
                    segment=segment,
                )
                continue
            counts[segment.name] += 1
            if last is not None and order[segment.name] < last[0]:
                self.report(
                    f"out of order: {self.structure.basic_type} puts {segment.name} before "
                    f"{last[1]} under {parent}",
                    line=segment.line,
                    segment=segment,
                )
            else:
                last = (order[segment.name], segment.name)
            if counts[segment.name] == child.max + 1:
                times = "once" if child.max == 1 else f"{child.max} times"
                self.report(
                    f"{segment.name} may occur at most {times} under {parent}",
                    line=segment.line,
                    segment=segment,
                )
            if not segment.flagged:
                self.report('has no SEGMENT="1" attribute', line=segment.line, segment=segment)
            self.fields(child, segment)
            self.children(child, segment.children, segment.name, segment.line)
        for child in definition.children:
            if child.mandatory and counts[child.name] == 0:
                self.report(
                    f"mandatory segment missing under {parent}",
                    line=parent_line,
                    name=child.name,
                )

    def idoc_(self, idoc: Idoc) -> None:
        if not idoc.begins:
            self.report('IDOC has no BEGIN="1" attribute', line=idoc.line)
        self.control(idoc)
        for stray in idoc.stray:
            if stray.name == CONTROL_RECORD:
                message = f"{CONTROL_RECORD} must be the first element of IDOC, and only once"
            else:
                message = "holds text directly under IDOC; expected a segment"
            self.report(message, line=stray.line, name=stray.name)
        self.children(self.structure.root, idoc.segments, "IDOC", idoc.line)


def check_idoc_file(
    document: IdocFile, structure: IdocStructure, *, source: str
) -> list[IdocProblem]:
    """Every problem of an IDoc XML document against ``structure``; empty when it conforms."""
    problems: list[IdocProblem] = []
    basic_type = structure.basic_type
    if document.root != basic_type:
        problems.append(
            IdocProblem(
                source,
                f"the root element is <{document.root}>; an {basic_type} file starts with "
                f"<{basic_type}>",
                line=document.root_line,
            )
        )
    for name, line in document.stray:
        problems.append(
            IdocProblem(
                source, f"<{name}> under <{document.root}>: expected only IDOC elements", line=line
            )
        )
    if not document.idocs:
        problems.append(
            IdocProblem(source, f"<{document.root}> holds no IDOC", line=document.root_line)
        )
    for idoc in document.idocs:
        _Checker(source, structure, idoc.index, problems).idoc_(idoc)
    return problems
