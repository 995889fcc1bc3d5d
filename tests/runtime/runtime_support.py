"""A deployment folder written by the tests, and orders to drop into its inbox."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from connector.sandbox import SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN

#: The environment the deployment's ``${...}`` references are resolved from.
ENVIRON = {"AHEAD_HMAC_TOKEN": DEFAULT_HMAC_TOKEN, "AHEAD_HMAC_SECRET": DEFAULT_HMAC_SECRET}

_ORDER: dict[str, Any] = {
    "purchase_order": "PO-1",
    "customer_order": "CO-1",
    "ship_method_id": 12,
    "recipient": {
        "name": "Dana Smith",
        "address_1": "100 Industrial Way",
        "city": "Austin",
        "state": "TX",
        "zip": "78701",
        "country": "US",
    },
    "lines": [{"product_code": "StockBox 2000", "quantity": 1}],
}


def order(customer_order: str, **changes: Any) -> dict[str, Any]:
    """A valid order for the sandbox; ``changes`` replace top-level fields."""
    body = copy.deepcopy(_ORDER)
    body["customer_order"] = customer_order
    body["purchase_order"] = f"PO-{customer_order}"
    body.update(changes)
    return body


def with_address(customer_order: str, address_1: str) -> dict[str, Any]:
    """An order whose first address line is ``address_1``."""
    body = order(customer_order)
    body["recipient"]["address_1"] = address_1
    return body


def submitted_orders(server: SandboxServer) -> list[str]:
    """The ``customer_order`` of every order submitted to the sandbox (not its seeded ones)."""
    rows = server.sandbox.store.all("customer_order_submissions")
    return sorted(
        row["customer_order"] for row in rows if not row["customer_order"].startswith("SEED-")
    )


@dataclass
class DeploymentFolder:
    """A deployment in ``directory``: HMAC credentials by reference, a jsonfiles inbox, the
    ahead-orders sink, and an ``orders`` flow between them."""

    directory: Path
    base_url: str

    @property
    def inbox(self) -> Path:
        return self.directory / "inbox"

    def config(self) -> dict[str, Any]:
        return {
            "ahead": {
                "base_url": self.base_url,
                "auth": {
                    "hmac": {"token": "${AHEAD_HMAC_TOKEN}", "secret": "${AHEAD_HMAC_SECRET}"}
                },
                "retry": {"max_attempts": 1},
            },
            "adapters": {
                "inbox": {
                    "kind": "jsonfiles",
                    "role": "source",
                    "settings": {"inbox": "inbox", "key_field": "customer_order"},
                },
                "ahead-orders": {"kind": "ahead-orders", "role": "sink"},
            },
            "flows": {"orders": {"source": "inbox", "sink": "ahead-orders"}},
        }

    def write(self, config: dict[str, Any] | None = None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(config if config is not None else self.config(), sort_keys=False)
        (self.directory / "connector.yaml").write_text(text, encoding="utf-8")

    def drop(self, name: str, document: dict[str, Any]) -> Path:
        """Put ``document`` into the inbox as ``name``."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        path = self.inbox / name
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    def files(self, folder: str) -> list[str]:
        """The names of the files in ``folder`` of the deployment, sorted."""
        path = self.directory / folder
        return sorted(p.name for p in path.iterdir()) if path.is_dir() else []
