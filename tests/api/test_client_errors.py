"""Error answers become the exceptions of connector.api.errors, with useful messages."""

from __future__ import annotations

import httpx
import pytest
from api_fakes import RecordingSleep, ScriptedApi, fast_policy, raises, reply

from connector.api import (
    ApiError,
    AuthError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
    models,
)

ORDERS = "/v2/customer_order_submissions"


def one_attempt_client(api: ScriptedApi):
    return api.client(retry=fast_policy(RecordingSleep(), max_attempts=1))


def error_envelope(*errors: dict) -> dict:
    return {"count": 0, "offset": 0, "total_results": 0, "results": [], "errors": list(errors)}


def order() -> models.OrderSubmission:
    return models.OrderSubmission(
        purchase_order="56789",
        customer_order="AHEAD-1",
        ship_method_id=12,
        recipient=models.Address(name="J Doe", address_1="1 Main St", city="Toronto", country="CA"),
        lines=[models.OrderLineSubmission(product_code="P1", quantity=1)],
    )


@pytest.mark.parametrize("status", [400, 409, 422])
def test_rejection_with_envelope_is_validation_error_naming_fields(status: int) -> None:
    body = error_envelope(
        {"field": "recipient.country", "message": "unknown ISO code 'XX'"},
        {"field": None, "message": "order is on credit hold"},
    )
    api = ScriptedApi().on("POST", ORDERS, reply(status, json_body=body))
    with api.client() as client, pytest.raises(ValidationError) as caught:
        client.submit_order(order())

    error = caught.value
    assert error.status_code == status
    assert [e.field for e in error.errors] == ["recipient.country", None]
    assert str(error) == (
        f"POST {ORDERS} answered {status}: recipient.country: unknown ISO code 'XX'; "
        "order is on credit hold"
    )


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_auth_error(status: int) -> None:
    body = error_envelope({"message": "signature does not match"})
    api = ScriptedApi().on("GET", "/v2/items", reply(status, json_body=body))
    with api.client() as client, pytest.raises(AuthError) as caught:
        client.list("items")
    assert caught.value.status_code == status
    assert str(caught.value) == f"GET /v2/items answered {status}: signature does not match"


def test_unknown_record_is_not_found_error() -> None:
    api = ScriptedApi().on(
        "GET",
        "/v2/items/77",
        reply(404, json_body=error_envelope({"field": "id", "message": "no item 77"})),
    )
    with (
        api.client() as client,
        pytest.raises(NotFoundError, match="GET /v2/items/77 answered 404: id: no item 77"),
    ):
        client.get("items", 77)


def test_rate_limit_after_last_attempt_is_rate_limited_error_with_retry_after() -> None:
    api = ScriptedApi().on(
        "GET", "/v2/items", reply(429, text="slow down", headers={"Retry-After": "12"})
    )
    with one_attempt_client(api) as client, pytest.raises(RateLimitedError) as caught:
        client.list("items")
    assert caught.value.retry_after == 12.0
    assert "GET /v2/items answered 429: slow down" in str(caught.value)


def test_server_failure_on_get_is_server_error() -> None:
    api = ScriptedApi().on(
        "GET",
        "/v2/items",
        reply(500, json_body=error_envelope({"message": "database unavailable"})),
    )
    with (
        api.client() as client,
        pytest.raises(ServerError, match="answered 500: database unavailable"),
    ):
        client.list("items")


def test_html_error_page_is_summarised_by_its_title() -> None:
    page = (
        "<html><head><title>502 Bad Gateway</title></head>"
        "<body><center>nginx</center></body></html>"
    )
    api = ScriptedApi().on(
        "GET", "/v2/items", reply(502, text=page, headers={"Content-Type": "text/html"})
    )
    with one_attempt_client(api) as client, pytest.raises(ServerError) as caught:
        client.list("items")
    assert str(caught.value) == "GET /v2/items answered 502: 502 Bad Gateway"
    assert caught.value.body == page


def test_plain_text_error_body_is_quoted_in_the_message() -> None:
    api = ScriptedApi().on("POST", ORDERS, reply(400, text="ship_method_id is not a number"))
    with api.client() as client, pytest.raises(ValidationError) as caught:
        client.submit_order(order())
    assert str(caught.value) == f"POST {ORDERS} answered 400: ship_method_id is not a number"
    assert caught.value.errors == []


def test_other_client_error_is_plain_api_error() -> None:
    api = ScriptedApi().on("GET", "/v2/items", reply(405, text="method not allowed"))
    with api.client() as client, pytest.raises(ApiError) as caught:
        client.list("items")
    assert type(caught.value) is ApiError
    assert caught.value.status_code == 405


def test_unreachable_server_is_transport_error() -> None:
    api = ScriptedApi().on("GET", "/v2/items", raises(httpx.ConnectError))
    with one_attempt_client(api) as client, pytest.raises(TransportError) as caught:
        client.list("items")
    assert (caught.value.method, caught.value.endpoint) == ("GET", "/v2/items")
    assert "ConnectError" in caught.value.reason


def test_success_answer_that_is_not_json_is_unexpected_response_error() -> None:
    api = ScriptedApi().on("GET", "/v2/items/1", reply(200, text="<html>maintenance</html>"))
    with api.client() as client, pytest.raises(UnexpectedResponseError, match="not JSON"):
        client.get("items", 1)


def test_record_that_does_not_fit_its_model_is_unexpected_response_error() -> None:
    api = ScriptedApi().on("GET", "/v2/items/1", reply(200, json_body={"id": 1}))
    with api.client() as client, pytest.raises(UnexpectedResponseError, match="Item: name"):
        client.get("items", 1)


def test_unreadable_answer_to_a_create_is_an_unknown_outcome() -> None:
    api = ScriptedApi().on("POST", ORDERS, reply(201, text="created"))
    with api.client() as client, pytest.raises(OutcomeUnknownError) as caught:
        client.submit_order(order())
    assert caught.value.endpoint == ORDERS
