"""Helpers of the mapping tests: mapping files written on the fly, records, lookups, targets."""

from __future__ import annotations

import copy
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from connector.mapping import (
    DeclarativeMapping,
    InMemoryLookups,
    Lookups,
    MappingResult,
    ModelTarget,
    TargetRegistry,
    ValidatorTarget,
    load_mapping,
    x12_document_issues,
)

#: Reference data for tests of mapping logic that need no server.
LOOKUPS = InMemoryLookups.of(
    countries={"US": "United States of America", "CA": "Canada", "DE": "Germany"},
    ship_methods=[
        (12, "FedEx Ground", "FedEx"),
        (13, "FedEx 2Day", "FedEx"),
        (30, "UPS Ground", "UPS"),
        (40, "DHL Express Worldwide", "DHL"),
    ],
    products={"ACME-SB2000": "StockBox 2000", "ACME-PC-C13": "Power Cord C13"},
)

_PURCHASE_ORDER: dict[str, Any] = {
    "envelope": {
        "partner": "acme",
        "customer_order": "ACME-PO12345",
        "transaction_set": {"id": "850", "control_number": "0001"},
    },
    "BEG": {"BEG01": "00", "BEG02": "SA", "BEG03": "PO12345", "BEG05": "20250115"},
    "REF": [{"REF01": "DP", "REF02": "042"}],
    "TD5": [{"TD504": "M", "TD505": "UPS GROUND"}],
    "N1_loop": [
        {"N1": {"N101": "BT", "N102": "ACME HQ"}},
        {
            "N1": {"N101": "ST", "N102": "STORE 118"},
            "N3": [{"N301": "4501 CASCADE AVE", "N302": "DOCK 4"}],
            "N4": {"N401": "BOULDER", "N402": "CO", "N403": "80301", "N404": "US"},
        },
    ],
    "PO1_loop": [
        {
            "PO1": {
                "PO101": "1",
                "PO102": "12",
                "PO103": "EA",
                "PO104": "4999.00",
                "PO106": "UP",
                "PO107": "614141007349",
                "PO108": "BP",
                "PO109": "ACME-SB2000",
            }
        },
        {"PO1": {"PO101": "2", "PO102": "3", "PO103": "EA", "PO106": "VP", "PO107": "ACME-PC-C13"}},
    ],
    "CTT_loop": [{"CTT": {"CTT01": "2", "CTT02": "15"}}],
}


def purchase_order(**changes: Any) -> dict[str, Any]:
    """An 850 in the tree of docs/x12.md, for the sandbox's catalog; ``changes`` replace
    top-level keys (``None`` removes one)."""
    record = copy.deepcopy(_PURCHASE_ORDER)
    for key, value in changes.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def write_mapping(folder: Path, name: str, text: str) -> Path:
    """Write mapping ``name`` (``x12/850-to-order``) under ``folder``; ``text`` is dedented."""
    file = folder / f"{name}.yaml"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return file


def line_of(file: Path, text: str) -> int:
    """The 1-based line of ``file`` holding ``text`` (exactly once)."""
    lines = [n for n, line in enumerate(file.read_text().splitlines(), 1) if text in line]
    assert len(lines) == 1, f"{text!r} is on lines {lines} of {file}"
    return lines[0]


def mapping_from(
    folder: Path,
    text: str,
    *,
    lookups: Lookups = LOOKUPS,
    targets: TargetRegistry | None = None,
    name: str = "test",
) -> DeclarativeMapping:
    """A mapping written to ``folder`` and loaded, with ``lookups``."""
    file = write_mapping(folder, name, text)
    definition = load_mapping(file, targets=targets or targets_with_shipment())
    return DeclarativeMapping(definition, lookups)


def apply(folder: Path, text: str, payload: dict[str, Any], **options: Any) -> MappingResult:
    """Map ``payload`` with the mapping ``text``."""
    return mapping_from(folder, text, **options).apply(payload)


class Serial(BaseModel):
    """A serial number of a unit in a package."""

    model_config = ConfigDict(extra="forbid")

    serial: str = Field(min_length=1)
    mac: str | None = None


class Package(BaseModel):
    """A package of a shipment, its tracking number and the serials in it."""

    model_config = ConfigDict(extra="forbid")

    tracking_number: str = Field(min_length=1)
    weight: float | None = None
    serials: list[Serial] = Field(default_factory=list)


class ShipmentNotice(BaseModel):
    """A shipment with packages: the target of the repeating-group tests."""

    model_config = ConfigDict(extra="forbid")

    shipment_id: str
    shipped_on: str
    packages: list[Package] = Field(min_length=1)


def targets_with_shipment() -> TargetRegistry:
    """The standard targets plus ``test.shipment``; ``x12.856`` and ``x12.810`` are the
    engine's generic shape check, whatever X12 validator is installed."""
    registry = TargetRegistry.standard()
    registry.register(ModelTarget("test.shipment", ShipmentNotice))
    for name in ("x12.856", "x12.810"):
        registry.register(ValidatorTarget(name, x12_document_issues))
    return registry


class CountingTransport(httpx.BaseTransport):
    """A real HTTP transport that counts the requests it sends, by path."""

    def __init__(self) -> None:
        self._transport = httpx.HTTPTransport()
        self.paths: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths[request.url.path] += 1
        return self._transport.handle_request(request)

    def close(self) -> None:
        self._transport.close()
