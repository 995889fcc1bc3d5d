"""Returns and inventory end to end, with the engine and a SQLite store against the NetSuite
simulator and the AHEAD sandbox on loopback: a return authorization becomes one AHEAD RMA per
returned serial, once, even when AHEAD's answers are lost; the RMAs' number and status come
back to the return authorization's lines and follow the RMA; AHEAD's inventory figures reach
the NetSuite items and follow AHEAD."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import LOOKUPS, netsuite_targets, sink_settings
from netsuite_support import settings_for

from adapters.ahead import (
    AheadInventorySource,
    AheadInventorySourceSettings,
    AheadRmaSink,
    AheadRmaSinkSettings,
    AheadRmaStatusSource,
    AheadRmaStatusSourceSettings,
)
from adapters.base import AdapterContext, Sink, Source
from adapters.netsuite import (
    NetSuiteInventorySink,
    NetSuiteInventorySinkSettings,
    NetSuiteReturnAuthorizationSource,
    NetSuiteReturnAuthorizationSourceSettings,
    NetSuiteReturnAuthorizationStatusSink,
    NetSuiteReturnAuthorizationStatusSinkSettings,
    RecordType,
)
from adapters.netsuite.simulator import DEFAULT_ACCOUNT, SimulatorServer
from connector.api import AheadClient, HmacAuth, RetryPolicy
from connector.engine import Engine, Flow, FlowPolicy
from connector.engine.report import RunReport
from connector.mapping import DeclarativeMapping, MappingLibrary
from connector.sandbox import FaultRule, LifecycleConfig, SandboxConfig, SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN
from connector.sandbox.store import Table
from connector.store import ChangePolicy, CheckpointStore

SERIALS_BY_LINE = ("E2E-SN-1, E2E-SN-2", "E2E-SN-3")
POLICY = FlowPolicy(change_policy=ChangePolicy.UPDATE, retry_delay=0.01, max_retry_delay=0.01)


@dataclass
class Returns:
    ahead: SandboxServer
    netsuite: SimulatorServer
    client: AheadClient
    store: CheckpointStore
    folder: Path

    def context(self, name: str) -> AdapterContext:
        return AdapterContext(name, self.folder, services={"ahead": self.client})

    def run(self, name: str, source: Source, mapping: str, sink: Sink) -> RunReport:
        library = MappingLibrary.for_deployment(None, targets=netsuite_targets())
        flow = Flow(name, source, sink, DeclarativeMapping(library.load(mapping), LOOKUPS), POLICY)
        try:
            return Engine(self.store).run(flow)
        finally:
            source.close()
            sink.close()

    def rmas_flow(self) -> RunReport:
        source = NetSuiteReturnAuthorizationSource(
            NetSuiteReturnAuthorizationSourceSettings(**sink_settings(self.netsuite)),
            self.context("rmas"),
        )
        sink = AheadRmaSink(
            AheadRmaSinkSettings(key_prefix=f"{DEFAULT_ACCOUNT}:"), self.context("rmas")
        )
        return self.run("rmas", source, "netsuite/return-authorization-to-rma", sink)

    def rma_status_flow(self) -> RunReport:
        source = AheadRmaStatusSource(
            AheadRmaStatusSourceSettings(reference_prefix="returnAuthorization:"),
            self.context("rma-status"),
        )
        sink = NetSuiteReturnAuthorizationStatusSink(
            NetSuiteReturnAuthorizationStatusSinkSettings(**sink_settings(self.netsuite)),
            self.context("rma-status"),
        )
        return self.run("rma-status", source, "netsuite/rma-to-return-authorization-status", sink)

    def inventory_flow(self) -> RunReport:
        source = AheadInventorySource(
            AheadInventorySourceSettings(location_ids=[1]), self.context("inventory")
        )
        sink = NetSuiteInventorySink(
            NetSuiteInventorySinkSettings(**sink_settings(self.netsuite)),
            self.context("inventory"),
        )
        return self.run("inventory", source, "netsuite/inventory-to-item-figures", sink)

    def rmas(self) -> list[dict[str, Any]]:
        found = self.ahead.sandbox.store.all(Table.RMAS)
        return [rma for rma in found if str(rma["manufacturer_serial"]).startswith("E2E-SN-")]

    def line_fields(self, return_id: str) -> dict[int, dict[str, str]]:
        found = self.netsuite.simulator.record(RecordType.RETURN_AUTHORIZATION, return_id)
        return {
            int(line["line"]): {
                field["@scriptId"]: field["value"]
                for field in line.get("customFieldList", {}).get("customField", [])
            }
            for line in found["itemList"]["item"]
        }


@pytest.fixture
def systems(tmp_path: Path) -> Iterator[Returns]:
    config = SandboxConfig(
        random_seed=7, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )
    retry = RetryPolicy(sleep=lambda _seconds: None)
    with (
        SandboxServer(config) as ahead,
        SimulatorServer() as netsuite,
        AheadClient(
            ahead.base_url, auth=HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET), retry=retry
        ) as client,
        CheckpointStore.open(f"sqlite:///{tmp_path / 'state.db'}") as store,
    ):
        assert settings_for(netsuite).account == DEFAULT_ACCOUNT
        yield Returns(ahead, netsuite, client, store, tmp_path)


def _seed_return(netsuite: SimulatorServer) -> str:
    return netsuite.simulator.seed(
        RecordType.RETURN_AUTHORIZATION,
        {
            "@externalId": "E2E-RA-1",
            "entity": {"@internalId": "201", "name": "Acme Robotics"},
            "memo": "Fails burn-in",
            "orderStatus": "_pendingReceipt",
            "itemList": {
                "item": [
                    {
                        "item": {"@internalId": "501", "name": "ACME-SB2000"},
                        "line": line,
                        "quantity": float(len(serials.split(","))),
                        "serialNumbers": serials,
                    }
                    for line, serials in enumerate(SERIALS_BY_LINE, 1)
                ]
            },
        },
    )


def test_a_return_becomes_one_rma_per_serial_once_and_its_status_comes_back(
    systems: Returns,
) -> None:
    return_id = _seed_return(systems.netsuite)
    systems.ahead.sandbox.faults.set(
        [FaultRule(method="POST", path="/v2/rmas", drop_after_commit_rate=1.0)]
    )
    lost = systems.rmas_flow()
    assert len(systems.rmas()) == 3  # AHEAD made every RMA, but no answer came back
    assert lost.counts.in_doubt == 3
    systems.ahead.sandbox.faults.set([])
    time.sleep(0.05)  # past the retry delay, so the run reconciles the unknown outcomes
    assert systems.rmas_flow().counts.reconciled == 3
    systems.rmas_flow()

    rmas = systems.rmas()
    assert sorted(rma["manufacturer_serial"] for rma in rmas) == [
        "E2E-SN-1",
        "E2E-SN-2",
        "E2E-SN-3",
    ]
    ids = {rma["manufacturer_serial"]: str(rma["id"]) for rma in rmas}

    assert not systems.rma_status_flow().errors
    assert systems.line_fields(return_id) == {
        1: {
            "custcol_ahead_rma_number": f"E2E-SN-1: {ids['E2E-SN-1']}\nE2E-SN-2: {ids['E2E-SN-2']}",
            "custcol_ahead_rma_status": "E2E-SN-1: Not Received\nE2E-SN-2: Not Received",
        },
        2: {
            "custcol_ahead_rma_number": ids["E2E-SN-3"],
            "custcol_ahead_rma_status": "Not Received",
        },
    }

    store = systems.ahead.sandbox.store
    closed = next(rma for rma in rmas if rma["manufacturer_serial"] == "E2E-SN-3")
    store.update(
        Table.RMAS,
        closed["id"],
        {**closed, "status": {"id": 5, "name": "Closed"}, "closed_date": "2026-02-01"},
    )
    systems.rma_status_flow()
    assert systems.line_fields(return_id)[2]["custcol_ahead_rma_status"] == "Closed"
    systems.rmas_flow()
    assert len(systems.rmas()) == 3


def test_inventory_figures_reach_the_netsuite_items_and_follow_ahead(systems: Returns) -> None:
    store = systems.ahead.sandbox.store
    skus = {
        entry["item_id"]: entry["customer_sku"] for entry in store.all(Table.CUSTOMER_CATALOG_ITEMS)
    }
    figures = [row for row in store.all(Table.INVENTORIES) if row["inventory_location_id"] == 1]
    items = {
        row["item_id"]: systems.netsuite.simulator.seed(
            RecordType.INVENTORY_ITEM,
            {"@externalId": skus[row["item_id"]], "itemId": skus[row["item_id"]]},
        )
        for row in figures
    }

    def on_hand() -> dict[int, float]:
        found = {}
        for item_id, internal_id in items.items():
            item = systems.netsuite.simulator.record(RecordType.INVENTORY_ITEM, internal_id)
            fields = item.get("customFieldList", {}).get("customField", [])
            values = {field["@scriptId"]: float(field["value"]) for field in fields}
            found[item_id] = values["custitem_ahead_quantity_on_hand"]
        return found

    assert not systems.inventory_flow().errors
    assert on_hand() == {row["item_id"]: float(row["quantity_on_hand"]) for row in figures}

    changed = figures[0]
    store.update(Table.INVENTORIES, changed["id"], {**changed, "quantity_on_hand": 77})
    systems.inventory_flow()
    assert on_hand()[changed["item_id"]] == 77.0
