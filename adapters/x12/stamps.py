"""What the X12 writer stamps on an outbound document when its mapping leaves it out.

AHEAD reports no ship date, so a ship notice's BSN03/BSN04 (the date and time of the notice)
are the moment the notice is written, as the envelope's ISA09/ISA10 and GS04/GS05 are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

__all__ = ["stamped"]

# Per transaction set: the segment and its (date, time) elements stamped when absent.
_CREATION_STAMPS: dict[str, tuple[str, str, str]] = {"856": ("BSN", "BSN03", "BSN04")}


def stamped(document: Mapping[str, Any], set_id: str, when: datetime) -> dict[str, Any]:
    """``document`` with the creation date and time of ``set_id`` filled in where absent."""
    result = dict(document)
    stamp = _CREATION_STAMPS.get(set_id)
    if stamp is None:
        return result
    tag, date_element, time_element = stamp
    segment = result.get(tag)
    if isinstance(segment, Mapping):
        filled = dict(segment)
        filled.setdefault(date_element, when.strftime("%Y%m%d"))
        filled.setdefault(time_element, when.strftime("%H%M"))
        result[tag] = filled
    return result
