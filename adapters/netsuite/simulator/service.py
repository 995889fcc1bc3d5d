"""The simulated NetSuite account: answers SOAP requests, and is driven by tests.

A request goes through the steps NetSuite's would, in this order: the account's concurrency
limit (one request too many is refused with ``WS_REQUEST_BLOCKED``), the injected latency, the
token passport, an injected fault, reading the body against our schema, the operation itself,
and an injected lost response. The control methods (seed records, read them, inject faults) are
for tests and the demo; :mod:`~adapters.netsuite.simulator.app` offers them over HTTP too.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from adapters.netsuite.endpoints import PACKAGED_VERSION, PACKAGED_WSDL
from adapters.netsuite.faults import FaultType
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.records import RecordType
from adapters.netsuite.schema import QName, load_wsdl
from adapters.netsuite.simulator.auth import PassportChecker, PassportRefusedError
from adapters.netsuite.simulator.config import SavedSearch, SimulatorConfig
from adapters.netsuite.simulator.data import TYPE_KEY, RecordCodec, RecordData, RecordDataError
from adapters.netsuite.simulator.faults import FAULT_DEFAULTS, FaultInjection, FaultPlan
from adapters.netsuite.simulator.fulfillment import order_defaults
from adapters.netsuite.simulator.operations import Operations, record_fields
from adapters.netsuite.simulator.search import Searches
from adapters.netsuite.simulator.soap import (
    XML_CONTENT_TYPE,
    EnvelopeWriter,
    SoapRequestError,
    namespace_prefixes,
    parse_request,
)
from adapters.netsuite.simulator.store import RecordStore

#: HTTP statuses of the answers.
OK = 200
FAULT = 500
BAD_GATEWAY = 502

_HEADERS = ("tokenPassport", "searchPreferences", "preferences")


@dataclass(frozen=True)
class SoapAnswer:
    """What the simulator answers an HTTP request to its SOAP endpoint."""

    status: int
    body: bytes
    content_type: str = XML_CONTENT_TYPE


class NetSuiteSimulator:
    """One simulated NetSuite account.

    Args:
        config: credentials, limits and saved searches; the defaults need no setup.
        clock: seconds since the epoch (passport timestamps, record dates).
        sleep: how latency is waited out.
    """

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config or SimulatorConfig()
        self.version = PACKAGED_VERSION
        self._clock = clock
        self._sleep = sleep
        schemas = load_wsdl(PACKAGED_WSDL).schemas
        self.codec = RecordCodec(schemas, namespace_prefixes(self.version))
        self._writer = EnvelopeWriter(self.codec, self.version)
        fields = record_fields(schemas, self.version)
        self.store = RecordStore(lambda record_type, name: name in fields[record_type])
        self.searches = Searches(self.store, self.config)
        self.faults = FaultPlan()
        self._operations = Operations(
            self.store,
            self.searches,
            self.codec,
            self.config.credentials.account,
            self.version,
            self.now,
        )
        self._passports = PassportChecker(self.config)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._documents = 0
        #: Requests received per operation (after they were read), for tests.
        self.requests: Counter[str] = Counter()
        #: How often the WSDL was downloaded.
        self.wsdl_downloads = 0

    def now(self) -> datetime:
        """The simulator's current time, in UTC."""
        return datetime.fromtimestamp(self._clock(), UTC)

    # SOAP.

    def handle(self, content: bytes, soap_action: str | None = None) -> SoapAnswer:
        """Answer the body of an HTTP request to the SOAP endpoint."""
        try:
            request = parse_request(content)
        except SoapRequestError as exc:
            return SoapAnswer(FAULT, self._writer.client_fault(str(exc)))
        operation = request.operation
        action = (soap_action or "").strip().strip('"')
        if action and action != operation:
            message = f"the SOAPAction {action!r} does not match the body's {operation!r}"
            return SoapAnswer(FAULT, self._writer.client_fault(message))
        with self._lock:
            self.requests[operation] += 1
            self._in_flight += 1
            crowded = (
                self.config.concurrency_limit is not None
                and self._in_flight > self.config.concurrency_limit
            )
        try:
            if crowded:
                return self._fault(FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT)
            if self.faults.latency > 0:
                self._sleep(self.faults.latency)
            return self._carry_out(operation, request.body, request.headers)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _carry_out(
        self, operation: str, body: etree._Element, header_elements: Mapping[str, etree._Element]
    ) -> SoapAnswer:
        handler = self._operations.handlers.get(operation)
        if handler is None:
            return SoapAnswer(
                FAULT, self._writer.client_fault(f"the operation {operation!r} is not supported")
            )
        try:
            headers = {
                name: self._read_global(header_elements[name], name)
                for name in _HEADERS
                if name in header_elements
            }
        except RecordDataError as exc:
            return SoapAnswer(FAULT, self._writer.client_fault(str(exc)))
        try:
            self._passports.check(headers.get("tokenPassport"), self._clock())
        except PassportRefusedError as refused:
            return self._fault(
                FaultType.INVALID_CREDENTIALS, message=f"Invalid login attempt. ({refused.reason})"
            )
        planned = self.faults.take(operation)
        if planned is not None and planned.fault is not None:
            return SoapAnswer(
                FAULT, self._writer.fault(planned.fault, planned.code, planned.message)
            )
        try:
            request = self._read_global(body, operation)
        except RecordDataError as exc:
            return SoapAnswer(FAULT, self._writer.client_fault(str(exc)))
        data = handler(request, headers)
        if planned is not None and planned.loses_response:
            return SoapAnswer(BAD_GATEWAY, b"502 Bad Gateway", "text/plain")
        return SoapAnswer(OK, self._writer.answer(operation, data, self._document_id()))

    def _read_global(self, element: etree._Element, name: str) -> Any:
        messages = Namespace.MESSAGES.uri(self.version)
        declared = self.codec.schemas.elements.get(QName(messages, name))
        if declared is None or etree.QName(element).namespace != messages:
            raise RecordDataError(f"{name}: not an element of {messages}")
        return self.codec.read(element, self.codec.schemas.element_type(declared), name)

    def _fault(self, fault_type: FaultType, *, message: str | None = None) -> SoapAnswer:
        code, default_message = FAULT_DEFAULTS[fault_type]
        return SoapAnswer(FAULT, self._writer.fault(fault_type, code, message or default_message))

    def _document_id(self) -> str:
        with self._lock:
            self._documents += 1
            return f"WEBSERVICES_{self.config.credentials.account}_{self._documents:08d}"

    # Control.

    def seed(self, record_type: RecordType, data: Mapping[str, Any]) -> str:
        """Store a record as if someone had entered it in NetSuite; returns its internal id.

        ``data`` is record data without ``@xsi:type``; numbers, booleans and datetimes may be
        given as Python values. A given ``lastModifiedDate`` or ``createdDate`` is kept. Sales
        orders get line numbers and the status pending fulfillment unless given.

        Raises:
            RecordDataError: the data does not fit the record type's schema.
            ValueError: a record of that type with that external id exists.
        """
        typed = {**data, TYPE_KEY: record_type.type_name}
        record = self._normalized(typed)
        if record_type is RecordType.SALES_ORDER:
            record = order_defaults(record)
        with self.store.lock:
            external_id = record.get("@externalId")
            if external_id and self.store.find(record_type, external_id=external_id):
                raise ValueError(f"a {record_type} with the external id {external_id} exists")
            return self.store.insert(record_type, record, self.now(), keep_dates=True).internal_id

    def _normalized(self, data: Mapping[str, Any]) -> RecordData:
        # Writing checks the data against the schema; reading it back gives its text form.
        core = Namespace.CORE.uri(self.version)
        holder = etree.Element("holder", nsmap=self.codec.nsmap)
        element = self.codec.write(holder, QName(core, "record"), QName(core, "Record"), data, "")
        record: RecordData = self.codec.read(element, QName(core, "Record"), "record")
        return record

    def record(self, record_type: RecordType, internal_id: str) -> RecordData | None:
        """A stored record's data, or ``None`` if there is none with that id."""
        stored = self.store.find(record_type, internal_id=internal_id)
        return self._operations.record_data(stored) if stored is not None else None

    def find(self, record_type: RecordType, external_id: str) -> RecordData | None:
        """The stored record with an external id, or ``None``."""
        stored = self.store.find(record_type, external_id=external_id)
        return self._operations.record_data(stored) if stored is not None else None

    def records(self, record_type: RecordType) -> list[RecordData]:
        """Every stored record of a type, oldest first."""
        return [self._operations.record_data(stored) for stored in self.store.all(record_type)]

    def touch(self, record_type: RecordType, internal_id: str, when: datetime) -> None:
        """Set a record's ``lastModifiedDate``, as an edit in NetSuite at ``when`` would.

        Raises:
            KeyError: there is no such record.
        """
        with self.store.lock:
            stored = self.store.find(record_type, internal_id=internal_id)
            if stored is None:
                raise KeyError(f"no {record_type} with the internal id {internal_id}")
            self.store.replace(stored, copy.deepcopy(stored.data), when)

    def inject(self, injection: FaultInjection) -> None:
        """Plan a fault for the next matching requests."""
        self.faults.inject(injection)

    def add_saved_search(self, saved: SavedSearch) -> None:
        """Make a saved search known."""
        self.searches.add_saved_search(saved)
