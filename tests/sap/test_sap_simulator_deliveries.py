"""Outbound deliveries in the simulator: tracking and quantities by PATCH/MERGE, the goods issue."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sap_support import START, error_of, fetch_token, order_payload, service_url

from adapters.sap.services import SapService
from adapters.sap.simulator import SapSimulatorServer, SimulatorClock


@pytest.fixture
def delivery(server: SapSimulatorServer) -> str:
    server.simulator.create_sales_order(order_payload(items=2))
    return str(server.simulator.create_delivery("1")["DeliveryDocument"])


@pytest.fixture
def url(server: SapSimulatorServer) -> str:
    return service_url(server, SapService.OUTBOUND_DELIVERY)


@pytest.fixture
def token(http: httpx.Client, url: str) -> str:
    return fetch_token(http, url)


def _etag(http: httpx.Client, url: str, path: str) -> str:
    answer = http.get(f"{url}/{path}")
    assert answer.status_code == 200, answer.text
    return answer.headers["etag"]


def test_a_delivery_knows_its_sales_order_items(
    http: httpx.Client, url: str, delivery: str
) -> None:
    answer = http.get(
        f"{url}/A_OutbDeliveryHeader('{delivery}')", params={"$expand": "to_DeliveryDocumentItem"}
    )

    header = answer.json()["d"]
    items = header["to_DeliveryDocumentItem"]["results"]
    assert header["DeliveryVersion"] == "0001"
    assert header["__metadata"]["etag"] == "W/\"'0001'\""
    assert [
        (
            i["DeliveryDocumentItem"],
            i["ReferenceSDDocument"],
            i["ReferenceSDDocumentItem"],
            i["ActualDeliveryQuantity"],
        )
        for i in items
    ] == [("000010", "1", "10", "1.000"), ("000020", "1", "20", "2.000")]


def test_a_patch_with_the_etag_sets_the_tracking_number(
    http: httpx.Client, url: str, token: str, delivery: str, server: SapSimulatorServer
) -> None:
    path = f"A_OutbDeliveryHeader('{delivery}')"
    etag = _etag(http, url, path)

    answer = http.patch(
        f"{url}/{path}",
        json={"BillOfLading": "1Z999AA10123456784", "MeansOfTransport": "UPS"},
        headers={"x-csrf-token": token, "If-Match": etag},
    )

    stored = server.simulator.deliveries()[0]
    assert answer.status_code == 204
    assert (stored["BillOfLading"], stored["MeansOfTransport"]) == ("1Z999AA10123456784", "UPS")
    assert stored["DeliveryVersion"] == "0002"
    assert _etag(http, url, path) != etag


def test_a_merge_tunnelled_through_post_sets_a_shipped_quantity(
    http: httpx.Client, url: str, token: str, delivery: str, server: SapSimulatorServer
) -> None:
    path = f"A_OutbDeliveryItem(DeliveryDocument='{delivery}',DeliveryDocumentItem='000020')"

    answer = http.post(
        f"{url}/{path}",
        json={"ActualDeliveryQuantity": "1.5"},
        headers={
            "x-csrf-token": token,
            "If-Match": _etag(http, url, path),
            "X-HTTP-Method": "MERGE",
        },
    )

    items = server.simulator.deliveries()[0]["to_DeliveryDocumentItem"]
    assert answer.status_code == 204
    assert [i["ActualDeliveryQuantity"] for i in items] == ["1.000", "1.500"]


def test_a_change_without_if_match_is_refused_as_precondition_required(
    http: httpx.Client, url: str, token: str, delivery: str
) -> None:
    answer = http.patch(
        f"{url}/A_OutbDeliveryHeader('{delivery}')",
        json={"BillOfLading": "X"},
        headers={"x-csrf-token": token},
    )

    assert answer.status_code == 428
    assert "If-Match" in error_of(answer)["message"]["value"]


def test_a_change_with_a_stale_etag_is_refused_as_precondition_failed(
    http: httpx.Client, url: str, token: str, delivery: str
) -> None:
    path = f"A_OutbDeliveryHeader('{delivery}')"
    stale = _etag(http, url, path)
    http.patch(
        f"{url}/{path}",
        json={"BillOfLading": "A"},
        headers={"x-csrf-token": token, "If-Match": "*"},
    )

    answer = http.patch(
        f"{url}/{path}",
        json={"BillOfLading": "B"},
        headers={"x-csrf-token": token, "If-Match": stale},
    )

    assert answer.status_code == 412


def test_fields_that_cannot_change_are_refused_naming_them(
    http: httpx.Client, url: str, token: str, delivery: str
) -> None:
    answer = http.patch(
        f"{url}/A_OutbDeliveryHeader('{delivery}')",
        json={"ShipToParty": "X", "BillOfLading": "Y" * 36},
        headers={"x-csrf-token": token, "If-Match": "*"},
    )

    messages = [d["message"] for d in error_of(answer)["innererror"]["errordetails"]]
    assert answer.status_code == 400
    assert messages == [
        f"A_OutbDeliveryHeader('{delivery}').ShipToParty is read-only (sap:updatable=false)",
        f"A_OutbDeliveryHeader('{delivery}').BillOfLading: at most 35 characters, not '{'Y' * 36}'",
    ]


def test_more_than_the_delivery_quantity_is_refused(
    http: httpx.Client, url: str, token: str, delivery: str
) -> None:
    answer = http.patch(
        f"{url}/A_OutbDeliveryItem(DeliveryDocument='{delivery}',DeliveryDocumentItem='000010')",
        json={"ActualDeliveryQuantity": "5"},
        headers={"x-csrf-token": token, "If-Match": "*"},
    )

    assert answer.status_code == 400
    assert "between 0 and the delivery quantity 1.000" in error_of(answer)["message"]["value"]


def test_the_goods_issue_completes_the_delivery_and_the_order(
    http: httpx.Client,
    url: str,
    token: str,
    delivery: str,
    server: SapSimulatorServer,
    clock: SimulatorClock,
) -> None:
    clock.set(START + timedelta(hours=2))
    etag = _etag(http, url, f"A_OutbDeliveryHeader('{delivery}')")

    answer = http.post(
        f"{url}/PostGoodsIssue",
        params={"DeliveryDocument": f"'{delivery}'"},
        headers={"x-csrf-token": token, "If-Match": etag},
    )

    reports = answer.json()["d"]["results"]
    stored = server.simulator.deliveries()[0]
    order = server.simulator.sales_orders()[0]
    assert answer.status_code == 200
    assert [(r["DeliveryDocumentItem"], r["SystemMessageType"]) for r in reports] == [
        ("000010", "S"),
        ("000020", "S"),
    ]
    assert reports[0]["__metadata"]["type"] == "API_OUTBOUND_DELIVERY_SRV.PickingReport"
    assert stored["OverallGoodsMovementStatus"] == "C"
    assert stored["ActualGoodsMovementDate"] == "2025-01-15T00:00:00Z"
    assert order["OverallTotalDeliveryStatus"] == "C"
    assert order["LastChangeDateTime"] == "2025-01-15T12:00:00Z"


def test_a_partly_shipped_order_is_partly_delivered(
    http: httpx.Client, url: str, token: str, delivery: str, server: SapSimulatorServer
) -> None:
    http.patch(
        f"{url}/A_OutbDeliveryItem(DeliveryDocument='{delivery}',DeliveryDocumentItem='000020')",
        json={"ActualDeliveryQuantity": "1"},
        headers={"x-csrf-token": token, "If-Match": "*"},
    )

    http.post(
        f"{url}/PostGoodsIssue",
        params={"DeliveryDocument": f"'{delivery}'"},
        headers={"x-csrf-token": token, "If-Match": "*"},
    )

    order = server.simulator.sales_orders()[0]
    assert [i["DeliveryStatus"] for i in order["to_Item"]] == ["C", "B"]
    assert order["OverallTotalDeliveryStatus"] == "B"


def test_a_posted_delivery_can_neither_be_posted_again_nor_changed(
    http: httpx.Client, url: str, token: str, delivery: str
) -> None:
    headers = {"x-csrf-token": token, "If-Match": "*"}
    params = {"DeliveryDocument": f"'{delivery}'"}
    http.post(f"{url}/PostGoodsIssue", params=params, headers=headers)

    again = http.post(f"{url}/PostGoodsIssue", params=params, headers=headers)
    change = http.patch(
        f"{url}/A_OutbDeliveryHeader('{delivery}')", json={"BillOfLading": "X"}, headers=headers
    )

    assert again.status_code == 400
    assert "posted already" in error_of(again)["message"]["value"]
    assert change.status_code == 400
    assert "goods issue is posted" in error_of(change)["message"]["value"]


def test_the_goods_issue_needs_its_parameter_and_an_etag(
    http: httpx.Client, url: str, token: str, delivery: str
) -> None:
    missing = http.post(f"{url}/PostGoodsIssue", headers={"x-csrf-token": token, "If-Match": "*"})
    unquoted = http.post(
        f"{url}/PostGoodsIssue",
        params={"DeliveryDocument": delivery},
        headers={"x-csrf-token": token, "If-Match": "*"},
    )
    no_etag = http.post(
        f"{url}/PostGoodsIssue",
        params={"DeliveryDocument": f"'{delivery}'"},
        headers={"x-csrf-token": token},
    )
    by_get = http.get(f"{url}/PostGoodsIssue", params={"DeliveryDocument": f"'{delivery}'"})

    assert (missing.status_code, unquoted.status_code, no_etag.status_code) == (400, 400, 428)
    assert by_get.status_code == 405
