"""Functional acknowledgments: a 997 (groups before 005010) or a 999 (005010 on).

One acknowledgment interchange answers one received interchange: for each of its functional
groups, a 997 or 999 transaction set with

- AK1: the group acknowledged (its functional id, control number and, in a 999, version);
- per transaction set, AK2 and then, per segment in error, AK3 (999: IK3) with an AK4 (IK4) per
  element in error, and AK5 (IK5): the set accepted (``A``) or rejected (``R``) with its codes;
- AK9: the group accepted (``A``), partly accepted (``P``), accepted with errors noted (``E``)
  or rejected (``R``), with the counts of sets included, received and accepted, and its codes.

What goes in comes from two places: the envelope walk (:class:`~adapters.x12.envelope.
InterchangeEnd`, with its groups and sets and their envelope problems) and, for each set that
was validated against its map, a :class:`ValidationReport` (per segment: its id, position in
the set, loop, code and element errors), keyed by the position of the set's ST in the file.

Decisions:

- A set is rejected when the envelope or the validation found any problem with it; the sets
  that pass are accepted, whatever happened to their neighbours.
- A group whose own envelope is wrong (a count or control number in GE, a missing GE) still
  had its good sets taken: its AK9 is ``E`` when all its sets were accepted, ``P`` when some
  were, ``R`` when none were (or it had no set), with the group's codes in AK905 on.
- AK902 is the count the sender declared in GE01 (the count received when GE01 is missing or
  not a number).
- The acknowledgment's envelope mirrors the received one: ISA sender and receiver swapped, the
  same version (ISA12) and usage (ISA15), the same delimiters unless others are asked for; each
  acknowledgment group has the received group's GS08 and its application codes swapped. A 999
  carries ``005010X231A1`` in ST03, the implementation guide that defines it.
- Bad values copied into AK404/IK404 lose any delimiter character (X12 has no escape) and are
  cut to the element's 99 characters.
- What is copied from the received data is written as the acknowledgment's elements allow
  (their X12 types and lengths): trailing spaces go, except the spaces that X12 adds to reach an
  element's minimum length (a set control number ``01`` is ``01  `` in AK202, a segment id
  ``X`` is ``X `` in AK301); AK402/IK402 hold data element numbers only, so a composite's
  reference designator (``C040``, for too many components) is left out. A value that no padding
  mends (a control number too long) is copied as it was received: it names the set.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import BinaryIO, Protocol

from adapters.x12.envelope import GroupEnd, InterchangeEnd, InterchangeHeader, SetSummary
from adapters.x12.errors import AcknowledgmentCode, SetErrorCode
from adapters.x12.segments import Delimiters
from adapters.x12.writer import (
    ElementValue,
    EnvelopeSettings,
    InterchangeWriter,
    LineBreak,
    OutboundSegment,
    UsageIndicator,
)

__all__ = [
    "IMPLEMENTATION_ACKNOWLEDGMENT_GUIDE",
    "Acknowledgment",
    "AcknowledgmentGroup",
    "AcknowledgmentNumbers",
    "AcknowledgmentSet",
    "AcknowledgmentType",
    "ReportedElement",
    "ReportedSegment",
    "ReportedSetError",
    "ValidationReport",
    "acknowledgment_type",
    "build_acknowledgment",
]

IMPLEMENTATION_ACKNOWLEDGMENT_GUIDE = "005010X231A1"
"""ST03 of a 999: the implementation guide that defines the 999."""
# AK3/IK3 code for a segment whose only errors are in its elements.
_SEGMENT_HAS_ELEMENT_ERRORS = "8"
_MAX_CODES = 5
_MAX_ELEMENT_ERRORS = 99
_MAX_BAD_VALUE = 99
# Minimum lengths of the elements that copy received identifiers: AK201 (data element 143),
# AK202 (329) and AK301/IK301 (721).
_MIN_SET_ID = 3
_MIN_CONTROL_NUMBER = 4
_MIN_SEGMENT_ID = 2


class AcknowledgmentType(StrEnum):
    """Which acknowledgment answers a group: by the group's version (GS08)."""

    FUNCTIONAL = "997"
    IMPLEMENTATION = "999"


class ReportedElement(Protocol):
    """An element in error, as validation reports it (AK4 in a 997, IK4 in a 999)."""

    @property
    def position(self) -> int:
        """The element's position in its segment (AK401-1), 1-based."""
        ...

    @property
    def component_position(self) -> int | None:
        """The component's position in a composite (AK401-2), if the error is in one."""
        ...

    @property
    def repetition_position(self) -> int | None:
        """The repetition's position (IK401-3, 999 only), if the element repeats."""
        ...

    @property
    def reference_number(self) -> str | None:
        """The data element reference number (AK402), such as ``"324"``."""
        ...

    @property
    def code(self) -> str:
        """The data element syntax error code (AK403/IK403)."""
        ...

    @property
    def bad_value(self) -> str | None:
        """A copy of the bad value (AK404/IK404), if one is worth sending."""
        ...


