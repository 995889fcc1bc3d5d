"""One run of a flow of the NetSuite example deployment, for the crash tests.

Run as a script by ``test_netsuite_crash.py``::

    python netsuite_crash_runner.py --deployment DIR --environ FILE --flow NAME --owner NAME
        [--kill-at STEP --kill-after N] [--recover]

With ``--kill-at``, the process kills itself with SIGKILL right after the N-th time the engine
reports step STEP (any record), leaving exactly the state of that step boundary behind. With
``--recover``, the owner's leases are ended first (its previous process is known to be dead).
The run's counts are printed as one JSON line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading
from pathlib import Path

from connector.engine import Engine
from connector.runtime import Runtime


class KillAt:
    """Kills this process with SIGKILL right after the ``after``-th step named ``name``."""

    def __init__(self, name: str | None, after: int) -> None:
        self._name = name
        self._left = after if name is not None and after > 0 else -1
        self._lock = threading.Lock()

    def step(self, name: str, key: str) -> None:
        with self._lock:
            if name == self._name and self._left > 0:
                self._left -= 1
                if self._left == 0:
                    os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deployment", required=True, type=Path)
    parser.add_argument("--environ", required=True, type=Path)
    parser.add_argument("--flow", required=True)
    parser.add_argument("--owner", required=True)
    parser.add_argument("--kill-at")
    parser.add_argument("--kill-after", type=int, default=0)
    parser.add_argument("--recover", action="store_true")
    options = parser.parse_args(argv)
    environ = json.loads(options.environ.read_text(encoding="utf-8"))
    with Runtime.open(options.deployment, environ=environ, owner=options.owner) as runtime:
        if options.recover:
            runtime.store.expire_leases(options.owner)
        runtime.engine = Engine(
            runtime.store, owner=options.owner, observer=KillAt(options.kill_at, options.kill_after)
        )
        flow = runtime.flows[options.flow]
        policy = dataclasses.replace(flow.policy, retry_delay=0.01, max_retry_delay=0.01)
        runtime.flows[options.flow] = dataclasses.replace(flow, policy=policy)
        report = runtime.run_flow(options.flow)
    counts = {name: value for name, value in dataclasses.asdict(report.counts).items() if value}
    print(json.dumps({"status": report.status.value, **counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
