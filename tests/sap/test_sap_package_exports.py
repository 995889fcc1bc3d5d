"""The public names of the SAP packages are exactly the intended ones.

Checked in a fresh interpreter outside the repository, as an installed user sees the packages.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXPECTED = {
    "adapters.sap": [
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
    ],
    "adapters.sap.idoc": [
        "IdocBasicType",
        "IdocDocument",
        "IdocError",
        "IdocProblem",
        "IdocStructure",
        "IdocStructureError",
        "SegmentDefinition",
        "check_idoc_xml",
        "load_structure",
        "read_idoc_file",
        "read_idocs",
        "read_orders05",
    ],
    "adapters.sap.simulator": [
        "DEFAULT_CLIENT_ID",
        "DEFAULT_CLIENT_SECRET",
        "DEFAULT_PASSWORD",
        "DEFAULT_USER",
        "Fault",
        "FaultKind",
        "RequestRecord",
        "SapSimulator",
        "SapSimulatorConfig",
        "SapSimulatorServer",
        "SimulatorClock",
        "create_app",
        "serve",
    ],
}

PROBE = """
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    found[name] = {
        "all": sorted(module.__all__),
        "missing": [n for n in module.__all__ if not hasattr(module, n)],
        "pytest_imported": "pytest" in sys.modules,
    }
print(json.dumps(found))
"""


def test_sap_exports_exactly_the_intended_names(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *EXPECTED],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )

    found = json.loads(result.stdout)
    for name, names in EXPECTED.items():
        assert found[name]["all"] == sorted(names), name
        assert found[name]["missing"] == [], name
        assert found[name]["pytest_imported"] is False, f"importing {name} imported pytest"
