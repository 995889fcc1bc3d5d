"""Walking a file's segments into interchanges, functional groups and transaction sets.

:func:`read_envelopes` yields one event per transaction set as soon as its SE is read (its ISA
and GS context and its segments from ST to SE), a :class:`GroupEnd` after each group and an
:class:`InterchangeEnd` after each interchange. Only the set being read is held in memory,
never a whole group or interchange.

The envelope is checked on the way: SE01 against the segments counted, SE02 against ST02, GE01
and GE02, IEA01 and IEA02, the syntax of ISA13, GS06 and ST02, ST01 against GS01's functional
id, trailers missing (a file cut short, or a header arriving before the trailer of what is
open) and segments outside any set. Each problem is an :class:`EnvelopeProblem` carrying the
file, segment position, line, element, a message saying what was expected, and the code a
997/999 (or, for the interchange, a TA1) gives it. A problem in one set does not stop the
others: every set is yielded, the bad ones with their problems.

An interchange that cannot be read to its end (a byte outside the character set, an ISA that
declares no usable delimiters) ends the walk: what is open is closed with a missing-trailer
problem, its events are yielded, and the :class:`~adapters.x12.errors.X12SyntaxError` is raised.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO, overload

from adapters.x12.errors import (
    GroupErrorCode,
    InterchangeErrorCode,
    SetErrorCode,
    X12SyntaxError,
)
from adapters.x12.reader import SegmentReader
from adapters.x12.segments import Delimiters, Segment

__all__ = [
    "FUNCTIONAL_IDS",
    "EnvelopeEvent",
    "EnvelopeLevel",
    "EnvelopeProblem",
    "GroupEnd",
    "GroupHeader",
    "InterchangeEnd",
    "InterchangeHeader",
    "SetSummary",
    "TransactionSet",
    "read_envelopes",
    "walk_envelopes",
]

FUNCTIONAL_IDS: dict[str, str] = {
    "810": "IN",
    "820": "RA",
    "846": "IB",
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "860": "PC",
    "865": "CA",
    "997": "FA",
    "999": "FA",
}
"""The functional id (GS01) of the group each known transaction set (ST01) belongs in."""

_CONTROL_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
_HEADERS_AND_OUTER_TRAILERS = frozenset({"ISA", "IEA", "GS", "GE", "ST"})
_OUTSIDE_GROUP = "belongs to a transaction set outside any functional group"


class EnvelopeLevel(StrEnum):
    """Which part of the envelope a problem belongs to."""

    INTERCHANGE = "interchange"
    GROUP = "functional group"
    TRANSACTION_SET = "transaction set"


@dataclass(frozen=True)
class EnvelopeProblem:
    """One thing wrong with the envelope, located and coded.

    Attributes:
        level: the part of the envelope in error.
        code: the 997/999 code (AK502/IK502 for a set, AK905 for a group) or, for an
            interchange, the TA1 note code.
        message: what is wrong and what was expected.
        source: the file name.
        position: the ordinal in the file of the segment concerned.
        line: the physical line of that segment.
        segment: the segment identifier concerned (``SE``).
        element: the element reference concerned (``SE01``), if one.
    """

    level: EnvelopeLevel
    code: SetErrorCode | GroupErrorCode | InterchangeErrorCode
    message: str
    source: str
    position: int
    line: int
    segment: str
    element: str | None = None

    def __str__(self) -> str:
        where = self.element or self.segment
        return (
            f"{self.source}, segment {self.position} (line {self.line}), {where}: "
            f"{self.message} ({self.level} error code {self.code})"
        )


@dataclass(frozen=True)
class InterchangeHeader:
    """What an ISA says, its padding removed.

    Attributes:
        authorization_qualifier: ISA01.
        authorization: ISA02.
        security_qualifier: ISA03.
        security: ISA04.
        sender_qualifier: ISA05.
        sender_id: ISA06.
        receiver_qualifier: ISA07.
        receiver_id: ISA08.
        date: ISA09 (YYMMDD).
        time: ISA10 (HHMM).
        version: ISA12 (``00401``, ``00501``).
        control_number: ISA13.
        acknowledgment_requested: ISA14.
        usage: ISA15 (``P`` production, ``T`` test).
        delimiters: the delimiters the ISA declares.
        source: the file name.
        position: the ordinal of the ISA in the file.
        line: the line of the ISA.
    """

    authorization_qualifier: str
    authorization: str
    security_qualifier: str
    security: str
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: str
    time: str
    version: str
    control_number: str
    acknowledgment_requested: str
    usage: str
    delimiters: Delimiters
    source: str
    position: int
    line: int

    @classmethod
    def from_segment(cls, isa: Segment, delimiters: Delimiters, source: str) -> InterchangeHeader:
        """The header of an ISA segment as the reader yields it."""
        value = [isa.element(number).strip() for number in range(1, 17)]
        return cls(
            authorization_qualifier=value[0],
            authorization=value[1],
            security_qualifier=value[2],
            security=value[3],
            sender_qualifier=value[4],
            sender_id=value[5],
            receiver_qualifier=value[6],
            receiver_id=value[7],
            date=value[8],
            time=value[9],
            version=value[11],
            control_number=value[12],
            acknowledgment_requested=value[13],
            usage=value[14],
            delimiters=delimiters,
            source=source,
            position=isa.position,
            line=isa.line,
        )

    def envelope_fields(self) -> dict[str, str]:
        """The ``envelope.interchange`` object of a transaction set's tree (``docs/x12.md``)."""
        return {
            "sender_qualifier": self.sender_qualifier,
            "sender_id": self.sender_id,
            "receiver_qualifier": self.receiver_qualifier,
            "receiver_id": self.receiver_id,
            "control_number": self.control_number,
            "date": self.date,
            "time": self.time,
            "version": self.version,
            "usage": self.usage,
        }


