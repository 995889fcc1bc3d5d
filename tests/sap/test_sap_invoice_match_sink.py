"""The invoice match sink against the SAP simulator: each AHEAD invoice is reported once, as
matched, billed with another amount, or not billed, with the sales order's billing documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sap_files_support import context, open_store
from sap_support import BASIC, order_payload

from adapters.base import Record, SinkRejectedError
from adapters.sap import SapInvoiceMatchSettings, SapInvoiceMatchSink
from adapters.sap.simulator import SapSimulatorServer
from connector.store import CheckpointStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CheckpointStore]:
    with open_store(tmp_path) as opened:
        yield opened


@pytest.fixture
def sink(
    server: SapSimulatorServer, tmp_path: Path, store: CheckpointStore
) -> Iterator[SapInvoiceMatchSink]:
    settings = SapInvoiceMatchSettings.model_validate(
        {
            "connection": {
                "base_url": server.base_url,
                "auth": {"kind": "basic", "user": BASIC[0], "password": SecretStr(BASIC[1])},
            }
        }
    )
    made = SapInvoiceMatchSink(settings, context(tmp_path, store, "sap-matches"))
    yield made
    made.close()


def _invoice(number: int, sales_order: str, total: str) -> tuple[Record, dict[str, Any]]:
    document = {"invoice": str(number), "sales_order": sales_order, "total": total}
    return Record.of(f"invoice:{number}", {"invoice": {"id": number}}), document


def _report(tmp_path: Path, name: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((tmp_path / "reports" / name).read_text())
    return report


def test_an_invoice_whose_total_sap_billed_is_reported_matched_once(
    server: SapSimulatorServer, sink: SapInvoiceMatchSink, tmp_path: Path
) -> None:
    # Two items of 1 and 2 pieces at the simulator's default price of 10.00.
    order = server.simulator.create_sales_order(order_payload(items=2))
    billing = server.simulator.create_billing_document(order["SalesOrder"])
    record, document = _invoice(11, str(order["SalesOrder"]), "30.00")

    name = sink.write(record, document)

    report = _report(tmp_path, name)
    assert name == "invoice-invoice_11.json"
    assert report["verdict"] == "matched"
    assert [entry["billing_document"] for entry in report["billing_documents"]] == [
        billing["BillingDocument"]
    ]
    assert sink.lookup(record) == name


def test_an_invoice_billed_with_another_total_is_reported_as_differing(
    server: SapSimulatorServer, sink: SapInvoiceMatchSink, tmp_path: Path
) -> None:
    order = server.simulator.create_sales_order(order_payload(items=1))
    server.simulator.create_billing_document(order["SalesOrder"])
    record, document = _invoice(12, str(order["SalesOrder"]), "99.99")

    report = _report(tmp_path, sink.write(record, document))

    assert report["verdict"] == "amount-differs"
    assert report["billing_documents"][0]["net_amount"] == "10.000"


def test_an_invoice_sap_has_not_billed_is_reported_not_billed(
    server: SapSimulatorServer, sink: SapInvoiceMatchSink, tmp_path: Path
) -> None:
    order = server.simulator.create_sales_order(order_payload(items=1))
    record, document = _invoice(13, str(order["SalesOrder"]), "10.00")

    report = _report(tmp_path, sink.write(record, document))

    assert report["verdict"] == "not-billed"
    assert report["billing_documents"] == []


def test_a_document_without_a_sales_order_is_rejected_and_nothing_is_written(
    sink: SapInvoiceMatchSink, tmp_path: Path
) -> None:
    record, document = _invoice(14, "", "10.00")

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(record, document)

    assert "sales_order" in rejected.value.detail
    assert sink.lookup(record) is None
    assert list((tmp_path / "reports").iterdir()) == []
