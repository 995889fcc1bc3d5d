"""A source of AHEAD's inventory figures: one record per item and inventory location.

Record:
    key: ``inventory:<item id>:<inventory location id>``.
    origin: ``AHEAD inventory <id>``.
    payload: the inventory as ``GET /v2/inventories`` lists it, as JSON, without
        ``created_at`` and ``updated_at`` (AHEAD may touch a record without changing a figure),
        plus ``item``: the AHEAD item (``id``, ``name``, ``manufacturer_sku``) and
        ``customer_sku``: the SKU of its customer catalog entry (``None`` without one), so
        that a mapping can name the item as the customer's system knows it.

Cursor: none. Inventory figures change anywhere in the list at any time and the API offers no
filter on changes, so every read takes the whole list (one record per item and location, a
short list) and the engine sends only what changed since it last sent it, by content hash.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import closing
from types import MappingProxyType
from typing import Any, ClassVar

from pydantic import Field

from adapters.ahead.listing import AheadSourceError, ListReader, Unreadable
from adapters.ahead.positions import ListPosition
from adapters.ahead.service import ahead_client_of
from adapters.base import AdapterContext, AdapterSettings, Record, Source
from connector.api import AheadClient, AheadError, NotFoundError
from connector.api.endpoints import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from connector.api.models import CustomerCatalogItem, Inventory, Item

logger = logging.getLogger(__name__)

_INVENTORIES = "inventories"

#: Inventory fields left out of the payload (see the module).
LEFT_OUT = frozenset({"created_at", "updated_at"})


class AheadInventorySourceSettings(AdapterSettings):
    """The settings of :class:`AheadInventorySource`.

    Attributes:
        location_ids: only the figures of these AHEAD inventory locations. Empty (the
            default): every location.
        page_size: records asked for per request, 1 to 1000.
    """

    location_ids: list[int] = Field(default_factory=list)
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class AheadInventorySource(Source):
    """Yields AHEAD's inventory figures, the whole list on every read (see the module).

    Settings: :class:`AheadInventorySourceSettings`. The source uses the
    :class:`~connector.api.AheadClient` the engine provides as ``context.services["ahead"]``.
    A record AHEAD sends in a shape the connector cannot read is set aside
    (:meth:`quarantine`: logged as an error and listed in :attr:`quarantined`).
    """

    kind = "ahead-inventories"
    settings_model: ClassVar[type[AdapterSettings]] = AheadInventorySourceSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source.

        Raises:
            TypeError: ``settings`` is not :class:`AheadInventorySourceSettings`.
            AdapterSettingsError: the context holds no AHEAD client.
        """
        if not isinstance(settings, AheadInventorySourceSettings):
            raise TypeError(
                f"{type(self).__name__} takes AheadInventorySourceSettings, not {settings!r}"
            )
        super().__init__(settings, context)
        self.options = settings
        self.client = ahead_client_of(context, type(self))
        self._reader = ListReader(
            self.client, _INVENTORIES, Inventory, settings.page_size, "inventory figures"
        )
        self._quarantined: dict[str, str] = {}

    @property
    def quarantined(self) -> Mapping[str, str]:
        """The input this source has set aside since it was made: origin to problem."""
        return MappingProxyType(dict(self._quarantined))

    def quarantine(self, origin: str, problem: str) -> None:
        """Report a record that cannot be read and remember it in :attr:`quarantined`."""
        logger.error("%s: %s is set aside: %s", self.context.name, origin, problem)
        self._quarantined[origin] = problem

    def read(self, cursor: str | None) -> Iterator[Record]:
        """Every inventory record of the chosen locations, in list (id) order; ``cursor`` is
        not used (see the module).

        Raises:
            AheadSourceError: AHEAD could not be read.
        """
        wanted = set(self.options.location_ids)
        items = _ItemLookup(self.client)
        _, listed_records = self._reader.resume(ListPosition.start(_INVENTORIES))
        with closing(listed_records):
            for listed in listed_records:
                origin = f"AHEAD inventory {listed.record_id if listed.record_id else '?'}"
                inventory = listed.record
                if isinstance(inventory, Unreadable):
                    location = inventory.fields.get("inventory_location_id")
                    if wanted and isinstance(location, int) and location not in wanted:
                        continue
                    self.quarantine(
                        origin, f"it does not fit an AHEAD inventory: {inventory.problem}"
                    )
                    continue
                if wanted and inventory.inventory_location_id not in wanted:
                    continue
                payload = {
                    **inventory.model_dump(mode="json", exclude=set(LEFT_OUT)),
                    **items.describe(inventory.item_id, origin),
                }
                key = f"inventory:{inventory.item_id}:{inventory.inventory_location_id}"
                yield Record.of(key, payload, origin=origin)


class _ItemLookup:
    """The item and customer SKU of item ids, each asked of AHEAD once per read."""

    def __init__(self, client: AheadClient) -> None:
        self._client = client
        self._known: dict[int, dict[str, Any]] = {}

    def describe(self, item_id: int, origin: str) -> dict[str, Any]:
        if item_id not in self._known:
            self._known[item_id] = self._ask(item_id, origin)
        return self._known[item_id]

    def _ask(self, item_id: int, origin: str) -> dict[str, Any]:
        try:
            item = self._client.get("items", item_id)
        except NotFoundError:
            logger.warning("%s names item %d, which AHEAD does not have", origin, item_id)
            return {"item": None, "customer_sku": None}
        except AheadError as exc:
            raise self._failure(item_id, origin, exc) from exc
        try:
            entries = [
                entry
                for entry in self._client.iterate("customer_catalog_items", {"item_id": item_id})
                if isinstance(entry, CustomerCatalogItem)
            ]
        except AheadError as exc:
            raise self._failure(item_id, origin, exc) from exc
        if not isinstance(item, Item):
            raise AheadSourceError(f"the AHEAD client decoded item {item_id} as {type(item)}")
        entry = min(entries, key=lambda found: found.id, default=None)
        return {
            "item": {"id": item.id, "name": item.name, "manufacturer_sku": item.manufacturer_sku},
            "customer_sku": None if entry is None else entry.customer_sku,
        }

    @staticmethod
    def _failure(item_id: int, origin: str, error: AheadError) -> AheadSourceError:
        return AheadSourceError(
            f"cannot read item {item_id} of {origin} from AHEAD: {error}. The next run reads "
            "every figure again."
        )
