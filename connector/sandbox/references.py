"""Reference-data lookups for validation, answered from the store."""

from __future__ import annotations

from connector.sandbox.store import Store, Table


class StoreReferences:
    """Answers :class:`~connector.sandbox.validation.ReferenceLookup` from the store.

    Every answer reads the store, so reference data added through the API counts at once.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def country_known(self, iso_code: str) -> bool:
        """Whether a country has this ISO 3166-1 alpha-2 code (upper case)."""
        return self._store.first(Table.COUNTRIES, {"iso_code": iso_code}) is not None

    def ship_method_known(self, ship_method_id: int) -> bool:
        """Whether a shipping method has this id."""
        return self._store.get(Table.SHIPPING_METHODS, ship_method_id) is not None

    def item_archived(self, name: str) -> bool | None:
        """Whether the item with this name is archived; ``None`` when there is no such item."""
        item = self._store.first(Table.ITEMS, {"name": name})
        return None if item is None else item.get("archived_at") is not None

    def task_type_known(self, task_type_id: int) -> bool:
        """Whether an automation task type has this id."""
        return self._store.get(Table.AUTOMATION_TASK_TYPES, task_type_id) is not None

    def serial_data_type_known(self, serial_data_type_id: int) -> bool:
        """Whether a serial data type has this id."""
        return self._store.get(Table.SERIAL_DATA_TYPES, serial_data_type_id) is not None

    def serial_data_type_ids(self) -> list[int]:
        """Every serial data type id."""
        return [row["id"] for row in self._store.all(Table.SERIAL_DATA_TYPES)]
