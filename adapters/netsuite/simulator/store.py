"""The simulator's records, in memory: by type and internal id, with an external id index."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from adapters.netsuite.records import RecordType
from adapters.netsuite.simulator.data import RecordData

_TRANSACTION_NUMBER_PREFIXES = {
    RecordType.SALES_ORDER: "SO",
    RecordType.ITEM_FULFILLMENT: "IF",
    RecordType.RETURN_AUTHORIZATION: "RMA",
}


@dataclass
class StoredRecord:
    """A record as the simulator keeps it.

    Attributes:
        type: its record type.
        internal_id: the id the simulator gave it.
        data: its fields as record data (see :mod:`~adapters.netsuite.simulator.data`).
        last_modified: when it last changed, also in ``data['lastModifiedDate']``.
    """

    type: RecordType
    internal_id: str
    data: RecordData
    last_modified: datetime

    @property
    def external_id(self) -> str | None:
        """The external id the integration gave it, if any."""
        value = self.data.get("@externalId")
        return str(value) if value else None


class RecordStore:
    """Records of every type, safe to use from several threads.

    Args:
        has_field: whether a record type has a field, so that only real fields are stamped.
        first_internal_id: the internal id of the first record added.
    """

    def __init__(
        self, has_field: Callable[[RecordType, str], bool], first_internal_id: int = 1001
    ) -> None:
        self.lock = threading.RLock()
        self._has_field = has_field
        self._next_id = first_internal_id
        self._records: dict[RecordType, dict[str, StoredRecord]] = {kind: {} for kind in RecordType}

    def find(
        self,
        record_type: RecordType,
        *,
        internal_id: str | None = None,
        external_id: str | None = None,
    ) -> StoredRecord | None:
        """The record with that internal id, else with that external id, if there is one."""
        with self.lock:
            records = self._records[record_type]
            if internal_id:
                return records.get(internal_id)
            if external_id:
                for record in records.values():
                    if record.external_id == external_id:
                        return record
            return None

    def all(self, record_type: RecordType) -> list[StoredRecord]:
        """Every record of a type, oldest first."""
        with self.lock:
            return list(self._records[record_type].values())

    def insert(
        self, record_type: RecordType, data: RecordData, now: datetime, *, keep_dates: bool = False
    ) -> StoredRecord:
        """Store a new record: give it an internal id, a transaction number if it has none,
        and its creation and modification dates (``keep_dates`` keeps those given, for seeds).
        """
        with self.lock:
            internal_id = str(self._next_id)
            self._next_id += 1
            stored = copy.deepcopy(data)
            stored.pop("@xsi:type", None)
            stored["@internalId"] = internal_id
            prefix = _TRANSACTION_NUMBER_PREFIXES.get(record_type)
            if prefix and not stored.get("tranId"):
                stored["tranId"] = f"{prefix}{internal_id}"
            if self._has_field(record_type, "createdDate") and not (
                keep_dates and stored.get("createdDate")
            ):
                stored["createdDate"] = _stamp(now)
            if self._has_field(record_type, "tranDate") and not stored.get("tranDate"):
                stored["tranDate"] = _stamp(now)
            modified = now
            if keep_dates and stored.get("lastModifiedDate"):
                modified = datetime.fromisoformat(str(stored["lastModifiedDate"]))
                if modified.tzinfo is None:
                    modified = modified.replace(tzinfo=UTC)
            record = StoredRecord(record_type, internal_id, stored, modified)
            self._stamp(record, modified)
            self._records[record_type][internal_id] = record
            return record

    def replace(self, record: StoredRecord, data: RecordData, now: datetime) -> StoredRecord:
        """Give a record new fields (its ids and creation date stay) and stamp it modified."""
        with self.lock:
            stored = copy.deepcopy(data)
            stored.pop("@xsi:type", None)
            stored["@internalId"] = record.internal_id
            for kept in ("createdDate", "@externalId"):
                if kept in record.data and kept not in stored:
                    stored[kept] = record.data[kept]
            record.data = stored
            self._stamp(record, now)
            return record

    def _stamp(self, record: StoredRecord, when: datetime) -> None:
        record.last_modified = when
        if self._has_field(record.type, "lastModifiedDate"):
            record.data["lastModifiedDate"] = _stamp(when)


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds")
