"""Reading from the simulator: query options, paging and the JSON v2 shapes, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sap_support import START, error_of, order_payload, service_url

from adapters.sap.simulator import SapSimulatorConfig, SapSimulatorServer, SimulatorClock

CHANGED_AFTER_MINUTES = (0, 1, 2, 2, 4)


@pytest.fixture
def seeded(server: SapSimulatorServer, clock: SimulatorClock) -> SapSimulatorServer:
    """Orders 1..5 changed at START plus 0, 1, 2, 2 and 4 minutes: 3 and 4 tie."""
    for number, minutes in enumerate(CHANGED_AFTER_MINUTES, start=1):
        clock.set(START + timedelta(minutes=minutes))
        server.simulator.create_sales_order(order_payload(f"PO-{number}", items=2))
    return server


def _numbers(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [entity["SalesOrder"] for entity in answer.json()["d"]["results"]]


def _get(http: httpx.Client, server: SapSimulatorServer, **params: str) -> httpx.Response:
    return http.get(service_url(server) + "/A_SalesOrder", params=params)


def test_filter_gt_on_the_change_time_takes_what_changed_after_it(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    answer = _get(
        http, seeded, **{"$filter": "LastChangeDateTime gt datetimeoffset'2025-01-15T10:01:00Z'"}
    )

    assert _numbers(answer) == ["3", "4", "5"]


def test_filter_ge_takes_the_ties_at_the_bound(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    answer = _get(
        http,
        seeded,
        **{"$filter": "LastChangeDateTime ge datetimeoffset'2025-01-15T10:02:00+00:00'"},
    )

    assert _numbers(answer) == ["3", "4", "5"]
    tied = {e["LastChangeDateTime"] for e in answer.json()["d"]["results"][:2]}
    assert len(tied) == 1


def test_filter_combines_comparisons_with_and_or_and_parentheses(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    expression = (
        "(LastChangeDateTime gt datetimeoffset'2025-01-15T10:02:00Z') or "
        "(LastChangeDateTime eq datetimeoffset'2025-01-15T10:02:00Z' and SalesOrder gt '3')"
    )

    assert _numbers(_get(http, seeded, **{"$filter": expression})) == ["4", "5"]


def test_filter_eq_on_a_key_finds_one_order(http: httpx.Client, seeded: SapSimulatorServer) -> None:
    answer = _get(http, seeded, **{"$filter": "PurchaseOrderByCustomer eq 'PO-2'"})

    assert _numbers(answer) == ["2"]


def test_orderby_top_skip_and_inlinecount_page_through_the_result(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    options = {"$orderby": "LastChangeDateTime desc,SalesOrder asc", "$inlinecount": "allpages"}

    first = _get(http, seeded, **options, **{"$top": "2"})
    second = _get(http, seeded, **options, **{"$top": "2", "$skip": "2"})

    assert _numbers(first) == ["5", "3"]
    assert _numbers(second) == ["4", "2"]
    assert first.json()["d"]["__count"] == "5"
    assert "__next" not in first.json()["d"]


@pytest.mark.parametrize("simulator_config", [SapSimulatorConfig(page_limit=2)])
def test_a_server_page_limit_offers_the_rest_through_next(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    seen: list[str] = []
    answer = _get(http, seeded, **{"$top": "4", "$skip": "1", "$orderby": "SalesOrder"})
    while True:
        seen += _numbers(answer)
        link = answer.json()["d"].get("__next")
        if link is None:
            break
        assert link.startswith(service_url(seeded) + "/A_SalesOrder?")
        answer = http.get(link)

    assert seen == ["2", "3", "4", "5"]


def test_expand_puts_the_items_inline_and_others_stay_deferred(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    answer = _get(http, seeded, **{"$filter": "SalesOrder eq '1'", "$expand": "to_Item"})

    order = answer.json()["d"]["results"][0]
    assert [item["SalesOrderItem"] for item in order["to_Item"]["results"]] == ["10", "20"]
    assert order["to_Partner"] == {
        "__deferred": {"uri": service_url(seeded) + "/A_SalesOrder('1')/to_Partner"}
    }


def test_values_are_written_as_sap_writes_json_v2(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    answer = http.get(service_url(seeded) + "/A_SalesOrder('1')", params={"$expand": "to_Item"})

    order = answer.json()["d"]
    item = order["to_Item"]["results"][0]
    assert order["__metadata"] == {
        "id": service_url(seeded) + "/A_SalesOrder('1')",
        "uri": service_url(seeded) + "/A_SalesOrder('1')",
        "type": "API_SALES_ORDER_SRV.A_SalesOrderType",
        "etag": "W/\"datetimeoffset'2025-01-15T10:00:00.000000Z'\"",
    }
    assert answer.headers["etag"] == order["__metadata"]["etag"]
    assert order["LastChangeDateTime"] == "/Date(1736935200000+0000)/"
    assert order["CreationDate"] == "/Date(1736899200000)/"
    assert order["TotalNetAmount"] == "30.000"
    assert item["RequestedQuantity"] == "1.000"
    assert item["__metadata"]["uri"].endswith(
        "/A_SalesOrderItem(SalesOrder='1',SalesOrderItem='10')"
    )


def test_select_returns_only_the_properties_asked_for(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    answer = _get(http, seeded, **{"$select": "SalesOrder,PurchaseOrderByCustomer", "$top": "1"})

    entity = answer.json()["d"]["results"][0]
    assert set(entity) == {"__metadata", "SalesOrder", "PurchaseOrderByCustomer"}


def test_navigation_and_count_read_related_and_counted_entities(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    items = http.get(service_url(seeded) + "/A_SalesOrder('2')/to_Item")
    parent = http.get(
        service_url(seeded) + "/A_SalesOrderItem(SalesOrder='2',SalesOrderItem='20')/to_SalesOrder"
    )
    count = http.get(
        service_url(seeded) + "/A_SalesOrder/$count",
        params={"$filter": "LastChangeDateTime ge datetimeoffset'2025-01-15T10:02:00Z'"},
    )

    assert [i["SalesOrderItem"] for i in items.json()["d"]["results"]] == ["10", "20"]
    assert parent.json()["d"]["SalesOrder"] == "2"
    assert count.text == "3"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"$filter": "Colour eq 'red'"}, "has no property Colour"),
        ({"$filter": "SalesOrder eq 5"}, "is not a value of it"),
        ({"$filter": "substringof('A', SalesOrder)"}, "functions are not supported"),
        ({"$filter": "LastChangeDateTime gt datetimeoffset'yesterday'"}, "not a date and time"),
        ({"$orderby": "Colour"}, "$orderby"),
        ({"$top": "-1"}, "$top"),
        ({"$search": "x"}, "$search is not supported"),
        ({"$expand": "to_Nothing"}, "no navigation property to_Nothing"),
    ],
)
def test_a_query_it_cannot_answer_is_refused_saying_why(
    http: httpx.Client, seeded: SapSimulatorServer, params: dict[str, str], expected: str
) -> None:
    answer = _get(http, seeded, **params)

    assert answer.status_code == 400
    assert expected in error_of(answer)["message"]["value"]


def test_an_entity_that_does_not_exist_is_a_404_in_sap_s_error_format(
    http: httpx.Client, seeded: SapSimulatorServer
) -> None:
    answer = http.get(service_url(seeded) + "/A_SalesOrder('999')")

    error = error_of(answer)
    assert answer.status_code == 404
    assert error["code"] == "ZSIM/404"
    assert error["message"] == {"lang": "en", "value": "A_SalesOrder('999') does not exist"}
    assert error["innererror"]["errordetails"][0]["code"] == "ZSIM/404"


def test_metadata_is_our_trimmed_edmx(http: httpx.Client, server: SapSimulatorServer) -> None:
    answer = http.get(service_url(server) + "/$metadata")

    assert answer.headers["content-type"].startswith("application/xml")
    assert b'EntityType Name="A_SalesOrderType"' in answer.content
