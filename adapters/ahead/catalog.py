"""The customer catalog entry of an order line's product: SKU and unit price, from AHEAD.

An order line names its product by ``product_code``, which is an item's ``name``; the item's
customer catalog entry holds the customer's SKU and price. Both are asked of AHEAD with
equality filters and checked again here (the client does), once per product code for the
life of a :class:`CatalogLookup`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel

from connector.api import AheadClient
from connector.api.models import CustomerCatalogItem, Item, OrderLine

RecordT = TypeVar("RecordT", Item, CustomerCatalogItem)


class CatalogLookup:
    """Finds the catalog entry of product codes, remembering each answer.

    Where several items share a name, or an item has several catalog entries, the one with the
    lowest id counts (as AHEAD's own shipping does).

    Args:
        client: the AHEAD client.
    """

    def __init__(self, client: AheadClient) -> None:
        self._client = client
        self._entries: dict[str, CustomerCatalogItem | None] = {}

    def entry(self, product_code: str) -> CustomerCatalogItem | None:
        """The catalog entry of the item named ``product_code``, or ``None`` if there is none.

        Raises:
            AheadError: AHEAD could not be asked.
        """
        if product_code not in self._entries:
            self._entries[product_code] = self._find(product_code)
        return self._entries[product_code]

    def priced_line(self, line: OrderLine) -> dict[str, Any]:
        """An order line as JSON plus its catalog entry's ``item_id``, ``customer_sku`` and
        ``unit_price`` (each ``None`` without an entry).

        Raises:
            AheadError: AHEAD could not be asked.
        """
        entry = self.entry(line.product_code)
        catalog = entry.model_dump(mode="json") if entry is not None else {}
        return {
            **line.model_dump(mode="json"),
            "item_id": catalog.get("item_id"),
            "customer_sku": catalog.get("customer_sku"),
            "unit_price": catalog.get("price"),
        }

    def _find(self, product_code: str) -> CustomerCatalogItem | None:
        items = _lowest(self._client.iterate("items", {"name": product_code}), Item)
        if items is None:
            return None
        entries = self._client.iterate("customer_catalog_items", {"item_id": items.id})
        return _lowest(entries, CustomerCatalogItem)


def _lowest(records: Iterable[BaseModel], model: type[RecordT]) -> RecordT | None:
    found = [record for record in records if isinstance(record, model)]
    return min(found, key=lambda record: record.id, default=None)
