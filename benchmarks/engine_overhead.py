"""The engine's cost per record against a bare loop that posts the same orders.

Both sides post the same order payloads to a sandbox served over loopback HTTP by its own
process (as the real API is remote: the sandbox's work must not compete with the measured
side for this process's interpreter), at the same concurrency (threads):

- baseline: a thread pool of plain ``httpx`` POSTs, nothing recorded anywhere;
- measured: :class:`connector.engine.Engine` running a flow from an in-memory source to the
  AHEAD order sink, with the exactly-once protocol on a SQLite checkpoint store (claim and intent
  before each send, the outcome after it, the cursor).

Each round submits fresh keys to a fresh sandbox and store so that neither side sees the
other's orders; rounds alternate and the median is reported. Goal: ratio at most 1.25. The
CPU time this process spends per record on each side is reported too: the sandbox answers at
the same pace to both, so the engine keeps up with the baseline only while its own work per
record stays below the sandbox's (and it suffers first when other processes take the CPUs).
"""

from __future__ import annotations

import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx

from adapters.ahead import AheadOrderSink
from adapters.base import AdapterContext, Record, Source
from connector.api import AheadClient
from connector.engine import Engine, Flow, FlowPolicy
from connector.store import CheckpointStore


def order(key: str) -> dict[str, object]:
    """One order payload, as a mapping would produce it."""
    return {
        "purchase_order": f"PO-{key}",
        "customer_order": key,
        "ship_method_id": 12,
        "recipient": {
            "name": "Bench Receiving",
            "address_1": "1 Loop Road",
            "city": "Toronto",
            "country": "CA",
        },
        "lines": [
            {"product_code": "Generic Product 2", "quantity": 1, "customs_declared_value": 10}
        ],
    }


class ListSource(Source):
    """Records from a list held in memory; the cursor is the position in the list."""

    kind = "bench-list"

    def __init__(self, records: list[Record]) -> None:
        self._records = records

    def read(self, cursor: str | None) -> Iterator[Record]:
        start = 0 if cursor is None else int(cursor) + 1
        yield from self._records[start:]


@contextmanager
def _sandbox() -> Iterator[str]:
    """A fresh sandbox in its own process; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = Path(sys.executable).with_name("ahead-connector")
    process = subprocess.Popen(
        [str(command), "sandbox", "--port", str(port), "--no-auth"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base_url}/v2/authenticate", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the sandbox process did not start") from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


class Timed(NamedTuple):
    """How long one side took for its orders: wall-clock seconds and this process's CPU seconds."""

    wall: float
    cpu: float


@contextmanager
def _timed() -> Iterator[list[Timed]]:
    """Times the ``with`` block; the result is in the yielded list once the block ends."""
    result: list[Timed] = []
    wall, cpu = time.perf_counter(), time.process_time()
    yield result
    result.append(Timed(time.perf_counter() - wall, time.process_time() - cpu))


def _baseline(keys: list[str], concurrency: int) -> Timed:
    with _sandbox() as base_url, httpx.Client(base_url=base_url) as http:

        def post(key: str) -> None:
            http.post("/v2/customer_order_submissions", json=order(key)).raise_for_status()

        with _timed() as timed, ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(post, keys))
        return timed[0]


def _engine(keys: list[str], concurrency: int, workdir: Path) -> Timed:
    records = [Record.of(key, order(key), cursor=str(n)) for n, key in enumerate(keys)]
    with (
        _sandbox() as base_url,
        AheadClient(base_url) as client,
        CheckpointStore.open(f"sqlite:///{workdir / f'{keys[0]}.db'}") as store,
    ):
        context = AdapterContext("ahead", workdir, services={"ahead": client})
        sink = AheadOrderSink(AheadOrderSink.settings_model(), context)
        source = ListSource(records)
        flow = Flow("orders", source, sink, policy=FlowPolicy(concurrency=concurrency))
        with _timed() as timed:
            report = Engine(store).run(flow)
    if report.counts.submitted != len(keys):
        raise RuntimeError(f"the engine submitted {report.counts.submitted} of {len(keys)}")
    return timed[0]


def main(*, requests: int = 400, rounds: int = 3, concurrency: int = 4) -> None:
    """Print the engine's per-record overhead ratio and the process's peak memory."""
    print(
        f"engine overhead: {requests} orders x {rounds} rounds, concurrency {concurrency}, "
        "sandbox in its own process on loopback, SQLite store"
    )
    base_times: list[Timed] = []
    engine_times: list[Timed] = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_number in range(rounds):
            keys = [f"B{round_number}-{n:06d}" for n in range(requests)]
            base_times.append(_baseline(keys, concurrency))
            keys = [f"E{round_number}-{n:06d}" for n in range(requests)]
            engine_times.append(_engine(keys, concurrency, Path(tmp)))
    base = statistics.median(timed.wall for timed in base_times)
    ours = statistics.median(timed.wall for timed in engine_times)
    print(
        f"{'POST orders':<28} baseline {requests / base:8.0f} rec/s   engine {requests / ours:8.0f}"
        f" rec/s   ratio (engine time / baseline time) {ours / base:5.2f}  (goal <= 1.25)"
    )
    base_cpu = statistics.median(timed.cpu for timed in base_times) / requests * 1000
    our_cpu = statistics.median(timed.cpu for timed in engine_times) / requests * 1000
    print(
        f"{'CPU of this process':<28} baseline {base_cpu:8.2f} ms/rec  engine {our_cpu:8.2f} ms/rec"
    )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (baseline and engine, not the sandbox): {peak_mib:.0f} MiB")
