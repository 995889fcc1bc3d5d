"""The source contract, run against the AHEAD sources on a sandbox over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ahead_sources_support import InvoiceSourceHarness, ShippedOrderSourceHarness, own_sandbox

from adapters.contract import SourceContract
from connector.sandbox import SandboxServer


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with own_sandbox() as running:
        yield running


class TestAheadShippedOrderSource(SourceContract):
    @pytest.fixture
    def source_harness(
        self, sandbox: SandboxServer, tmp_path: Path
    ) -> Iterator[ShippedOrderSourceHarness]:
        harness = ShippedOrderSourceHarness(sandbox, tmp_path)
        yield harness
        harness.close()


class TestAheadInvoiceSource(SourceContract):
    @pytest.fixture
    def source_harness(
        self, sandbox: SandboxServer, tmp_path: Path
    ) -> Iterator[InvoiceSourceHarness]:
        harness = InvoiceSourceHarness(sandbox, tmp_path)
        yield harness
        harness.close()
