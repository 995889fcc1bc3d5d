"""Shared helpers of the sandbox tests."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import httpx

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ORDERS = "/v2/customer_order_submissions"

_ORDER: dict[str, Any] = {
    "purchase_order": "PO-77",
    "customer_order": "CO-77",
    "ship_method_id": 24,
    "recipient": {
        "name": "John L. Doe",
        "company": "John L. Doe Ltd.",
        "email": "jdoe@example.com",
        "phone": "1-555-555-6789",
        "address_1": "467 Highway #1",
        "city": "Toronto",
        "state": "ON",
        "zip": "M5A 1J3",
        "country": "CA",
    },
    "lines": [
        {"product_code": "StockBox 2000", "quantity": 2, "customs_declared_value": 123.4},
        {"product_code": "Generic Product 2", "quantity": 3, "customs_declared_value": 10},
    ],
}


def order_body(**overrides: Any) -> dict[str, Any]:
    """A valid order submission, with top-level fields replaced by ``overrides``."""
    body = copy.deepcopy(_ORDER)
    body.update(overrides)
    return body


def q(**query: Any) -> dict[str, str]:
    """The query parameters of a list request with ``q`` set to ``query`` as JSON."""
    return {"q": json.dumps(query)}


def errors_of(response: httpx.Response) -> dict[str | None, str]:
    """The envelope's errors of an error answer, as field -> message."""
    body = response.json()
    assert body["results"] == []
    return {error["field"]: error["message"] for error in body["errors"]}


def submit(client: httpx.Client, **overrides: Any) -> dict[str, Any]:
    """Submit a valid order and return it."""
    response = client.post(ORDERS, json=order_body(**overrides))
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order
