"""Shared helpers of the SAP tests: orders to insert, a client with a CSRF token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from adapters.sap.services import SapService
from adapters.sap.simulator import DEFAULT_PASSWORD, DEFAULT_USER, SapSimulatorServer

#: The simulator clock's start in tests that stop it.
START = datetime(2025, 1, 15, 10, 0, 0, tzinfo=UTC)
BASIC = (DEFAULT_USER, DEFAULT_PASSWORD)


def order_payload(po: str = "PO-1", *, items: int = 1, **header: Any) -> dict[str, Any]:
    """A sales order as a deep insert would send it."""
    return {
        "SalesOrderType": "OR",
        "SalesOrganization": "1710",
        "DistributionChannel": "10",
        "OrganizationDivision": "00",
        "SoldToParty": "17100001",
        "PurchaseOrderByCustomer": po,
        "to_Item": [
            {
                "Material": f"TG1{number}",
                "RequestedQuantity": str(number + 1),
                "RequestedQuantityUnit": "PC",
            }
            for number in range(items)
        ],
        **header,
    }


def service_url(server: SapSimulatorServer, service: SapService = SapService.SALES_ORDER) -> str:
    return server.service_url(service)


def fetch_token(client: httpx.Client, url: str) -> str:
    """Fetch a CSRF token with a GET of the service root; the client keeps the cookies."""
    answer = client.get(url + "/", headers={"x-csrf-token": "Fetch"})
    assert answer.status_code == 200, answer.text
    return answer.headers["x-csrf-token"]


def error_of(answer: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of an SAP error body."""
    body = answer.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    return error
