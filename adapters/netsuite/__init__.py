"""NetSuite over SuiteTalk SOAP: our trimmed 2023_2 WSDL, a zeep client and a simulator.

:class:`NetSuiteClient` talks to an account (or to the simulator in
:mod:`adapters.netsuite.simulator`) with token-based authentication; :class:`NetSuiteSettings`
says which account and how. :class:`NetSuiteSalesOrderSource` (``netsuite-sales-orders``) yields
the sales orders a saved search selects, changed since its cursor;
:class:`NetSuiteReturnAuthorizationSource` (``netsuite-return-authorizations``) the returned
units of return authorizations, for AHEAD RMAs. The sinks write back:
:class:`NetSuiteItemFulfillmentSink` (``netsuite-item-fulfillments``) ships sales orders,
:class:`NetSuiteVendorBillSink` (``netsuite-vendor-bills``) records AHEAD's invoices, and
:class:`NetSuiteSalesOrderStatusSink` (``netsuite-sales-order-status``) writes the AHEAD order
id and status to a sales order, :class:`NetSuiteReturnAuthorizationStatusSink`
(``netsuite-return-authorization-status``) an AHEAD RMA's number and status to the return
authorization line of its serial, and :class:`NetSuiteInventorySink` (``netsuite-inventory``)
AHEAD's inventory figures to custom fields of an item; their documents are the models of
:mod:`adapters.netsuite.targets`.
"""

from adapters.netsuite.bill_sink import NetSuiteVendorBillSink, NetSuiteVendorBillSinkSettings
from adapters.netsuite.client import NetSuiteClient, ReadResult, SearchPage
from adapters.netsuite.endpoints import PACKAGED_VERSION, PACKAGED_WSDL
from adapters.netsuite.errors import (
    NetSuiteError,
    NetSuiteFaultError,
    NetSuiteOutcomeUnknownError,
    NetSuiteRecordError,
    NetSuiteResponseError,
    NetSuiteUnavailableError,
    StatusDetail,
    StatusDetailType,
)
from adapters.netsuite.faults import FaultType
from adapters.netsuite.fulfillment_sink import (
    NetSuiteItemFulfillmentSink,
    NetSuiteItemFulfillmentSinkSettings,
)
from adapters.netsuite.inventory_sink import NetSuiteInventorySink, NetSuiteInventorySinkSettings
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.operations import Operation
from adapters.netsuite.passport import TokenPassport
from adapters.netsuite.records import RecordReference, RecordType
from adapters.netsuite.return_status_sink import (
    NetSuiteReturnAuthorizationStatusSink,
    NetSuiteReturnAuthorizationStatusSinkSettings,
)
from adapters.netsuite.returns_source import (
    NetSuiteReturnAuthorizationSource,
    NetSuiteReturnAuthorizationSourceSettings,
)
from adapters.netsuite.settings import NetSuiteSettings
from adapters.netsuite.sink_base import NetSuiteSink, NetSuiteSinkSettings
from adapters.netsuite.source import (
    NetSuiteSalesOrderSource,
    NetSuiteSalesOrderSourceSettings,
    NetSuiteSourceError,
)
from adapters.netsuite.status_sink import (
    NetSuiteSalesOrderStatusSink,
    NetSuiteSalesOrderStatusSinkSettings,
)
from adapters.netsuite.targets import (
    FulfillmentLine,
    FulfillmentPackage,
    InventoryDocument,
    ItemFulfillmentDocument,
    ReturnAuthorizationStatusDocument,
    SalesOrderStatusDocument,
    ShipStatus,
    VendorBillDocument,
    VendorBillLine,
)
from adapters.netsuite.transport import WsdlError

__all__ = [
    "PACKAGED_VERSION",
    "PACKAGED_WSDL",
    "FaultType",
    "FulfillmentLine",
    "FulfillmentPackage",
    "InventoryDocument",
    "ItemFulfillmentDocument",
    "Namespace",
    "NetSuiteClient",
    "NetSuiteError",
    "NetSuiteFaultError",
    "NetSuiteInventorySink",
    "NetSuiteInventorySinkSettings",
    "NetSuiteItemFulfillmentSink",
    "NetSuiteItemFulfillmentSinkSettings",
    "NetSuiteOutcomeUnknownError",
    "NetSuiteRecordError",
    "NetSuiteResponseError",
    "NetSuiteReturnAuthorizationSource",
    "NetSuiteReturnAuthorizationSourceSettings",
    "NetSuiteReturnAuthorizationStatusSink",
    "NetSuiteReturnAuthorizationStatusSinkSettings",
    "NetSuiteSalesOrderSource",
    "NetSuiteSalesOrderSourceSettings",
    "NetSuiteSalesOrderStatusSink",
    "NetSuiteSalesOrderStatusSinkSettings",
    "NetSuiteSettings",
    "NetSuiteSink",
    "NetSuiteSinkSettings",
    "NetSuiteSourceError",
    "NetSuiteUnavailableError",
    "NetSuiteVendorBillSink",
    "NetSuiteVendorBillSinkSettings",
    "Operation",
    "ReadResult",
    "RecordReference",
    "RecordType",
    "ReturnAuthorizationStatusDocument",
    "SalesOrderStatusDocument",
    "SearchPage",
    "ShipStatus",
    "StatusDetail",
    "StatusDetailType",
    "TokenPassport",
    "VendorBillDocument",
    "VendorBillLine",
    "WsdlError",
]
