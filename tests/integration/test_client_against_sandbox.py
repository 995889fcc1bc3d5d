"""The client against the sandbox over real HTTP on loopback: every endpoint and action, both
auth schemes, paging, every error kind, retries under injected faults, and "outcome unknown"."""

from __future__ import annotations

import csv
import io
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from connector.api import (
    AheadClient,
    AuthError,
    HmacAuth,
    NotFoundError,
    OAuthApp,
    OAuthAuth,
    OutcomeUnknownError,
    RateLimitedError,
    RetryPolicy,
    ServerError,
    TokenCache,
    TransportError,
    ValidationError,
    models,
)
from connector.api.endpoints import ENDPOINTS, Verb
from connector.sandbox import FaultRule, LifecycleConfig, SandboxConfig, SandboxServer
from connector.sandbox.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_HMAC_SECRET,
    DEFAULT_HMAC_TOKEN,
)

ORDERS = "customer_order_submissions"


class RecordingSleep:
    """Stands in for ``time.sleep`` so retries are observable and instant."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    config = SandboxConfig(
        random_seed=11, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )
    with SandboxServer(config) as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults(server: SandboxServer) -> Iterator[None]:
    server.sandbox.faults.set([])
    yield
    server.sandbox.faults.set([])


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def client(server: SandboxServer, sleep: RecordingSleep) -> Iterator[AheadClient]:
    auth = HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET)
    with AheadClient(server.base_url, auth=auth, retry=RetryPolicy(sleep=sleep)) as client:
        yield client


def submission(customer_order: str, **overrides: object) -> models.OrderSubmission:
    body: dict[str, object] = {
        "purchase_order": f"PO-{customer_order}",
        "customer_order": customer_order,
        "ship_method_id": 12,
        "recipient": {
            "name": "John L. Doe",
            "company": "John L. Doe Ltd.",
            "address_1": "467 Highway #1",
            "city": "Toronto",
            "state": "ON",
            "zip": "M5A 1J7",
            "country": "CA",
        },
        "lines": [
            {"product_code": "StockBox 2000", "quantity": 2, "customs_declared_value": "123.40"},
            {"product_code": "Generic Product 1", "quantity": 1},
        ],
    }
    body.update(overrides)
    return models.OrderSubmission.model_validate(body)


def orders_named(server: SandboxServer, customer_order: str) -> int:
    return len(server.sandbox.store.all(ORDERS, {"customer_order": customer_order}))


# ---------------------------------------------------------------------------------------------
# Every read endpoint
# ---------------------------------------------------------------------------------------------

READ_ONLY = sorted(
    name
    for name, e in ENDPOINTS.items()
    if Verb.LIST in e.verbs and Verb.GET in e.verbs and Verb.CREATE not in e.verbs
)


@pytest.mark.parametrize("name", READ_ONLY)
def test_every_listable_resource_lists_and_gets_one_record(client: AheadClient, name: str) -> None:
    page = client.list(name, limit=5)
    assert page.results, f"the sandbox seeds {name}"
    first = page.results[0]
    assert isinstance(first, ENDPOINTS[name].model)
    again = client.get(name, first.id)  # type: ignore[attr-defined]
    assert again == first


def test_authenticate_names_the_organization(client: AheadClient) -> None:
    assert "Sandbox Organization" in client.authenticate()


def test_paging_walks_every_country_across_several_pages(
    client: AheadClient, server: SandboxServer
) -> None:
    first = client.list("countries", limit=50)
    assert first.total_results > 200
    countries = list(client.iterate("countries", page_size=50))
    assert len(countries) == first.total_results
    assert len({c.id for c in countries}) == len(countries)  # type: ignore[attr-defined]
    assert any(c.iso_code == "CA" for c in countries)  # type: ignore[attr-defined]


def test_filters_go_to_the_server_and_are_signed_with_the_query_string(client: AheadClient) -> None:
    page = client.list("countries", filters={"iso_code": "DE"})
    assert [c.iso_code for c in page.results] == ["DE"]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Orders: submit, look up, lifecycle, invoices
# ---------------------------------------------------------------------------------------------


def test_submitted_order_is_pending_and_found_by_its_customer_order(client: AheadClient) -> None:
    order = client.submit_order(submission("IT-FIND-1"))
    assert order.status is models.OrderStatus.PENDING
    assert order.lines[0].customs_declared_value == Decimal("123.4")
    found = client.find_orders("IT-FIND-1")
    assert [o.id for o in found] == [order.id]
    assert client.get(ORDERS, order.id) == found[0]
    assert client.find_orders("IT-NEVER-SENT") == []


def test_shipped_order_has_tracking_serials_and_an_invoice_listed_under_invoices(
    client: AheadClient, server: SandboxServer
) -> None:
    order = client.submit_order(submission("IT-SHIP-1"))
    server.sandbox.advance_order(order.id, models.OrderStatus.RELEASED)
    assert client.get(ORDERS, order.id).status is models.OrderStatus.RELEASED  # type: ignore[attr-defined]
    server.sandbox.advance_order(order.id, models.OrderStatus.SHIPPED)

    shipped = client.get(ORDERS, order.id)
    assert isinstance(shipped, models.CustomerOrder)
    assert shipped.status is models.OrderStatus.SHIPPED
    assert shipped.tracking_numbers
    assert shipped.tracking_numbers[0].tracking_number
    serialized = next(line for line in shipped.lines if line.product_code == "StockBox 2000")
    assert len(serialized.serial_numbers) == 2 == len(set(serialized.serial_numbers))
    assert len(shipped.invoices) == 1

    invoices = list(client.iterate("invoices", filters={"order_id": order.id}))
    assert [i.id for i in invoices] == [shipped.invoices[0].invoice_number]  # type: ignore[attr-defined]
    assert invoices[0].total > 0  # type: ignore[attr-defined]


def test_sandbox_clock_moves_orders_through_their_lifecycle() -> None:
    config = SandboxConfig(
        require_auth=False, lifecycle=LifecycleConfig(release_after=60, ship_after=300)
    )
    with SandboxServer(config) as server, AheadClient(server.base_url) as client:
        order = client.submit_order(submission("IT-CLOCK-1"))
        server.sandbox.advance_clock(61)
        assert client.get(ORDERS, order.id).status is models.OrderStatus.RELEASED  # type: ignore[attr-defined]
        server.sandbox.advance_clock(300)
        assert client.get(ORDERS, order.id).status is models.OrderStatus.SHIPPED  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# RMAs, serial data, automation queues and their report, webhooks
# ---------------------------------------------------------------------------------------------


def test_rma_is_created_then_listed_as_open_and_read_in_full(client: AheadClient) -> None:
    created = client.create_rma(
        models.RmaCreate(
            problem="Does not POST after firmware update",
            request_type_id=models.RmaRequestType.DEPOT_REPAIR_AND_RETURN,
            manufacturer_serial="SN-IT-RMA-1",
            replacement_name="ACME Receiving",
        )
    )
    assert created.closed_date is None
    assert created.id in {r.id for r in client.rmas_open()}
    assert created.id not in {r.id for r in client.rmas_closed()}
    assert client.rmas_closed(), "the sandbox seeds a closed RMA"
    full = client.get("rmas", created.id)
    assert isinstance(full, models.Rma)
    assert full.problems[0].message == "Does not POST after firmware update"
    assert created.id in {r.id for r in client.iterate("rmas")}  # type: ignore[attr-defined]


def test_serial_data_is_submitted_and_listed(client: AheadClient) -> None:
    sent = client.submit_serial_data(
        models.SerialDataSubmission(
            manufacturer_serial="SN-IT-SD", serial_data_type_id=1, value="BIOS 2.1"
        )
    )
    listed = list(client.iterate("serial_data", filters={"manufacturer_serial": "SN-IT-SD"}))
    assert [s.id for s in listed] == [sent.id]  # type: ignore[attr-defined]


def test_automation_queue_runs_start_fail_complete_notify_and_shows_in_the_report(
    client: AheadClient,
) -> None:
    serial = "SN-IT-AQ-1"
    types = client.list("automation_task_types").results
    queue = client.create_automation_queue(
        models.AutomationQueueCreate(
            manufacturer_serial=serial,
            ip_address="10.0.0.5",
            automation_tasks=[
                models.AutomationTaskSpec(task_type_id=types[0].id, sequence=1),  # type: ignore[attr-defined]
                models.AutomationTaskSpec(task_type_id=types[1].id, sequence=2, assignee_id=42),  # type: ignore[attr-defined]
            ],
        )
    )
    assert not queue.finished
    assert client.get("automation_queues", queue.id).id == queue.id  # type: ignore[attr-defined]

    update = client.update_automation_task
    update(serial, 1, models.AutomationMessageType.START, "10.0.0.5", message="Run-In")
    update(serial, 1, models.AutomationMessageType.FAIL, "10.0.0.5", message="fan error")
    after_fail = update(
        serial, 1, models.AutomationMessageType.NOTIFY, "10.0.0.5", message="retrying"
    )
    sequence_one = [t for t in after_fail.automation_tasks if t.sequence == 1]
    assert [t.failed for t in sequence_one] == [True, False], (
        "a failed task gets a new unstarted one"
    )
    update(serial, 1, models.AutomationMessageType.START, "10.0.0.5")
    update(serial, 1, models.AutomationMessageType.COMPLETE, "10.0.0.5")
    update(serial, 2, models.AutomationMessageType.START, "10.0.0.5")
    done = update(serial, 2, models.AutomationMessageType.COMPLETE, "10.0.0.5")
    assert done.finished

    rows = [t for t in client.automation_tasks_report() if t.manufacturer_serial == serial]
    assert len(rows) == 3
    assert sum(1 for t in rows if t.failed) == 1
    header = next(csv.reader(io.StringIO(client.automation_tasks_report_csv())))
    assert header[:4] == ["id", "automation_queue_id", "automation_task_type_id", "sequence"]


def test_webhook_subscription_is_created_listed_read_and_deleted(client: AheadClient) -> None:
    created = client.create(
        "webhooks",
        {"url": "http://127.0.0.1:9/hook", "events": ["order.shipped"], "secret": "s" * 20},
    )
    assert isinstance(created, models.WebhookSubscription)
    assert created.id in {w.id for w in client.iterate("webhooks")}  # type: ignore[attr-defined]
    assert client.get("webhooks", created.id).url == "http://127.0.0.1:9/hook"  # type: ignore[attr-defined]
    client.delete("webhooks", created.id)
    with pytest.raises(NotFoundError):
        client.get("webhooks", created.id)


# ---------------------------------------------------------------------------------------------
# OAuth
# ---------------------------------------------------------------------------------------------


class ClientClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_oauth_code_flow_then_refresh_once_the_server_expires_the_token(tmp_path: Path) -> None:
    config = SandboxConfig(lifecycle=LifecycleConfig(release_after=None, ship_after=None))
    cache = TokenCache(tmp_path / "tokens.json")
    with SandboxServer(config) as server:
        app = OAuthApp(server.base_url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        with app, AheadClient(server.base_url, auth=OAuthAuth(app, cache=cache)) as client:
            assert "Sandbox Organization" in client.authenticate()
            first = cache.load(server.base_url, DEFAULT_CLIENT_ID)
            assert first is not None
            assert (tmp_path / "tokens.json").stat().st_mode & 0o777 == 0o600

            server.sandbox.advance_clock(10801)  # the server now refuses that bearer token
            assert "Sandbox Organization" in client.authenticate()
            second = cache.load(server.base_url, DEFAULT_CLIENT_ID)
            assert second is not None
            assert second.access_token != first.access_token
            assert second.refresh_token != first.refresh_token, "refresh tokens rotate"


def test_oauth_refreshes_before_expiry_by_the_clients_clock(tmp_path: Path) -> None:
    clock = ClientClock()
    cache = TokenCache(tmp_path / "tokens.json")
    with SandboxServer(SandboxConfig()) as server:
        app = OAuthApp(server.base_url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, clock=clock)
        with app, AheadClient(server.base_url, auth=OAuthAuth(app, cache=cache)) as client:
            client.authenticate()
            first = cache.load(server.base_url, DEFAULT_CLIENT_ID)
            assert first is not None
            clock.now = first.expires_at - timedelta(seconds=60)  # inside the refresh margin
            client.authenticate()
            second = cache.load(server.base_url, DEFAULT_CLIENT_ID)
            assert second is not None
            assert second.access_token != first.access_token


def test_oauth_with_an_unknown_client_id_is_an_auth_error() -> None:
    with (
        SandboxServer(SandboxConfig()) as server,
        OAuthApp(server.base_url, "nobody", "x") as app,
        pytest.raises(AuthError, match="client_id"),
    ):
        app.request_code()


# ---------------------------------------------------------------------------------------------
# Every error kind
# ---------------------------------------------------------------------------------------------


def test_invalid_order_is_a_validation_error_naming_each_field(
    client: AheadClient, server: SandboxServer
) -> None:
    bad = submission("IT-BAD-1", ship_method_id=999999).model_dump(mode="json")
    bad["recipient"]["country"] = "ZZ"
    bad["lines"][0]["product_code"] = "No Such Product"
    with pytest.raises(ValidationError) as caught:
        client.create(ORDERS, bad)
    fields = {e.field for e in caught.value.errors}
    assert {"ship_method_id", "recipient.country", "lines.0.product_code"} <= fields
    assert "/v2/customer_order_submissions" in str(caught.value)
    assert orders_named(server, "IT-BAD-1") == 0


def test_unknown_record_is_not_found(client: AheadClient) -> None:
    with pytest.raises(NotFoundError, match="/v2/items/987654321"):
        client.get("items", 987654321)


def test_wrong_hmac_secret_is_an_auth_error(server: SandboxServer) -> None:
    with (
        AheadClient(server.base_url, auth=HmacAuth(DEFAULT_HMAC_TOKEN, "not-the-secret")) as client,
        pytest.raises(AuthError, match="signature"),
    ):
        client.list("items")


def test_rate_limit_is_retried_honouring_retry_after(
    client: AheadClient, server: SandboxServer, sleep: RecordingSleep
) -> None:
    server.sandbox.faults.set(
        [FaultRule(method="GET", path="/v2/items", rate_limit_rate=1.0, retry_after=2)]
    )
    with pytest.raises(RateLimitedError) as caught:
        client.list("items")
    assert caught.value.status_code == 429
    assert sleep.calls
    assert all(s >= 2 for s in sleep.calls)


def test_server_errors_on_get_are_retried_until_they_run_out(
    client: AheadClient, server: SandboxServer, sleep: RecordingSleep
) -> None:
    server.sandbox.faults.set(
        [FaultRule(method="GET", path="/v2/items", error_rate=1.0, error_status=503)]
    )
    with pytest.raises(ServerError):
        client.list("items")
    assert len(sleep.calls) == RetryPolicy().max_attempts - 1


def test_intermittent_faults_are_retried_to_success(
    server: SandboxServer, sleep: RecordingSleep
) -> None:
    faults = [
        FaultRule(
            method="GET", path="/v2/countries", error_rate=0.3, rate_limit_rate=0.2, retry_after=0
        )
    ]
    server.sandbox.faults.set(faults)
    # With 12 attempts a page fails for good with a probability of about 0.44 ** 12, i.e. never.
    auth = HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET)
    policy = RetryPolicy(max_attempts=12, sleep=sleep)
    with AheadClient(server.base_url, auth=auth, retry=policy) as client:
        countries = list(client.iterate("countries", page_size=25))
    assert len(countries) == len({c.id for c in countries}) > 200  # type: ignore[attr-defined]
    assert sleep.calls, "some requests met an injected fault and were retried"


def test_unreachable_server_is_a_transport_error(sleep: RecordingSleep) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        AheadClient(f"http://127.0.0.1:{port}", retry=RetryPolicy(sleep=sleep)) as client,
        pytest.raises(TransportError),
    ):
        client.list("items")
    assert len(sleep.calls) == RetryPolicy().max_attempts - 1


# ---------------------------------------------------------------------------------------------
# POST is never retried blindly
# ---------------------------------------------------------------------------------------------


def test_commit_then_drop_gives_outcome_unknown_and_the_order_exists_once(
    client: AheadClient, server: SandboxServer
) -> None:
    server.sandbox.faults.set(
        [
            FaultRule(
                method="POST", path="/v2/customer_order_submissions", drop_after_commit_rate=1.0
            )
        ]
    )
    with pytest.raises(OutcomeUnknownError, match="look the record up"):
        client.submit_order(submission("IT-DROP-1"))
    assert orders_named(server, "IT-DROP-1") == 1, "committed, and not sent a second time"
    server.sandbox.faults.set([])
    assert len(client.find_orders("IT-DROP-1")) == 1


def test_server_error_on_post_is_outcome_unknown_without_a_retry(
    client: AheadClient, server: SandboxServer, sleep: RecordingSleep
) -> None:
    server.sandbox.faults.set(
        [
            FaultRule(
                method="POST",
                path="/v2/customer_order_submissions",
                error_rate=1.0,
                error_status=500,
            )
        ]
    )
    with pytest.raises(OutcomeUnknownError):
        client.submit_order(submission("IT-500-1"))
    assert sleep.calls == []
    assert orders_named(server, "IT-500-1") == 0


def test_rate_limited_post_is_retried_because_it_was_refused(
    client: AheadClient, server: SandboxServer
) -> None:
    server.sandbox.faults.set(
        [
            FaultRule(
                method="POST",
                path="/v2/customer_order_submissions",
                rate_limit_rate=0.5,
                retry_after=0,
            )
        ]
    )
    for n in range(6):
        client.submit_order(submission(f"IT-429-{n}"))
    assert all(orders_named(server, f"IT-429-{n}") == 1 for n in range(6))
