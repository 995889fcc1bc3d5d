"""Harnesses that run the contract suites against the built-in adapters, and shared helpers.

The tests import from the modules of ``adapters`` (``adapters.base``, ``adapters.registry``),
not from the package itself: pytest puts ``tests/`` on ``sys.path``, where this folder makes
``adapters`` look like a namespace package unless the project root is on ``sys.path`` too.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.base import AdapterContext, Record, Sink, Source
from adapters.contract import SecondWrite, SinkHarness, SourceHarness
from adapters.registry import Role, build_adapter
from connector.api import AheadClient, HmacAuth, RetryPolicy
from connector.sandbox import SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_SNAPSHOTS = "UPDATE_SNAPSHOTS"
ORDERS = "customer_order_submissions"


def assert_matches_snapshot(text: str, name: str) -> None:
    """Compare ``text`` with ``snapshots/<name>``; ``UPDATE_SNAPSHOTS=1`` rewrites the file."""
    path = SNAPSHOTS / name
    if os.environ.get(UPDATE_SNAPSHOTS):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}; run with {UPDATE_SNAPSHOTS}=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def write_file(path: Path, content: str | bytes, *, mtime_ns: int | None = None) -> Path:
    """Write ``content`` under a temporary name and rename it in, as a careful writer does."""
    data = content.encode() if isinstance(content, str) else content
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    if mtime_ns is not None:
        os.utime(temporary, ns=(mtime_ns, mtime_ns))
    temporary.rename(path)
    return path


def age(path: Path, seconds: float = 3600) -> None:
    """Make ``path`` look ``seconds`` old, instead of waiting."""
    stamp = path.stat().st_mtime_ns - int(seconds * 1_000_000_000)
    os.utime(path, ns=(stamp, stamp))


def order_payload(customer_order: str, revision: int = 0, **overrides: Any) -> dict[str, Any]:
    """An order the sandbox accepts (its seeded ship method and products)."""
    body: dict[str, Any] = {
        "purchase_order": f"PO-{customer_order}",
        "customer_order": customer_order,
        "ship_method_id": 12,
        "notes": f"revision {revision}",
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
            {"product_code": "StockBox 2000", "quantity": 2, "customs_declared_value": 123.4},
            {"product_code": "Generic Product 1", "quantity": 1},
        ],
    }
    body.update(overrides)
    return body


def orders_named(server: SandboxServer, customer_order: str) -> int:
    """How many orders the sandbox holds under ``customer_order``."""
    return len(server.sandbox.store.all(ORDERS, {"customer_order": customer_order}))


def ahead_client(server: SandboxServer, **kwargs: Any) -> AheadClient:
    """A client of the sandbox with its default HMAC credentials, retrying without waiting."""
    auth = HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET)
    retry = RetryPolicy(sleep=lambda _seconds: None)
    return AheadClient(server.base_url, **{"auth": auth, "retry": retry, **kwargs})


def closed_port_url() -> str:
    """The URL of a loopback port nothing listens on (taken from the OS, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --------------------------------------------------------------------------------------------
# jsonfiles
# --------------------------------------------------------------------------------------------


class JsonFileSourceHarness(SourceHarness):
    """Orders as JSON files in ``<deployment>/inbox``, keyed ``ACME:<customer_order>``."""

    def __init__(self, deployment: Path, **settings: Any) -> None:
        self.deployment = deployment
        self.inbox = deployment / "inbox"
        self.error = deployment / "error"
        self.settings: dict[str, Any] = {
            "inbox": "inbox",
            "key_field": "customer_order",
            "key_prefix": "ACME:",
            "settle_seconds": 0,
            **settings,
        }

    def make_source(self) -> Source:
        context = AdapterContext("orders-in", self.deployment)
        return build_adapter(Role.SOURCE, "jsonfiles", self.settings, context)

    def put(self, number: int, revision: int = 0) -> str:
        self.inbox.mkdir(parents=True, exist_ok=True)
        customer_order = f"PO-{number}"
        payload = order_payload(customer_order, revision)
        write_file(self.inbox / f"{customer_order}.json", json.dumps(payload))
        return f"ACME:{customer_order}"

    def put_bad(self) -> str | None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        write_file(self.inbox / "broken.json", '{"customer_order": "PO-X",\n')
        return "inbox/broken.json"

    def was_quarantined(self, origin: str) -> bool:
        name = Path(origin).name
        return (self.error / name).is_file() and (self.error / f"{name}.error.txt").is_file()


class JsonFileSinkHarness(SinkHarness):
    """Documents written as JSON files to ``<deployment>/outbox``."""

    second_write = SecondWrite.REPLACES

    def __init__(self, deployment: Path) -> None:
        self.deployment = deployment

    def make_sink(self) -> Sink:
        return self._sink({"outbox": "outbox"})

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        payload = order_payload(f"PO-{number}", revision)
        return Record.of(f"ACME:PO-{number}", payload), payload

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        record, document = self.document(number)
        return record, {**document, "weight": float("nan")}

    def make_unavailable_sink(self) -> Sink | None:
        sink = self._sink({"outbox": "gone"})
        (self.deployment / "gone").rmdir()
        (self.deployment / "gone").write_text("a file where the outbox was\n")
        return sink

    def _sink(self, settings: Mapping[str, Any]) -> Sink:
        context = AdapterContext("orders-out", self.deployment)
        return build_adapter(Role.SINK, "jsonfiles", settings, context)


# --------------------------------------------------------------------------------------------
# ahead-orders
# --------------------------------------------------------------------------------------------


class AheadOrderSinkHarness(SinkHarness):
    """Orders submitted to a sandbox on loopback; keys are new for every harness."""

    second_write = SecondWrite.ADDS_ANOTHER

    def __init__(self, server: SandboxServer, deployment: Path) -> None:
        self.server = server
        self.deployment = deployment
        self.prefix = f"CT-{uuid.uuid4().hex[:10]}"
        self._clients: list[AheadClient] = []

    def make_sink(self) -> Sink:
        return self._sink(ahead_client(self.server))

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        customer_order = f"{self.prefix}-{number}"
        payload = order_payload(customer_order, revision)
        return Record.of(customer_order, payload), payload

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        record, document = self.document(number)
        return record, {**document, "ship_method_id": 999999}

    def make_unavailable_sink(self) -> Sink | None:
        auth = HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET)
        client = AheadClient(closed_port_url(), auth=auth, retry=RetryPolicy(max_attempts=1))
        return self._sink(client)

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def _sink(self, client: AheadClient) -> Sink:
        self._clients.append(client)
        context = AdapterContext("orders-out", self.deployment, services={"ahead": client})
        return build_adapter(Role.SINK, "ahead-orders", {}, context)
