"""Lookups of AHEAD reference data that mappings use as filters.

A mapping turns a partner's words into AHEAD's ids: a country name into its ISO code, a ship
method's name or carrier into its id, a customer SKU into the product code (the item's name).
:class:`Lookups` is what the mapping asks; :class:`AheadLookups` answers from the AHEAD API,
loading each table once and keeping it until :meth:`AheadLookups.refresh` (the runtime
refreshes at the start of every run), and :class:`InMemoryLookups` answers from tables given
to it, for tests of mapping logic and for offline checks.

When AHEAD cannot give a table now (:data:`UNAVAILABLE_ERRORS`), the lookup raises
:class:`~connector.engine.mapping.MappingUnavailableError`: the record's mapping could not run,
which is not the record's fault, and the engine tries it again later. Nothing is kept of a
table that failed to load, so the next lookup asks AHEAD again.
"""

from __future__ import annotations

import difflib
import enum
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol, TypeVar

from pydantic import BaseModel

from connector.api import AheadClient, RateLimitedError, ServerError, TransportError
from connector.api.endpoints import MAX_PAGE_SIZE
from connector.api.models import Country, CustomerCatalogItem, Item, ShippingMethod
from connector.engine.mapping import MappingUnavailableError

ModelT = TypeVar("ModelT", bound=BaseModel)

UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (TransportError, ServerError, RateLimitedError)
"""The AHEAD client's failures, after its own retries, that make a table unavailable *now*: no
answer (connection refused, reset, timed out), a server error (5xx) and a rate limit (429).
They may go away by themselves, so the record is tried again later. Every other failure stays
the record's failure, for a person to look at: credentials refused (401, 403), an endpoint not
found (404, a wrong base URL), another 4xx, an answer the client cannot read, a client that is
not set up."""


class LookupFailedError(Exception):
    """A value has no match, or more than one, in the reference data.

    Attributes:
        value: the value looked up.
        reason: what is wrong and what was expected.
    """

    def __init__(self, value: object, reason: str) -> None:
        super().__init__(reason)
        self.value = value
        self.reason = reason


class Lookups(Protocol):
    """The reference data lookups a mapping may use. Every method raises
    :class:`LookupFailedError` when the value has no single match, and may raise
    :class:`~connector.engine.mapping.MappingUnavailableError` when the reference data cannot
    be had now."""

    def country_iso(self, name_or_code: str) -> str:
        """The ISO 3166-1 alpha-2 code of a country given by code or by name."""
        ...

    def ship_method_id(self, name_or_carrier: str) -> int:
        """The id of the ship method of that name or, failing that, the only ship method of
        that carrier."""
        ...

    def product_code(self, customer_sku: str) -> str:
        """The product code (the item's name) of the catalog item with that customer SKU."""
        ...


@dataclass(frozen=True)
class ReferenceTables:
    """The reference tables a lookup reads, and the matching rules, in one place.

    Matching ignores case and repeated spaces. A ship method is found by its name first, then
    by its carrier when the carrier has exactly one ship method (a number that is a ship
    method's id is taken as that id). A customer SKU must name an item that is not archived.
    """

    countries: tuple[Country, ...] = ()
    shipping_methods: tuple[ShippingMethod, ...] = ()
    catalog_items: tuple[CustomerCatalogItem, ...] = ()
    items: tuple[Item, ...] = ()

    @cached_property
    def _countries_by_key(self) -> dict[str, str]:
        index = {_normal(c.name): c.iso_code.upper() for c in self.countries}
        index.update((_normal(c.iso_code), c.iso_code.upper()) for c in self.countries)
        return index

    @cached_property
    def _catalog_by_sku(self) -> dict[str, list[CustomerCatalogItem]]:
        index: dict[str, list[CustomerCatalogItem]] = {}
        for entry in self.catalog_items:
            index.setdefault(_normal(entry.customer_sku), []).append(entry)
        return index

    @cached_property
    def _items_by_id(self) -> dict[int, Item]:
        return {item.id: item for item in self.items}

    def country_iso(self, name_or_code: str) -> str:
        """See :meth:`Lookups.country_iso`."""
        found = self._countries_by_key.get(_normal(name_or_code))
        if found is not None:
            return found
        names = [c.name for c in self.countries]
        raise LookupFailedError(
            name_or_code,
            f"unknown country {name_or_code!r}: expected an ISO 3166-1 alpha-2 code or a "
            f"country name as the countries endpoint lists it{_close(name_or_code, names)}",
        )

    def ship_method_id(self, name_or_carrier: str) -> int:
        """See :meth:`Lookups.ship_method_id`."""
        wanted = _normal(name_or_carrier)
        for method in self.shipping_methods:
            if _normal(method.name) == wanted or str(method.id) == wanted:
                return method.id
        carried = [m for m in self.shipping_methods if _normal(m.carrier or "") == wanted]
        if len(carried) == 1:
            return carried[0].id
        if carried:
            listed = ", ".join(f"{m.name} ({m.id})" for m in carried)
            raise LookupFailedError(
                name_or_carrier,
                f"ambiguous ship method {name_or_carrier!r}: the carrier has {len(carried)} "
                f"ship methods ({listed}); give the ship method's name",
            )
        names = [m.name for m in self.shipping_methods]
        raise LookupFailedError(
            name_or_carrier,
            f"unknown ship method {name_or_carrier!r}: expected a ship method's name or a "
            f"carrier with one ship method{_close(name_or_carrier, names)}",
        )

    def product_code(self, customer_sku: str) -> str:
        """See :meth:`Lookups.product_code`."""
        matches = self._catalog_by_sku.get(_normal(customer_sku), [])
        exact = [c for c in matches if c.customer_sku == customer_sku]
        if len(matches) > 1 and len(exact) == 1:
            matches = exact
        if not matches:
            skus = [c.customer_sku for c in self.catalog_items]
            raise LookupFailedError(
                customer_sku,
                f"unknown customer SKU {customer_sku!r}: no customer catalog item has it"
                f"{_close(customer_sku, skus)}",
            )
        if len(matches) > 1:
            raise LookupFailedError(
                customer_sku,
                f"ambiguous customer SKU {customer_sku!r}: {len(matches)} catalog items have it "
                f"(ids {', '.join(str(c.id) for c in matches)})",
            )
        entry = matches[0]
        item = self._items_by_id.get(entry.item_id)
        if item is None:
            raise LookupFailedError(
                customer_sku,
                f"customer SKU {customer_sku!r} is catalog item {entry.id} of item "
                f"{entry.item_id}, which the items endpoint does not list",
            )
        if item.archived_at is not None:
            raise LookupFailedError(
                customer_sku,
                f"customer SKU {customer_sku!r} is item {item.name!r}, which is archived and "
                "cannot be ordered",
            )
        return item.name


