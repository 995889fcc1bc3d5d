"""The crash test: the connector killed with SIGKILL at random points while the sandbox loses
answers after committing, and still every order ends in AHEAD exactly once.

Replay a failure with the seed it prints: ``AHEAD_CRASH_SEED=<seed> pytest tests/engine -k crash``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from crash_support import Runner, orders_by_key, write_orders

from connector.sandbox import FaultRule, SandboxConfig, SandboxServer
from connector.store import CheckpointStore, RecordState

ORDERS = 200
PER_FILE = 4
KILLED_RUNS = 50
KILL_STEPS = [
    "claimed",
    "intent-written",
    "before-send",
    "after-send",
    "before-lookup",
    "after-lookup",
    "outcome-written",
    "cursor-moved",
    "acknowledged",
]
ORDER_PATH = "/v2/customer_order_submissions"
RUN_TIMEOUT = 60.0


@pytest.fixture
def seed() -> int:
    chosen = int(os.environ.get("AHEAD_CRASH_SEED", random.SystemRandom().randrange(2**32)))
    print(f"crash test seed: {chosen} (replay with AHEAD_CRASH_SEED={chosen})")
    return chosen


def done(store_url: str) -> int:
    with CheckpointStore.open(store_url) as store:
        return store.counts_by_state("orders")[RecordState.DONE]


def finish(process: subprocess.Popen[str], seed: int) -> int:
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"a connector run hung (seed {seed})")
    if process.returncode not in (0, -signal.SIGKILL):
        pytest.fail(f"a connector run failed (seed {seed}):\n{out}\n{err}")
    return process.returncode


@pytest.mark.timeout(600)
def test_killed_runs_and_lost_answers_leave_every_order_in_ahead_exactly_once(
    tmp_path: Path, seed: int
) -> None:
    chance = random.Random(seed)
    keys = [f"CRASH-{n:04d}" for n in range(ORDERS)]
    inbox = tmp_path / "acme" / "inbox"
    inbox.mkdir(parents=True)
    # The orders arrive a file at a time between runs, so that most go through runs that die.
    staging = tmp_path / "staging"
    write_orders(staging, keys, per_file=PER_FILE)
    waiting = sorted(staging.iterdir())
    store_url = f"sqlite:///{tmp_path / 'acme' / 'state.db'}"
    faults = [
        FaultRule(method="POST", path=ORDER_PATH, drop_after_commit_rate=0.2),
        FaultRule(method="POST", path=ORDER_PATH, error_rate=0.05, error_status=503),
    ]
    config = SandboxConfig(random_seed=seed, faults=faults)
    killed = steps_killed = outside_killed = runs = 0
    started = time.monotonic()

    with SandboxServer(config) as server:
        runner = Runner(store_url, inbox, server.base_url)
        last_killed = True
        while killed < KILLED_RUNS or waiting:
            # A new file when the last run ran out of work, or when files would otherwise be
            # left over after the last kill; renamed in, as a well-behaved writer does.
            if waiting and (not last_killed or len(waiting) >= KILLED_RUNS - killed):
                dropped = waiting.pop(0)
                dropped.rename(inbox / dropped.name)
            runs += 1
            assert runs <= 3 * KILLED_RUNS, f"too few runs could be killed (seed {seed})"
            if chance.random() < 0.8:
                # At the chosen boundary, or anyway after a few records' worth of steps, so
                # that each run leaves most of the work to the runs after it.
                step = chance.choice(KILL_STEPS)
                process = runner.start(
                    "acme-1",
                    kill_at=step,
                    kill_after=chance.randint(1, 4),
                    kill_anyway_after=chance.randint(2, 16),
                )
            else:
                process = runner.start("acme-1")
                # Most of a run's first second is start-up: this kills it during start-up or
                # early in its work.
                time.sleep(chance.uniform(0.9, 1.6))
                process.send_signal(signal.SIGKILL)
                step = None
            last_killed = finish(process, seed) == -signal.SIGKILL
            if last_killed:
                killed += 1
                steps_killed += step is not None
                outside_killed += step is None
        clean_runs = 0
        done_when_killed = done(store_url)
        with CheckpointStore.open(store_url) as store:
            while store.counts_by_state("orders")[RecordState.DONE] < ORDERS or list(
                inbox.iterdir()
            ):
                clean_runs += 1
                assert clean_runs <= 20, f"runs without kills did not finish (seed {seed})"
                assert finish(runner.start("acme-1"), seed) == 0
            states = store.counts_by_state("orders")
        sandbox_orders = orders_by_key(server)

    duplicates = {key: n for key, n in sandbox_orders.items() if n > 1}
    missing = [key for key in keys if key not in sandbox_orders]
    assert duplicates == {}, f"orders submitted twice (seed {seed}): {duplicates}"
    assert missing == [], f"orders never submitted (seed {seed}): {missing}"
    assert set(sandbox_orders) == set(keys), f"unexpected orders (seed {seed})"
    assert states[RecordState.DONE] == ORDERS, f"not all done (seed {seed}): {states}"
    assert sorted(path.name for path in (inbox.parent / "archive").iterdir()) == sorted(
        f"orders-{start:05d}.json" for start in range(0, ORDERS, PER_FILE)
    ), f"files not archived (seed {seed})"
    print(
        f"crash test: {runs} killed-phase runs, {killed} killed ({steps_killed} at a step "
        f"boundary, {outside_killed} from outside), {done_when_killed} orders done by then, "
        f"{clean_runs} clean runs, "
        f"{time.monotonic() - started:.0f} s; orders per key: {Counter(sandbox_orders.values())}"
    )
