"""Packages whose public names are imported from their modules on first use (connector.lazy)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

LAZY_PACKAGES = [
    "connector.api",
    "connector.config",
    "connector.sandbox",
    "connector.store",
    "connector.triggers",
]

#: Imports a package, then one of its names, and writes down whether the name's module was
#: imported before and after, and whether the package keeps the value.
_PROBE = """
import importlib, json, sys
package, name, module = sys.argv[1:]
loaded = importlib.import_module(package)
before = module in sys.modules
value = getattr(loaded, name)
print(json.dumps({
    "before": before,
    "after": module in sys.modules,
    "kept": vars(loaded).get(name) is value,
    "same": getattr(sys.modules[module], name) is value,
}))
"""


@pytest.mark.parametrize(
    ("package", "name", "module"),
    [
        ("connector.store", "CheckpointStore", "connector.store.store"),
        ("connector.config", "load_deployment", "connector.config.loader"),
        ("connector.sandbox", "SandboxServer", "connector.sandbox.server"),
        ("connector.triggers", "TriggerService", "connector.triggers.service"),
    ],
)
def test_a_name_is_imported_from_its_module_on_first_use_and_kept(
    package: str, name: str, module: str
) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", _PROBE, package, name, module],
        capture_output=True,
        text=True,
        check=True,
    )
    assert finished.stdout.strip() == (
        '{"before": false, "after": true, "kept": true, "same": true}'
    )


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_an_unknown_name_is_an_attribute_error_naming_the_package(package: str) -> None:
    loaded = importlib.import_module(package)
    with pytest.raises(AttributeError, match=rf"^module '{package}' has no attribute 'Missing'$"):
        _ = loaded.Missing


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_dir_lists_every_exported_name(package: str) -> None:
    loaded = importlib.import_module(package)
    assert set(loaded.__all__) <= set(dir(loaded))
