"""Writing X12 interchanges to a binary file, a segment at a time.

::

    settings = EnvelopeSettings(
        sender_qualifier="ZZ", sender_id="AHEADMFG",
        receiver_qualifier="ZZ", receiver_id="ACMEBUYER",
        group_sender_id="AHEADMFG", group_receiver_id="ACMEBUYER",
    )
    with InterchangeWriter(out, settings, control_number=17) as writer:
        writer.begin_group("SH", control_number=17)
        writer.write_set("856", "0001", segments)
        writer.end_group()

The writer adds what is counted or fixed: ISA (its fields padded to their widths), GS, ST and SE
(SE01 counts the segments from ST to SE), GE (GE01 counts the sets) and IEA (IEA01 counts the
groups). Segments are written as they are given, nothing is kept.

Elements are given as text; a composite element as a list (or tuple) of its components; a
repeated element (00402 on) as :class:`Repeated`. ``None`` stands for an empty element. Trailing
empty elements and components are left out, as X12 wants. X12 has no escape character, so a
value holding a delimiter (or a line break) is an :class:`~adapters.x12.errors.X12WriteError`
naming the segment and element, never written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import TracebackType
from typing import BinaryIO, Self

from adapters.x12.errors import X12WriteError
from adapters.x12.segments import Delimiters
from adapters.x12.syntax import ISA_ELEMENT_WIDTHS

__all__ = [
    "ElementValue",
    "EnvelopeSettings",
    "InterchangeWriter",
    "LineBreak",
    "OutboundSegment",
    "Repeated",
    "UsageIndicator",
]


@dataclass(frozen=True)
class Repeated:
    """The repetitions of a repeated element (separated by ISA11 from version 00402 on).

    Attributes:
        values: each repetition: text, or a composite's components.
    """

    values: tuple[str | Sequence[str], ...]


ElementValue = str | Sequence[str] | Repeated | None
"""An element to write: text, a composite's components, repetitions, or ``None`` (empty)."""

OutboundSegment = tuple[str, Sequence[ElementValue]]
"""A segment to write: its tag and its elements from the first on (``("N1", ["ST", "X"])``)."""


class UsageIndicator(StrEnum):
    """ISA15: whether an interchange is production data or a test."""

    PRODUCTION = "P"
    TEST = "T"
    INFORMATION = "I"


class LineBreak(StrEnum):
    """What follows each segment terminator (nothing is the X12 default)."""

    NONE = ""
    LF = "\n"
    CRLF = "\r\n"


_DEFAULT_DELIMITERS = Delimiters(element="*", component=">", segment="~")
_FIRST_VERSION_WITH_REPETITION = "00402"


@dataclass(frozen=True)
class EnvelopeSettings:
    """The envelope of the interchanges written to one trading partner.

    Attributes:
        sender_qualifier: ISA05.
        sender_id: ISA06 (padded to 15 characters).
        receiver_qualifier: ISA07.
        receiver_id: ISA08 (padded to 15 characters).
        group_sender_id: GS02, the application sender's code.
        group_receiver_id: GS03, the application receiver's code.
        version: ISA12 (``00401`` or ``00501``).
        group_version: GS08 (``004010``, ``005010``).
        usage: ISA15.
        delimiters: the delimiters to write with; a version from 00402 on needs a repetition
            separator (written as ISA11), an earlier one must have none (ISA11 is ``U``).
        line_break: what to write after each segment terminator (nothing when the
            terminator is itself a line break).
        acknowledgment_requested: ISA14: whether a TA1 is asked for.
        authorization_qualifier: ISA01.
        authorization: ISA02.
        security_qualifier: ISA03.
        security: ISA04.
        agency: GS07, the responsible agency (``X`` for X12).
    """

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    group_sender_id: str
    group_receiver_id: str
    version: str = "00401"
    group_version: str = "004010"
    usage: UsageIndicator = UsageIndicator.PRODUCTION
    delimiters: Delimiters = field(default=_DEFAULT_DELIMITERS)
    line_break: LineBreak = LineBreak.NONE
    acknowledgment_requested: bool = False
    authorization_qualifier: str = "00"
    authorization: str = ""
    security_qualifier: str = "00"
    security: str = ""
    agency: str = "X"

    def __post_init__(self) -> None:
        if not (len(self.version) == 5 and self.version.isdigit()):
            raise X12WriteError(
                f"the version is {self.version!r}; expected five digits such as 00401 or 00501",
                segment="ISA",
                element="ISA12",
            )
        delimiters = self.delimiters
        needs_repetition = self.version >= _FIRST_VERSION_WITH_REPETITION
        if needs_repetition and delimiters.repetition is None:
            raise X12WriteError(
                f"version {self.version} needs a repetition separator; expected delimiters "
                "with one (such as '^')",
                segment="ISA",
                element="ISA11",
            )
        if not needs_repetition and delimiters.repetition is not None:
            raise X12WriteError(
                f"version {self.version} has no repetition separator (ISA11 is 'U'); expected "
                "delimiters without one",
                segment="ISA",
                element="ISA11",
            )
        chosen = [delimiters.element, delimiters.component, delimiters.segment]
        if delimiters.repetition is not None:
            chosen.append(delimiters.repetition)
        if len(set(chosen)) != len(chosen) or any(
            len(character) != 1 or character.isalnum() or character == " " for character in chosen
        ):
            raise X12WriteError(
                f"the delimiters {chosen!r} are not usable; expected distinct single "
                "characters that are neither letters, digits nor spaces",
                segment="ISA",
            )


