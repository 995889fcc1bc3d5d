"""The client's cost per request against a bare httpx loop, on the same sandbox, same socket.

Both sides send the same requests to one sandbox served over loopback HTTP, one at a time:
``GET /v2/items/{id}`` and ``POST /v2/customer_order_submissions``. The baseline is a plain
``httpx.Client`` that sends pre-built JSON and decodes the answer; the measured side is
:class:`connector.api.AheadClient` with HMAC signing, retry bookkeeping and model validation.
Rounds alternate so that drift of the machine hits both alike; the median round is reported.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections.abc import Callable

import httpx

from connector.api import AheadClient, HmacAuth, models
from connector.sandbox import LifecycleConfig, SandboxConfig, SandboxServer

ORDER = {
    "purchase_order": "PO-BENCH",
    "customer_order": "BENCH",
    "ship_method_id": 12,
    "recipient": {"name": "Bench", "address_1": "1 Loop Road", "city": "Toronto", "country": "CA"},
    "lines": [{"product_code": "Generic Product 2", "quantity": 1, "customs_declared_value": 10}],
}


def _timed(action: Callable[[int], object], requests: int) -> float:
    start = time.perf_counter()
    for n in range(requests):
        action(n)
    return time.perf_counter() - start


def _compare(
    label: str,
    baseline: Callable[[int], object],
    measured: Callable[[int], object],
    requests: int,
    rounds: int,
) -> None:
    _timed(baseline, 20)  # warm both paths (connection, imports, caches)
    _timed(measured, 20)
    base_times, measured_times = [], []
    for _ in range(rounds):
        base_times.append(_timed(baseline, requests))
        measured_times.append(_timed(measured, requests))
    base, ours = statistics.median(base_times), statistics.median(measured_times)
    print(
        f"{label:<28} baseline {requests / base:8.0f} req/s   client {requests / ours:8.0f} req/s"
        f"   ratio (client time / baseline time) {ours / base:5.2f}"
    )


def main(*, requests: int = 400, rounds: int = 5) -> None:
    """Print the client's overhead ratios and the process's peak memory."""
    config = SandboxConfig(require_auth=False, lifecycle=LifecycleConfig(release_after=None))
    with SandboxServer(config) as server:
        items = [item["id"] for item in server.sandbox.store.all("items")]
        auth = HmacAuth("bench-token", "bench-secret")
        with (
            httpx.Client(base_url=server.base_url) as bare,
            AheadClient(server.base_url, auth=auth) as client,
        ):
            print(
                f"client overhead: {requests} requests x {rounds} rounds, one at a time, loopback"
            )
            _compare(
                "GET /v2/items/{id}",
                lambda n: bare.get(f"/v2/items/{items[n % len(items)]}").json(),
                lambda n: client.get("items", items[n % len(items)]),
                requests,
                rounds,
            )
            body = json.dumps(ORDER).encode()
            submission = models.OrderSubmission.model_validate(ORDER)
            _compare(
                "POST customer_order_submissions",
                lambda n: bare.post(
                    "/v2/customer_order_submissions",
                    content=body,
                    headers={"Content-Type": "application/json"},
                ).json(),
                lambda n: client.submit_order(submission),
                requests,
                rounds,
            )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process (sandbox, baseline and client together): {peak_mib:.0f} MiB")
