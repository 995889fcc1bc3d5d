"""The public names of the adapters packages are exactly the intended ones.

Checked in a fresh interpreter outside the repository, as an installed user sees the package:
under pytest, ``tests/adapters`` on the path would stand in for ``adapters`` (see
``adapter_support``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXPECTED = {
    "adapters": [
        "PARTNERS_SERVICE",
        "STORE_SERVICE",
        "Adapter",
        "AdapterContext",
        "AdapterError",
        "AdapterSettings",
        "AdapterSettingsError",
        "InvalidAdapterError",
        "Record",
        "Role",
        "SettingsProblem",
        "Sink",
        "SinkError",
        "SinkOutcomeUnknownError",
        "SinkRejectedError",
        "SinkUnavailableError",
        "Source",
        "UnknownAdapterError",
        "UpdateNotSupportedError",
        "available_adapters",
        "build_adapter",
        "content_hash",
        "known_kinds",
        "load_adapter_class",
    ],
    "adapters.jsonfiles": [
        "JsonFileSink",
        "JsonFileSinkSettings",
        "JsonFileSource",
        "JsonFileSourceSettings",
    ],
    "adapters.filedrop": [
        "REPORT_SUFFIX",
        "RETRY_ADVICE",
        "InboxFile",
        "InboxFolders",
        "RecordOutcome",
        "error_report",
        "inbox_files",
        "is_complete_name",
        "move_into",
        "prepare_folder",
        "sync_folder",
        "write_atomically",
    ],
    "adapters.ahead": [
        "AHEAD_SERVICE",
        "AheadInventorySource",
        "AheadInventorySourceSettings",
        "AheadInvoiceSource",
        "AheadOrderSink",
        "AheadOrderSinkSettings",
        "AheadRmaSink",
        "AheadRmaSinkSettings",
        "AheadRmaStatusSource",
        "AheadRmaStatusSourceSettings",
        "AheadShippedOrderSource",
        "AheadSourceError",
        "AheadSourceSettings",
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


def test_exported_names_are_exactly_the_intended_ones(tmp_path: Path) -> None:
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
