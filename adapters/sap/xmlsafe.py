"""XML parsing with entity expansion, DTD loading and network access turned off.

Every XML document the SAP adapter reads (IDoc files, ``$metadata``, XML error bodies) goes
through :func:`parse_xml`. It refuses any document that carries a ``DOCTYPE``: neither IDoc XML
nor EDMX needs one, and refusing it outright means an entity declaration (the "billion laughs"
expansion, or an external entity pointing at a local file or a URL) can never take effect,
whatever the XML library's defaults are.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from lxml import etree

__all__ = ["XmlError", "parse_xml"]

_LIBXML_PLACE = re.compile(r",\s*line \d+, column \d+\s*$")


@dataclass(frozen=True)
class XmlError(ValueError):
    """A document that is not well-formed XML, or that is refused as unsafe.

    Attributes:
        source: where the document came from (a file name, a URL).
        line: the line of the problem, when known.
        reason: what is wrong.
        column: the column of the problem, when known.
    """

    source: str
    line: int | None
    reason: str
    column: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line:
            where += f", line {self.line}"
            if self.column:
                where += f", column {self.column}"
        return f"{where}: {self.reason}"


_SAFE = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}
_PROLOG = 64 * 1024
_REFUSED = (
    "the document declares a DOCTYPE; DTDs and entity declarations are refused (they could "
    "expand entities or read files and URLs), and none is needed"
)


def _parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers keep state and are not shared between threads.
    return etree.XMLParser(remove_blank_text=False, **_SAFE)


def _doctype_line(data: bytes) -> int | None:
    """The line of a DOCTYPE in the prolog (what comes before the root element), if any.

    Checked before the document is parsed, so that a document built to expand entities is
    refused for what it is, with the same message every time, before the parser reads its
    declarations. Only markup matters here, so any ASCII-compatible encoding reads as Latin-1.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data[: 2 * _PROLOG].decode("utf-16", errors="ignore")
    else:
        text = data[:_PROLOG].decode("latin-1")
    position = 0
    while (start := text.find("<", position)) >= 0:
        for opening, closing in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opening, start):
                end = text.find(closing, start)
                position = len(text) if end < 0 else end + len(closing)
                break
        else:
            return text.count("\n", 0, start) + 1 if text.startswith("<!DOCTYPE", start) else None
    return None


def parse_xml(data: bytes, *, source: str) -> etree._ElementTree:
    """Parse ``data`` safely.

    Args:
        data: the document's bytes (the XML declaration says the encoding).
        source: where it came from, for messages.

    Returns:
        The parsed document.

    Raises:
        XmlError: the document is not well-formed, or it declares a ``DOCTYPE`` (refused, since
            entity declarations and DTDs are never needed here).
    """
    if not data.strip():
        raise XmlError(source, None, "the document is empty")
    doctype = _doctype_line(data)
    if doctype is not None:
        raise XmlError(source, doctype, _REFUSED)
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        column = exc.offset if exc.offset and exc.offset > 0 else None
        message = _LIBXML_PLACE.sub("", exc.msg or str(exc))
        if "entity" in message.lower():
            message += " (entities are never expanded: a document must not use any)"
        raise XmlError(source, line, f"not well-formed XML: {message}", column) from None
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlError(source, 1, _REFUSED)
    return tree
