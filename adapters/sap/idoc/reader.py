"""Reading IDoc XML files: parsed safely, checked, and turned into JSON record trees."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.sap.idoc.check import check_idoc_file
from adapters.sap.idoc.document import CONTROL_RECORD, read_idoc_elements
from adapters.sap.idoc.problems import IdocError, IdocProblem
from adapters.sap.idoc.structure import IdocBasicType, IdocStructure, load_structure
from adapters.sap.idoc.tree import idoc_tree
from adapters.sap.xmlsafe import XmlError, parse_xml

__all__ = ["IdocDocument", "check_idoc_xml", "read_idoc_file", "read_idocs", "read_orders05"]


@dataclass(frozen=True)
class IdocDocument:
    """One IDoc of a file, checked.

    Attributes:
        source: the file.
        index: which IDoc of the file (from 1).
        basic_type: e.g. ``ORDERS05``.
        message_type: the control record's ``MESTYP``, e.g. ``ORDERS``.
        tree: the IDoc as a JSON record tree (see :mod:`adapters.sap.idoc.tree`).
    """

    source: str
    index: int
    basic_type: str
    message_type: str
    tree: dict[str, Any]

    @property
    def control(self) -> dict[str, Any]:
        """The control record's fields."""
        control: dict[str, Any] = self.tree[CONTROL_RECORD]
        return control


def _structure(basic_type: IdocBasicType | IdocStructure) -> IdocStructure:
    return basic_type if isinstance(basic_type, IdocStructure) else load_structure(basic_type)


def _check(data: bytes, structure: IdocStructure, source: str) -> tuple[list[IdocProblem], Any]:
    try:
        tree = parse_xml(data, source=source)
    except XmlError as exc:
        return [IdocProblem(source, exc.reason, line=exc.line)], None
    document = read_idoc_elements(tree)
    return check_idoc_file(document, structure, source=source), document


def check_idoc_xml(
    data: bytes, basic_type: IdocBasicType | IdocStructure, *, source: str
) -> list[IdocProblem]:
    """Every problem of IDoc XML against our definition of its basic type (empty: it conforms).

    Use it on IDoc XML the connector renders before writing it (DESADV, INVOIC).
    """
    problems, _ = _check(data, _structure(basic_type), source)
    return problems


def read_idocs(
    data: bytes, basic_type: IdocBasicType | IdocStructure, *, source: str
) -> list[IdocDocument]:
    """The IDocs of an XML document, checked and as JSON record trees.

    The XML is parsed with entity expansion, DTDs and network access off; a document with a
    ``DOCTYPE`` is refused.

    Raises:
        IdocError: the document is not safe, well-formed XML, or breaks our definition; the
            error lists every problem, each with its line, IDoc, segment and field.
    """
    structure = _structure(basic_type)
    problems, document = _check(data, structure, source)
    if problems:
        raise IdocError(source, problems)
    return [
        IdocDocument(
            source=source,
            index=idoc.index,
            basic_type=structure.basic_type,
            message_type=next(
                (field.value for field in idoc.control.fields if field.name == "MESTYP"), ""
            )
            if idoc.control
            else "",
            tree=idoc_tree(idoc, structure),
        )
        for idoc in document.idocs
    ]


def read_idoc_file(path: Path, basic_type: IdocBasicType | IdocStructure) -> list[IdocDocument]:
    """The IDocs of a file (see :func:`read_idocs`).

    Raises:
        IdocError: as :func:`read_idocs`, or the file cannot be read.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IdocError(
            str(path), [IdocProblem(str(path), f"cannot be read: {exc.strerror}")]
        ) from None
    return read_idocs(data, basic_type, source=str(path))


def read_orders05(path: Path) -> list[IdocDocument]:
    """The ORDERS05 IDocs of a file, each as a JSON record tree (see :func:`read_idocs`)."""
    return read_idoc_file(path, IdocBasicType.ORDERS05)
