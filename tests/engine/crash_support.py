"""What the crash tests share: order files in an inbox, runner processes, the sandbox's view."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from connector.sandbox import SandboxServer

RUNNER = Path(__file__).with_name("crash_runner.py")
SEEDED_ORDER = "SEED-1001"
"""The order the sandbox is seeded with; not one of ours."""


def order_payload(customer_order: str) -> dict[str, object]:
    return {
        "purchase_order": f"PO-{customer_order}",
        "customer_order": customer_order,
        "ship_method_id": 12,
        "recipient": {
            "name": "Jane Doe",
            "address_1": "467 Highway #1",
            "city": "Toronto",
            "state": "ON",
            "zip": "M5A 1J7",
            "country": "CA",
        },
        "lines": [{"product_code": "StockBox 2000", "quantity": 2}],
    }


def write_orders(inbox: Path, keys: list[str], per_file: int) -> None:
    """Drop the orders into ``inbox`` as JSON files of ``per_file`` orders each."""
    inbox.mkdir(parents=True)
    for start in range(0, len(keys), per_file):
        batch = [order_payload(key) for key in keys[start : start + per_file]]
        (inbox / f"orders-{start:05d}.json").write_text(json.dumps(batch))


@dataclass
class Runner:
    """How to start one connector run as its own process."""

    store: str
    inbox: Path
    api: str
    lease: float = 60.0
    concurrency: int = 4

    def command(
        self,
        owner: str,
        *,
        kill_at: str | None = None,
        kill_after: int = 0,
        kill_anyway_after: int = 0,
        recover: bool = True,
    ) -> list[str]:
        command = [
            sys.executable,
            str(RUNNER),
            f"--store={self.store}",
            f"--inbox={self.inbox}",
            f"--api={self.api}",
            f"--owner={owner}",
            f"--lease={self.lease}",
            f"--concurrency={self.concurrency}",
        ]
        if kill_at is not None:
            command += [f"--kill-at={kill_at}", f"--kill-after={kill_after}"]
        if kill_anyway_after:
            command.append(f"--kill-anyway-after={kill_anyway_after}")
        if recover:
            command.append("--recover")
        return command

    def start(self, owner: str, **options: object) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(owner, **options),  # type: ignore[arg-type]
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def orders_by_key(server: SandboxServer) -> Counter[str]:
    """How many orders the sandbox holds per customer_order (the seeded one left out)."""
    orders = server.sandbox.store.all("customer_order_submissions")
    counts = Counter(str(order["customer_order"]) for order in orders)
    counts.pop(SEEDED_ORDER, None)
    return counts
