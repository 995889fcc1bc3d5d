"""The NetSuite client: SuiteTalk SOAP through zeep, with token-based authentication.

Every request carries a fresh token passport. At most :attr:`NetSuiteSettings.concurrency`
requests are in progress at once; faults of NetSuite's concurrency and usage limits (and
HTTP errors of requests that may be repeated) are retried with exponential backoff and full
jitter (:class:`connector.api.retry.RetryPolicy`). A record that fails raises
:class:`NetSuiteRecordError` with NetSuite's code and message.

Records are zeep objects of our WSDL's types; :meth:`NetSuiteClient.record` and
:meth:`NetSuiteClient.value` build them::

    with NetSuiteClient(settings) as netsuite:
        fulfillment = netsuite.initialize(
            RecordType.ITEM_FULFILLMENT, RecordReference(RecordType.SALES_ORDER, "1001")
        )
        fulfillment.packageList = netsuite.value(
            Namespace.SALES, "ItemFulfillmentPackageList",
            package=[netsuite.value(Namespace.SALES, "ItemFulfillmentPackage",
                                    packageTrackingNumber="1Z999")],
        )
        reference = netsuite.add(fulfillment)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import requests
import zeep.exceptions

from adapters.netsuite.errors import (
    NetSuiteFaultError,
    NetSuiteRecordError,
    NetSuiteResponseError,
    NetSuiteUnavailableError,
    StatusDetail,
    StatusDetailType,
)
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.operations import Operation
from adapters.netsuite.passport import TokenPassport, new_nonce
from adapters.netsuite.records import RecordReference, RecordType
from adapters.netsuite.settings import NetSuiteSettings
from adapters.netsuite.transport import fault_error, load_service, transport_error
from connector.api.retry import RetryPolicy

T = TypeVar("T")


@dataclass(frozen=True)
class ReadResult:
    """One record of a ``getList``: the record, or why it could not be read."""

    reference: RecordReference
    record: Any | None = None
    error: NetSuiteRecordError | None = None


@dataclass(frozen=True)
class SearchPage:
    """A page of search results.

    Attributes:
        page_index: the page's number, from 1.
        total_pages: how many pages the search has.
        total_records: how many records it found.
        search_id: the id the next pages are asked for with.
        records: the page's records.
    """

    page_index: int
    total_pages: int
    total_records: int
    search_id: str | None
    records: list[Any]


class NetSuiteClient:
    """A connection to one NetSuite account.

    The WSDL is loaded on first use (a request, building a value, or :meth:`connect`); nothing
    goes over the network before.

    Args:
        settings: the account, credentials, endpoint, WSDL and limits.
        session: the ``requests`` session to send with (one of its own if not given).
        base_dir: what a relative WSDL path or cache file is relative to.
        retry: the retry policy (from ``settings.retry`` if not given).
        clock: seconds since the epoch, for passport timestamps.
        nonce: makes passport nonces.
    """

    def __init__(
        self,
        settings: NetSuiteSettings,
        *,
        session: requests.Session | None = None,
        base_dir: Path | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = new_nonce,
    ) -> None:
        self.settings = settings
        self._session = session or requests.Session()
        self._owns_session = session is None
        self._base_dir = base_dir
        self._retry = retry or settings.retry.policy()
        self._clock = clock
        self._nonce = nonce
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        self._load_lock = threading.Lock()
        self._zeep: Any = None
        self._service: Any = None
        self._factories: dict[Namespace, Any] = {}

    def __repr__(self) -> str:
        return f"<NetSuiteClient {self.settings.account} at {self.settings.service_url}>"

    # Lifecycle.

    def connect(self) -> None:
        """Load the WSDL now rather than on the first request.

        Raises:
            WsdlError: it cannot be loaded.
        """
        with self._load_lock:
            if self._service is None:
                self._zeep, self._service = load_service(
                    self.settings, self._session, self._base_dir
                )

    def close(self) -> None:
        """Close the HTTP session, if the client made it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # Building values.

    def value(self, namespace: Namespace, type_name: str, *args: Any, **fields: Any) -> Any:
        """A value of an XSD type of the WSDL (``RecordRef``, ``ItemFulfillmentPackage``)."""
        return getattr(self._factory(namespace), type_name)(*args, **fields)

    def record(self, record_type: RecordType, **fields: Any) -> Any:
        """A new record of ``record_type`` with ``fields`` (``externalId``, ``entity``, ...)."""
        return self.value(record_type.namespace, record_type.type_name, **fields)

    def reference(self, reference: RecordReference) -> Any:
        """A ``RecordRef`` to ``reference``."""
        return self.value(
            Namespace.CORE,
            "RecordRef",
            internalId=reference.internal_id,
            externalId=reference.external_id,
            type=reference.type.value,
        )

    def _factory(self, namespace: Namespace) -> Any:
        self.connect()
        factory = self._factories.get(namespace)
        if factory is None:
            factory = self._zeep.type_factory(namespace.uri(self.settings.version))
            self._factories[namespace] = factory
        return factory

    # Reads.

    def get(
        self,
        record_type: RecordType,
        *,
        internal_id: str | None = None,
        external_id: str | None = None,
    ) -> Any:
        """One record, by internal or external id.

        Raises:
            NetSuiteRecordError: it does not exist (``RCRD_DSNT_EXIST``) or cannot be read.
        """
        reference = RecordReference(record_type, internal_id, external_id)
        return self._call(
            Operation.GET,
            lambda body: self._read_response(
                _field(body, "readResponse", Operation.GET), Operation.GET, reference
            ),
            baseRef=self.reference(reference),
        )

    def get_list(self, references: Iterable[RecordReference]) -> list[ReadResult]:
        """Several records in one request, each with its own outcome, in the order asked."""
        wanted = list(references)
        if not wanted:
            return []
        return self._call(
            Operation.GET_LIST,
            lambda body: self._read_results(body, wanted),
            baseRef=[self.reference(reference) for reference in wanted],
        )

    def _read_results(self, body: Any, wanted: list[RecordReference]) -> list[ReadResult]:
        response_list = _field(body, "readResponseList", Operation.GET_LIST)
        responses = list(_field(response_list, "readResponse", Operation.GET_LIST) or [])
        if len(responses) != len(wanted):
            raise NetSuiteResponseError(
                f"getList answered {len(responses)} records for {len(wanted)} asked",
                operation=Operation.GET_LIST.value,
            )
        results = []
        for reference, response in zip(wanted, responses, strict=True):
            try:
                record = self._read_response(response, Operation.GET_LIST, reference)
            except NetSuiteRecordError as error:
                if error.retryable:
                    raise
                results.append(ReadResult(reference, error=error))
            else:
                results.append(ReadResult(reference, record=record))
        return results

    def initialize(self, record_type: RecordType, origin: RecordReference) -> Any:
        """A new record prefilled from another, not yet stored (an item fulfillment of a sales
        order); change it and :meth:`add` it.

        Raises:
            NetSuiteRecordError: NetSuite cannot initialize it (``INVALID_INITIALIZE_REF``).
        """
        initialize_record = self.value(
            Namespace.CORE,
            "InitializeRecord",
            type=record_type.value,
            reference=self.value(
                Namespace.CORE,
                "InitializeRef",
                type=origin.type.value,
                internalId=origin.internal_id,
                externalId=origin.external_id,
            ),
        )
        return self._call(
            Operation.INITIALIZE,
            lambda body: self._read_response(
                _field(body, "readResponse", Operation.INITIALIZE), Operation.INITIALIZE, origin
            ),
            initializeRecord=initialize_record,
        )

    def _read_response(
        self, response: Any, operation: Operation, reference: RecordReference
    ) -> Any:
        _check_status(_field(response, "status", operation), operation, reference)
        record = _field(response, "record", operation)
        if record is None:
            raise NetSuiteResponseError(
                f"the {operation} of {reference} succeeded without a record",
                operation=operation.value,
            )
        return record

    # Writes.

    def add(self, record: Any) -> RecordReference:
        """Create a record; its reference, with the internal id NetSuite gave it.

        Raises:
            NetSuiteRecordError: NetSuite refused the record (``DUP_RCRD``, ...).
            NetSuiteOutcomeUnknownError: it may or may not have been created.
        """
        return self._write(Operation.ADD, record)

    def update(self, record: Any) -> RecordReference:
        """Change the fields given of an existing record (found by internal or external id)."""
        return self._write(Operation.UPDATE, record)

    def upsert(self, record: Any) -> RecordReference:
        """Update the record with the record's external id, or create it: safe to repeat."""
        return self._write(Operation.UPSERT, record)

    def _write(self, operation: Operation, record: Any) -> RecordReference:
        reference = _reference_of(record)
        return self._call(
            operation, lambda body: _written(body, operation, reference), record=record
        )

    # Searches.

    def search(
        self,
        *,
        saved_search_id: str | None = None,
        saved_search_script_id: str | None = None,
        modified_since: datetime | None = None,
        record_types: Sequence[RecordType] = (),
        page_size: int | None = None,
        body_fields_only: bool = False,
    ) -> Iterator[Any]:
        """The records of a transaction search, page after page (see :meth:`search_pages`)."""
        for page in self.search_pages(
            saved_search_id=saved_search_id,
            saved_search_script_id=saved_search_script_id,
            modified_since=modified_since,
            record_types=record_types,
            page_size=page_size,
            body_fields_only=body_fields_only,
        ):
            yield from page.records

    def search_pages(
        self,
        *,
        saved_search_id: str | None = None,
        saved_search_script_id: str | None = None,
        modified_since: datetime | None = None,
        record_types: Sequence[RecordType] = (),
        page_size: int | None = None,
        body_fields_only: bool = False,
    ) -> Iterator[SearchPage]:
        """The pages of a transaction search: the first from ``search``, the rest from
        ``searchMoreWithId``, each asked for when the previous one has been used.

        Args:
            saved_search_id: a saved search's internal id; its criteria apply too.
            saved_search_script_id: or its script id (``customsearch_...``).
            modified_since: only records last modified on or after this (timezone-aware).
            record_types: only these transaction types.
            page_size: records per page (default ``settings.page_size``).
            body_fields_only: leave out sublists such as line items.

        Raises:
            ValueError: ``modified_since`` has no time zone, or a record type is not a
                transaction.
            NetSuiteRecordError: NetSuite refused the search or a page of it.
        """
        if modified_since is not None and modified_since.utcoffset() is None:
            raise ValueError("modified_since needs a time zone")
        search_values = []
        for record_type in record_types:
            if record_type.search_type is None:
                raise ValueError(f"{record_type} is not a transaction")
            search_values.append(record_type.search_type)
        basic = self.value(
            Namespace.COMMON,
            "TransactionSearchBasic",
            type=(
                self.value(
                    Namespace.CORE,
                    "SearchEnumMultiSelectField",
                    searchValue=search_values,
                    operator="anyOf",
                )
                if search_values
                else None
            ),
            lastModifiedDate=(
                self.value(
                    Namespace.CORE,
                    "SearchDateField",
                    searchValue=modified_since,
                    operator="onOrAfter",
                )
                if modified_since is not None
                else None
            ),
        )
        if saved_search_id or saved_search_script_id:
            search_record = self.value(
                Namespace.SALES,
                "TransactionSearchAdvanced",
                criteria=self.value(Namespace.SALES, "TransactionSearch", basic=basic),
                savedSearchId=saved_search_id,
                savedSearchScriptId=saved_search_script_id,
            )
        else:
            search_record = basic
        preferences = self.value(
            Namespace.MESSAGES,
            "SearchPreferences",
            bodyFieldsOnly=body_fields_only,
            returnSearchColumns=False,
            pageSize=page_size or self.settings.page_size,
        )
        page = self._call(
            Operation.SEARCH,
            lambda body: _search_page(body, Operation.SEARCH),
            searchRecord=search_record,
            search_preferences=preferences,
        )
        yield page
        while page.page_index < page.total_pages:
            if not page.search_id:
                raise NetSuiteResponseError(
                    "a search with more pages answered no search id",
                    operation=Operation.SEARCH.value,
                )
            following = self._call(
                Operation.SEARCH_MORE_WITH_ID,
                lambda body: _search_page(body, Operation.SEARCH_MORE_WITH_ID),
                searchId=page.search_id,
                pageIndex=page.page_index + 1,
                search_preferences=preferences,
            )
            if following.page_index != page.page_index + 1:
                raise NetSuiteResponseError(
                    f"asked for page {page.page_index + 1}, NetSuite answered page "
                    f"{following.page_index}",
                    operation=Operation.SEARCH_MORE_WITH_ID.value,
                )
            page = following
            yield page

    # Sending.

    def _call(
        self,
        operation: Operation,
        read: Callable[[Any], T],
        *,
        search_preferences: Any = None,
        **arguments: Any,
    ) -> T:
        """What ``read`` makes of the answer to ``operation``; retried while NetSuite's limits
        refuse the request (as a fault or as the record's status) or it may be repeated after
        an HTTP error."""
        self.connect()
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._slots:
                    body = self._send(operation, search_preferences, arguments)
                return read(body)
            except (NetSuiteFaultError, NetSuiteUnavailableError, NetSuiteRecordError) as error:
                if not error.retryable or attempt >= self._retry.max_attempts:
                    raise
            self._retry.sleep(self._retry.delay(attempt))

    def _send(self, operation: Operation, search_preferences: Any, arguments: Any) -> Any:
        headers: dict[str, Any] = {"tokenPassport": self._passport()}
        if search_preferences is not None:
            headers["searchPreferences"] = search_preferences
        if operation.is_write:
            headers["preferences"] = self.value(
                Namespace.MESSAGES, "Preferences", warningAsError=False, ignoreReadOnlyFields=True
            )
        method = getattr(self._service, operation.value)
        try:
            response = method(**arguments, _soapheaders=headers)
        except zeep.exceptions.Fault as fault:
            if fault.code is None:
                # zeep's word for an answer that is XML but no SOAP fault: not NetSuite's.
                raise transport_error(fault, operation) from None
            raise fault_error(fault, operation) from None
        except (
            zeep.exceptions.TransportError,
            zeep.exceptions.XMLSyntaxError,
            zeep.exceptions.XMLParseError,
            requests.RequestException,
        ) as error:
            raise transport_error(error, operation) from None
        body = getattr(response, "body", None)
        if body is None:
            raise NetSuiteResponseError(
                f"the {operation} answer has no body", operation=operation.value
            )
        return body

    def _passport(self) -> Any:
        settings = self.settings
        passport = TokenPassport.signed(
            account=settings.account,
            consumer_key=settings.consumer_key.get_secret_value(),
            consumer_secret=settings.consumer_secret.get_secret_value(),
            token=settings.token_id.get_secret_value(),
            token_secret=settings.token_secret.get_secret_value(),
            nonce=self._nonce(),
            timestamp=int(self._clock()),
        )
        return self.value(
            Namespace.CORE,
            "TokenPassport",
            account=passport.account,
            consumerKey=passport.consumer_key,
            token=passport.token,
            nonce=passport.nonce,
            timestamp=passport.timestamp,
            signature=self.value(
                Namespace.CORE,
                "TokenPassportSignature",
                passport.signature,
                algorithm=passport.algorithm,
            ),
        )