@dataclass(frozen=True)
class GroupHeader:
    """What a GS says.

    Attributes:
        functional_id: GS01 (``PO``, ``SH``, ``IN``, ``FA``).
        sender_id: GS02, the application sender's code.
        receiver_id: GS03, the application receiver's code.
        date: GS04 (CCYYMMDD).
        time: GS05.
        control_number: GS06.
        agency: GS07 (``X``).
        version: GS08 (``004010``, ``005010``).
        position: the ordinal of the GS in the file.
        line: the line of the GS.
    """

    functional_id: str
    sender_id: str
    receiver_id: str
    date: str
    time: str
    control_number: str
    agency: str
    version: str
    position: int
    line: int

    @classmethod
    def from_segment(cls, gs: Segment) -> GroupHeader:
        """The header of a GS segment."""
        return cls(
            functional_id=gs.element(1).strip(),
            sender_id=gs.element(2).strip(),
            receiver_id=gs.element(3).strip(),
            date=gs.element(4).strip(),
            time=gs.element(5).strip(),
            control_number=gs.element(6).strip(),
            agency=gs.element(7).strip(),
            version=gs.element(8).strip(),
            position=gs.position,
            line=gs.line,
        )

    def envelope_fields(self) -> dict[str, str]:
        """The ``envelope.group`` object of a transaction set's tree (``docs/x12.md``)."""
        return {
            "functional_id": self.functional_id,
            "sender_id": self.sender_id,
            "receiver_id": self.receiver_id,
            "control_number": self.control_number,
            "version": self.version,
            "date": self.date,
            "time": self.time,
        }


@dataclass(frozen=True, slots=True)
class SetSummary:
    """What an acknowledgment needs to know of a transaction set, kept after the set is gone.

    Attributes:
        set_id: ST01.
        control_number: ST02.
        implementation_reference: ST03 (005010), ``""`` if absent.
        position: the ordinal of the ST in the file; the key of the set's validation result.
        line: the line of the ST.
        problems: the envelope's problems with the set (none: the envelope accepts it).
    """

    set_id: str
    control_number: str
    implementation_reference: str
    position: int
    line: int
    problems: tuple[EnvelopeProblem, ...]


@dataclass(frozen=True)
class TransactionSet:
    """One transaction set, from ST to SE, in its interchange and group.

    Attributes:
        interchange: the ISA the set came in.
        group: the GS the set came in.
        segments: the segments from ST to SE inclusive (without SE when it is missing).
        problems: the envelope's problems with the set; a set with problems is rejected.
    """

    interchange: InterchangeHeader
    group: GroupHeader
    segments: tuple[Segment, ...]
    problems: tuple[EnvelopeProblem, ...]

    @property
    def set_id(self) -> str:
        """ST01, the transaction set identifier (``850``)."""
        return self.segments[0].element(1)

    @property
    def control_number(self) -> str:
        """ST02, the transaction set control number."""
        return self.segments[0].element(2)

    @property
    def position(self) -> int:
        """The ordinal of the ST in the file."""
        return self.segments[0].position

    @property
    def line(self) -> int:
        """The line of the ST."""
        return self.segments[0].line

    def summary(self) -> SetSummary:
        """What an acknowledgment needs to know of this set."""
        st = self.segments[0]
        return SetSummary(
            set_id=st.element(1),
            control_number=st.element(2),
            implementation_reference=st.element(3),
            position=st.position,
            line=st.line,
            problems=self.problems,
        )


