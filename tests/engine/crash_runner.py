"""One run of an orders flow, as a deployment would make it, for the crash tests.

Run as a script by ``test_engine_crash.py`` and ``test_engine_postgres.py``::

    python crash_runner.py --store URL --inbox DIR --api URL --owner NAME
        [--kill-at STEP --kill-after N] [--kill-anyway-after M] [--lease SECONDS]
        [--concurrency N] [--recover]

With ``--kill-at``, the process kills itself with SIGKILL right after the N-th time the engine
reports step STEP (any record), which leaves exactly the state of that step boundary behind;
with ``--kill-anyway-after``, after the M-th step of any kind if that comes first.
The run's report is printed as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from dataclasses import asdict
from pathlib import Path

from adapters.ahead import AheadOrderSink
from adapters.ahead.sink import AheadOrderSinkSettings
from adapters.base import AdapterContext
from adapters.jsonfiles import JsonFileSource, JsonFileSourceSettings
from connector.api import AheadClient, HmacAuth
from connector.engine import Engine, Flow, FlowPolicy
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN
from connector.store import CheckpointStore

BOOKKEEPING_STEPS = frozenset({"acknowledged", "cursor-moved"})
"""Steps that ``--kill-anyway-after`` does not count: a run re-reads settled records and
acknowledges them, which would use up its steps before it reaches any new work."""


class KillAt:
    """Kills this process with SIGKILL right after the ``after``-th step named ``name``, or
    after the ``anyway``-th step that works on a record, whichever comes first (0: never)."""

    def __init__(self, name: str | None, after: int, anyway: int) -> None:
        self._name = name
        self._left = after if name is not None and after > 0 else -1
        self._any_left = anyway if anyway > 0 else -1
        self._lock = threading.Lock()

    def step(self, name: str, key: str) -> None:
        with self._lock:
            if self._any_left > 0 and name not in BOOKKEEPING_STEPS:
                self._any_left -= 1
            if name == self._name and self._left > 0:
                self._left -= 1
            if self._left == 0 or self._any_left == 0:
                os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--inbox", required=True, type=Path)
    parser.add_argument("--api", required=True)
    parser.add_argument("--owner", required=True)
    parser.add_argument("--kill-at")
    parser.add_argument("--kill-after", type=int, default=0)
    parser.add_argument("--kill-anyway-after", type=int, default=0)
    parser.add_argument("--lease", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--recover", action="store_true", help="end this owner's old leases")
    options = parser.parse_args(argv)

    deployment = options.inbox.parent
    with (
        CheckpointStore.open(options.store) as store,
        AheadClient(options.api, auth=HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET)) as client,
    ):
        if options.recover:
            # The previous process of this owner is known to be dead (it was killed and
            # waited for): its records need not wait for their leases to run out.
            store.expire_leases(options.owner)
        source = JsonFileSource(
            JsonFileSourceSettings(inbox=options.inbox, key_field="customer_order"),
            AdapterContext("orders-in", deployment),
        )
        sink = AheadOrderSink(
            AheadOrderSinkSettings(),
            AdapterContext("orders-out", deployment, services={"ahead": client}),
        )
        policy = FlowPolicy(
            concurrency=options.concurrency,
            lease_seconds=options.lease,
            retry_delay=0.01,
            max_retry_delay=0.05,
            batch_size=25,
        )
        engine = Engine(
            store,
            owner=options.owner,
            observer=KillAt(options.kill_at, options.kill_after, options.kill_anyway_after),
        )
        report = engine.run(Flow("orders", source, sink, policy=policy))
    counts = {name: value for name, value in asdict(report.counts).items() if value}
    print(json.dumps({"status": report.status.value, "summary": report.summary, **counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
