"""The public names of the NetSuite packages are exactly the intended ones."""

from __future__ import annotations

import adapters.netsuite
import adapters.netsuite.simulator


def test_the_netsuite_package_exports_exactly_its_public_names() -> None:
    assert set(adapters.netsuite.__all__) == {
        "PACKAGED_VERSION",
        "PACKAGED_WSDL",
        "FaultType",
        "NetSuiteVendorBillSink",
        "NetSuiteVendorBillSinkSettings",
        "NetSuiteItemFulfillmentSink",
        "NetSuiteItemFulfillmentSinkSettings",
        "NetSuiteSink",
        "NetSuiteSinkSettings",
        "NetSuiteSalesOrderStatusSink",
        "NetSuiteSalesOrderStatusSinkSettings",
        "NetSuiteReturnAuthorizationStatusSink",
        "NetSuiteReturnAuthorizationStatusSinkSettings",
        "NetSuiteInventorySink",
        "NetSuiteInventorySinkSettings",
        "ReturnAuthorizationStatusDocument",
        "InventoryDocument",
        "FulfillmentLine",
        "FulfillmentPackage",
        "ItemFulfillmentDocument",
        "SalesOrderStatusDocument",
        "ShipStatus",
        "VendorBillDocument",
        "VendorBillLine",
        "Namespace",
        "NetSuiteClient",
        "NetSuiteError",
        "NetSuiteFaultError",
        "NetSuiteOutcomeUnknownError",
        "NetSuiteRecordError",
        "NetSuiteResponseError",
        "NetSuiteReturnAuthorizationSource",
        "NetSuiteReturnAuthorizationSourceSettings",
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
    }
    for name in adapters.netsuite.__all__:
        assert hasattr(adapters.netsuite, name), name


def test_the_simulator_package_exports_exactly_its_public_names() -> None:
    assert set(adapters.netsuite.simulator.__all__) == {
        "DEFAULT_ACCOUNT",
        "DEFAULT_CONSUMER_KEY",
        "DEFAULT_CONSUMER_SECRET",
        "DEFAULT_SAVED_SEARCH_ID",
        "DEFAULT_SAVED_SEARCH_SCRIPT_ID",
        "DEFAULT_TOKEN_ID",
        "DEFAULT_TOKEN_SECRET",
        "FaultInjection",
        "NetSuiteSimulator",
        "RecordData",
        "RecordDataError",
        "SavedSearch",
        "SimulatorConfig",
        "SimulatorCredentials",
        "SimulatorServer",
        "create_app",
        "seed_sample_orders",
        "serve",
    }
    for name in adapters.netsuite.simulator.__all__:
        assert hasattr(adapters.netsuite.simulator, name), name
