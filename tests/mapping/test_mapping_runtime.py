"""Flows that name a mapping: the runtime finds it (the deployment's own first, then the stock
ones), maps each record with lookups over the flow's AHEAD client, and reports problems."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from mapping_support import line_of, purchase_order, write_mapping

from connector.config import ConfigError
from connector.runtime import Runtime
from connector.sandbox import SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN

ENVIRON = {"AHEAD_HMAC_TOKEN": DEFAULT_HMAC_TOKEN, "AHEAD_HMAC_SECRET": DEFAULT_HMAC_SECRET}


def _deploy(directory: Path, base_url: str, mapping: str = "x12/850-to-order") -> Path:
    config = {
        "ahead": {
            "base_url": base_url,
            "auth": {"hmac": {"token": "${AHEAD_HMAC_TOKEN}", "secret": "${AHEAD_HMAC_SECRET}"}},
            "retry": {"max_attempts": 1},
        },
        "adapters": {
            "partner-inbox": {
                "kind": "jsonfiles",
                "role": "source",
                "settings": {"inbox": "inbox", "key_field": "envelope.customer_order"},
            },
            "ahead-orders": {"kind": "ahead-orders", "role": "sink"},
        },
        "flows": {
            "orders": {"source": "partner-inbox", "sink": "ahead-orders", "mapping": mapping}
        },
    }
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "connector.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return directory


def _drop(directory: Path, name: str, record: dict[str, Any]) -> None:
    inbox = directory / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / name).write_text(json.dumps(record))


def _order(customer_order: str, **changes: Any) -> dict[str, Any]:
    record = purchase_order(**changes)
    record["envelope"]["customer_order"] = customer_order
    record["BEG"]["BEG03"] = customer_order.removeprefix("ACME-")
    return record


def _submitted(server: SandboxServer) -> dict[str, dict[str, Any]]:
    rows = server.sandbox.store.all("customer_order_submissions")
    return {row["customer_order"]: row for row in rows if row["customer_order"].startswith("ACME-")}


def test_a_flow_maps_850_records_with_the_stock_mapping(
    tmp_path: Path, server: SandboxServer
) -> None:
    deployment = _deploy(tmp_path / "acme", server.base_url)
    _drop(deployment, "po-1.json", _order("ACME-PO1"))
    _drop(deployment, "po-2.json", _order("ACME-PO2", TD5=None))

    with Runtime.open(deployment, environ=ENVIRON) as runtime:
        report = runtime.run_flow("orders")

    assert report.counts.submitted == 2
    orders = _submitted(server)
    assert sorted(orders) == ["ACME-PO1", "ACME-PO2"]
    assert orders["ACME-PO1"]["ship_method_id"] == 30
    assert orders["ACME-PO2"]["ship_method_id"] == 12
    assert orders["ACME-PO1"]["recipient"]["name"] == "STORE 118"
    assert [line["product_code"] for line in orders["ACME-PO1"]["lines"]] == [
        "StockBox 2000",
        "Power Cord C13",
    ]


def test_a_deployment_mapping_extends_the_stock_one(tmp_path: Path, server: SandboxServer) -> None:
    deployment = _deploy(tmp_path / "acme", server.base_url)
    write_mapping(
        deployment / "mappings",
        "x12/850-to-order",
        "extends: x12/850-to-order\nparams:\n  default_ship_method: UPS 2nd Day Air\n",
    )
    _drop(deployment, "po-1.json", _order("ACME-PO1", TD5=None))

    with Runtime.open(deployment, environ=ENVIRON) as runtime:
        report = runtime.run_flow("orders")

    assert report.counts.submitted == 1
    assert _submitted(server)["ACME-PO1"]["ship_method_id"] == 31


def test_a_record_that_cannot_be_mapped_fails_with_the_located_errors(
    tmp_path: Path, server: SandboxServer
) -> None:
    deployment = _deploy(tmp_path / "acme", server.base_url)
    bad = _order("ACME-PO1")
    bad["PO1_loop"][0]["PO1"]["PO102"] = "-1"
    bad["N1_loop"][1]["N4"]["N404"] = "Narnia"
    _drop(deployment, "po-1.json", bad)

    with Runtime.open(deployment, environ=ENVIRON) as runtime:
        report = runtime.run_flow("orders")

    assert report.counts.failed == 1
    [(key, message)] = report.errors
    assert key == "ACME-PO1"
    assert "2 mapping errors in x12/850-to-order:" in message
    assert "850-to-order.yaml:" in message
    assert "recipient.country: unknown country 'Narnia'" in message
    assert "lines[0].quantity: input should be greater than 0" in message
    assert "source PO1_loop[0].PO1.PO102" in message
    assert _submitted(server) == {}


def test_reference_data_is_loaded_again_for_each_run(tmp_path: Path, server: SandboxServer) -> None:
    deployment = _deploy(tmp_path / "acme", server.base_url)
    new_sku = _order("ACME-PO1")
    new_sku["PO1_loop"][0]["PO1"]["PO109"] = "ACME-NEW-RAILS"
    _drop(deployment, "po-1.json", new_sku)

    with Runtime.open(deployment, environ=ENVIRON) as runtime:
        first = runtime.run_flow("orders")
        server.sandbox.store.insert(
            "customer_catalog_items",
            {"customer_sku": "ACME-NEW-RAILS", "price": 89, "item_id": 200102},
        )
        again = _order("ACME-PO2")
        again["PO1_loop"][0]["PO1"]["PO109"] = "ACME-NEW-RAILS"
        _drop(deployment, "po-2.json", again)
        second = runtime.run_flow("orders")

    assert first.counts.failed == 1
    assert "unknown customer SKU 'ACME-NEW-RAILS'" in first.errors[0][1]
    assert second.counts.submitted == 1
    assert _submitted(server)["ACME-PO2"]["lines"][0]["product_code"] == "Rails Kit 2U"


def test_an_unknown_mapping_is_a_problem_of_the_flow(tmp_path: Path) -> None:
    deployment = _deploy(tmp_path / "acme", "http://127.0.0.1:9", mapping="x12/850-to-ordr")

    with pytest.raises(ConfigError) as error:
        Runtime.open(deployment, environ=ENVIRON)

    [problem] = error.value.problems
    assert problem.path == "flows.orders.mapping"
    assert problem.line == line_of(problem.file, "mapping: x12/850-to-ordr")
    assert "unknown mapping 'x12/850-to-ordr'" in problem.message
    assert "known mappings: " in problem.message
    assert "x12/850-to-order" in problem.message.split("known mappings: ")[1]
    assert "'passthrough'" in problem.message


def test_a_mapping_with_problems_stops_the_runtime_with_their_lines(tmp_path: Path) -> None:
    deployment = _deploy(tmp_path / "acme", "http://127.0.0.1:9", mapping="acme")
    file = write_mapping(
        deployment / "mappings",
        "acme",
        'extends: x12/850-to-order\nfields:\n  notes: "{{ BEG.BEG03 }"\n',
    )

    with pytest.raises(ConfigError) as error:
        Runtime.open(deployment, environ=ENVIRON)

    [problem] = error.value.problems
    assert (problem.file, problem.line, problem.path) == (file, 3, "fields.notes")
    assert "template error" in problem.message
