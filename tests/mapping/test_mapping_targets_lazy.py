"""Targets registered through entry points are listed at once and loaded on first use: a
deployment that maps orders only never imports the other adapters' targets."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from connector.config import ConfigError
from connector.mapping import (
    TARGET_ENTRY_POINT_GROUP,
    InvalidTargetError,
    ModelTarget,
    TargetRegistry,
    ValidatorTarget,
    load_mapping,
    x12_document_issues,
)

ROOT = Path(__file__).resolve().parents[2]
# What the adapters' targets would bring in: zeep for NetSuite, the SAP and X12 adapters.
HEAVY_MODULES = ("zeep", "adapters.netsuite", "adapters.sap", "adapters.x12.targets")


def entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=TARGET_ENTRY_POINT_GROUP)


def modules_after(code: str) -> dict[str, bool]:
    """Which of the heavy modules a fresh interpreter has imported after running ``code``."""
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        print(json.dumps({{name: name in sys.modules for name in {HEAVY_MODULES!r}}}))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found: dict[str, bool] = json.loads(completed.stdout.splitlines()[-1])
    return found


def test_the_standard_registry_imports_no_adapter_until_its_target_is_asked_for() -> None:
    listed = modules_after(
        """
        from connector.mapping import TargetRegistry
        registry = TargetRegistry.standard()
        assert "netsuite.vendor_bill" in registry.names(), registry.names()
        registry.get("ahead.order_submission")
        """
    )
    asked = modules_after(
        """
        from connector.mapping import TargetRegistry
        TargetRegistry.standard().get("netsuite.vendor_bill")
        """
    )

    assert listed == dict.fromkeys(HEAVY_MODULES, False)
    assert asked["adapters.netsuite"]


def test_an_entry_point_replaces_a_built_in_target_of_its_name_and_loads_once() -> None:
    registry = TargetRegistry([ValidatorTarget("test.shipment", x12_document_issues)])
    registry.register_entry_point(entry_point("test.shipment", "mapping_support:ShipmentNotice"))

    first = registry.get("test.shipment")

    assert isinstance(first, ModelTarget)
    assert registry.get("test.shipment") is first
    assert registry.names() == ["test.shipment"]


def test_a_target_registered_after_an_entry_point_of_its_name_replaces_it() -> None:
    registry = TargetRegistry()
    registry.register_entry_point(entry_point("test.thing", "no_such_module:thing"))
    replacement = ValidatorTarget("test.thing", x12_document_issues)

    registry.register(replacement)

    assert registry.get("test.thing") is replacement


def test_an_entry_point_that_does_not_load_is_named_when_its_target_is_asked_for() -> None:
    registry = TargetRegistry()
    registry.register_entry_point(entry_point("test.broken", "no_such_module:thing"))

    assert registry.names() == ["test.broken"]
    with pytest.raises(InvalidTargetError) as error:
        registry.get("test.broken")

    message = str(error.value)
    assert "entry point 'test.broken'" in message
    assert TARGET_ENTRY_POINT_GROUP in message
    assert "'no_such_module:thing', which cannot be loaded" in message
    assert "ModuleNotFoundError" in message


def test_a_mapping_whose_target_does_not_load_gets_a_problem_on_its_target_line(
    tmp_path: Path,
) -> None:
    registry = TargetRegistry()
    registry.register_entry_point(entry_point("test.broken", "mapping_support:NO_SUCH_THING"))
    file = tmp_path / "broken.yaml"
    file.write_text('target: test.broken\nfields:\n  a: "{{ b }}"\n', encoding="utf-8")

    with pytest.raises(ConfigError) as error:
        load_mapping(file, targets=registry)

    [problem] = error.value.problems
    assert problem.line == 1
    assert "entry point 'test.broken'" in problem.message
    assert "cannot be loaded: AttributeError" in problem.message
