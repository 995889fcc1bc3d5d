"""The SuiteTalk operations the simulator carries out, on record data.

Each operation takes its request as record data and returns the content of its response
element. Whatever fails for a record is answered as that record's status (``isSuccess="false"``
with NetSuite's code and message), never as a SOAP fault: SOAP faults are for requests refused
as a whole (authentication, governance), which :mod:`~adapters.netsuite.simulator.service`
decides before an operation runs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from adapters.netsuite.records import RecordType
from adapters.netsuite.schema import QName, SchemaSet
from adapters.netsuite.simulator.data import TYPE_KEY, RecordCodec, RecordData
from adapters.netsuite.simulator.errors import RecordError
from adapters.netsuite.simulator.fulfillment import initialize_fulfillment, order_defaults, ship
from adapters.netsuite.simulator.search import Searches, SearchSession
from adapters.netsuite.simulator.store import RecordStore, StoredRecord

SUCCESS: RecordData = {"@isSuccess": "true"}


def failure(error: RecordError) -> RecordData:
    """The status of a record that failed with ``error``."""
    return {
        "@isSuccess": "false",
        "statusDetail": [{"@type": "ERROR", "code": error.code, "message": error.message}],
    }


class Operations:
    """get, getList, add, update, upsert, initialize, search and searchMoreWithId.

    Args:
        store: the records.
        searches: runs searches and keeps their pages.
        codec: the schema, to know record fields and sublists.
        account: the account id, part of search ids.
        version: the SuiteTalk version of the schema's namespaces.
        now: the simulator's clock.
    """

    def __init__(
        self,
        store: RecordStore,
        searches: Searches,
        codec: RecordCodec,
        account: str,
        version: str,
        now: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._searches = searches
        self._account = account
        self._now = now
        self._sublists: dict[RecordType, set[str]] = {}
        schemas = codec.schemas
        for record_type in RecordType:
            content = schemas.content(_type_name(record_type, version))
            self._sublists[record_type] = {
                shape.name.name
                for shape in content
                if any(
                    attribute.name == "replaceAll"
                    for attribute in schemas.all_attributes(schemas.element_type(shape))
                )
            }
        self.handlers: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], RecordData]] = {
            "get": self.get,
            "getList": self.get_list,
            "add": self.add,
            "update": self.update,
            "upsert": self.upsert,
            "initialize": self.initialize,
            "search": self.search,
            "searchMoreWithId": self.search_more_with_id,
        }

    def record_data(self, record: StoredRecord, *, body_fields_only: bool = False) -> RecordData:
        """A stored record as the ``record`` of an answer (with its ``xsi:type``)."""
        data = copy.deepcopy(record.data)
        if body_fields_only:
            for sublist in self._sublists[record.type]:
                data.pop(sublist, None)
        return {TYPE_KEY: record.type.type_name, **data}

    # Reads.

    def get(self, request: Mapping[str, Any], headers: Mapping[str, Any]) -> RecordData:
        """``get``: one record by reference."""
        return {"readResponse": self._read(request.get("baseRef") or {})}

    def get_list(self, request: Mapping[str, Any], headers: Mapping[str, Any]) -> RecordData:
        """``getList``: several records, each with its own status."""
        responses = [self._read(reference) for reference in request.get("baseRef", [])]
        return {"readResponseList": {"status": SUCCESS, "readResponse": responses}}

    def _read(self, reference: Mapping[str, Any]) -> RecordData:
        try:
            record = self._referenced(reference)
        except RecordError as error:
            return {"status": failure(error)}
        return {"status": SUCCESS, "record": self.record_data(record)}

    def _referenced(self, reference: Mapping[str, Any]) -> StoredRecord:
        record_type = _record_type(reference.get("@type"))
        record = self._store.find(
            record_type,
            internal_id=reference.get("@internalId"),
            external_id=reference.get("@externalId"),
        )
        if record is None:
            raise RecordError("RCRD_DSNT_EXIST", "That record does not exist.")
        return record

    # Writes.

    def add(self, request: Mapping[str, Any], headers: Mapping[str, Any]) -> RecordData:
        """``add``: a new record."""
        return {"writeResponse": self._write(lambda: self._add(request.get("record") or {}))}

    def update(self, request: Mapping[str, Any], headers: Mapping[str, Any]) -> RecordData:
        """``update``: change the fields sent of an existing record."""
        return {"writeResponse": self._write(lambda: self._update(request.get("record") or {}))}

    def upsert(self, request: Mapping[str, Any], headers: Mapping[str, Any]) -> RecordData:
        """``upsert``: update the record with the external id sent, or add it."""
        return {"writeResponse": self._write(lambda: self._upsert(request.get("record") or {}))}

    def _write(self, action: Callable[[], StoredRecord]) -> RecordData:
        try:
            with self._store.lock:
                record = action()
        except RecordError as error:
            return {"status": failure(error)}
        reference: RecordData = {
            TYPE_KEY: "RecordRef",
            "@internalId": record.internal_id,
            "@type": record.type.value,
        }
        if record.external_id:
            reference["@externalId"] = record.external_id
        return {"status": SUCCESS, "baseRef": reference}

    def _add(self, data: Mapping[str, Any]) -> StoredRecord:
        record_type = _type_of_record(data)
        external_id = data.get("@externalId")
        if external_id and self._store.find(record_type, external_id=external_id):
            raise RecordError(
                "DUP_RCRD", f"A {record_type} with the external ID {external_id} already exists."
            )
        record = {key: value for key, value in data.items() if key != "@internalId"}
        now = self._now()
        if record_type is RecordType.SALES_ORDER:
            record = order_defaults(record)
        elif record_type is RecordType.INVENTORY_ITEM and not record.get("itemId"):
            raise RecordError("USER_ERROR", "Please enter value(s) for: Item Name/Number")
        elif record_type is RecordType.RETURN_AUTHORIZATION:
            record.setdefault("orderStatus", "_pendingApproval")
            if record.get("createdFrom"):
                self._created_from(record, RecordType.SALES_ORDER)
        elif record_type is RecordType.ITEM_FULFILLMENT:
            order = self._created_from(record, RecordType.SALES_ORDER)
            record, shipped_order = ship(order, record)
            self._store.replace(order, shipped_order, now)
        return self._store.insert(record_type, record, now)

    def _created_from(self, record: Mapping[str, Any], origin: RecordType) -> StoredRecord:
        reference = record.get("createdFrom") or {}
        key = reference.get("@internalId") or reference.get("@externalId")
        if not key:
            raise RecordError("INVALID_KEY_OR_REF", "Please enter value(s) for: Created From")
        found = self._store.find(
            origin,
            internal_id=reference.get("@internalId"),
            external_id=reference.get("@externalId"),
        )
        if found is None:
            raise RecordError("INVALID_KEY_OR_REF", f"Invalid createdfrom reference key {key}.")
        return found

    def _update(self, data: Mapping[str, Any]) -> StoredRecord:
        record_type = _type_of_record(data)
        record = self._store.find(
            record_type,
            internal_id=data.get("@internalId"),
            external_id=data.get("@externalId"),
        )
        if record is None:
            raise RecordError("RCRD_DSNT_EXIST", "That record does not exist.")
        return self._store.replace(record, self._merged(record, data), self._now())

    def _upsert(self, data: Mapping[str, Any]) -> StoredRecord:
        record_type = _type_of_record(data)
        external_id = data.get("@externalId")
        if not external_id:
            raise RecordError("USER_ERROR", "Upsert matches records by external ID: send one.")
        if data.get("@internalId"):
            raise RecordError(
                "USER_ERROR", "Upsert matches records by external ID: do not send an internal ID."
            )
        record = self._store.find(record_type, external_id=external_id)
        if record is None:
            return self._add(data)
        return self._store.replace(record, self._merged(record, data), self._now())

    def _merged(self, record: StoredRecord, changes: Mapping[str, Any]) -> RecordData:
        merged = self._changed(record, changes)
        # Lines sent anew are numbered and open, as NetSuite does with a replaced item list.
        return order_defaults(merged) if record.type is RecordType.SALES_ORDER else merged

    def _changed(self, record: StoredRecord, changes: Mapping[str, Any]) -> RecordData:
        merged = copy.deepcopy(record.data)
        for key, value in changes.items():
            if key in {TYPE_KEY, "@internalId", "lastModifiedDate", "createdDate"}:
                continue
            if key == "nullFieldList":
                for name in value.get("name", []):
                    merged.pop(name, None)
            elif key == "customFieldList":
                merged[key] = _merge_custom_fields(merged.get(key), value)
            elif key in self._sublists[record.type]:
                merged[key] = _merge_sublist(merged.get(key), value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged

    # initialize.

    def initialize(self, request: Mapping[str, Any], headers: Mapping[str, Any]) -> RecordData:
        """``initialize``: a new item fulfillment prefilled from a sales order (not stored)."""
        initialize_record = request.get("initializeRecord") or {}
        reference = initialize_record.get("reference") or {}
        target, origin = initialize_record.get("type"), reference.get("@type")
        try:
            if (target, origin) != ("itemFulfillment", "salesOrder"):
                raise RecordError(
                    "INVALID_INITIALIZE_REF",
                    f"The simulator cannot initialize a {target} from a {origin}.",
                )
            key = reference.get("@internalId") or reference.get("@externalId")
            order = self._store.find(
                RecordType.SALES_ORDER,
                internal_id=reference.get("@internalId"),
                external_id=reference.get("@externalId"),
            )
            if order is None:
                raise RecordError(
                    "INVALID_INITIALIZE_REF",
                    f"You can not initialize itemFulfillment: invalid reference {key}.",
                )
            fulfillment = initialize_fulfillment(order, self._now())
        except RecordError as error:
            return {"readResponse": {"status": failure(error)}}
        return {"readResponse": {"status": SUCCESS, "record": fulfillment}}

    # Searches.

    def search(self, request: Mapping[str, Any], headers: Mapping[str, Any]) -> RecordData:
        """``search``: run a search and answer its first page."""
        try:
            session = self._searches.run(
                request.get("searchRecord") or {},
                headers.get("searchPreferences") or {},
                self._account,
            )
        except RecordError as error:
            return {"searchResult": {"status": failure(error)}}
        return {"searchResult": self._page(session, 1)}

    def search_more_with_id(
        self, request: Mapping[str, Any], headers: Mapping[str, Any]
    ) -> RecordData:
        """``searchMoreWithId``: another page of a search."""
        try:
            page_index = int(str(request.get("pageIndex", "")))
            session = self._searches.session(str(request.get("searchId", "")), page_index)
        except ValueError:
            error = RecordError("INVALID_PAGE_INDEX", "The page index is not a number.")
            return {"searchResult": {"status": failure(error)}}
        except RecordError as error:
            return {"searchResult": {"status": failure(error)}}
        return {"searchResult": self._page(session, page_index)}

    def _page(self, session: SearchSession, page_index: int) -> RecordData:
        records = []
        for record_type, internal_id in session.page(page_index):
            record = self._store.find(record_type, internal_id=internal_id)
            if record is not None:
                records.append(self.record_data(record, body_fields_only=session.body_fields_only))
        return {
            "status": SUCCESS,
            "totalRecords": str(len(session.hits)),
            "pageSize": str(session.page_size),
            "totalPages": str(session.total_pages),
            "pageIndex": str(page_index),
            "searchId": session.search_id,
            "recordList": {"record": records},
        }


def record_fields(schemas: SchemaSet, version: str) -> dict[RecordType, frozenset[str]]:
    """The field names of each record type, from the schema."""
    return {
        record_type: frozenset(
            shape.name.name for shape in schemas.content(_type_name(record_type, version))
        )
        for record_type in RecordType
    }


def _type_name(record_type: RecordType, version: str) -> QName:
    return QName(record_type.namespace.uri(version), record_type.type_name)


def _record_type(value: Any) -> RecordType:
    try:
        return RecordType(str(value))
    except ValueError:
        raise RecordError(
            "INVALID_RCRD_TYPE", f"The simulator keeps no {value or 'untyped'} records."
        ) from None


def _type_of_record(data: Mapping[str, Any]) -> RecordType:
    try:
        return RecordType.of_type_name(str(data.get(TYPE_KEY, "")))
    except ValueError:
        raise RecordError(
            "INVALID_RCRD_TYPE", f"The simulator keeps no {data.get(TYPE_KEY)} records."
        ) from None


def _merge_custom_fields(current: Any, changes: Mapping[str, Any]) -> RecordData:
    fields = list((current or {}).get("customField", []))

    def key(field: Mapping[str, Any]) -> Any:
        return field.get("@scriptId") or field.get("@internalId")

    for change in changes.get("customField", []):
        fields = [field for field in fields if key(field) != key(change)]
        fields.append(copy.deepcopy(change))
    return {"customField": fields}


def _merge_sublist(current: Any, changes: Mapping[str, Any]) -> RecordData:
    if str(changes.get("@replaceAll", "true")).lower() != "false" or not current:
        replaced = copy.deepcopy(dict(changes))
        replaced.pop("@replaceAll", None)
        return replaced
    merged = copy.deepcopy(dict(current))
    for name, lines in changes.items():
        if name.startswith("@"):
            continue
        existing: list[RecordData] = merged.setdefault(name, [])
        for line in lines:
            match = next(
                (
                    old
                    for old in existing
                    if line.get("line") is not None and old.get("line") == line.get("line")
                ),
                None,
            )
            if match is None:
                existing.append(copy.deepcopy(line))
            else:
                match.update(copy.deepcopy(line))
    return merged
