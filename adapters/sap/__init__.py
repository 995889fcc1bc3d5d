"""SAP S/4HANA over OData v2, and SAP IDoc XML files.

- :class:`ODataClient`: one OData service, with the CSRF token flow, Basic auth or OAuth
  client credentials (:class:`SapConnectionSettings`), paging, retries, and SAP's errors as
  :class:`SapError` with SAP's code and text.
- :func:`read_changes` and :class:`ChangeCursor`: what changed since last time, by change time,
  each change exactly once (ties, late commits and millisecond JSON times handled).
- :class:`SapSalesOrderSource` (kind ``sap-sales-orders``): sales orders with their items as
  records, incrementally by change time.
- :class:`SapService`: the three services the connector uses, with our trimmed ``$metadata``.
- :mod:`adapters.sap.idoc`: reading and checking IDoc XML (imported on its own).
- :mod:`adapters.sap.simulator`: an OData v2 stand-in for tests and demos (imported on its own).

``docs/sap.md`` describes all of it.
"""

from adapters.sap.auth import ClientCredentialsAuth
from adapters.sap.changes import ChangeCursor, ChangeCursorError, ChangeScan, ScanRequest
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
from adapters.sap.incremental import DEFAULT_OVERLAP, Change, read_changes
from adapters.sap.odata import ODataClient, ODataPage, ODataResult, UpdateMethod
from adapters.sap.services import ODATA_ROOT, SapService
from adapters.sap.settings import SapBasicAuth, SapClientCredentials, SapConnectionSettings
from adapters.sap.source import SapSalesOrderSource, SapSalesOrderSourceSettings
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
    "SapError",
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
    "UpdateMethod",
    "XmlError",
    "decode_entity",
    "parse_xml",
    "read_changes",
    "read_metadata",
]