class ReportedSegment(Protocol):
    """A segment in error, as validation reports it (AK3 in a 997, IK3 in a 999)."""

    @property
    def segment_id(self) -> str:
        """The segment's identifier (AK301)."""
        ...

    @property
    def position(self) -> int:
        """The segment's position in its set, ST being 1 (AK302)."""
        ...

    @property
    def loop_id(self) -> str | None:
        """The loop the segment is in (AK303), if any."""
        ...

    @property
    def code(self) -> str | None:
        """The segment syntax error code (AK304/IK304); ``None`` when only elements are wrong."""
        ...

    @property
    def element_errors(self) -> Sequence[ReportedElement]:
        """The segment's elements in error."""
        ...


class ReportedSetError(Protocol):
    """A problem of a whole set, as validation reports it (AK502 to AK506, IK502 to IK506)."""

    @property
    def code(self) -> str:
        """The transaction set syntax error code, such as ``1`` (set not supported)."""
        ...


class ValidationReport(Protocol):
    """What validating one transaction set against its map found.

    :class:`adapters.x12.validation.SetResult` is one.
    """

    @property
    def segment_errors(self) -> Sequence[ReportedSegment]:
        """The segments in error, in the order of the set."""
        ...

    @property
    def set_errors(self) -> Sequence[ReportedSetError]:
        """The problems of the set as a whole."""
        ...


@dataclass(frozen=True)
class AcknowledgmentNumbers:
    """The control numbers of an acknowledgment interchange, allocated by the caller.

    Groups are numbered from ``first_group`` on and sets from ``first_set`` on, one after the
    other across the interchange: allocate :attr:`Acknowledgment.group_count` and
    :attr:`Acknowledgment.set_count` numbers.

    Attributes:
        interchange: ISA13.
        first_group: GS06 of the first group.
        first_set: ST02 of the first set.
    """

    interchange: int
    first_group: int
    first_set: int = 1


@dataclass(frozen=True)
class AcknowledgmentSet:
    """One 997 or 999, answering one received group.

    Attributes:
        type: 997 or 999.
        functional_id: GS01 of the group acknowledged.
        group_control_number: GS06 of the group acknowledged.
        verdict: AK901.
        segments: the segments between ST and SE (AK1 to AK9). Those that
            :func:`build_acknowledgment` makes are generated afresh each time they are iterated,
            set by set as they are written, so that the acknowledgment of a large group is
            never held whole in memory.
    """

    type: AcknowledgmentType
    functional_id: str
    group_control_number: str
    verdict: AcknowledgmentCode
    segments: Iterable[OutboundSegment]

    @property
    def implementation_reference(self) -> str | None:
        """ST03 of the acknowledgment: the 999's implementation guide, none for a 997."""
        if self.type is AcknowledgmentType.IMPLEMENTATION:
            return IMPLEMENTATION_ACKNOWLEDGMENT_GUIDE
        return None


@dataclass(frozen=True)
class AcknowledgmentGroup:
    """A functional group (GS01 ``FA``) of acknowledgments sharing a version and partner codes.

    Attributes:
        version: GS08, the version of the groups acknowledged.
        sender_id: GS02 (the acknowledged groups' GS03).
        receiver_id: GS03 (the acknowledged groups' GS02).
        sets: the acknowledgments, one per received group.
    """

    version: str
    sender_id: str
    receiver_id: str
    sets: tuple[AcknowledgmentSet, ...]


