"""The ``q`` parameter of AHEAD list requests, and the client-side check of its filters.

The reference passes list options as URI-escaped JSON in one ``q`` query parameter
(``GET /v2/people?q=%7B"limit"%3A5%7D``). We use three kinds of key: ``limit``, ``offset`` and
equality filters on top-level fields of the records. A server may not honour every filter, so
:func:`matches` repeats the check on each record the client receives.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from connector.api.errors import ConfigurationError

#: The name of the query parameter that carries the JSON.
Q_PARAMETER = "q"

#: A value an equality filter can compare a top-level field with.
FilterValue = str | int | float | bool | None

_PAGING_KEYS = frozenset({"limit", "offset"})
_MISSING = object()


def encode_q(query: Mapping[str, Any]) -> str:
    """Encode a query as the value of the ``q`` parameter: compact JSON, URI-escaped.

    Every character outside the unreserved set is escaped, so the result can be placed in a
    URL as is and is signed exactly as it is sent.

    Args:
        query: the JSON object to send, e.g. ``{"limit": 5}``.

    Returns:
        The escaped JSON, e.g. ``%7B%22limit%22%3A5%7D``.
    """
    return quote(json.dumps(query, separators=(",", ":"), ensure_ascii=False), safe="")


def build_query(
    filters: Mapping[str, FilterValue] | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """The JSON object of a list request: paging options plus equality filters.

    Args:
        filters: top-level field names and the values they must equal.
        limit: the largest number of records to return; ``None`` leaves it to the server.
        offset: how many matching records to skip.

    Returns:
        The object to pass to :func:`encode_q`; ``limit`` and ``offset`` come first.

    Raises:
        ConfigurationError: a filter is named ``limit`` or ``offset``, holds a value that is
            not a plain JSON scalar, or the paging options are negative.
    """
    if limit is not None and limit < 1:
        raise ConfigurationError(f"limit must be at least 1, not {limit}")
    if offset < 0:
        raise ConfigurationError(f"offset must not be negative, not {offset}")
    query: dict[str, Any] = {}
    if limit is not None:
        query["limit"] = limit
    if offset:
        query["offset"] = offset
    for field, value in (filters or {}).items():
        query[field] = _filter_value(field, value)
    return query


def matches(record: Mapping[str, Any], filters: Mapping[str, FilterValue]) -> bool:
    """Whether a record, as the API sent it, satisfies every equality filter.

    A field the record lacks matches only a ``None`` filter. ``True`` does not equal ``1``
    here, unlike in Python, because JSON tells booleans and numbers apart.
    """
    for field, wanted in filters.items():
        actual = record.get(field, _MISSING)
        if actual is _MISSING:
            actual = None
        if isinstance(wanted, bool) != isinstance(actual, bool) or actual != _plain(wanted):
            return False
    return True


def _filter_value(field: str, value: FilterValue) -> FilterValue:
    if field in _PAGING_KEYS:
        raise ConfigurationError(f"{field!r} is a paging option, not a filter; pass it as {field}=")
    if value is not None and not isinstance(value, str | int | float | bool):
        raise ConfigurationError(
            f"filter {field!r}: {type(value).__name__} is not a JSON string, number or boolean"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigurationError(f"filter {field!r}: {value} cannot be sent as JSON")
    return _plain(value)


def _plain(value: FilterValue) -> FilterValue:
    # A StrEnum member is a str, but the JSON module would still see the member; send its value.
    if isinstance(value, enum.Enum):
        plain: FilterValue = value.value
        return plain
    return value