class InterchangeWriter:
    """Writes one interchange to a binary file object, segment by segment.

    The ISA is written at once; :meth:`close` (or leaving the ``with`` block normally) closes an
    open group and writes the IEA. Leaving the block with an exception writes no IEA: the
    output is then an unfinished interchange that the caller discards.

    Args:
        out: where to write (a binary file object; it is not closed).
        settings: the partner's envelope.
        control_number: ISA13 (and IEA02), 1 to 999999999.
        timestamp: the date and time written in ISA09/ISA10 and GS04/GS05; now (UTC) if
            ``None``.
        encoding: the character set to write.
    """

    def __init__(
        self,
        out: BinaryIO,
        settings: EnvelopeSettings,
        control_number: int,
        *,
        timestamp: datetime | None = None,
        encoding: str = "utf-8",
    ) -> None:
        if not 0 < control_number <= 999_999_999:
            raise X12WriteError(
                f"the interchange control number is {control_number}; expected 1 to 999999999",
                segment="ISA",
                element="ISA13",
            )
        self._out = out
        self._settings = settings
        self._delimiters = settings.delimiters
        self._control_number = control_number
        self._timestamp = timestamp or datetime.now(UTC)
        self._encoding = encoding
        line_break = "" if settings.delimiters.segment in "\r\n" else settings.line_break
        self._ending = settings.delimiters.segment + line_break
        self._forbidden = _forbidden_characters(settings.delimiters)
        self._groups = 0
        self._group: _OpenGroup | None = None
        self._closed = False
        self._write_isa()

    @property
    def group_count(self) -> int:
        """The functional groups begun so far."""
        return self._groups

    def begin_group(
        self,
        functional_id: str,
        control_number: int,
        *,
        version: str | None = None,
        sender_id: str | None = None,
        receiver_id: str | None = None,
    ) -> None:
        """Write a GS; an open group is ended first.

        Args:
            functional_id: GS01 (``SH``, ``IN``, ``FA``).
            control_number: GS06 (and GE02), 1 to 999999999.
            version: GS08 if not the settings' ``group_version``.
            sender_id: GS02 if not the settings' ``group_sender_id``.
            receiver_id: GS03 if not the settings' ``group_receiver_id``.
        """
        self._check_open()
        if not 0 < control_number <= 999_999_999:
            raise X12WriteError(
                f"the group control number is {control_number}; expected 1 to 999999999",
                segment="GS",
                element="GS06",
            )
        if self._group is not None:
            self.end_group()
        settings = self._settings
        self._write(
            "GS",
            [
                functional_id,
                settings.group_sender_id if sender_id is None else sender_id,
                settings.group_receiver_id if receiver_id is None else receiver_id,
                self._timestamp.strftime("%Y%m%d"),
                self._timestamp.strftime("%H%M"),
                str(control_number),
                settings.agency,
                settings.group_version if version is None else version,
            ],
            "the GS",
        )
        self._groups += 1
        self._group = _OpenGroup(control_number)

    def write_set(
        self,
        set_id: str,
        control_number: int | str,
        segments: Iterable[OutboundSegment],
        *,
        implementation_reference: str | None = None,
    ) -> int:
        """Write a transaction set: ST, the segments given, SE.

        Args:
            set_id: ST01 (``856``).
            control_number: ST02; a number is written with at least 4 digits (``0001``).
            segments: the segments between ST and SE, written as they come.
            implementation_reference: ST03 (005010), if any.

        Returns:
            The number of segments written from ST to SE (SE01).
        """
        self._check_open()
        group = self._group
        if group is None:
            raise X12WriteError(
                f"transaction set {set_id} written outside a functional group; expected "
                "begin_group() first",
                segment="ST",
            )
        number = f"{control_number:04d}" if isinstance(control_number, int) else control_number
        if not 4 <= len(number) <= 9:
            raise X12WriteError(
                f"the transaction set control number is {number!r}; expected 4 to 9 characters",
                segment="ST",
                element="ST02",
            )
        name = f"transaction set {set_id} {number}"
        self._write("ST", [set_id, number, implementation_reference], f"the ST of {name}")
        count = 1
        for segment in segments:
            count += 1
            tag, elements = segment
            self._write(tag, elements, f"segment {count} of {name}")
        count += 1
        self._write("SE", [str(count), number], f"the SE of {name}")
        group.sets += 1
        return count

    def end_group(self) -> None:
        """Write the GE of the open group."""
        self._check_open()
        group = self._group
        if group is None:
            raise X12WriteError(
                "no functional group is open; expected begin_group() first", segment="GE"
            )
        self._write("GE", [str(group.sets), str(group.control_number)], "the GE")
        self._group = None

    def close(self) -> None:
        """End an open group and write the IEA; later calls do nothing."""
        if self._closed:
            return
        if self._group is not None:
            self.end_group()
        self._write("IEA", [str(self._groups), f"{self._control_number:09d}"], "the IEA")
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise X12WriteError("the interchange is already closed (IEA written)", segment="IEA")

    def _write_isa(self) -> None:
        settings = self._settings
        delimiters = self._delimiters
        values = [
            settings.authorization_qualifier,
            settings.authorization,
            settings.security_qualifier,
            settings.security,
            settings.sender_qualifier,
            settings.sender_id,
            settings.receiver_qualifier,
            settings.receiver_id,
            self._timestamp.strftime("%y%m%d"),
            self._timestamp.strftime("%H%M"),
            delimiters.repetition or "U",
            settings.version,
            f"{self._control_number:09d}",
            "1" if settings.acknowledgment_requested else "0",
            str(settings.usage),
            delimiters.component,
        ]
        fields: list[str] = []
        for number, (value, width) in enumerate(zip(values, ISA_ELEMENT_WIDTHS, strict=True), 1):
            element = f"ISA{number:02d}"
            if len(value) > width:
                raise X12WriteError(
                    f"{value!r} is {len(value)} characters; expected at most {width}",
                    segment="ISA",
                    element=element,
                )
            if number not in (11, 16):
                self._check_value(value, "ISA", element, "the ISA")
            fields.append(value.ljust(width))
        text = "ISA" + delimiters.element + delimiters.element.join(fields) + self._ending
        self._out.write(text.encode(self._encoding))

    def _write(self, tag: str, elements: Sequence[ElementValue], context: str) -> None:
        delimiters = self._delimiters
        texts = [
            self._element_text(value, tag, f"{tag}{number:02d}", context)
            for number, value in enumerate(elements, 1)
        ]
        while texts and not texts[-1]:
            texts.pop()
        if not tag or not tag.isalnum():
            raise X12WriteError(
                f"the segment identifier is {tag!r}; expected 2 or 3 letters and digits",
                segment=tag or "?",
                context=context,
            )
        line = delimiters.element.join([tag, *texts]) + self._ending
        self._out.write(line.encode(self._encoding))

    def _element_text(self, value: ElementValue, tag: str, element: str, context: str) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            self._check_value(value, tag, element, context)
            return value
        if isinstance(value, Repeated):
            separator = self._delimiters.repetition
            if separator is None:
                raise X12WriteError(
                    f"repetitions given, but version {self._settings.version} has no "
                    "repetition separator; expected a single value",
                    segment=tag,
                    element=element,
                    context=context,
                )
            texts = [self._element_text(item, tag, element, context) for item in value.values]
            while texts and not texts[-1]:
                texts.pop()
            return separator.join(texts)
        components = [self._component(item, tag, element, context) for item in value]
        while components and not components[-1]:
            components.pop()
        return self._delimiters.component.join(components)

    def _component(self, value: str | None, tag: str, element: str, context: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise X12WriteError(
                f"a component is {value!r}; expected text",
                segment=tag,
                element=element,
                context=context,
            )
        self._check_value(value, tag, element, context)
        return value

    def _check_value(self, value: str, tag: str, element: str, context: str) -> None:
        for character in self._forbidden:
            if character in value:
                raise X12WriteError(
                    f"{value!r} contains {self._forbidden[character]} {character!r}; X12 has no "
                    "escape, so expected a value without it",
                    segment=tag,
                    element=element,
                    context=context,
                )


@dataclass
class _OpenGroup:
    control_number: int
    sets: int = 0


def _forbidden_characters(delimiters: Delimiters) -> dict[str, str]:
    forbidden = {
        "\r": "a line break",
        "\n": "a line break",
        delimiters.element: "the element separator",
        delimiters.component: "the component separator",
        delimiters.segment: "the segment terminator",
    }
    if delimiters.repetition is not None:
        forbidden[delimiters.repetition] = "the repetition separator"
    return forbidden