def _field(value: Any, name: str, operation: Operation) -> Any:
    if value is None or not hasattr(value, name):
        raise NetSuiteResponseError(
            f"the {operation} answer lacks {name}", operation=operation.value
        )
    return getattr(value, name)


def _check_status(status: Any, operation: Operation, reference: RecordReference | None) -> None:
    if status is None:
        raise NetSuiteResponseError(
            f"the {operation} answer has no status", operation=operation.value
        )
    if status.isSuccess:
        return
    details = tuple(
        StatusDetail(
            str(detail.code or "UNEXPECTED_ERROR"),
            str(detail.message or ""),
            _detail_type(detail.type),
        )
        for detail in (status.statusDetail or [])
    )
    raise NetSuiteRecordError(details, operation=operation.value, reference=reference)


def _written(body: Any, operation: Operation, reference: RecordReference | None) -> RecordReference:
    response = _field(body, "writeResponse", operation)
    _check_status(_field(response, "status", operation), operation, reference)
    written = _field(response, "baseRef", operation)
    internal_id = getattr(written, "internalId", None)
    if not internal_id:
        raise NetSuiteResponseError(
            f"the {operation} succeeded without an internal id", operation=operation.value
        )
    try:
        record_type = reference.type if reference else RecordType(str(written.type))
    except ValueError:
        raise NetSuiteResponseError(
            f"the {operation} answered an unknown record type {written.type!r}",
            operation=operation.value,
        ) from None
    return RecordReference(
        record_type, str(internal_id), getattr(written, "externalId", None) or None
    )


def _detail_type(value: Any) -> StatusDetailType:
    try:
        return StatusDetailType(str(value or "ERROR"))
    except ValueError:
        return StatusDetailType.ERROR


def _search_page(body: Any, operation: Operation) -> SearchPage:
    result = _field(body, "searchResult", operation)
    _check_status(_field(result, "status", operation), operation, None)
    record_list = result.recordList
    records = list(record_list.record or []) if record_list is not None else []
    return SearchPage(
        page_index=int(result.pageIndex or 1),
        total_pages=int(result.totalPages or 0),
        total_records=int(result.totalRecords or 0),
        search_id=result.searchId,
        records=records,
    )


def _reference_of(record: Any) -> RecordReference | None:
    type_name = getattr(getattr(record, "_xsd_type", None), "name", None)
    try:
        record_type = RecordType.of_type_name(str(type_name))
    except ValueError:
        return None
    internal_id = getattr(record, "internalId", None) or None
    external_id = getattr(record, "externalId", None) or None
    if not internal_id and not external_id:
        return None
    return RecordReference(record_type, internal_id, external_id)
