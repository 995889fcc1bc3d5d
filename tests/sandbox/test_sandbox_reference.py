"""Reference data over HTTP: seeded records, lists with q, one record, the generic verbs."""

from __future__ import annotations

import httpx
import pytest
from sandbox_support import errors_of, q

from connector.api.endpoints import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from connector.sandbox import Sandbox


def test_every_iso_country_is_seeded_with_its_alpha2_code(client: httpx.Client) -> None:
    page = client.get("/v2/countries", params=q(limit=MAX_PAGE_SIZE)).json()

    codes = {country["iso_code"]: country["name"] for country in page["results"]}
    assert page["total_results"] == 249
    assert codes["CA"] == "Canada"
    assert codes["JE"] == "Jersey"
    assert codes["US"] == "United States of America"
    assert all(len(code) == 2 and code.isupper() for code in codes)


def test_a_list_answers_the_envelope_with_the_default_page_size(client: httpx.Client) -> None:
    page = client.get("/v2/countries").json()

    assert set(page) == {"count", "offset", "total_results", "results", "errors"}
    assert page["count"] == DEFAULT_PAGE_SIZE
    assert page["offset"] == 0
    assert page["errors"] is None


def test_q_pages_with_limit_and_offset(client: httpx.Client) -> None:
    first = client.get("/v2/countries", params=q(limit=5)).json()
    second = client.get("/v2/countries", params=q(limit=5, offset=5)).json()

    assert (first["count"], second["count"], second["offset"]) == (5, 5, 5)
    assert first["total_results"] == second["total_results"] == 249
    assert {c["id"] for c in first["results"]}.isdisjoint(c["id"] for c in second["results"])


def test_q_filters_on_top_level_fields(client: httpx.Client) -> None:
    page = client.get("/v2/countries", params=q(iso_code="DE")).json()

    assert page["total_results"] == 1
    assert page["results"][0]["name"] == "Germany"


def test_q_filters_on_booleans(client: httpx.Client) -> None:
    serialized = client.get("/v2/items", params=q(serialized=True)).json()["results"]

    assert serialized
    assert all(item["serialized"] is True for item in serialized)
    assert "StockBox 2000" in {item["name"] for item in serialized}


@pytest.mark.parametrize(
    ("raw_q", "field"),
    [
        ("{not json", "q"),
        ("[1, 2]", "q"),
        ('{"limit": 0}', "q.limit"),
        (f'{{"limit": {MAX_PAGE_SIZE + 1}}}', "q.limit"),
        ('{"limit": "5"}', "q.limit"),
        ('{"offset": -1}', "q.offset"),
        ('{"colour": "red"}', "q.colour"),
        ('{"name": {"like": "x"}}', "q.name"),
    ],
)
def test_a_malformed_q_is_a_400_naming_q(client: httpx.Client, raw_q: str, field: str) -> None:
    response = client.get("/v2/countries", params={"q": raw_q})

    assert response.status_code == 400
    assert field in errors_of(response)


def test_shipping_methods_carry_their_carrier(client: httpx.Client) -> None:
    ground = client.get("/v2/shipping_methods/12").json()
    canada = client.get("/v2/shipping_methods/24").json()

    assert (ground["name"], ground["carrier"]) == ("FedEx Ground", "FedEx")
    assert canada["name"] == "FedEx Ground Canada"
    carriers = {m["carrier"] for m in client.get("/v2/shipping_methods").json()["results"]}
    assert {"FedEx", "UPS", "DHL", "USPS", "Purolator", "Customer"} <= carriers


