"""IDoc XML read into segments and fields, as written, before any judgement.

An IDoc XML file is ``<BASICTYPE>`` holding one or more ``<IDOC BEGIN="1">``; each IDoc holds
the control record ``<EDI_DC40 SEGMENT="1">`` and then the data segments, each an element with
``SEGMENT="1"`` whose children are its fields (elements holding text) and its child segments.
Here an element is a segment when it has a ``SEGMENT`` attribute or child elements, and a field
otherwise; :mod:`adapters.sap.idoc.check` judges the result against a structure definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

__all__ = ["Idoc", "IdocField", "IdocFile", "IdocSegment", "read_idoc_elements"]

CONTROL_RECORD = "EDI_DC40"


@dataclass
class IdocField:
    """A field as written: its name, its text (trailing blanks dropped) and its line."""

    name: str
    value: str
    line: int | None
    has_attributes: bool = False


@dataclass
class IdocSegment:
    """A segment as written.

    Attributes:
        name: the element's name.
        line: its line in the file.
        number: its segment number in the IDoc (document order, from 1; 0 for the control
            record).
        occurrence: its number among same-named siblings (from 1).
        flagged: whether it carries ``SEGMENT="1"``.
        fields: its fields in the order written.
        children: its child segments in the order written.
    """

    name: str
    line: int | None
    number: int
    occurrence: int
    flagged: bool
    fields: list[IdocField] = field(default_factory=list)
    children: list[IdocSegment] = field(default_factory=list)


@dataclass
class Idoc:
    """One ``IDOC`` element.

    Attributes:
        index: which IDoc of the file (from 1).
        line: its line.
        begins: whether it carries ``BEGIN="1"``.
        control: the control record, if the IDoc starts with one.
        segments: the data segments at its top level.
        stray: elements that are neither segments nor the control record (text fields
            directly under ``IDOC``, a second control record, a control record out of place).
    """

    index: int
    line: int | None
    begins: bool
    control: IdocSegment | None
    segments: list[IdocSegment] = field(default_factory=list)
    stray: list[IdocSegment] = field(default_factory=list)


@dataclass
class IdocFile:
    """A whole IDoc XML document.

    Attributes:
        root: the root element's name (the basic type, e.g. ``ORDERS05``).
        root_line: its line.
        idocs: the ``IDOC`` elements.
        stray: names and lines of root children that are not ``IDOC``.
    """

    root: str
    root_line: int | None
    idocs: list[Idoc]
    stray: list[tuple[str, int | None]]


def _is_segment(element: etree._Element) -> bool:
    return element.get("SEGMENT") is not None or len(element) > 0


def _name(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


class _Numbering:
    def __init__(self) -> None:
        self.next = 1

    def take(self) -> int:
        number = self.next
        self.next += 1
        return number


def _segment(element: etree._Element, occurrence: int, numbering: _Numbering) -> IdocSegment:
    segment = IdocSegment(
        name=_name(element),
        line=element.sourceline,
        number=numbering.take(),
        occurrence=occurrence,
        flagged=element.get("SEGMENT") is not None,
    )
    seen: dict[str, int] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        name = _name(child)
        if _is_segment(child):
            seen[name] = seen.get(name, 0) + 1
            segment.children.append(_segment(child, seen[name], numbering))
        else:
            segment.fields.append(
                IdocField(name, (child.text or "").rstrip(), child.sourceline, bool(child.attrib))
            )
    return segment


def _control(element: etree._Element) -> IdocSegment:
    control = IdocSegment(
        name=CONTROL_RECORD,
        line=element.sourceline,
        number=0,
        occurrence=1,
        flagged=element.get("SEGMENT") is not None,
    )
    for child in element:
        if isinstance(child.tag, str):
            control.fields.append(
                IdocField(
                    _name(child), (child.text or "").rstrip(), child.sourceline, bool(child.attrib)
                )
            )
    return control


def _idoc(element: etree._Element, index: int) -> Idoc:
    elements = [child for child in element if isinstance(child.tag, str)]
    idoc = Idoc(index, element.sourceline, element.get("BEGIN") is not None, None)
    numbering = _Numbering()
    seen: dict[str, int] = {}
    for position, child in enumerate(elements):
        name = _name(child)
        if name == CONTROL_RECORD:
            if position == 0:
                idoc.control = _control(child)
            else:
                idoc.stray.append(_control(child))
            continue
        seen[name] = seen.get(name, 0) + 1
        segment = _segment(child, seen[name], numbering)
        if _is_segment(child):
            idoc.segments.append(segment)
        else:
            idoc.stray.append(segment)
    return idoc


def read_idoc_elements(tree: etree._ElementTree) -> IdocFile:
    """The IDocs of a parsed XML document, as written."""
    root = tree.getroot()
    idocs: list[Idoc] = []
    stray: list[tuple[str, int | None]] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if _name(child) == "IDOC":
            idocs.append(_idoc(child, len(idocs) + 1))
        else:
            stray.append((_name(child), child.sourceline))
    return IdocFile(_name(root), root.sourceline, idocs, stray)
