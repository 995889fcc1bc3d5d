"""Paging with limit/offset, and servers that ignore limit, offset or filters."""

from __future__ import annotations

import httpx
import pytest
from api_fakes import (
    BASE_URL,
    ListServer,
    RecordingSleep,
    ScriptedApi,
    envelope,
    fast_policy,
    reply,
)

from connector.api import AheadClient, ConfigurationError, UnexpectedResponseError, models


def items(count: int) -> list[dict]:
    return [{"id": n, "name": f"Item {n}"} for n in range(1, count + 1)]


def orders(keys: list[str]) -> list[dict]:
    return [
        {"id": n, "customer_order": key, "status": "Pending"} for n, key in enumerate(keys, start=1)
    ]


def client_for(server: ListServer) -> AheadClient:
    return AheadClient(
        BASE_URL, transport=httpx.MockTransport(server), retry=fast_policy(RecordingSleep())
    )


def test_iterate_yields_every_record_across_pages() -> None:
    server = ListServer(items(25))
    with client_for(server) as client:
        found = list(client.iterate("items", page_size=10))

    assert [item.id for item in found] == list(range(1, 26))
    assert all(isinstance(item, models.Item) for item in found)
    assert server.queries == [
        {"limit": 10},
        {"limit": 10, "offset": 10},
        {"limit": 10, "offset": 20},
    ]


def test_iterate_stops_at_total_results_without_asking_for_an_empty_page() -> None:
    server = ListServer(items(20))
    with client_for(server) as client:
        assert len(list(client.iterate("items", page_size=10))) == 20
    assert len(server.queries) == 2


def test_iterate_stops_at_an_empty_page_even_if_total_results_says_more() -> None:
    api = ScriptedApi().on(
        "GET",
        "/v2/items",
        reply(json_body=envelope(items(2), total=50)),
        reply(json_body=envelope([], total=50, offset=2)),
    )
    with api.client() as client:
        assert len(list(client.iterate("items", page_size=2))) == 2
    assert len(api.requests) == 2


def test_iterate_follows_pages_smaller_than_asked_for() -> None:
    server = ListServer(items(7), page_cap=3)
    with client_for(server) as client:
        assert [i.id for i in client.iterate("items", page_size=100)] == list(range(1, 8))
    assert [q.get("offset", 0) for q in server.queries] == [0, 3, 6]


def test_server_ignoring_limit_and_offset_gives_each_record_once() -> None:
    server = ListServer(items(12), honour_limit=False, honour_offset=False)
    with client_for(server) as client:
        assert [i.id for i in client.iterate("items", page_size=5)] == list(range(1, 13))
    assert len(server.queries) == 1


def test_server_ignoring_offset_raises_instead_of_looping_forever() -> None:
    server = ListServer(items(12), honour_offset=False)
    with client_for(server) as client, pytest.raises(UnexpectedResponseError, match="offset"):
        list(client.iterate("items", page_size=5))
    assert len(server.queries) == 2


def test_record_repeated_on_next_page_is_yielded_once() -> None:
    # A record inserted at the front while paging pushes the last of page one onto page two.
    first = [{"id": 3, "name": "c"}, {"id": 2, "name": "b"}]
    second = [{"id": 2, "name": "b"}, {"id": 1, "name": "a"}]
    api = ScriptedApi().on(
        "GET",
        "/v2/items",
        reply(json_body=envelope(first, total=4)),
        reply(json_body=envelope(second, total=4, offset=2)),
    )
    with api.client() as client:
        assert [i.id for i in client.iterate("items", page_size=2)] == [3, 2, 1]


def test_iterate_sends_filters_in_q() -> None:
    server = ListServer(orders(["A", "B", "A"]))
    with client_for(server) as client:
        found = list(client.iterate("customer_order_submissions", {"customer_order": "A"}))
    assert [o.id for o in found] == [1, 3]
    assert server.queries[0] == {"limit": 100, "customer_order": "A"}


def test_iterate_checks_filters_itself_when_server_ignores_them() -> None:
    server = ListServer(orders(["A", "B", "A", "C", "A"]), honour_filters=False)
    with client_for(server) as client:
        found = list(
            client.iterate("customer_order_submissions", {"customer_order": "A"}, page_size=2)
        )
    assert [o.id for o in found] == [1, 3, 5]
    assert len(server.queries) == 3


def test_find_orders_is_right_when_server_ignores_the_filter() -> None:
    keys = [f"PO-{n}" for n in range(1, 2501)]
    keys[1999] = "WANTED"
    server = ListServer(orders(keys), honour_filters=False)
    with client_for(server) as client:
        found = client.find_orders("WANTED")
    assert [(o.id, o.customer_order) for o in found] == [(2000, "WANTED")]
    assert all(isinstance(o, models.CustomerOrder) for o in found)
    assert len(server.queries) == 3


def test_find_orders_asks_the_server_to_filter_by_customer_order() -> None:
    server = ListServer(orders(["X", "WANTED", "Y"]))
    with client_for(server) as client:
        found = client.find_orders("WANTED")
    assert [o.id for o in found] == [2]
    assert server.queries == [{"limit": 1000, "customer_order": "WANTED"}]


def test_find_orders_returns_empty_list_when_nothing_matches() -> None:
    server = ListServer(orders(["X", "Y"]), honour_filters=False)
    with client_for(server) as client:
        assert client.find_orders("WANTED") == []


def test_list_returns_one_page_as_the_server_sent_it() -> None:
    server = ListServer(items(30))
    with client_for(server) as client:
        page = client.list("items", limit=10, offset=10)
    assert (page.count, page.offset, page.total_results) == (10, 10, 30)
    assert [item.id for item in page.results] == list(range(11, 21))
    assert isinstance(page.results[0], models.Item)


@pytest.mark.parametrize("page_size", [0, 1001])
def test_page_size_out_of_range_is_refused(page_size: int) -> None:
    server = ListServer(items(1))
    with client_for(server) as client, pytest.raises(ConfigurationError, match="page_size"):
        client.iterate("items", page_size=page_size)
    assert server.queries == []


def test_bad_filter_is_refused_before_any_request() -> None:
    server = ListServer(items(1))
    with client_for(server) as client, pytest.raises(ConfigurationError, match="offset"):
        client.iterate("items", {"offset": 3})
    assert server.queries == []


def test_a_body_that_is_not_an_envelope_is_reported() -> None:
    api = ScriptedApi().on("GET", "/v2/items", reply(json_body=[{"id": 1}]))
    with api.client() as client, pytest.raises(UnexpectedResponseError, match="envelope"):
        client.list("items")