def test_every_item_has_a_catalog_price_and_orderable_items_have_inventory(
    client: httpx.Client,
) -> None:
    items = client.get("/v2/items").json()["results"]
    catalog = client.get("/v2/customer_catalog_items").json()["results"]
    inventories = client.get("/v2/inventories").json()["results"]

    assert len(items) == 10
    assert {entry["item_id"] for entry in catalog} == {item["id"] for item in items}
    server = next(item for item in items if item["name"] == "StockBox 2000")
    entry = next(entry for entry in catalog if entry["item_id"] == server["id"])
    assert entry["customer_sku"] == "ACME-SB2000"
    orderable = {item["id"] for item in items if item["archived_at"] is None}
    assert {inventory["item_id"] for inventory in inventories} == orderable
    assert {inventory["inventory_location_id"] for inventory in inventories} == {1, 2}


def test_automation_task_types_are_seeded(client: httpx.Client) -> None:
    names = {t["name"] for t in client.get("/v2/automation_task_types").json()["results"]}

    assert {"Burn-In", "Imaging", "Run-In", "BIOS Update", "Final QA"} <= names


@pytest.mark.parametrize("path", ["/v2/items/1", "/v2/countries/100000", "/v2/invoices/77"])
def test_an_unknown_id_is_a_404_with_the_envelope(client: httpx.Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert "id" in errors_of(response)


def test_an_id_that_is_not_a_number_is_a_404(client: httpx.Client) -> None:
    response = client.get("/v2/items/abc")

    assert response.status_code == 404
    assert errors_of(response) == {"id": "no record with id 'abc'"}


def test_an_unknown_path_and_an_unsupported_verb_answer_the_envelope(client: httpx.Client) -> None:
    missing = client.get("/v2/widgets")
    not_allowed = client.post("/v2/invoices", json={"order_id": 1, "total": 1})

    assert missing.status_code == 404
    assert errors_of(missing) == {None: "no such endpoint: GET /v2/widgets"}
    assert not_allowed.status_code == 405
    assert "POST is not supported" in errors_of(not_allowed)[None]


def test_post_creates_an_item_that_orders_can_then_name(client: httpx.Client) -> None:
    response = client.post("/v2/items", json={"name": "Custom Box", "serialized": True})

    assert response.status_code == 201
    item = response.json()
    assert client.get(f"/v2/items/{item['id']}").json()["name"] == "Custom Box"
    assert item["created_at"] == "2025-03-01T12:00:00Z"


def test_post_validates_the_record_against_its_model(client: httpx.Client) -> None:
    response = client.post("/v2/items", json={"description": "no name", "weight": "heavy"})

    assert response.status_code == 422
    assert set(errors_of(response)) == {"name", "weight"}


def test_post_checks_that_a_referenced_item_exists(client: httpx.Client) -> None:
    response = client.post(
        "/v2/customer_catalog_items", json={"customer_sku": "X", "price": 1.5, "item_id": 42}
    )

    assert response.status_code == 422
    assert errors_of(response) == {"item_id": "no items with id 42"}


def test_put_updates_fields_of_a_record(client: httpx.Client) -> None:
    response = client.put("/v2/items/1423291", json={"description": "StockBox server 11"})

    assert response.status_code == 200
    item = client.get("/v2/items/1423291").json()
    assert (item["name"], item["description"]) == ("StockBox 2000", "StockBox server 11")


def test_put_to_an_unknown_record_is_a_404(client: httpx.Client) -> None:
    assert client.put("/v2/items/1", json={"name": "x"}).status_code == 404


def test_delete_removes_a_record(client: httpx.Client, sandbox: Sandbox) -> None:
    before = sandbox.store.count("inventories")

    assert client.delete("/v2/inventories/1").status_code == 204
    assert client.get("/v2/inventories/1").status_code == 404
    assert client.delete("/v2/inventories/1").status_code == 404
    assert sandbox.store.count("inventories") == before - 1


def test_invoices_are_listed_and_read_one_by_one(client: httpx.Client) -> None:
    invoices = client.get("/v2/invoices").json()["results"]

    assert len(invoices) == 1
    one = client.get(f"/v2/invoices/{invoices[0]['id']}").json()
    assert one == invoices[0]
