"""The simulator's HTTP side: the WSDL and its schemas, the control API, and requests it
refuses to read."""

from __future__ import annotations

import httpx
import pytest
import zeep
from netsuite_support import sales_order

from adapters.netsuite import (
    PACKAGED_WSDL,
    FaultType,
    NetSuiteClient,
    NetSuiteFaultError,
    RecordType,
)
from adapters.netsuite.simulator import SimulatorServer


def test_the_wsdl_and_its_schemas_are_served_as_zeep_needs_them(server: SimulatorServer) -> None:
    served = httpx.get(server.wsdl_url)
    schema = httpx.get(server.wsdl_url.rsplit("/", 1)[0] + "/xsd/platform.core.xsd")
    client = zeep.Client(server.wsdl_url)
    try:
        package = client.get_type(
            "{urn:sales_2023_2.transactions.webservices.netsuite.com}ItemFulfillmentPackage"
        )
    finally:
        client.transport.session.close()

    assert served.status_code == 200
    assert served.content == PACKAGED_WSDL.read_bytes()
    assert schema.status_code == 200
    assert [element for element, _ in package.elements] == [
        "packageWeight",
        "packageDescr",
        "packageTrackingNumber",
    ]


def test_only_our_schemas_are_served(server: SimulatorServer) -> None:
    base = server.wsdl_url.rsplit("/", 1)[0]

    assert httpx.get(f"{base}/xsd/..%2Fnetsuite.wsdl").status_code == 404
    assert httpx.get(f"{base}/xsd/lists.relationships.xsd").status_code == 404


def test_records_are_seeded_and_read_through_the_control_api(server: SimulatorServer) -> None:
    base = server.base_url

    created = httpx.post(f"{base}/control/records/salesOrder", json=sales_order("SO-1", ("301", 2)))
    internal_id = created.json()["internalId"]
    listed = httpx.get(f"{base}/control/records/salesOrder").json()
    one = httpx.get(f"{base}/control/records/salesOrder/{internal_id}").json()

    assert created.status_code == 201
    assert [record["@internalId"] for record in listed] == [internal_id]
    assert one["@xsi:type"] == "SalesOrder"
    assert one["orderStatus"] == "_pendingFulfillment"
    assert one["itemList"]["item"][0] == {
        "item": {"@internalId": "301", "name": "PART-301"},
        "quantity": "2",
        "rate": "10.00",
        "line": "1",
        "quantityFulfilled": "0",
    }
    assert httpx.get(f"{base}/control/records/salesOrder/999").status_code == 404


def test_seed_data_that_does_not_fit_the_schema_is_refused_naming_the_field(
    server: SimulatorServer,
) -> None:
    answer = httpx.post(
        f"{server.base_url}/control/records/salesOrder",
        json={"itemList": {"item": [{"sku": "PCBA-100"}]}},
    )

    assert answer.status_code == 400
    assert "/itemList/item[0]: SalesOrderItem has no element 'sku'" in answer.json()["detail"]


def test_faults_injected_over_http_reach_the_client(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    injected = httpx.post(
        f"{server.base_url}/control/faults",
        json={"fault": "insufficientPermissionFault", "operations": ["get"]},
    )
    pending = httpx.get(f"{server.base_url}/control/faults").json()

    with pytest.raises(NetSuiteFaultError) as refused:
        client.get(RecordType.SALES_ORDER, internal_id="1")

    assert injected.status_code == 204
    assert pending[0]["fault"] == "insufficientPermissionFault"
    assert refused.value.fault is FaultType.INSUFFICIENT_PERMISSION
    assert httpx.get(f"{server.base_url}/control/faults").json() == []
    assert httpx.get(f"{server.base_url}/control/stats").json()["requests"] == {"get": 1}


def test_a_fault_injection_must_say_what_to_do(server: SimulatorServer) -> None:
    answer = httpx.post(f"{server.base_url}/control/faults", json={"times": 2})

    assert answer.status_code == 422


def _post_soap(server: SimulatorServer, body: bytes) -> httpx.Response:
    return httpx.post(server.service_url, content=body, headers={"Content-Type": "text/xml"})


def test_a_request_with_a_doctype_is_refused_without_expanding_entities(
    server: SimulatorServer,
) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<soapenv:Body><get>&e;</get></soapenv:Body></soapenv:Envelope>"
    )

    answer = _post_soap(server, body)

    assert answer.status_code == 500
    assert b"DOCTYPE" in answer.content
    assert b"root:" not in answer.content


def test_a_request_that_is_not_soap_is_a_client_fault(server: SimulatorServer) -> None:
    answer = _post_soap(server, b"<hello/>")

    assert answer.status_code == 500
    assert b"soapenv:Client" in answer.content
    assert b"not a SOAP 1.1 envelope" in answer.content


def test_latency_and_saved_searches_are_set_over_http(server: SimulatorServer) -> None:
    base = server.base_url

    latency = httpx.put(f"{base}/control/latency", json={"seconds": 0.25})
    seen = server.simulator.faults.latency
    saved = httpx.post(
        f"{base}/control/saved-searches",
        json={
            "search_id": "77",
            "script_id": "customsearch_rmas",
            "record_types": ["returnAuthorization"],
        },
    )
    cleared = httpx.delete(f"{base}/control/faults")

    assert (latency.status_code, saved.status_code, cleared.status_code) == (204, 204, 204)
    assert seen == 0.25
    assert server.simulator.faults.latency == 0.0
    assert server.simulator.searches.saved_search("77") is not None
