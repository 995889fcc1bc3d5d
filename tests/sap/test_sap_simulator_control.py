"""The simulator's control API, its injected faults, and ``simulate sap`` in a real process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sap_support import BASIC, error_of, fetch_token, order_payload, service_url

from adapters.sap.services import SapService
from adapters.sap.simulator import SapSimulatorServer

REPOSITORY = Path(__file__).resolve().parents[2]


def test_orders_seeded_through_the_control_api_keep_the_fields_sap_owns(
    server: SapSimulatorServer,
) -> None:
    seeded = httpx.post(
        server.base_url + "/simulator/sales-orders",
        json=order_payload(
            SalesOrder="4711",
            LastChangeDateTime="2024-12-31T23:59:59.123Z",
            OverallTotalDeliveryStatus="B",
        ),
    )

    listed = httpx.get(server.base_url + "/simulator/sales-orders").json()
    assert seeded.status_code == 201
    assert seeded.json()["LastChangeDateTime"] == "2024-12-31T23:59:59.123Z"
    assert [(o["SalesOrder"], o["OverallTotalDeliveryStatus"]) for o in listed] == [("4711", "B")]


def test_a_change_in_sap_moves_the_change_time(server: SapSimulatorServer) -> None:
    server.simulator.create_sales_order(order_payload())
    httpx.post(server.base_url + "/simulator/clock", json={"now": "2025-02-01T08:00:00Z"})

    changed = httpx.post(
        server.base_url + "/simulator/sales-orders/1/change", json={"DeliveryBlockReason": "01"}
    )

    assert changed.json()["LastChangeDateTime"] == "2025-02-01T08:00:00Z"
    assert changed.json()["DeliveryBlockReason"] == "01"


def test_deliveries_and_billing_documents_are_made_for_an_order(server: SapSimulatorServer) -> None:
    server.simulator.create_sales_order(order_payload(items=2))

    delivery = httpx.post(
        server.base_url + "/simulator/deliveries",
        json={"sales_order": "1", "quantities": {"20": "1"}},
    )
    invoice = httpx.post(
        server.base_url + "/simulator/billing-documents", json={"sales_order": "1"}
    )
    missing = httpx.post(server.base_url + "/simulator/deliveries", json={"sales_order": "9"})

    items = delivery.json()["to_DeliveryDocumentItem"]
    assert [(i["ReferenceSDDocumentItem"], i["ActualDeliveryQuantity"]) for i in items] == [
        ("20", "1.000")
    ]
    assert invoice.json()["PurchaseOrderByCustomer"] == "PO-1"
    assert [i["BillingQuantity"] for i in invoice.json()["to_Item"]] == ["1.000", "2.000"]
    assert (
        httpx.get(server.base_url + "/simulator/billing-documents").json()[0]["BillingDocument"]
        == invoice.json()["BillingDocument"]
    )
    assert missing.status_code == 404


def test_billing_documents_are_read_by_the_api_with_their_items(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    server.simulator.create_sales_order(order_payload("PO-9", items=2))
    number = server.simulator.create_billing_document("1")["BillingDocument"]

    answer = http.get(
        service_url(server, SapService.BILLING_DOCUMENT) + "/A_BillingDocument",
        params={"$filter": "PurchaseOrderByCustomer eq 'PO-9'", "$expand": "to_Item"},
    )

    document = answer.json()["d"]["results"][0]
    assert document["BillingDocument"] == number
    assert document["TotalNetAmount"] == "30.000"
    assert [i["SalesDocumentItem"] for i in document["to_Item"]["results"]] == ["10", "20"]


def test_an_injected_server_error_answers_without_doing_anything(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    token = fetch_token(http, service_url(server))
    httpx.post(
        server.base_url + "/simulator/faults",
        json={"kind": "server-error", "status": 503, "method": "POST"},
    )

    failed = http.post(
        service_url(server) + "/A_SalesOrder", json=order_payload(), headers={"x-csrf-token": token}
    )
    passed = http.post(
        service_url(server) + "/A_SalesOrder", json=order_payload(), headers={"x-csrf-token": token}
    )

    assert failed.status_code == 503
    assert error_of(failed)["code"] == "ZSIM/503"
    assert passed.status_code == 201
    assert len(server.simulator.sales_orders()) == 1


def test_an_injected_rate_limit_says_when_to_come_back(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    httpx.post(
        server.base_url + "/simulator/faults",
        json=[
            {"kind": "rate-limit", "retry_after": 2, "times": 2, "path_contains": "A_SalesOrder"}
        ],
    )

    answers = [http.get(service_url(server) + "/A_SalesOrder") for _ in range(3)]

    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["retry-after"] == "2"
    assert httpx.get(server.base_url + "/simulator/faults").json() == []


def test_a_dropped_answer_loses_the_answer_but_not_the_order(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    token = fetch_token(http, service_url(server))
    httpx.post(
        server.base_url + "/simulator/faults", json={"kind": "drop-response", "method": "POST"}
    )

    with pytest.raises(httpx.RemoteProtocolError):
        http.post(
            service_url(server) + "/A_SalesOrder",
            json=order_payload(),
            headers={"x-csrf-token": token},
        )

    assert [o["PurchaseOrderByCustomer"] for o in server.simulator.sales_orders()] == ["PO-1"]


def test_a_fault_that_is_not_one_is_refused(server: SapSimulatorServer) -> None:
    answer = httpx.post(server.base_url + "/simulator/faults", json={"kind": "meteor"})

    assert answer.status_code == 400
    assert "not a fault" in error_of(answer)["message"]["value"]


def test_the_request_log_shows_what_the_client_sent(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    token = fetch_token(http, service_url(server))
    http.post(
        service_url(server) + "/A_SalesOrder", json=order_payload(), headers={"x-csrf-token": token}
    )

    log = httpx.get(server.base_url + "/simulator/requests").json()

    assert [(entry["method"], entry["status"], entry["csrf_token"]) for entry in log] == [
        ("GET", 200, "Fetch"),
        ("POST", 201, token),
    ]
    assert log[1]["principal"] == "CONNECTOR"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_simulate_sap_serves_until_interrupted() -> None:
    port = _free_port()
    command = ("simulate", "sap", "--port", str(port), "--page-limit", "1")
    process = subprocess.Popen(
        [sys.executable, "-c", "from connector.cli import main; main()", *command],
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}" + SapService.SALES_ORDER.path + "/"
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(url, auth=BASIC)
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "simulate sap did not start"
                time.sleep(0.1)
        assert answer.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/sap/opu/odata/sap/API_SALES_ORDER_SRV" in output
    assert "CONNECTOR / simulator-password" in output
