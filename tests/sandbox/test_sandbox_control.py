"""The /sandbox control endpoints: state, reset, faults, and the envelope on every error."""

from __future__ import annotations

import httpx
import pytest
from sandbox_support import errors_of, submit

from connector.sandbox import FaultRule, Sandbox, SandboxClock, SandboxConfig, create_app
from connector.sandbox.config import LifecycleConfig
from connector.sandbox.faults import in_process_transport


def test_state_counts_the_records_of_every_table(client: httpx.Client) -> None:
    submit(client)

    state = client.get("/sandbox/state").json()

    assert state["now"] == "2025-03-01T12:00:00Z"
    assert state["counts"]["countries"] == 249
    assert state["counts"]["customer_order_submissions"] == 2
    assert state["counts"]["rmas"] == 2


def test_reset_brings_back_the_seeded_state(client: httpx.Client, sandbox: Sandbox) -> None:
    seeded = client.get("/sandbox/state").json()["counts"]
    order = submit(client)
    client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})
    client.post("/v2/rmas", json={"problem": "p", "request_type_id": 1,
                                  "manufacturer_serial": "S", "replacement_name": "n"})  # fmt: skip
    client.delete("/v2/items/1423292")

    reset = client.post("/sandbox/reset")

    assert reset.json()["counts"] == seeded
    assert client.get("/v2/items/1423292").status_code == 200
    assert sandbox.store.get("customer_order_submissions", order["id"]) is None


def test_faults_are_read_set_and_applied(client: httpx.Client) -> None:
    assert client.get("/sandbox/faults").json() == []

    answer = client.put("/sandbox/faults", json=[{"path": "/v2/items", "error_rate": 1.0}])

    assert answer.status_code == 200
    assert [FaultRule.model_validate(r).path for r in client.get("/sandbox/faults").json()] == [
        "/v2/items"
    ]
    assert client.get("/v2/items").status_code == 503
    assert client.get("/v2/countries").status_code == 200
    assert client.get("/sandbox/state").status_code == 200


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ([{"error_status": 404}], "0.error_status"),
        ([{"error_rate": 2}], "0.error_rate"),
        ({"path": "/v2/"}, None),
    ],
)
def test_invalid_fault_rules_are_a_422(
    client: httpx.Client, rules: object, field: str | None
) -> None:
    response = client.put("/sandbox/faults", json=rules)

    assert response.status_code == 422
    assert field in errors_of(response)
    assert client.get("/sandbox/faults").json() == []


def test_reset_restores_the_configured_faults(clock: SandboxClock) -> None:
    configured = [FaultRule(path="/v2/countries", latency=0.0)]
    app = create_app(SandboxConfig(require_auth=False, faults=configured), clock=clock)
    try:
        with httpx.Client(transport=in_process_transport(app), base_url="http://s") as client:
            client.put("/sandbox/faults", json=[])

            client.post("/sandbox/reset")

            assert [r["path"] for r in client.get("/sandbox/faults").json()] == ["/v2/countries"]
    finally:
        app.state.sandbox.close()


def test_reset_of_an_unseeded_sandbox_leaves_it_empty(clock: SandboxClock) -> None:
    config = SandboxConfig(require_auth=False, seed=False, lifecycle=LifecycleConfig())
    app = create_app(config, clock=clock)
    try:
        with httpx.Client(transport=in_process_transport(app), base_url="http://s") as client:
            assert client.get("/v2/countries").json()["total_results"] == 0
            client.post("/v2/items", json={"name": "x"})

            client.post("/sandbox/reset")

            assert not any(client.get("/sandbox/state").json()["counts"].values())
    finally:
        app.state.sandbox.close()


def test_control_endpoints_need_no_credentials_while_the_api_does(clock: SandboxClock) -> None:
    app = create_app(SandboxConfig(require_auth=True), clock=clock)
    try:
        with httpx.Client(transport=in_process_transport(app), base_url="http://s") as client:
            assert client.get("/sandbox/state").status_code == 200
            refused = client.get("/v2/items")
            assert refused.status_code == 401
            assert "missing credentials" in errors_of(refused)[None]
    finally:
        app.state.sandbox.close()
