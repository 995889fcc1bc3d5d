"""OData v2 values as SAP writes them: URL literals and JSON.

- URL literals (``$filter``, keys, function parameters): ``'text'`` with ``''`` for a quote,
  ``datetimeoffset'2025-01-15T10:00:00.123Z'``, ``datetime'2025-01-15T00:00:00'``.
- JSON (the v2 "verbose" format): ``Edm.DateTime`` is ``"/Date(<ms since 1970, UTC>)/"`` and
  ``Edm.DateTimeOffset`` ``"/Date(<ms>+<offset minutes>)/"``, always to the millisecond even
  when the property is more precise; ``Edm.Decimal`` is a string; ``Edm.Time`` is an ISO 8601
  duration, ``"PT14H30M00S"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

__all__ = [
    "decode_entity",
    "format_datetime_literal",
    "format_datetimeoffset_literal",
    "format_edm_time",
    "format_json_date",
    "parse_edm_time",
    "parse_json_date",
    "parse_literal_datetime",
    "quote_string",
]

_JSON_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?:(?P<sign>[+-])(?P<minutes>\d{4}))?\)/$")
_EDM_TIME = re.compile(r"^PT(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)(?:\.(?P<f>\d+))?S)?$")
_LITERAL_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,7}))?)?(?P<zone>Z|[+-]\d{2}:\d{2})?$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def quote_string(value: str) -> str:
    """``value`` as an OData string literal: in single quotes, quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; give an aware datetime")
    return moment.astimezone(UTC)


def _iso_seconds(moment: datetime) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text


def format_datetimeoffset_literal(moment: datetime) -> str:
    """``datetimeoffset'2025-01-15T10:00:00.123Z'`` (in UTC) for an aware datetime."""
    return f"datetimeoffset'{_iso_seconds(_utc(moment))}Z'"


def format_datetime_literal(moment: datetime) -> str:
    """``datetime'2025-01-15T10:00:00'``: ``Edm.DateTime`` is UTC without a zone in SAP."""
    return f"datetime'{_iso_seconds(_utc(moment))}'"


def parse_literal_datetime(text: str, *, default_utc: bool = True) -> datetime:
    """The aware datetime of the text inside a ``datetime'…'``/``datetimeoffset'…'`` literal.

    Args:
        text: e.g. ``2025-01-15T10:00:00.1234567Z`` (seconds, fraction and zone optional).
        default_utc: read a text without a zone as UTC (``Edm.DateTime``); otherwise refuse it.

    Raises:
        ValueError: not such a date and time. Digits past the microsecond are dropped.
    """
    match = _LITERAL_DATETIME.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date and time like 2025-01-15T10:00:00Z")
    zone = match["zone"]
    if zone is None and not default_utc:
        raise ValueError(f"{text!r} has no time zone (Z or ±hh:mm)")
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    iso = f"{match['date']}T{match['hour']}:{match['minute']}:{match['second'] or '00'}.{fraction}"
    offset = "+00:00" if zone in (None, "Z") else zone
    return datetime.fromisoformat(iso + offset).astimezone(UTC)


def parse_json_date(text: str) -> datetime:
    """The aware UTC datetime of ``/Date(1705312800123)/`` or ``/Date(1705312800123+0060)/``.

    The milliseconds count from 1970 in UTC; the offset, when there, only says which zone the
    value was written in.

    Raises:
        ValueError: not a JSON date.
    """
    match = _JSON_DATE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not an OData JSON date like /Date(1705312800000)/")
    return _EPOCH + timedelta(milliseconds=int(match["ms"]))


def format_json_date(moment: datetime, *, with_offset: bool) -> str:
    """``/Date(ms)/`` (``Edm.DateTime``) or ``/Date(ms+0000)/`` (``Edm.DateTimeOffset``).

    Milliseconds are the finest unit JSON carries; anything finer is cut off, as SAP does.
    """
    elapsed = _utc(moment) - _EPOCH
    milliseconds = elapsed // timedelta(milliseconds=1)
    return f"/Date({milliseconds}+0000)/" if with_offset else f"/Date({milliseconds})/"


def parse_edm_time(text: str) -> time:
    """The time of day of an ``Edm.Time`` JSON value such as ``PT14H30M00S``.

    Raises:
        ValueError: not such a duration, or not within one day.
    """
    match = _EDM_TIME.match(text)
    if match is None or text == "PT":
        raise ValueError(f"{text!r} is not an Edm.Time like PT14H30M00S")
    hours, minutes, seconds = (int(match[name] or 0) for name in ("h", "m", "s"))
    micro = int((match["f"] or "").ljust(6, "0")[:6] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"{text!r} is not a time of day")
    return time(hours, minutes, seconds, micro)


def format_edm_time(value: time) -> str:
    """``PT14H30M00S`` for a time of day."""
    return f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"


def _decode(value: Any) -> Any:
    if isinstance(value, str) and _JSON_DATE.match(value):
        return _iso_seconds(parse_json_date(value)) + "Z"
    if isinstance(value, Mapping):
        if set(value) == {"results"} and isinstance(value["results"], list):
            return [_decode(item) for item in value["results"]]
        if "__deferred" in value:
            return None
        return decode_entity(value)
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def decode_entity(entity: Mapping[str, Any]) -> dict[str, Any]:
    """An entity from a v2 JSON answer as plain JSON data.

    ``__metadata`` and navigation properties that were not expanded (``__deferred``) are left
    out, expanded collections (``{"results": [...]}``) become lists, and JSON dates become ISO
    8601 text in UTC (``2025-01-15T10:00:00.123Z``). Decimals stay strings, exactly as sent.
    """
    decoded: dict[str, Any] = {}
    for name, value in entity.items():
        if name == "__metadata":
            continue
        if isinstance(value, Mapping) and "__deferred" in value:
            continue
        decoded[name] = _decode(value)
    return decoded
