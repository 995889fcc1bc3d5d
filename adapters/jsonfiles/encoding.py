"""Mapped documents as JSON bytes, exactly, or a clear reason why a document is not JSON."""

from __future__ import annotations

import datetime
import enum
import json
import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


class NotJsonError(ValueError):
    """A document holds a value JSON cannot represent; the message names where."""


def document_bytes(document: Mapping[str, Any]) -> bytes:
    """``document`` as indented UTF-8 JSON with a final newline.

    Beyond JSON's own types: :class:`~decimal.Decimal` becomes a number when that number reads
    back as the same value, dates and times become ISO 8601 text, enums their value, UUIDs
    their text.

    Raises:
        NotJsonError: a value has no exact JSON form (NaN, infinity, a decimal a JSON reader
            would round, a set, a non-text field name, an unknown type).
    """
    data = _plain(document, "document")
    return (json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()


def _plain(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotJsonError(f"{where} is {value}, which JSON cannot hold")
        return value
    if isinstance(value, Decimal):
        return _decimal(value, where)
    if isinstance(value, enum.Enum):
        return _plain(value.value, where)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        plain: dict[str, Any] = {}
        for name, item in value.items():
            if not isinstance(name, str):
                raise NotJsonError(f"{where} has the field name {name!r}, which is not text")
            plain[name] = _plain(item, f"{where}.{name}")
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}.{index}") for index, item in enumerate(value)]
    raise NotJsonError(f"{where} is a {type(value).__name__}, which has no JSON form")


def _decimal(value: Decimal, where: str) -> int | float:
    if not value.is_finite():
        raise NotJsonError(f"{where} is {value}, which JSON cannot hold")
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) != value:
        raise NotJsonError(f"{where} is {value}, which a JSON reader would round to {as_float!r}")
    return as_float
