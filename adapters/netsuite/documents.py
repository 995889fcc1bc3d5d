"""NetSuite records as JSON documents, the payloads of the NetSuite sources.

A document has the record's fields under their SuiteTalk names, nested as in the record:
references as ``{"internalId", "externalId", "type", "name"}``, sublists as
``{"item": [...]}``, custom fields as ``{"customField": [{"scriptId", "internalId",
"value"}]}``, dates and times in ISO 8601 and numbers as numbers. Fields without a value are
left out, and so are the ``replaceAll`` flags of sublists (an instruction for writes, not
data).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from zeep.helpers import serialize_object

_INSTRUCTIONS = frozenset({"replaceAll", "nullFieldList"})


def record_document(record: Any, *, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """The JSON document of a zeep record, without the top-level fields in ``leave_out``."""
    plain = _plain(serialize_object(record, dict))  # type: ignore[no-untyped-call]
    if not isinstance(plain, dict):
        raise TypeError(f"expected a record, not {type(record).__name__}")
    return {name: value for name, value in plain.items() if name not in leave_out}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        fields = {}
        for name, item in value.items():
            if name in _INSTRUCTIONS:
                continue
            converted = _plain(item)
            if converted is not None and converted != [] and converted != {}:
                fields[str(name)] = converted
        return fields
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
