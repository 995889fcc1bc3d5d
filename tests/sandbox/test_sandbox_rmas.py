"""RMAs over HTTP: the seeded ones, open and closed lists, details, new requests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sandbox_support import errors_of, q, submit

from connector.api.models import Rma

RMA_REQUEST: dict[str, Any] = {
    "problem": "The system reboots under load.",
    "request_type_id": 3,
    "manufacturer_serial": "NOT-OURS-1",
    "replacement_name": "Acme receiving",
}


def test_the_seeded_rmas_are_one_open_and_one_closed_on_the_seeded_order(
    client: httpx.Client,
) -> None:
    rmas = [Rma.model_validate(r) for r in client.get("/v2/rmas").json()["results"]]

    assert len(rmas) == 2
    assert {rma.order_id for rma in rmas} == {5001}
    assert sorted(rma.closed_date is None for rma in rmas) == [False, True]
    assert all(rma.item is not None and rma.item.category is not None for rma in rmas)


def test_open_and_closed_lists_split_on_the_closed_date(client: httpx.Client) -> None:
    open_rmas = client.get("/v2/rmas/open").json()
    closed_rmas = client.get("/v2/rmas/closed").json()

    assert [r["closed_date"] for r in open_rmas["results"]] == [None]
    assert closed_rmas["total_results"] == 1
    assert closed_rmas["results"][0]["closed_date"] is not None


def test_lists_show_summaries_without_lines_or_comments(client: httpx.Client) -> None:
    for path in ("/v2/rmas", "/v2/rmas/open", "/v2/rmas/closed"):
        for rma in client.get(path).json()["results"]:
            assert not {"lines", "problems", "troubleshootings", "results"} & set(rma)


def test_one_rma_shows_its_lines_problems_troubleshootings_and_results(
    client: httpx.Client,
) -> None:
    closed_id = client.get("/v2/rmas/closed").json()["results"][0]["id"]

    rma = Rma.model_validate(client.get(f"/v2/rmas/{closed_id}").json())

    assert rma.status is not None
    assert rma.status.name == "Closed"
    assert [line.quantity for line in rma.lines] == [1]
    assert len(rma.problems) == 1
    assert len(rma.troubleshootings) == 2
    assert len(rma.results) == 1
    assert all(c.created_at is not None for c in rma.troubleshootings)


def test_open_and_closed_lists_take_q(client: httpx.Client) -> None:
    page = client.get("/v2/rmas/open", params=q(limit=1, subject="Depot Repair and Return"))

    assert page.json()["total_results"] == 0


def test_an_unknown_rma_is_a_404(client: httpx.Client) -> None:
    assert client.get("/v2/rmas/1").status_code == 404


def test_a_new_rma_is_not_received_started_today_with_the_problem_as_first_comment(
    client: httpx.Client,
) -> None:
    response = client.post("/v2/rmas", json=RMA_REQUEST)

    assert response.status_code == 201
    rma = Rma.model_validate(response.json())
    assert rma.status is not None
    assert (rma.status.id, rma.status.name) == (1, "Not Received")
    assert str(rma.start_date) == "2025-03-01"
    assert rma.closed_date is None
    assert rma.subject == "Depot Repair and Return"
    assert [p.message for p in rma.problems] == [RMA_REQUEST["problem"]]
    assert rma.order_id is None
    assert rma.item is None
    assert client.get(f"/v2/rmas/{rma.id}").json() == response.json()
    assert rma.id in [r["id"] for r in client.get("/v2/rmas/open").json()["results"]]


def test_a_new_rma_for_a_shipped_serial_names_its_order_and_item(client: httpx.Client) -> None:
    order = submit(client)
    shipped = client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})
    serial = shipped.json()["lines"][0]["serial_numbers"][1]

    rma = client.post("/v2/rmas", json={**RMA_REQUEST, "manufacturer_serial": serial}).json()

    assert rma["order_id"] == order["id"]
    assert rma["item"]["name"] == "StockBox 2000"
    assert rma["lines"] == [{"quantity": 1, "item": rma["item"]}]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"request_type_id": 6}, "request_type_id"),
        ({"request_type_id": 0}, "request_type_id"),
        ({"manufacturer_serial": "S" * 51}, "manufacturer_serial"),
        ({"problem": ""}, "problem"),
        ({"replacement_name": None}, "replacement_name"),
    ],
)
def test_an_invalid_rma_request_is_a_422_naming_the_field(
    client: httpx.Client, change: dict[str, Any], field: str
) -> None:
    response = client.post("/v2/rmas", json={**RMA_REQUEST, **change})

    assert response.status_code == 422
    assert field in errors_of(response)


@pytest.mark.parametrize("request_type_id", [1, 2, 3, 4, 5])
def test_every_request_type_is_accepted_and_names_the_subject(
    client: httpx.Client, request_type_id: int
) -> None:
    names = {
        1: "Replacement Parts",
        2: "Advance System Replacement",
        3: "Depot Repair and Return",
        4: "Trial and Stock",
        5: "Repair and Stock",
    }

    rma = client.post("/v2/rmas", json={**RMA_REQUEST, "request_type_id": request_type_id})

    assert rma.json()["subject"] == names[request_type_id]
