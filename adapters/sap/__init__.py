"""SAP S/4HANA over OData v2, and SAP IDoc XML files.

- :class:`ODataClient`: one OData service, with the CSRF token flow, Basic auth or OAuth
  client credentials (:class:`SapConnectionSettings`), paging, retries, and SAP's errors as
  :class:`SapError` with SAP's code and text.
- :func:`read_changes` and :class:`ChangeCursor`: what changed since last time, by change time,
  each change exactly once (ties, late commits and millisecond JSON times handled).
- :class:`SapSalesOrderSource` (kind ``sap-sales-orders``): sales orders with their items as
  records, incrementally by change time.
- :class:`SapIdocInboxSource` (kind ``sap-idoc-inbox``): ORDERS05 IDoc files in an inbox as
  order records.
- :class:`SapIdocOutboxSink` (kind ``sap-idoc-outbox``): shipments (DESADV) and invoices
  (INVOIC02) as IDoc XML files, rendered from templates and checked before they are written.
- :class:`SapDeliverySink` (kind ``sap-deliveries``): tracking and shipped quantities on the
  sales order's outbound delivery, and the goods issue.
- :class:`SapInvoiceMatchSink` (kind ``sap-invoice-matches``): AHEAD invoices matched with
  SAP's billing documents, one report file each.
- The documents mappings produce for those sinks (:class:`DesadvDocument`,
  :class:`InvoicDocument`, :class:`DeliveryUpdateDocument`, :class:`InvoiceMatchDocument`),
  registered as mapping targets.
- :class:`SapService`: the three services the connector uses, with our trimmed ``$metadata``.
- :mod:`adapters.sap.idoc`: reading and checking IDoc XML (imported on its own).
- :mod:`adapters.sap.simulator`: an OData v2 stand-in for tests and demos (imported on its own).

``docs/sap.md`` describes all of it.
"""

from adapters.sap.auth import ClientCredentialsAuth
from adapters.sap.changes import ChangeCursor, ChangeCursorError, ChangeScan, ScanRequest
from adapters.sap.deliveries import SapDeliverySink, SapDeliverySinkSettings
from adapters.sap.documents import (
    DeliveryLine,
    DeliveryUpdateDocument,
    DesadvDocument,
    DesadvItem,
    DesadvPackage,
    IdocAddress,
    InvoicDocument,
    InvoiceMatchDocument,
    InvoicItem,
)
from adapters.sap.edm import MetadataError, ServiceMetadata, read_metadata
from adapters.sap.errors import (
    MessageSeverity,
    SapAuthError,
    SapCsrfError,
    SapError,
    SapMessage,
    SapMessageError,
    SapNotFoundError,
    SapOutcomeUnknownError,
    SapPreconditionError,
    SapRateLimitedError,
    SapRejectedError,
    SapResponseError,
    SapServerError,
    SapTransportError,
    SapUnexpectedResponseError,
)
from adapters.sap.idoc_inbox import SapIdocInboxSettings, SapIdocInboxSource
from adapters.sap.idoc_outbox import IdocKind, IdocPartner, SapIdocOutboxSettings, SapIdocOutboxSink
from adapters.sap.incremental import DEFAULT_OVERLAP, Change, read_changes
from adapters.sap.invoice_matches import MatchVerdict, SapInvoiceMatchSettings, SapInvoiceMatchSink
from adapters.sap.odata import ODataClient, ODataPage, ODataResult, UpdateMethod
from adapters.sap.services import ODATA_ROOT, SapService
from adapters.sap.settings import SapBasicAuth, SapClientCredentials, SapConnectionSettings
from adapters.sap.source import SapSalesOrderSource, SapSalesOrderSourceSettings
from adapters.sap.templates import IdocTemplates, TemplateError
from adapters.sap.values import decode_entity
from adapters.sap.xmlsafe import XmlError, parse_xml

__all__ = [
    "DEFAULT_OVERLAP",
    "ODATA_ROOT",
    "Change",
    "ChangeCursor",
    "ChangeCursorError",
    "ChangeScan",
    "ClientCredentialsAuth",
    "DeliveryLine",
    "DeliveryUpdateDocument",
    "DesadvDocument",
    "DesadvItem",
    "DesadvPackage",
    "IdocAddress",
    "IdocKind",
    "IdocPartner",
    "IdocTemplates",
    "InvoicDocument",
    "InvoicItem",
    "InvoiceMatchDocument",
    "MatchVerdict",
    "MessageSeverity",
    "MetadataError",
    "ODataClient",
    "ODataPage",
    "ODataResult",
    "SapAuthError",
    "SapBasicAuth",
    "SapClientCredentials",
    "SapConnectionSettings",
    "SapCsrfError",
    "SapDeliverySink",
    "SapDeliverySinkSettings",
    "SapError",
    "SapIdocInboxSettings",
    "SapIdocInboxSource",
    "SapIdocOutboxSettings",
    "SapIdocOutboxSink",
    "SapInvoiceMatchSettings",
    "SapInvoiceMatchSink",
    "SapMessage",
    "SapMessageError",
    "SapNotFoundError",
    "SapOutcomeUnknownError",
    "SapPreconditionError",
    "SapRateLimitedError",
    "SapRejectedError",
    "SapResponseError",
    "SapSalesOrderSource",
    "SapSalesOrderSourceSettings",
    "SapServerError",
    "SapService",
    "SapTransportError",
    "SapUnexpectedResponseError",
    "ScanRequest",
    "ServiceMetadata",
    "TemplateError",
    "UpdateMethod",
    "XmlError",
    "decode_entity",
    "parse_xml",
    "read_changes",
    "read_metadata",
]
