"""List requests: the ``q`` parameter (paging and equality filters) and the list envelope."""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.api.endpoints import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from connector.api.models import FieldError
from connector.api.query import Q_PARAMETER
from connector.sandbox.errors import SandboxHTTPError
from connector.sandbox.store import Document, Store, Table

_PAGING_KEYS = ("limit", "offset")


@dataclass(frozen=True)
class ListQuery:
    """A parsed ``q``: one page of the records whose top-level fields equal ``filters``."""

    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0
    filters: dict[str, Any] = field(default_factory=dict)


def parse_q(raw: str | None, fields: Collection[str]) -> ListQuery:
    """Parse the (already URI-decoded) ``q`` parameter of a list request.

    Args:
        raw: the parameter's value; ``None`` or empty for the defaults.
        fields: the top-level fields a filter may name.

    Raises:
        SandboxHTTPError: 400 naming ``q`` (or ``q.<key>``) for anything malformed: not JSON,
            not an object, a bad ``limit`` or ``offset``, a filter on an unknown field or with
            a value that is not a JSON scalar.
    """
    if raw is None or not raw.strip():
        return ListQuery()
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _bad(Q_PARAMETER, f"not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict):
        raise _bad(Q_PARAMETER, 'must be a JSON object, e.g. {"limit": 5}')
    errors: list[FieldError] = []
    limit = _whole(value, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors)
    offset = _whole(value, "offset", 0, 0, None, errors)
    filters: dict[str, Any] = {}
    for name, wanted in value.items():
        if name in _PAGING_KEYS:
            continue
        key = f"{Q_PARAMETER}.{name}"
        if name not in fields:
            known = ", ".join(sorted(fields))
            errors.append(
                FieldError(field=key, message=f"unknown field; filter on one of: {known}")
            )
        elif isinstance(wanted, dict | list):
            errors.append(FieldError(field=key, message="a filter value must be a JSON scalar"))
        elif isinstance(wanted, float) and not math.isfinite(wanted):
            errors.append(FieldError(field=key, message="a filter value must be a finite number"))
        else:
            filters[name] = wanted
    if errors:
        raise SandboxHTTPError(400, errors)
    return ListQuery(limit=limit, offset=offset, filters=filters)


def page(results: Sequence[Document], total: int, offset: int) -> dict[str, Any]:
    """The list envelope ``{count, offset, total_results, results, errors}``."""
    return {
        "count": len(results),
        "offset": offset,
        "total_results": total,
        "results": list(results),
        "errors": None,
    }


def list_table(
    store: Store, table: Table, query: ListQuery, *, not_null: Collection[str] = ()
) -> tuple[list[Document], int]:
    """One page of a table under a parsed ``q``."""
    return store.query(
        table, query.filters, not_null=not_null, limit=query.limit, offset=query.offset
    )


def _whole(
    value: dict[str, Any],
    key: str,
    default: int,
    low: int,
    high: int | None,
    errors: list[FieldError],
) -> int:
    given = value.get(key, default)
    if isinstance(given, float) and given.is_integer():
        given = int(given)
    bound = f"between {low} and {high}" if high is not None else f"at least {low}"
    if (
        isinstance(given, bool)
        or not isinstance(given, int)
        or given < low
        or (high is not None and given > high)
    ):
        errors.append(
            FieldError(field=f"{Q_PARAMETER}.{key}", message=f"must be a whole number {bound}")
        )
        return default
    return given


def _bad(name: str, message: str) -> SandboxHTTPError:
    return SandboxHTTPError(400, [FieldError(field=name, message=message)])