# A control number kept as a number and its width: ``0001`` is (1, 4). Width 0 marks one that
# is not plain ASCII digits of at most 9, kept as text aside.
_TEXT_CONTROL_NUMBER = 0
_MAX_NUMERIC_CONTROL_WIDTH = 9


class _SetSummaries(Sequence[SetSummary]):
    """The summaries of a group's sets, kept in a compact form until the interchange ends.

    An interchange may hold hundreds of thousands of sets, and the acknowledgment needs each
    one's summary at its end: so each set is kept as a few machine numbers (ST position and
    line, ST02 as a number and its width, an index into the distinct ST01/ST03 pairs), its
    problems only when it has some. A :class:`SetSummary` is made when one is asked for.
    """

    __slots__ = (
        "_controls",
        "_kinds",
        "_lines",
        "_positions",
        "_problems",
        "_texts",
        "_type_index",
        "_types",
        "_widths",
    )

    def __init__(self, summaries: Iterable[SetSummary] = ()) -> None:
        """Keep ``summaries``; :meth:`append` adds more."""
        self._positions = array("q")
        self._lines = array("q")
        self._controls = array("I")
        self._widths = array("B")
        self._kinds = array("I")
        self._types: list[tuple[str, str]] = []
        self._type_index: dict[tuple[str, str], int] = {}
        self._texts: dict[int, str] = {}
        self._problems: dict[int, tuple[EnvelopeProblem, ...]] = {}
        for summary in summaries:
            self.append(summary)

    def append(self, summary: SetSummary) -> None:
        """Keep one more set's summary, at the end."""
        index = len(self._positions)
        self._positions.append(summary.position)
        self._lines.append(summary.line)
        control = summary.control_number
        if control.isdigit() and control.isascii() and len(control) <= _MAX_NUMERIC_CONTROL_WIDTH:
            self._controls.append(int(control))
            self._widths.append(len(control))
        else:
            self._controls.append(0)
            self._widths.append(_TEXT_CONTROL_NUMBER)
            self._texts[index] = control
        kind = (summary.set_id, summary.implementation_reference)
        kind_index = self._type_index.get(kind)
        if kind_index is None:
            kind_index = self._type_index[kind] = len(self._types)
            self._types.append(kind)
        self._kinds.append(kind_index)
        if summary.problems:
            self._problems[index] = summary.problems

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> SetSummary: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[SetSummary]: ...

    def __getitem__(self, index: int | slice) -> SetSummary | Sequence[SetSummary]:
        if isinstance(index, slice):
            return tuple(self._summary(found) for found in range(len(self))[index])
        count = len(self)
        if not -count <= index < count:
            raise IndexError(f"set summary {index} of {count}")
        return self._summary(index + count if index < 0 else index)

    def __iter__(self) -> Iterator[SetSummary]:
        for index in range(len(self)):
            yield self._summary(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(
            mine == theirs for mine, theirs in zip(self, other, strict=True)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"_SetSummaries({len(self)} sets)"

    def _summary(self, index: int) -> SetSummary:
        width = self._widths[index]
        control = (
            self._texts[index]
            if width == _TEXT_CONTROL_NUMBER
            else str(self._controls[index]).zfill(width)
        )
        set_id, implementation_reference = self._types[self._kinds[index]]
        return SetSummary(
            set_id=set_id,
            control_number=control,
            implementation_reference=implementation_reference,
            position=self._positions[index],
            line=self._lines[index],
            problems=self._problems.get(index, ()),
        )


@dataclass(frozen=True)
class GroupEnd:
    """The end of a functional group: its sets and what is wrong with the group itself.

    Attributes:
        interchange: the ISA the group came in.
        header: the GS.
        sets: every set of the group, in order, including rejected ones (kept in a compact
            form while the interchange lasts; each summary is made when it is asked for).
        declared_sets: GE01 when it is a number (``None`` when GE is missing or wrong).
        problems: the envelope's problems with the group itself (not with its sets).
    """

    interchange: InterchangeHeader
    header: GroupHeader
    sets: Sequence[SetSummary]
    declared_sets: int | None
    problems: tuple[EnvelopeProblem, ...]


@dataclass(frozen=True)
class InterchangeEnd:
    """The end of an interchange: its groups and what is wrong with the interchange itself.

    Attributes:
        header: the ISA.
        groups: every group of the interchange, in order.
        declared_groups: IEA01 when it is a number (``None`` when IEA is missing or wrong).
        problems: the envelope's problems with the interchange itself, including segments
            found outside any transaction set.
    """

    header: InterchangeHeader
    groups: tuple[GroupEnd, ...]
    declared_groups: int | None
    problems: tuple[EnvelopeProblem, ...]


EnvelopeEvent = TransactionSet | GroupEnd | InterchangeEnd
"""What :func:`read_envelopes` yields."""


def read_envelopes(
    source: BinaryIO | str | os.PathLike[str],
    *,
    name: str | None = None,
    encoding: str = "utf-8",
) -> Iterator[EnvelopeEvent]:
    """The transaction sets, group ends and interchange ends of a file, in order.

    Args:
        source: a path, or a binary file object open for reading.
        name: the name used in messages; defaults to the path or the file object's name.
        encoding: the file's character set (see :mod:`adapters.x12.reader`).

    Raises:
        X12SyntaxError: the data cannot be read as X12 from some point on; the events before
            it, and the ends of what was open there, have been yielded.
    """
    with SegmentReader(source, name=name, encoding=encoding) as reader:
        yield from walk_envelopes(reader)


def walk_envelopes(reader: SegmentReader) -> Iterator[EnvelopeEvent]:
    """The events of the segments a reader yields (see :func:`read_envelopes`)."""
    walk = _Walk(reader)
    set_segments: list[Segment] | None = None
    segment: Segment | None = None
    try:
        for segment in reader:
            # Most segments are the body of an open set: keep that path short.
            if set_segments is not None and segment.tag not in _CONTROL_SEGMENTS:
                set_segments.append(segment)
                continue
            yield from walk.control(segment)
            set_segments = walk.open_set.segments if walk.open_set else None
    except X12SyntaxError as error:
        walk.last = segment or walk.last
        yield from walk.close_all(
            InterchangeErrorCode.PREMATURE_END_OF_FILE,
            f"the rest of the file cannot be read ({error.problem})",
        )
        raise
    walk.last = segment or walk.last
    yield from walk.close_all(InterchangeErrorCode.PREMATURE_END_OF_FILE, "the file ends")


@dataclass
class _OpenSet:
    group: _OpenGroup
    segments: list[Segment]
    problems: list[EnvelopeProblem] = field(default_factory=list)


@dataclass
class _OpenGroup:
    interchange: _OpenInterchange
    header: GroupHeader
    sets: _SetSummaries = field(default_factory=_SetSummaries)
    problems: list[EnvelopeProblem] = field(default_factory=list)


@dataclass
class _OpenInterchange:
    header: InterchangeHeader
    groups: list[GroupEnd] = field(default_factory=list)
    problems: list[EnvelopeProblem] = field(default_factory=list)


@dataclass
class _StrayRun:
    """Consecutive segments outside any set, reported as one problem."""

    first: Segment
    count: int = 1
    reason: str = "is outside any transaction set"


class _Walk:
    """The state of one walk: what is open, and the last segment seen."""

    def __init__(self, reader: SegmentReader) -> None:
        self.reader = reader
        self.source = reader.name
        self.interchange: _OpenInterchange | None = None
        self.group: _OpenGroup | None = None
        self.open_set: _OpenSet | None = None
        self.strays: _StrayRun | None = None
        # ST..SE outside any group is skipped whole: it cannot be acknowledged.
        self.skipping_set = False
        self.last: Segment | None = None

    def control(self, segment: Segment) -> list[EnvelopeEvent]:
        """Take a segment that is not the body of an open set; the events it completes."""
        self.last = segment
        tag = segment.tag
        events: list[EnvelopeEvent] = []
        if self.open_set is not None:
            if tag == "SE":
                events.append(self._end_set(segment))
                return events
            events.append(
                self._set_cut_short(f"the {tag} at segment {segment.position} comes first")
            )
        if self.skipping_set:
            if tag not in _HEADERS_AND_OUTER_TRAILERS:
                self._stray(segment, _OUTSIDE_GROUP)
                self.skipping_set = tag != "SE"
                return events
            self.skipping_set = False
        if tag in _HEADERS_AND_OUTER_TRAILERS:
            self._flush_strays()
        if tag == "ST":
            self._begin_set(segment)
        elif tag == "GS":
            if self.group is not None:
                events.append(
                    self._group_cut_short(f"the GS at segment {segment.position} comes first")
                )
            self._begin_group(segment)
        elif tag == "GE":
            if self.group is not None:
                events.append(self._end_group(segment))
            else:
                self._add_stray_problem(segment, 1, "is outside any functional group")
        elif tag == "IEA":
            if self.group is not None:
                events.append(
                    self._group_cut_short(f"the IEA at segment {segment.position} comes first")
                )
            events.extend(self._end_interchange(segment))
        elif tag == "ISA":
            if self.interchange is not None:
                events.extend(
                    self._cut_short_all(
                        InterchangeErrorCode.INVALID_CONTROL_STRUCTURE,
                        f"a new ISA at segment {segment.position} comes first",
                    )
                )
            self._begin_interchange(segment)
        else:
            self._stray(segment, "is outside any transaction set")
        return events

    def close_all(self, code: InterchangeErrorCode, reason: str) -> list[EnvelopeEvent]:
        """Close whatever is open at the end of the data; the events that completes."""
        return self._cut_short_all(code, reason) if self.interchange is not None else []

    # -- interchanges ---------------------------------------------------------------------------

    def _begin_interchange(self, isa: Segment) -> None:
        delimiters = self.reader.delimiters
        if delimiters is None:  # pragma: no cover - the reader sets them before yielding an ISA
            raise RuntimeError("the reader yielded an ISA without its delimiters")
        header = InterchangeHeader.from_segment(isa, delimiters, self.source)
        self.interchange = _OpenInterchange(header)
        if not _is_number(header.control_number, 9, 9):
            self._interchange_problem(
                InterchangeErrorCode.INVALID_CONTROL_NUMBER,
                f"ISA13 is {header.control_number!r}; expected the interchange control number, "
                "exactly 9 digits",
                isa,
                "ISA13",
            )

    def _end_interchange(self, iea: Segment) -> list[EnvelopeEvent]:
        interchange = self._require_interchange()
        groups = len(interchange.groups)
        declared = _number(iea.element(1))
        if declared != groups:
            self._interchange_problem(
                InterchangeErrorCode.GROUP_COUNT_MISMATCH,
                f"IEA01 is {iea.element(1)!r} but the interchange has "
                f"{_counted(groups, 'functional group')}; expected {groups}",
                iea,
                "IEA01",
            )
        if not _same_control_number(iea.element(2), interchange.header.control_number):
            self._interchange_problem(
                InterchangeErrorCode.CONTROL_NUMBER_MISMATCH,
                f"IEA02 is {iea.element(2)!r} but ISA13 is "
                f"{interchange.header.control_number!r}; expected the same control number",
                iea,
                "IEA02",
            )
        return [self._finish_interchange(declared)]

    def _finish_interchange(self, declared_groups: int | None) -> InterchangeEnd:
        interchange = self._require_interchange()
        self.interchange = None
        return InterchangeEnd(
            header=interchange.header,
            groups=tuple(interchange.groups),
            declared_groups=declared_groups,
            problems=tuple(interchange.problems),
        )

    def _cut_short_all(self, code: InterchangeErrorCode, reason: str) -> list[EnvelopeEvent]:
        events: list[EnvelopeEvent] = []
        if self.open_set is not None:
            events.append(self._set_cut_short(reason))
        self._flush_strays()
        self.skipping_set = False
        if self.group is not None:
            events.append(self._group_cut_short(reason))
        interchange = self._require_interchange()
        at = self.last or _segment_of(interchange.header)
        self._interchange_problem(
            code,
            f"interchange {interchange.header.control_number} (ISA at segment "
            f"{interchange.header.position}) has no IEA: {reason}; expected an IEA closing it",
            at,
            None,
            tag="IEA",
        )
        events.append(self._finish_interchange(None))
        return events

    def _interchange_problem(
        self,
        code: InterchangeErrorCode,
        message: str,
        at: Segment,
        element: str | None,
        *,
        tag: str | None = None,
    ) -> None:
        self._require_interchange().problems.append(
            self._problem(EnvelopeLevel.INTERCHANGE, code, message, at, element, tag)
        )

    def _require_interchange(self) -> _OpenInterchange:
        if self.interchange is None:  # pragma: no cover - the reader starts every file with ISA
            raise RuntimeError("a segment outside any interchange")
        return self.interchange

    # -- groups ---------------------------------------------------------------------------------

    def _begin_group(self, gs: Segment) -> None:
        header = GroupHeader.from_segment(gs)
        self.group = _OpenGroup(self._require_interchange(), header)
        if not _is_number(header.control_number, 1, 9):
            self._group_problem(
                GroupErrorCode.INVALID_CONTROL_NUMBER,
                f"GS06 is {header.control_number!r}; expected the group control number, "
                "1 to 9 digits",
                gs,
                "GS06",
            )

    def _end_group(self, ge: Segment) -> GroupEnd:
        group = self._require_group()
        sets = len(group.sets)
        declared = _number(ge.element(1))
        if declared != sets:
            self._group_problem(
                GroupErrorCode.SET_COUNT_MISMATCH,
                f"GE01 is {ge.element(1)!r} but the group has "
                f"{_counted(sets, 'transaction set')}; expected {sets}",
                ge,
                "GE01",
            )
        if not _same_control_number(ge.element(2), group.header.control_number):
            self._group_problem(
                GroupErrorCode.CONTROL_NUMBER_MISMATCH,
                f"GE02 is {ge.element(2)!r} but GS06 is {group.header.control_number!r}; "
                "expected the same control number",
                ge,
                "GE02",
            )
        return self._finish_group(declared)

    def _group_cut_short(self, reason: str) -> GroupEnd:
        group = self._require_group()
        at = self.last or _segment_of(group.header)
        self._group_problem(
            GroupErrorCode.TRAILER_MISSING,
            f"functional group {group.header.functional_id} {group.header.control_number} "
            f"(GS at segment {group.header.position}) has no GE: {reason}; expected a GE "
            "closing it",
            at,
            None,
            tag="GE",
        )
        return self._finish_group(None)

    def _finish_group(self, declared_sets: int | None) -> GroupEnd:
        group = self._require_group()
        self.group = None
        end = GroupEnd(
            interchange=group.interchange.header,
            header=group.header,
            sets=group.sets,
            declared_sets=declared_sets,
            problems=tuple(group.problems),
        )
        group.interchange.groups.append(end)
        return end

    def _group_problem(
        self,
        code: GroupErrorCode,
        message: str,
        at: Segment,
        element: str | None,
        *,
        tag: str | None = None,
    ) -> None:
        self._require_group().problems.append(
            self._problem(EnvelopeLevel.GROUP, code, message, at, element, tag)
        )

    def _require_group(self) -> _OpenGroup:
        if self.group is None:  # pragma: no cover - callers check first
            raise RuntimeError("no functional group is open")
        return self.group

    # -- transaction sets -----------------------------------------------------------------------

    def _begin_set(self, st: Segment) -> None:
        if self.group is None:
            self.skipping_set = True
            self._stray(st, _OUTSIDE_GROUP)
            return
        open_set = _OpenSet(self.group, [st])
        self.open_set = open_set
        set_id, control_number = st.element(1), st.element(2)
        functional_id = self.group.header.functional_id
        if not set_id:
            self._set_problem(
                SetErrorCode.INVALID_SET_IDENTIFIER,
                "ST01 is empty; expected the transaction set identifier (such as 850)",
                st,
                "ST01",
            )
        elif FUNCTIONAL_IDS.get(set_id, functional_id) != functional_id:
            self._set_problem(
                SetErrorCode.INVALID_SET_IDENTIFIER,
                f"transaction set {set_id} is in a functional group {functional_id} (GS01); "
                f"expected it in a group {FUNCTIONAL_IDS[set_id]}",
                st,
                "ST01",
            )
        if not 4 <= len(control_number) <= 9:
            self._set_problem(
                SetErrorCode.INVALID_CONTROL_NUMBER,
                f"ST02 is {control_number!r}; expected the transaction set control number, "
                "4 to 9 characters",
                st,
                "ST02",
            )

    def _end_set(self, se: Segment) -> TransactionSet:
        open_set = self._require_set()
        open_set.segments.append(se)
        st = open_set.segments[0]
        counted = len(open_set.segments)
        if _number(se.element(1)) != counted:
            self._set_problem(
                SetErrorCode.SEGMENT_COUNT_MISMATCH,
                f"SE01 is {se.element(1)!r} but the set has {counted} segments from ST to SE; "
                f"expected {counted}",
                se,
                "SE01",
            )
        if se.element(2) != st.element(2):
            self._set_problem(
                SetErrorCode.CONTROL_NUMBER_MISMATCH,
                f"SE02 is {se.element(2)!r} but ST02 is {st.element(2)!r}; expected the same "
                "control number",
                se,
                "SE02",
            )
        return self._finish_set()

    def _set_cut_short(self, reason: str) -> TransactionSet:
        open_set = self._require_set()
        st = open_set.segments[0]
        at = self.last or st
        self._set_problem(
            SetErrorCode.TRAILER_MISSING,
            f"transaction set {st.element(1)} {st.element(2)} (ST at segment {st.position}) "
            f"has no SE: {reason}; expected an SE closing it",
            at,
            None,
            tag="SE",
        )
        return self._finish_set()

    def _finish_set(self) -> TransactionSet:
        open_set = self._require_set()
        self.open_set = None
        transaction_set = TransactionSet(
            interchange=open_set.group.interchange.header,
            group=open_set.group.header,
            segments=tuple(open_set.segments),
            problems=tuple(open_set.problems),
        )
        open_set.group.sets.append(transaction_set.summary())
        return transaction_set

    def _set_problem(
        self,
        code: SetErrorCode,
        message: str,
        at: Segment,
        element: str | None,
        *,
        tag: str | None = None,
    ) -> None:
        self._require_set().problems.append(
            self._problem(EnvelopeLevel.TRANSACTION_SET, code, message, at, element, tag)
        )

    def _require_set(self) -> _OpenSet:
        if self.open_set is None:  # pragma: no cover - callers check first
            raise RuntimeError("no transaction set is open")
        return self.open_set

    # -- segments outside any set ---------------------------------------------------------------

    def _stray(self, segment: Segment, reason: str) -> None:
        if self.strays is not None and self.strays.reason == reason:
            self.strays.count += 1
            return
        self._flush_strays()
        self.strays = _StrayRun(segment, reason=reason)

    def _flush_strays(self) -> None:
        if self.strays is not None:
            run, self.strays = self.strays, None
            self._add_stray_problem(run.first, run.count, run.reason)

    def _add_stray_problem(self, first: Segment, count: int, reason: str) -> None:
        more = f" (and the {_counted(count - 1, 'segment')} after it)" if count > 1 else ""
        self._interchange_problem(
            InterchangeErrorCode.INVALID_CONTROL_STRUCTURE,
            f"segment {first.tag}{more} {reason}; expected every segment between an ST and "
            "its SE, in a group between a GS and its GE",
            first,
            None,
        )

    def _problem(
        self,
        level: EnvelopeLevel,
        code: SetErrorCode | GroupErrorCode | InterchangeErrorCode,
        message: str,
        at: Segment,
        element: str | None,
        tag: str | None,
    ) -> EnvelopeProblem:
        return EnvelopeProblem(
            level=level,
            code=code,
            message=message,
            source=self.source,
            position=at.position,
            line=at.line,
            segment=tag or at.tag,
            element=element,
        )


def _segment_of(header: InterchangeHeader | GroupHeader) -> Segment:
    tag = "ISA" if isinstance(header, InterchangeHeader) else "GS"
    return Segment(tag, (), header.position, header.line)


def _counted(count: int, thing: str) -> str:
    return f"{count} {thing}" if count == 1 else f"{count} {thing}s"


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and value.isascii() else None


def _is_number(value: str, shortest: int, longest: int) -> bool:
    return value.isdigit() and value.isascii() and shortest <= len(value) <= longest


def _same_control_number(trailer: str, header: str) -> bool:
    trailer, header = trailer.strip(), header.strip()
    if _number(trailer) is not None and _number(header) is not None:
        return int(trailer) == int(header)
    return trailer == header
