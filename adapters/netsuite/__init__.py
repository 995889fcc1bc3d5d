"""NetSuite over SuiteTalk SOAP: our trimmed 2023_2 WSDL, a zeep client and a simulator.

:class:`NetSuiteClient` talks to an account (or to the simulator in
:mod:`adapters.netsuite.simulator`) with token-based authentication; :class:`NetSuiteSettings`
says which account and how. :class:`NetSuiteSalesOrderSource` (``netsuite-sales-orders``) yields
the sales orders a saved search selects, changed since its cursor.
"""

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
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.operations import Operation
from adapters.netsuite.passport import TokenPassport
from adapters.netsuite.records import RecordReference, RecordType
from adapters.netsuite.settings import NetSuiteSettings
from adapters.netsuite.source import (
    NetSuiteSalesOrderSource,
    NetSuiteSalesOrderSourceSettings,
    NetSuiteSourceError,
)
from adapters.netsuite.transport import WsdlError

__all__ = [
    "PACKAGED_VERSION",
    "PACKAGED_WSDL",
    "FaultType",
    "Namespace",
    "NetSuiteClient",
    "NetSuiteError",
    "NetSuiteFaultError",
    "NetSuiteOutcomeUnknownError",
    "NetSuiteRecordError",
    "NetSuiteResponseError",
    "NetSuiteSalesOrderSource",
    "NetSuiteSalesOrderSourceSettings",
    "NetSuiteSettings",
    "NetSuiteSourceError",
    "NetSuiteUnavailableError",
    "Operation",
    "ReadResult",
    "RecordReference",
    "RecordType",
    "SearchPage",
    "StatusDetail",
    "StatusDetailType",
    "TokenPassport",
    "WsdlError",
]
