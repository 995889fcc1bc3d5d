"""Retries: backoff, Retry-After, and never re-sending a POST that may have arrived."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import format_datetime

import httpx
import pytest
from api_fakes import (
    FakeClock,
    FixedJitter,
    RecordingSleep,
    ScriptedApi,
    envelope,
    fast_policy,
    raises,
    reply,
)

from connector.api import (
    HmacAuth,
    OutcomeUnknownError,
    RateLimitedError,
    RetryPolicy,
    ServerError,
    TransportError,
    ValidationError,
    models,
)
from connector.api.retry import parse_retry_after

ORDERS = "/v2/customer_order_submissions"
QUEUES = "/v2/automation_queues"
ORDER_ANSWER = {"id": 9, "customer_order": "AHEAD-1", "status": "Pending"}
QUEUE_ANSWER = {"id": 4, "manufacturer_serial": "SN-1"}


def order() -> models.OrderSubmission:
    return models.OrderSubmission(
        purchase_order="56789",
        customer_order="AHEAD-1",
        ship_method_id=12,
        recipient=models.Address(name="J Doe", address_1="1 Main St", city="Toronto", country="CA"),
        lines=[models.OrderLineSubmission(product_code="P1", quantity=1)],
    )


def ok_page() -> httpx.Response:
    return httpx.Response(200, json=envelope([]))


# ---------------------------------------------------------------------------------------------
# The policy on its own
# ---------------------------------------------------------------------------------------------


def test_backoff_doubles_per_attempt_up_to_max_delay() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, random=FixedJitter(1.0))
    assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_backoff_jitter_spans_zero_to_the_ceiling() -> None:
    assert RetryPolicy(random=FixedJitter(0.0)).backoff(3) == 0.0
    assert RetryPolicy(random=FixedJitter(0.5)).backoff(3) == 1.0


def test_retry_after_is_read_as_seconds_or_http_date() -> None:
    clock = FakeClock()
    later = format_datetime(clock() + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after("7", clock()) == 7.0
    assert parse_retry_after(later, clock()) == 30.0
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", clock()) == 0.0
    assert parse_retry_after("soon", clock()) is None
    assert parse_retry_after(None, clock()) is None


def test_policy_rejects_zero_attempts() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


# ---------------------------------------------------------------------------------------------
# Safe requests are retried
# ---------------------------------------------------------------------------------------------


def test_429_waits_at_least_as_long_as_retry_after_says() -> None:
    sleep = RecordingSleep()
    api = ScriptedApi().on(
        "GET",
        "/v2/items",
        reply(429, headers={"Retry-After": "7"}),
        reply(429, headers={"Retry-After": "2"}),
        reply(json_body=envelope([])),
    )
    with api.client(sleep) as client:
        client.list("items")
    assert sleep.durations == [7.0, 2.0]
    assert len(api.requests) == 3


def test_retry_after_as_http_date_is_honoured() -> None:
    clock = FakeClock()
    sleep = RecordingSleep()
    when = format_datetime(clock() + timedelta(seconds=45), usegmt=True)
    api = ScriptedApi().on(
        "GET", "/v2/items", reply(429, headers={"Retry-After": when}), reply(json_body=envelope([]))
    )
    with api.client(retry=fast_policy(sleep, clock=clock)) as client:
        client.list("items")
    assert sleep.durations == [45.0]


def test_retry_after_shorter_than_backoff_waits_the_backoff() -> None:
    sleep = RecordingSleep()
    api = ScriptedApi().on(
        "GET",
        "/v2/items",
        reply(503),
        reply(503),
        reply(429, headers={"Retry-After": "0"}),
        reply(json_body=envelope([])),
    )
    with api.client(sleep) as client:
        client.list("items")
    assert sleep.durations == [0.5, 1.0, 2.0]


def test_retry_after_beyond_the_cap_raises_at_once() -> None:
    sleep = RecordingSleep()
    api = ScriptedApi().on("GET", "/v2/items", reply(429, headers={"Retry-After": "3600"}))
    client = api.client(retry=fast_policy(sleep, max_retry_after=120))
    with client, pytest.raises(RateLimitedError) as caught:
        client.list("items")
    assert caught.value.retry_after == 3600.0
    assert sleep.durations == []
    assert len(api.requests) == 1


def test_503_then_success_is_retried() -> None:
    sleep = RecordingSleep()
    api = ScriptedApi().on("GET", "/v2/items", reply(503), reply(json_body=envelope([])))
    with api.client(sleep) as client:
        assert client.list("items").total_results == 0
    assert sleep.durations == [0.5]


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_failures_are_retried(status: int) -> None:
    api = ScriptedApi().on("GET", "/v2/items", reply(status), reply(json_body=envelope([])))
    with api.client() as client:
        client.list("items")
    assert len(api.requests) == 2


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.RemoteProtocolError],
)
def test_connection_failure_then_success_is_retried(failure: type[httpx.RequestError]) -> None:
    api = ScriptedApi().on("GET", "/v2/items", raises(failure), reply(json_body=envelope([])))
    with api.client() as client:
        client.list("items")
    assert len(api.requests) == 2


def test_exhausted_retries_on_503_raise_server_error() -> None:
    sleep = RecordingSleep()
    api = ScriptedApi().on("GET", "/v2/items", *[reply(503)] * 5)
    with api.client(sleep) as client, pytest.raises(ServerError) as caught:
        client.list("items")
    assert caught.value.status_code == 503
    assert len(api.requests) == 5
    assert sleep.durations == [0.5, 1.0, 2.0, 4.0]


def test_exhausted_retries_on_429_raise_rate_limited_error() -> None:
    api = ScriptedApi().on("GET", "/v2/items", *[reply(429, headers={"Retry-After": "1"})] * 3)
    client = api.client(retry=fast_policy(RecordingSleep(), max_attempts=3))
    with client, pytest.raises(RateLimitedError):
        client.list("items")
    assert len(api.requests) == 3


def test_exhausted_retries_on_connection_failure_raise_transport_error() -> None:
    api = ScriptedApi().on("GET", "/v2/items", *[raises(httpx.ConnectError)] * 5)
    with api.client() as client, pytest.raises(TransportError, match="GET /v2/items"):
        client.list("items")
    assert len(api.requests) == 5


def test_validation_error_is_not_retried() -> None:
    api = ScriptedApi().on("GET", "/v2/items", reply(400, text="bad q"))
    with api.client() as client, pytest.raises(ValidationError):
        client.list("items")
    assert len(api.requests) == 1


def test_put_and_delete_are_retried_after_503() -> None:
    api = (
        ScriptedApi()
        .on("PUT", QUEUES, reply(503), reply(json_body=QUEUE_ANSWER))
        .on("DELETE", "/v2/webhooks/3", reply(503), reply(204, text=""))
    )
    with api.client() as client:
        client.update_automation_task("SN-1", 1, "complete", "10.0.0.5")
        client.delete("webhooks", 3)
    assert [r.method for r in api.requests] == ["PUT", "PUT", "DELETE", "DELETE"]


def test_a_retried_request_is_signed_afresh() -> None:
    clock = FakeClock()
    api = ScriptedApi().on("GET", "/v2/items", reply(503), reply(json_body=envelope([])))

    def sleep_and_tick(seconds: float) -> None:
        clock.advance(seconds)

    policy = RetryPolicy(sleep=sleep_and_tick, random=FixedJitter(1.0))
    with api.client(auth=HmacAuth("t", "s", clock=clock), retry=policy) as client:
        client.list("items")
    first, second = (r.headers["X-Date"] for r in api.requests)
    assert first != second


def test_each_retry_is_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    api = ScriptedApi().on("GET", "/v2/items", reply(503), reply(json_body=envelope([])))
    auth = HmacAuth("tok-visible-nowhere", "sec-visible-nowhere")
    with caplog.at_level(logging.INFO, logger="connector.api"), api.client(auth=auth) as client:
        client.list("items")
    retries = [r for r in caplog.records if r.name == "connector.api"]
    assert len(retries) == 1
    assert retries[0].levelno == logging.WARNING
    assert (
        retries[0].getMessage() == "GET /v2/items answered 503; attempt 1 of 5, retrying in 0.50 s"
    )
    assert "visible-nowhere" not in caplog.text


# ---------------------------------------------------------------------------------------------
# POST (and failing a task) is never re-sent once it may have arrived
# ---------------------------------------------------------------------------------------------

AMBIGUOUS_FAILURES = [
    raises(httpx.ReadTimeout),
    raises(httpx.WriteTimeout),
    raises(httpx.WriteError),
    raises(httpx.ReadError),
    raises(httpx.RemoteProtocolError),
    reply(500),
    reply(502),
    reply(503),
    reply(504),
]
AMBIGUOUS_IDS = [
    "ReadTimeout",
    "WriteTimeout",
    "WriteError",
    "ReadError",
    "RemoteProtocolError",
    "500",
    "502",
    "503",
    "504",
]


@pytest.mark.parametrize("failure", AMBIGUOUS_FAILURES, ids=AMBIGUOUS_IDS)
def test_post_is_not_retried_after_ambiguous_failure(failure) -> None:
    sleep = RecordingSleep()
    api = ScriptedApi().on("POST", ORDERS, failure, reply(201, json_body=ORDER_ANSWER))
    with api.client(sleep) as client, pytest.raises(OutcomeUnknownError) as caught:
        client.submit_order(order())
    assert len(api.requests) == 1
    assert sleep.durations == []
    assert (caught.value.method, caught.value.endpoint) == ("POST", ORDERS)
    assert ORDERS in str(caught.value)


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_post_is_retried_when_it_never_left(failure: type[httpx.RequestError]) -> None:
    api = ScriptedApi().on("POST", ORDERS, raises(failure), reply(201, json_body=ORDER_ANSWER))
    with api.client() as client:
        created = client.submit_order(order())
    assert created.id == 9
    assert len(api.requests) == 2


def test_post_is_retried_after_429() -> None:
    sleep = RecordingSleep()
    api = ScriptedApi().on(
        "POST",
        ORDERS,
        reply(429, headers={"Retry-After": "3"}),
        reply(201, json_body=ORDER_ANSWER),
    )
    with api.client(sleep) as client:
        client.submit_order(order())
    assert len(api.requests) == 2
    assert sleep.durations == [3.0]


def test_post_that_never_connects_ends_in_transport_error() -> None:
    api = ScriptedApi().on("POST", ORDERS, *[raises(httpx.ConnectError)] * 5)
    with api.client() as client, pytest.raises(TransportError):
        client.submit_order(order())
    assert len(api.requests) == 5


def test_failing_a_task_is_not_retried_after_ambiguous_failure() -> None:
    api = ScriptedApi().on("PUT", QUEUES, raises(httpx.ReadTimeout), reply(json_body=QUEUE_ANSWER))
    with api.client() as client, pytest.raises(OutcomeUnknownError, match=QUEUES):
        client.update_automation_task("SN-1", 2, models.AutomationMessageType.FAIL, "10.0.0.5")
    assert len(api.requests) == 1


@pytest.mark.parametrize("message_type", ["start", "complete", "notify"])
def test_other_task_updates_are_retried_after_ambiguous_failure(message_type: str) -> None:
    api = ScriptedApi().on("PUT", QUEUES, raises(httpx.ReadTimeout), reply(json_body=QUEUE_ANSWER))
    with api.client() as client:
        client.update_automation_task("SN-1", 2, message_type, "10.0.0.5", message="hello")
    assert len(api.requests) == 2


def test_retry_after_connection_failure_is_logged_with_the_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = ScriptedApi().on(
        "GET", "/v2/items", raises(httpx.ConnectError), reply(json_body=envelope([]))
    )
    with caplog.at_level(logging.WARNING, logger="connector.api"), api.client() as client:
        client.list("items")
    assert caplog.messages == [
        "GET /v2/items failed (ConnectError: simulated ConnectError); "
        "attempt 1 of 5, retrying in 0.50 s"
    ]
