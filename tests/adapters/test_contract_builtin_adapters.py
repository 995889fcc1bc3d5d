"""The contract suites, run against every built-in adapter on its real system."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from adapter_support import AheadOrderSinkHarness, JsonFileSinkHarness, JsonFileSourceHarness

from adapters.contract import SinkContract, SourceContract
from connector.sandbox import SandboxServer


class TestJsonFileSource(SourceContract):
    @pytest.fixture
    def source_harness(self, tmp_path: Path) -> JsonFileSourceHarness:
        return JsonFileSourceHarness(tmp_path)


class TestJsonFileSink(SinkContract):
    @pytest.fixture
    def sink_harness(self, tmp_path: Path) -> JsonFileSinkHarness:
        return JsonFileSinkHarness(tmp_path)


class TestAheadOrderSink(SinkContract):
    @pytest.fixture
    def sink_harness(
        self, server: SandboxServer, tmp_path: Path
    ) -> Iterator[AheadOrderSinkHarness]:
        harness = AheadOrderSinkHarness(server, tmp_path)
        yield harness
        harness.close()
