"""Reading the documents that changed since a cursor, from an OData service (the I/O side of
:mod:`adapters.sap.changes`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from adapters.sap.changes import ChangeCursor, ChangeScan, ScanRequest
from adapters.sap.errors import SapUnexpectedResponseError
from adapters.sap.odata import ODataClient
from adapters.sap.values import format_datetimeoffset_literal, parse_json_date

__all__ = ["DEFAULT_OVERLAP", "Change", "read_changes"]

#: How far before the latest change time taken each read starts again.
DEFAULT_OVERLAP = timedelta(minutes=10)


@dataclass(frozen=True)
class Change:
    """A document that changed, and the cursor after taking it.

    Attributes:
        key: the document's key (``SalesOrder``).
        changed_at: its change time, as SAP sent it (to the millisecond).
        entity: the document as SAP sent it (OData v2 JSON).
        cursor: the cursor once this document is taken; store it when the document's outcome
            is durable.
    """

    key: str
    changed_at: datetime
    entity: dict[str, Any]
    cursor: ChangeCursor


def read_changes(
    client: ODataClient,
    entity_set: str,
    *,
    key_property: str,
    cursor: ChangeCursor,
    overlap: timedelta = DEFAULT_OVERLAP,
    change_property: str = "LastChangeDateTime",
    expand: Sequence[str] = (),
    select: Sequence[str] = (),
    where: str | None = None,
    page_size: int | None = None,
    literal: Callable[[datetime], str] = format_datetimeoffset_literal,
) -> Iterator[Change]:
    """The documents of ``entity_set`` changed since ``cursor``, oldest change first, each once.

    Args:
        client: the service's client.
        entity_set: e.g. ``A_SalesOrder``.
        key_property: the property that identifies a document, e.g. ``SalesOrder``.
        cursor: where the last read ended (``ChangeCursor()`` the first time).
        overlap: how far before the last change time taken to read again.
        change_property: the change time property (an ``Edm.DateTimeOffset``).
        expand: navigation properties to read with each document, e.g. ``["to_Item"]``.
        select: properties to read (the key and change time are always added).
        where: a ``$filter`` every document must also meet, e.g. ``SalesOrganization eq '1710'``.
        page_size: ``$top`` of each request (default: the client's).
        literal: how a change time is written in ``$filter`` (``datetime'…'`` for an
            ``Edm.DateTime`` property: :func:`adapters.sap.values.format_datetime_literal`).

    Raises:
        SapError: SAP could not be read; what was yielded before stays valid.
        SapUnexpectedResponseError: a document without a readable key or change time.
    """
    scan = ChangeScan(cursor, overlap, page_size or client.page_size)
    current = cursor
    request: ScanRequest | None = scan.first()
    chosen = list(select)
    if chosen:
        chosen += [name for name in (key_property, change_property) if name not in chosen]
    while request is not None:
        bound = None if request.lower is None else f"{change_property} ge {literal(request.lower)}"
        conditions = [f"({condition})" for condition in (where, bound) if condition]
        page = client.query(
            entity_set,
            filter=" and ".join(conditions) or None,
            orderby=[f"{change_property} asc", f"{key_property} asc"],
            expand=expand,
            select=chosen,
            top=scan.page_size,
            skip=request.skip or None,
        )
        times: list[datetime] = []
        for entity in page.entities:
            key, changed_at = _identity(entity, entity_set, key_property, change_property)
            times.append(changed_at)
            if current.is_taken(key, changed_at):
                continue
            current = current.take(key, changed_at, overlap)
            yield Change(key, changed_at, entity, current)
        request = scan.after(request, times, held_back=page.next_url is not None)


def _identity(
    entity: dict[str, Any], entity_set: str, key_property: str, change_property: str
) -> tuple[str, datetime]:
    key = entity.get(key_property)
    if not isinstance(key, str) or not key:
        raise SapUnexpectedResponseError(
            "GET", entity_set, 200, "", f"a document has no {key_property}: {str(entity)[:200]}"
        )
    value = entity.get(change_property)
    try:
        return key, parse_json_date(str(value))
    except ValueError:
        raise SapUnexpectedResponseError(
            "GET",
            entity_set,
            200,
            "",
            f"{entity_set} {key}: {change_property} {value!r} is not an OData JSON date",
        ) from None