@dataclass(frozen=True)
class Acknowledgment:
    """The acknowledgment of one received interchange, ready to be written.

    Attributes:
        envelope: the acknowledgment interchange's envelope (the received one's, mirrored).
        groups: its functional groups.
    """

    envelope: EnvelopeSettings
    groups: tuple[AcknowledgmentGroup, ...]

    @property
    def group_count(self) -> int:
        """How many group control numbers :meth:`write` uses."""
        return len(self.groups)

    @property
    def set_count(self) -> int:
        """How many transaction set control numbers :meth:`write` uses."""
        return sum(len(group.sets) for group in self.groups)

    def write(
        self,
        out: BinaryIO,
        numbers: AcknowledgmentNumbers,
        *,
        timestamp: datetime | None = None,
        encoding: str = "utf-8",
    ) -> None:
        """Write the acknowledgment interchange to a binary file object.

        Args:
            out: where to write.
            numbers: the control numbers to use.
            timestamp: the date and time of the envelope; now (UTC) if ``None``.
            encoding: the character set to write.
        """
        group_number = numbers.first_group
        set_number = numbers.first_set
        with InterchangeWriter(
            out, self.envelope, numbers.interchange, timestamp=timestamp, encoding=encoding
        ) as writer:
            for group in self.groups:
                writer.begin_group(
                    "FA",
                    group_number,
                    version=group.version,
                    sender_id=group.sender_id,
                    receiver_id=group.receiver_id,
                )
                group_number += 1
                for acknowledgment in group.sets:
                    writer.write_set(
                        acknowledgment.type,
                        set_number,
                        acknowledgment.segments,
                        implementation_reference=acknowledgment.implementation_reference,
                    )
                    set_number += 1
                writer.end_group()


def acknowledgment_type(group_version: str) -> AcknowledgmentType:
    """The acknowledgment a group of this version (GS08) gets: 999 from 005010 on, else 997."""
    release = group_version[:6]
    if release.isdigit() and release >= "005010":
        return AcknowledgmentType.IMPLEMENTATION
    return AcknowledgmentType.FUNCTIONAL


def build_acknowledgment(
    interchange: InterchangeEnd,
    reports: Mapping[int, ValidationReport],
    *,
    delimiters: Delimiters | None = None,
    line_break: LineBreak = LineBreak.NONE,
) -> Acknowledgment:
    """The 997/999 acknowledgment of a received interchange.

    Args:
        interchange: the end of the received interchange, as the envelope walk gave it.
        reports: the validation report of each set that was validated, keyed by the position
            of its ST in the file (:attr:`~adapters.x12.envelope.SetSummary.position`). A set
            without a report is judged on its envelope alone.
        delimiters: the delimiters to write with; the received interchange's if ``None``.
        line_break: what to write after each segment terminator.
    """
    header = interchange.header
    chosen = delimiters or header.delimiters
    envelope = _mirrored_envelope(header, chosen, line_break)
    groups: dict[tuple[str, str, str], list[AcknowledgmentSet]] = {}
    for group in interchange.groups:
        key = (group.header.version, group.header.receiver_id, group.header.sender_id)
        groups.setdefault(key, []).append(_acknowledge_group(group, reports, chosen))
    return Acknowledgment(
        envelope=envelope,
        groups=tuple(
            AcknowledgmentGroup(version, sender, receiver, tuple(sets))
            for (version, sender, receiver), sets in groups.items()
        ),
    )


def _mirrored_envelope(
    header: InterchangeHeader, delimiters: Delimiters, line_break: LineBreak
) -> EnvelopeSettings:
    usage = (
        UsageIndicator.TEST if header.usage == UsageIndicator.TEST else UsageIndicator.PRODUCTION
    )
    return EnvelopeSettings(
        sender_qualifier=header.receiver_qualifier,
        sender_id=header.receiver_id,
        receiver_qualifier=header.sender_qualifier,
        receiver_id=header.sender_id,
        group_sender_id=header.receiver_id,
        group_receiver_id=header.sender_id,
        version=header.version,
        usage=usage,
        delimiters=delimiters,
        line_break=line_break,
    )


def _acknowledge_group(
    group: GroupEnd, reports: Mapping[int, ValidationReport], delimiters: Delimiters
) -> AcknowledgmentSet:
    kind = acknowledgment_type(group.header.version)
    # Only the verdicts are worked out now (AK9 and AK901 need them); the segments of each set
    # are made again while they are written.
    accepted = sum(
        1 for summary in group.sets if not _set_codes(summary, reports.get(summary.position))
    )
    received = len(group.sets)
    group_codes = _first_codes(problem.code for problem in group.problems)
    code = _group_verdict(accepted, received, has_group_errors=bool(group_codes))
    included = group.declared_sets if group.declared_sets is not None else received
    closing: OutboundSegment = (
        "AK9",
        [code, str(included), str(received), str(accepted), *group_codes],
    )
    return AcknowledgmentSet(
        type=kind,
        functional_id=group.header.functional_id,
        group_control_number=group.header.control_number,
        verdict=code,
        segments=_GroupSegments(group, reports, kind, delimiters, closing),
    )


