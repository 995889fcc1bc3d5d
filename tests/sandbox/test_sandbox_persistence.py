"""A sandbox with a data file keeps its orders across restarts, and is seeded only once."""

from __future__ import annotations

from pathlib import Path

import httpx
from sandbox_support import ORDERS, START, submit

from connector.sandbox import SandboxClock, SandboxConfig, create_app
from connector.sandbox.config import LifecycleConfig
from connector.sandbox.faults import in_process_transport


def run(config: SandboxConfig) -> httpx.Client:
    app = create_app(config, clock=SandboxClock(START))
    client = httpx.Client(transport=in_process_transport(app), base_url="http://s")
    client.app = app  # type: ignore[attr-defined]
    return client


def stop(client: httpx.Client) -> None:
    client.close()
    client.app.state.sandbox.close()  # type: ignore[attr-defined]


def test_orders_survive_a_restart_on_the_same_data_file(tmp_path: Path) -> None:
    config = SandboxConfig(
        data_path=tmp_path / "sandbox.db",
        require_auth=False,
        lifecycle=LifecycleConfig(release_after=None, ship_after=None),
    )
    first = run(config)
    order = submit(first, customer_order="KEEP-ME")
    first.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})
    stop(first)

    second = run(config)
    try:
        again = second.get(f"{ORDERS}/{order['id']}").json()
        countries = second.get("/v2/countries").json()["total_results"]
        next_order = submit(second, customer_order="AFTER")
    finally:
        stop(second)

    assert again["customer_order"] == "KEEP-ME"
    assert again["status"] == "Shipped"
    assert countries == 249
    assert next_order["id"] == order["id"] + 1


def test_a_data_file_is_not_seeded_twice(tmp_path: Path) -> None:
    config = SandboxConfig(data_path=tmp_path / "sandbox.db", require_auth=False)
    stop(run(config))

    client = run(config)
    try:
        counts = client.get("/sandbox/state").json()["counts"]
    finally:
        stop(client)

    assert counts["countries"] == 249
    assert counts["customer_order_submissions"] == 1
