"""Deep insert of sales orders into the simulator, and its errors, over HTTP."""

from __future__ import annotations

import json

import httpx
import pytest
from sap_support import error_of, fetch_token, order_payload, service_url

from adapters.sap.services import SapService
from adapters.sap.simulator import SapSimulatorServer


@pytest.fixture
def token(http: httpx.Client, server: SapSimulatorServer) -> str:
    return fetch_token(http, service_url(server))


def _post(
    http: httpx.Client, server: SapSimulatorServer, token: str, body: object
) -> httpx.Response:
    return http.post(
        service_url(server) + "/A_SalesOrder", json=body, headers={"x-csrf-token": token}
    )


@pytest.mark.parametrize("form", ["list", "results"])
def test_a_deep_insert_creates_the_order_with_its_items_in_either_form(
    http: httpx.Client, server: SapSimulatorServer, token: str, form: str
) -> None:
    body = order_payload("PO-7", items=2)
    if form == "results":
        body["to_Item"] = {"results": body["to_Item"]}

    answer = _post(http, server, token, body)

    created = answer.json()["d"]
    assert answer.status_code == 201
    assert answer.headers["location"] == service_url(server) + "/A_SalesOrder('1')"
    assert created["SalesOrder"] == "1"
    assert [i["Material"] for i in created["to_Item"]["results"]] == ["TG10", "TG11"]
    stored = server.simulator.sales_orders()
    assert [(o["SalesOrder"], o["PurchaseOrderByCustomer"], len(o["to_Item"])) for o in stored] == [
        ("1", "PO-7", 2)
    ]


def test_a_created_order_is_announced_in_the_sap_message_header(
    http: httpx.Client, server: SapSimulatorServer, token: str
) -> None:
    answer = _post(http, server, token, order_payload())

    message = json.loads(answer.headers["sap-message"])
    assert message["severity"] == "success"
    assert "1" in message["message"]


def test_sap_fills_in_what_it_owns(
    http: httpx.Client, server: SapSimulatorServer, token: str
) -> None:
    created = _post(http, server, token, order_payload(items=2)).json()["d"]

    items = created["to_Item"]["results"]
    assert created["LastChangeDateTime"].startswith("/Date(")
    assert created["OverallTotalDeliveryStatus"] == "A"
    assert [(i["SalesOrderItem"], i["NetAmount"]) for i in items] == [
        ("10", "10.000"),
        ("20", "20.000"),
    ]
    assert created["TotalNetAmount"] == "30.000"


def test_every_problem_of_a_bad_order_is_reported_with_its_field(
    http: httpx.Client, server: SapSimulatorServer, token: str
) -> None:
    body = order_payload("P" * 36)
    del body["SoldToParty"]
    body["to_Item"][0]["RequestedQuantity"] = "0"
    body["to_Item"].append({"Material": "TG99", "RequestedQuantity": "1.2345"})

    answer = _post(http, server, token, body)

    error = error_of(answer)
    details = [(d["target"], d["message"]) for d in error["innererror"]["errordetails"]]
    assert answer.status_code == 400
    assert details == [
        (
            "PurchaseOrderByCustomer",
            f"A_SalesOrder.PurchaseOrderByCustomer: at most 35 characters, not '{'P' * 36}'",
        ),
        ("SoldToParty", "A_SalesOrder.SoldToParty is required"),
        ("RequestedQuantity", "to_Item[0].RequestedQuantity must be more than 0"),
        (
            "RequestedQuantity",
            "to_Item[1].RequestedQuantity: at most 3 decimal places, not '1.2345'",
        ),
    ]
    assert error["message"]["value"].startswith("the sales order was not created: 4 problem(s)")
    assert server.simulator.sales_orders() == []


def test_read_only_and_unknown_fields_are_refused(
    http: httpx.Client, server: SapSimulatorServer, token: str
) -> None:
    body = order_payload(LastChangeDateTime="/Date(0+0000)/", Colour="red")

    answer = _post(http, server, token, body)

    messages = [d["message"] for d in error_of(answer)["innererror"]["errordetails"]]
    assert messages == [
        "A_SalesOrder.LastChangeDateTime is read-only (sap:creatable=false)",
        "A_SalesOrder: A_SalesOrderType has no property Colour",
    ]


def test_an_order_number_that_exists_is_refused(
    http: httpx.Client, server: SapSimulatorServer, token: str
) -> None:
    _post(http, server, token, order_payload(SalesOrder="4711"))

    again = _post(http, server, token, order_payload(SalesOrder="4711"))

    assert again.status_code == 400
    assert "exists already" in error_of(again)["message"]["value"]


def test_a_body_that_is_not_json_is_refused(
    http: httpx.Client, server: SapSimulatorServer, token: str
) -> None:
    answer = http.post(
        service_url(server) + "/A_SalesOrder",
        content=b"<order/>",
        headers={"x-csrf-token": token, "content-type": "application/json"},
    )

    assert answer.status_code == 400
    assert error_of(answer)["code"] == "ZSIM/023"


def test_billing_documents_are_read_only(http: httpx.Client, server: SapSimulatorServer) -> None:
    url = service_url(server, SapService.BILLING_DOCUMENT)
    token = fetch_token(http, url)

    answer = http.post(url + "/A_BillingDocument", json={}, headers={"x-csrf-token": token})

    assert answer.status_code == 405
    assert "read-only" in error_of(answer)["message"]["value"]