class InMemoryLookups(ReferenceTables):
    """Lookups over tables written out in full, for tests and offline checks::

    InMemoryLookups.of(
        countries={"US": "United States of America"},
        ship_methods=[(12, "FedEx Ground", "FedEx")],
        products={"ACME-SB2000": "StockBox 2000"},
    )
    """

    @classmethod
    def of(
        cls,
        *,
        countries: dict[str, str] | None = None,
        ship_methods: Iterable[tuple[int, str, str | None]] = (),
        products: dict[str, str] | None = None,
    ) -> InMemoryLookups:
        """Tables from plain values.

        Args:
            countries: ISO code to country name.
            ship_methods: ``(id, name, carrier)`` of each ship method.
            products: customer SKU to product code (the item's name).
        """
        products = products or {}
        return cls(
            countries=tuple(
                Country(id=n, iso_code=code, name=name)
                for n, (code, name) in enumerate((countries or {}).items(), start=1)
            ),
            shipping_methods=tuple(
                ShippingMethod(id=i, name=name, carrier=carrier)
                for i, name, carrier in ship_methods
            ),
            catalog_items=tuple(
                CustomerCatalogItem(id=n, customer_sku=sku, price=0, item_id=n)
                for n, sku in enumerate(products, start=1)
            ),
            items=tuple(Item(id=n, name=name) for n, name in enumerate(products.values(), start=1)),
        )


class _Table(enum.Enum):
    """The tables :class:`AheadLookups` loads, each for one kind of lookup."""

    COUNTRIES = "countries"
    SHIPPING_METHODS = "shipping methods"
    PRODUCTS = "customer catalog items and items"


class AheadLookups:
    """Lookups answered from the AHEAD API.

    Each table (countries, shipping methods, customer catalog items, items) is loaded on first
    use, once, and kept until :meth:`refresh`. A table that cannot be loaded now raises
    :class:`~connector.engine.mapping.MappingUnavailableError` (see :data:`UNAVAILABLE_ERRORS`)
    and is not kept, so the next lookup loads it again. Safe to share between threads: a table
    is loaded by one of them while the others wait.

    Args:
        client: the AHEAD client; not closed by this object.
    """

    def __init__(self, client: AheadClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._tables: dict[_Table, ReferenceTables] = {}

    def __repr__(self) -> str:
        return f"AheadLookups({self._client!r})"

    def refresh(self) -> None:
        """Forget the loaded tables; the next lookup loads them again."""
        with self._lock:
            self._tables.clear()

    def country_iso(self, name_or_code: str) -> str:
        """See :meth:`Lookups.country_iso`."""
        return self._table(_Table.COUNTRIES).country_iso(name_or_code)

    def ship_method_id(self, name_or_carrier: str) -> int:
        """See :meth:`Lookups.ship_method_id`."""
        return self._table(_Table.SHIPPING_METHODS).ship_method_id(name_or_carrier)

    def product_code(self, customer_sku: str) -> str:
        """See :meth:`Lookups.product_code`."""
        return self._table(_Table.PRODUCTS).product_code(customer_sku)

    def _table(self, table: _Table) -> ReferenceTables:
        with self._lock:
            tables = self._tables.get(table)
            if tables is None:
                try:
                    tables = self._load_table(table)
                except UNAVAILABLE_ERRORS as error:
                    raise MappingUnavailableError(
                        f"AHEAD's {table.value} could not be loaded: {error}"
                    ) from error
                self._tables[table] = tables
            return tables

    def _load_table(self, table: _Table) -> ReferenceTables:
        if table is _Table.COUNTRIES:
            return ReferenceTables(countries=self._load("countries", Country))
        if table is _Table.SHIPPING_METHODS:
            return ReferenceTables(shipping_methods=self._load("shipping_methods", ShippingMethod))
        return ReferenceTables(
            catalog_items=self._load("customer_catalog_items", CustomerCatalogItem),
            items=self._load("items", Item),
        )

    def _load(self, resource: str, model: type[ModelT]) -> tuple[ModelT, ...]:
        return tuple(
            _expect(model, record)
            for record in self._client.iterate(resource, page_size=MAX_PAGE_SIZE)
        )


def _expect(model: type[ModelT], record: BaseModel) -> ModelT:
    if not isinstance(record, model):
        raise TypeError(f"expected {model.__name__} from the client, got {type(record).__name__}")
    return record


def _normal(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _close(value: str, candidates: Sequence[str]) -> str:
    by_normal = {_normal(c): c for c in candidates}
    close = difflib.get_close_matches(_normal(value), list(by_normal), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; close: " + ", ".join(repr(by_normal[c]) for c in close)
