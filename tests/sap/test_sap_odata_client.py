"""The OData client against the simulator over loopback: reads, paging, changes, the CSRF flow."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sap_support import BASIC, order_payload

from adapters.sap.errors import (
    SapCsrfError,
    SapNotFoundError,
    SapPreconditionError,
    SapRejectedError,
    SapUnexpectedResponseError,
)
from adapters.sap.odata import ODataClient, UpdateMethod
from adapters.sap.services import SapService
from adapters.sap.simulator import Fault, FaultKind, SapSimulatorConfig, SapSimulatorServer
from adapters.sap.values import decode_entity


def _client(
    server: SapSimulatorServer, service: SapService = SapService.SALES_ORDER, **options: int
) -> ODataClient:
    return ODataClient(server.service_url(service), auth=httpx.BasicAuth(*BASIC), **options)


@pytest.fixture
def orders(server: SapSimulatorServer) -> Iterator[ODataClient]:
    with _client(server) as client:
        yield client


def _fetches(server: SapSimulatorServer) -> int:
    return sum(1 for r in server.simulator.requests() if (r.csrf_token or "").lower() == "fetch")


def test_a_create_fetches_a_csrf_token_once_and_reuses_it(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    first = orders.create("A_SalesOrder", order_payload("PO-1"))
    second = orders.create("A_SalesOrder", order_payload("PO-2"))

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.location
    assert first.location.endswith("/A_SalesOrder('1')")
    assert first.data["to_Item"]["results"][0]["Material"] == "TG10"
    assert first.messages[0].text == "Standard Order 1 has been saved"
    assert _fetches(server) == 1


def test_an_expired_csrf_token_is_fetched_again_once_and_the_change_goes_through(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    orders.create("A_SalesOrder", order_payload("PO-1"))
    server.simulator.faults.add([Fault(kind=FaultKind.CSRF_EXPIRY)])

    result = orders.create("A_SalesOrder", order_payload("PO-2"))

    assert result.status_code == 201
    assert _fetches(server) == 2
    assert [o["PurchaseOrderByCustomer"] for o in server.simulator.sales_orders()] == [
        "PO-1",
        "PO-2",
    ]


def test_a_token_refused_again_after_a_fresh_fetch_is_an_error(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    server.simulator.faults.add([Fault(kind=FaultKind.CSRF_EXPIRY, times=2)])

    with pytest.raises(SapCsrfError, match="even after a fresh one"):
        orders.create("A_SalesOrder", order_payload())

    assert _fetches(server) == 2
    assert server.simulator.sales_orders() == []


def test_a_refused_order_is_an_error_with_sap_s_code_text_and_every_detail(
    orders: ODataClient,
) -> None:
    body = order_payload()
    del body["SoldToParty"]
    body["to_Item"][0]["Material"] = "M" * 41

    with pytest.raises(SapRejectedError) as caught:
        orders.create("A_SalesOrder", body)

    error = caught.value
    assert (error.status_code, error.code) == (400, "ZSIM/015")
    assert error.text.startswith("the sales order was not created: 2 problem(s)")
    assert [(d.code, d.target) for d in error.details] == [
        ("ZSIM/015", "SoldToParty"),
        ("ZSIM/010", "Material"),
    ]
    assert "400" in str(error)
    assert "[ZSIM/015]" in str(error)


def test_reading_an_order_that_does_not_exist_is_not_found(orders: ODataClient) -> None:
    with pytest.raises(SapNotFoundError, match=r"A_SalesOrder\('42'\) does not exist"):
        orders.get("A_SalesOrder('42')")


def test_one_order_is_read_with_its_items(orders: ODataClient, server: SapSimulatorServer) -> None:
    server.simulator.create_sales_order(order_payload("PO-9", items=2))

    entity = orders.get("A_SalesOrder('1')", expand=["to_Item"])

    plain = decode_entity(entity)
    assert plain["PurchaseOrderByCustomer"] == "PO-9"
    assert [item["Material"] for item in plain["to_Item"]] == ["TG10", "TG11"]
    assert plain["LastChangeDateTime"] == "2025-01-15T10:00:00Z"
    assert "to_Partner" not in plain


def test_a_page_carries_the_inline_count(orders: ODataClient, server: SapSimulatorServer) -> None:
    for number in range(3):
        server.simulator.create_sales_order(order_payload(f"PO-{number}"))

    page = orders.query("A_SalesOrder", top=1, skip=1, orderby=["SalesOrder"], inlinecount=True)

    assert [e["SalesOrder"] for e in page.entities] == ["2"]
    assert page.count == 3
    assert page.next_url is None


@pytest.mark.parametrize(
    "simulator_config",
    [SapSimulatorConfig(), SapSimulatorConfig(page_limit=2)],
    ids=["client-paging", "server-paging"],
)
def test_a_whole_collection_is_read_page_by_page(server: SapSimulatorServer) -> None:
    for number in range(7):
        server.simulator.create_sales_order(order_payload(f"PO-{number}"))

    with _client(server, page_size=3) as client:
        numbers = [
            e["SalesOrder"] for e in client.iter_entities("A_SalesOrder", orderby=["SalesOrder"])
        ]

    tops = [r.query for r in server.simulator.requests() if "skiptoken" not in r.query]
    assert numbers == [str(n) for n in range(1, 8)]
    assert len(tops) == 3


def test_a_next_link_to_another_host_is_not_followed(orders: ODataClient) -> None:
    with pytest.raises(SapUnexpectedResponseError, match="another host"):
        orders.next_page("http://elsewhere.example/A_SalesOrder?$skiptoken=2")


def _delivery(server: SapSimulatorServer) -> str:
    server.simulator.create_sales_order(order_payload(items=2))
    return str(server.simulator.create_delivery("1")["DeliveryDocument"])


@pytest.mark.parametrize("method", list(UpdateMethod))
def test_delivery_fields_are_updated_with_the_etag_read(
    server: SapSimulatorServer, method: UpdateMethod
) -> None:
    number = _delivery(server)
    with _client(server, SapService.OUTBOUND_DELIVERY) as deliveries:
        path = f"A_OutbDeliveryHeader('{number}')"
        etag = deliveries.get(path)["__metadata"]["etag"]

        result = deliveries.update(
            path, {"BillOfLading": "1Z999AA10123456784"}, etag=etag, method=method
        )

    assert result.status_code == 204
    assert server.simulator.deliveries()[0]["BillOfLading"] == "1Z999AA10123456784"


def test_a_stale_etag_is_a_precondition_error(server: SapSimulatorServer) -> None:
    number = _delivery(server)
    with _client(server, SapService.OUTBOUND_DELIVERY) as deliveries:
        path = f"A_OutbDeliveryHeader('{number}')"
        etag = deliveries.get(path)["__metadata"]["etag"]
        deliveries.update(path, {"BillOfLading": "A"}, etag=etag)

        with pytest.raises(SapPreconditionError) as caught:
            deliveries.update(path, {"BillOfLading": "B"}, etag=etag)

    assert caught.value.status_code == 412


def test_the_goods_issue_is_posted_through_its_function_import(server: SapSimulatorServer) -> None:
    number = _delivery(server)
    with _client(server, SapService.OUTBOUND_DELIVERY) as deliveries:
        etag = deliveries.get(f"A_OutbDeliveryHeader('{number}')")["__metadata"]["etag"]

        result = deliveries.call("PostGoodsIssue", {"DeliveryDocument": number}, etag=etag)

    assert [r["DeliveryDocumentItem"] for r in result.data["results"]] == ["000010", "000020"]
    assert server.simulator.deliveries()[0]["OverallGoodsMovementStatus"] == "C"


def test_sap_client_and_language_go_with_every_request(server: SapSimulatorServer) -> None:
    with ODataClient(
        server.service_url(SapService.SALES_ORDER),
        auth=httpx.BasicAuth(*BASIC),
        sap_client="100",
        language="EN",
    ) as client:
        client.create("A_SalesOrder", order_payload())

    assert all(
        "sap-client=100" in r.query and "sap-language=EN" in r.query
        for r in server.simulator.requests()
    )


def test_the_metadata_is_read_as_xml(orders: ODataClient) -> None:
    assert b"A_SalesOrderType" in orders.metadata()
