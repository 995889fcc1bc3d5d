"""An IDoc as a JSON record tree, shaped by its structure definition.

- The control record is under ``EDI_DC40``: an object of its fields.
- A segment that may occur once under its parent is a key holding an object (``E1EDK01``); one
  that may repeat is a key holding a list of objects (``E1EDKA1``, ``E1EDP01``), even when the
  file has only one.
- A segment's object holds its fields by name, as text, and its child segments by the same
  rules (``E1EDP01[0].E1EDP19[0].IDTNR``).
- Empty fields and absent segments are left out, so a mapping asks for an optional one with
  ``default``.

::

    {"EDI_DC40": {"IDOCTYP": "ORDERS05", "MESTYP": "ORDERS", "SNDPRN": "0000100001", ...},
     "E1EDK01": {"CURCY": "USD", "BELNR": "PO-4500012345"},
     "E1EDKA1": [{"PARVW": "AG", "PARTN": "0000100001"}],
     "E1EDP01": [{"POSEX": "000010", "MENGE": "5.000", "MENEE": "EA",
                  "E1EDP19": [{"QUALF": "002", "IDTNR": "TG11"}]}]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.sap.idoc.document import CONTROL_RECORD, Idoc, IdocSegment
from adapters.sap.idoc.structure import IdocStructure, SegmentDefinition

__all__ = ["idoc_tree"]


def _fields(segment: IdocSegment) -> dict[str, Any]:
    return {field.name: field.value for field in segment.fields if field.value}


def _segments(definition: SegmentDefinition, segments: Sequence[IdocSegment]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for segment in segments:
        child = definition.child(segment.name)
        if child is None:
            continue
        node = _fields(segment)
        node.update(_segments(child, segment.children))
        if child.max == 1:
            found[segment.name] = node
        else:
            found.setdefault(segment.name, []).append(node)
    return found


def idoc_tree(idoc: Idoc, structure: IdocStructure) -> dict[str, Any]:
    """The JSON record tree of a checked IDoc (segments not in ``structure`` are left out)."""
    tree: dict[str, Any] = {CONTROL_RECORD: _fields(idoc.control) if idoc.control else {}}
    tree.update(_segments(structure.root, idoc.segments))
    return tree
