"""AheadOrderSink against a sandbox on loopback: rejections, lost answers, unavailability, lookups.

The last tests check the mapping of client errors that a sandbox cannot produce for a POST
(the client turns them into "outcome unknown" first) by handing the errors to the mapping.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from adapter_support import ahead_client, order_payload, orders_named

from adapters.ahead import AheadOrderSink
from adapters.ahead.outcomes import submission_failure
from adapters.base import (
    AdapterContext,
    Record,
    SinkError,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.registry import AdapterSettingsError, Role, build_adapter
from connector.api import (
    AheadClient,
    AheadError,
    ApiError,
    ConfigurationError,
    HmacAuth,
    NotFoundError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
)
from connector.api.models import FieldError, OrderSubmission
from connector.sandbox import FaultRule, SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_TOKEN

ORDERS_PATH = "/v2/customer_order_submissions"


@pytest.fixture
def client(server: SandboxServer) -> Iterator[AheadClient]:
    with ahead_client(server) as made:
        yield made


def make_sink(client: AheadClient, tmp_path: Path, **settings: Any) -> AheadOrderSink:
    context = AdapterContext("orders-out", tmp_path, services={"ahead": client})
    sink = build_adapter(Role.SINK, "ahead-orders", settings, context)
    assert isinstance(sink, AheadOrderSink)
    return sink


@pytest.fixture
def sink(client: AheadClient, tmp_path: Path) -> AheadOrderSink:
    return make_sink(client, tmp_path)


@pytest.fixture
def customer_order() -> str:
    return f"SINK-{uuid.uuid4().hex[:10]}"


def test_submitted_order_is_referenced_by_its_ahead_id(
    sink: AheadOrderSink, server: SandboxServer, customer_order: str
) -> None:
    reference = sink.write(Record.of(customer_order, {}), order_payload(customer_order))
    stored = server.sandbox.store.all(
        "customer_order_submissions", {"customer_order": customer_order}
    )
    assert [str(order["id"]) for order in stored] == [reference]


def test_document_that_is_not_an_order_is_rejected_naming_each_field_before_sending(
    sink: AheadOrderSink, server: SandboxServer, customer_order: str
) -> None:
    document = order_payload(customer_order, ship_method_id="fast", lines=[])
    del document["recipient"]["city"]
    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(Record.of(customer_order, {}), document)
    detail = rejected.value.detail
    assert detail.startswith("not a valid AHEAD order: ")
    for field in ("ship_method_id: ", "recipient.city: Field required", "lines: "):
        assert field in detail
    assert orders_named(server, customer_order) == 0


def test_order_refused_by_ahead_is_rejected_naming_each_field(
    sink: AheadOrderSink, server: SandboxServer, customer_order: str
) -> None:
    document = order_payload(customer_order, ship_method_id=999999)
    document["recipient"]["country"] = "ZZ"
    document["lines"][0]["product_code"] = "No Such Product"
    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(Record.of(customer_order, {}), document)
    detail = rejected.value.detail
    assert detail.startswith("AHEAD rejected the order (422 Unprocessable Entity): ")
    for field in ("ship_method_id: ", "recipient.country: ", "lines.0.product_code: "):
        assert field in detail
    assert orders_named(server, customer_order) == 0


def test_lost_answer_after_commit_is_outcome_unknown_and_lookup_then_finds_the_order(
    sink: AheadOrderSink, server: SandboxServer, customer_order: str
) -> None:
    server.sandbox.faults.set(
        [FaultRule(method="POST", path=ORDERS_PATH, drop_after_commit_rate=1.0)]
    )
    record = Record.of(customer_order, {})
    with pytest.raises(SinkOutcomeUnknownError, match="look the record up"):
        sink.write(record, order_payload(customer_order))
    server.sandbox.faults.set([])
    assert orders_named(server, customer_order) == 1
    (order,) = server.sandbox.store.all(
        "customer_order_submissions", {"customer_order": customer_order}
    )
    assert sink.lookup(record) == str(order["id"])


def test_server_error_on_submission_is_outcome_unknown(
    sink: AheadOrderSink, server: SandboxServer, customer_order: str
) -> None:
    server.sandbox.faults.set(
        [FaultRule(method="POST", path=ORDERS_PATH, error_rate=1.0, error_status=503)]
    )
    with pytest.raises(SinkOutcomeUnknownError):
        sink.write(Record.of(customer_order, {}), order_payload(customer_order))


def test_rate_limited_submission_is_unavailable_and_creates_nothing(
    sink: AheadOrderSink, server: SandboxServer, customer_order: str
) -> None:
    server.sandbox.faults.set(
        [FaultRule(method="POST", path=ORDERS_PATH, rate_limit_rate=1.0, retry_after=0)]
    )
    with pytest.raises(SinkUnavailableError, match="AHEAD is limiting requests"):
        sink.write(Record.of(customer_order, {}), order_payload(customer_order))
    assert orders_named(server, customer_order) == 0


def test_refused_credentials_make_the_sink_unavailable_not_the_order_rejected(
    server: SandboxServer, tmp_path: Path, customer_order: str
) -> None:
    with ahead_client(server, auth=HmacAuth(DEFAULT_HMAC_TOKEN, "not-the-secret")) as client:
        sink = make_sink(client, tmp_path)
        with pytest.raises(SinkUnavailableError, match="fix the AHEAD credentials"):
            sink.write(Record.of(customer_order, {}), order_payload(customer_order))
        with pytest.raises(SinkUnavailableError, match="cannot look up"):
            sink.lookup(Record.of(customer_order, {}))
    assert orders_named(server, customer_order) == 0


def test_customer_order_other_than_the_key_is_rejected_before_sending(
    sink: AheadOrderSink, server: SandboxServer, customer_order: str
) -> None:
    with pytest.raises(SinkRejectedError, match="could not be found again"):
        sink.write(Record.of(customer_order, {}), order_payload(f"{customer_order}-X"))
    assert orders_named(server, f"{customer_order}-X") == 0


def test_key_prefix_is_taken_off_the_key_to_name_the_customer_order(
    client: AheadClient, tmp_path: Path, customer_order: str
) -> None:
    sink = make_sink(client, tmp_path, key_prefix="ACME:")
    record = Record.of(f"ACME:{customer_order}", {})
    reference = sink.write(record, order_payload(customer_order))
    assert sink.lookup(record) == reference
    assert sink.lookup(Record.of(customer_order, {})) is None
    with pytest.raises(SinkRejectedError, match="does not start with the key_prefix 'ACME:'"):
        sink.write(Record.of(customer_order, {}), order_payload(customer_order))


def test_lookup_of_a_duplicate_made_outside_takes_the_lowest_id_and_warns(
    sink: AheadOrderSink, client: AheadClient, customer_order: str, caplog: pytest.LogCaptureFixture
) -> None:
    order = OrderSubmission.model_validate(order_payload(customer_order))
    ids = sorted(client.submit_order(order).id for _ in range(2))
    with caplog.at_level(logging.WARNING):
        assert sink.lookup(Record.of(customer_order, {})) == str(ids[0])
    assert f"AHEAD holds 2 orders with customer_order '{customer_order}'" in caplog.text


def test_sink_without_an_ahead_client_is_a_settings_error(tmp_path: Path) -> None:
    context = AdapterContext("orders-out", tmp_path, services={})
    with pytest.raises(
        AdapterSettingsError, match=r"needs the AHEAD client as services\['ahead'\]"
    ):
        build_adapter(Role.SINK, "ahead-orders", {}, context)


@pytest.mark.parametrize(
    ("error", "outcome", "words"),
    [
        (ServerError("POST", ORDERS_PATH, 500), SinkOutcomeUnknownError, "look it up"),
        (
            UnexpectedResponseError("POST", ORDERS_PATH, 201, "the body is not JSON"),
            SinkOutcomeUnknownError,
            "the body is not JSON",
        ),
        (ApiError("POST", ORDERS_PATH, 303), SinkOutcomeUnknownError, "may exist now"),
        (NotFoundError("POST", ORDERS_PATH, 404), SinkUnavailableError, "check the AHEAD base URL"),
        (
            NotFoundError(
                "POST",
                ORDERS_PATH,
                404,
                [FieldError(field="ship_method_id", message="no such method")],
            ),
            SinkRejectedError,
            "(404 Not Found): ship_method_id: no such method",
        ),
        (
            ValidationError("POST", ORDERS_PATH, 409, [FieldError(message="duplicate")]),
            SinkRejectedError,
            "(409 Conflict): duplicate",
        ),
        (ApiError("POST", ORDERS_PATH, 413), SinkRejectedError, "(413 Request Entity Too Large)"),
        (ConfigurationError("no credentials"), SinkUnavailableError, "no credentials"),
    ],
)
def test_client_errors_a_sandbox_cannot_cause_map_to_safe_outcomes(
    error: AheadError, outcome: type[SinkError], words: str
) -> None:
    mapped = submission_failure(error, "order")
    assert type(mapped) is outcome
    assert words in mapped.detail