@dataclass(frozen=True)
class _GroupSegments:
    """The body of one group's acknowledgment (AK1 to AK9), made anew on each iteration."""

    group: GroupEnd
    reports: Mapping[int, ValidationReport]
    kind: AcknowledgmentType
    delimiters: Delimiters
    closing: OutboundSegment

    def __iter__(self) -> Iterator[OutboundSegment]:
        header = self.group.header
        if self.kind is AcknowledgmentType.IMPLEMENTATION:
            yield ("AK1", [header.functional_id, header.control_number, header.version])
        else:
            yield ("AK1", [header.functional_id, header.control_number])
        for summary in self.group.sets:
            yield from _acknowledge_set(
                summary, self.reports.get(summary.position), self.kind, self.delimiters
            )
        yield self.closing


def _set_codes(summary: SetSummary, report: ValidationReport | None) -> list[str]:
    """AK502 on: why the set is rejected; none when it is accepted."""
    if report is None:
        if not summary.problems:
            return []
        return _first_codes(problem.code for problem in summary.problems)
    codes: list[str] = [problem.code for problem in summary.problems]
    codes.extend(error.code for error in report.set_errors)
    if report.segment_errors:
        codes.append(SetErrorCode.SEGMENTS_IN_ERROR)
    return _first_codes(codes)


def _acknowledge_set(
    summary: SetSummary,
    report: ValidationReport | None,
    kind: AcknowledgmentType,
    delimiters: Delimiters,
) -> Iterator[OutboundSegment]:
    implementation = kind is AcknowledgmentType.IMPLEMENTATION
    set_id = _copied(summary.set_id, _MIN_SET_ID)
    control_number = _copied(summary.control_number, _MIN_CONTROL_NUMBER)
    reference = _copied(summary.implementation_reference, 1)
    if implementation and reference:
        yield ("AK2", [set_id, control_number, reference])
    else:
        yield ("AK2", [set_id, control_number])
    if report is not None:
        for segment in report.segment_errors:
            yield from _segment_error(segment, implementation, delimiters)
    set_codes = _set_codes(summary, report)
    verdict = AcknowledgmentCode.REJECTED if set_codes else AcknowledgmentCode.ACCEPTED
    yield ("IK5" if implementation else "AK5", [verdict, *set_codes])


def _segment_error(
    segment: ReportedSegment, implementation: bool, delimiters: Delimiters
) -> list[OutboundSegment]:
    elements = list(segment.element_errors)[:_MAX_ELEMENT_ERRORS]
    code = segment.code or (_SEGMENT_HAS_ELEMENT_ERRORS if elements else None)
    segment_id = _copied(_clean(segment.segment_id, delimiters)[:3], _MIN_SEGMENT_ID)
    written: list[OutboundSegment] = [
        (
            "IK3" if implementation else "AK3",
            [segment_id, str(segment.position), segment.loop_id, code],
        )
    ]
    for element in elements:
        position: list[str] = [str(element.position)]
        if element.component_position is not None:
            position.append(str(element.component_position))
        if implementation and element.repetition_position is not None:
            if len(position) == 1:
                position.append("")
            position.append(str(element.repetition_position))
        bad_value = _copied(_clean(element.bad_value or "", delimiters)[:_MAX_BAD_VALUE], 1)
        reference_number = element.reference_number
        if reference_number is not None and not reference_number.isdigit():
            reference_number = None
        values: list[ElementValue] = [
            position,
            reference_number,
            element.code,
            bad_value or None,
        ]
        written.append(("IK4" if implementation else "AK4", values))
    return written


def _group_verdict(accepted: int, received: int, *, has_group_errors: bool) -> AcknowledgmentCode:
    if received == 0 or accepted == 0:
        return AcknowledgmentCode.REJECTED
    if accepted < received:
        return AcknowledgmentCode.PARTIALLY_ACCEPTED
    if has_group_errors:
        return AcknowledgmentCode.ACCEPTED_WITH_ERRORS
    return AcknowledgmentCode.ACCEPTED


def _first_codes(codes: Iterable[str]) -> list[str]:
    unique: list[str] = []
    for code in codes:
        if str(code) not in unique:
            unique.append(str(code))
    return unique[:_MAX_CODES]


def _copied(value: str, minimum: int) -> str:
    """A received value as an AN or ID element of the acknowledgment holds it.

    X12 drops trailing spaces but for those that bring a value to its element's minimum length;
    an empty value stays empty (it is left out, not made of spaces).
    """
    trimmed = value.rstrip(" ")
    return trimmed.ljust(minimum) if trimmed else ""


def _clean(value: str, delimiters: Delimiters) -> str:
    unusable = {delimiters.element, delimiters.component, delimiters.segment, "\r", "\n"}
    if delimiters.repetition is not None:
        unusable.add(delimiters.repetition)
    return "".join(character for character in value if character not in unusable)
