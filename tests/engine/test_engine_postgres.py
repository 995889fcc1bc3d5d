"""Two connector processes on one PostgreSQL store: each order reaches AHEAD exactly once, and
a survivor takes over the records of a process that died."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crash_support import Runner, orders_by_key, write_orders
from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

from connector.sandbox import FaultRule, SandboxConfig, SandboxServer
from connector.store import CheckpointStore, RecordState

pytestmark = pytest.mark.postgres

ORDERS = 1000
ORDER_PATH = "/v2/customer_order_submissions"
RUN_TIMEOUT = 120.0
FOLLOW_UP_RUNS = 30


@pytest.fixture
def fresh_schema_url(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL schema of this test's own, dropped afterwards."""
    schema = f"ahead_engine_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(postgres_url, poolclass=NullPool)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def result_of(process: subprocess.Popen[str]) -> tuple[int, dict[str, Any]]:
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("a connector run hung")
    if process.returncode == 0:
        return 0, json.loads(out.strip().splitlines()[-1])
    if process.returncode < 0:
        return process.returncode, {}
    pytest.fail(f"a connector run failed:\n{out}\n{err}")


def inboxes(tmp_path: Path, keys: list[str], count: int) -> list[Path]:
    """The same orders in one inbox per process, as each host would read them from the ERP."""
    first = tmp_path / "host-0" / "inbox"
    write_orders(first, keys, per_file=20)
    others = [tmp_path / f"host-{n}" / "inbox" for n in range(1, count)]
    for inbox in others:
        shutil.copytree(first, inbox)
    return [first, *others]


def delivered(report: dict[str, Any]) -> int:
    return int(report.get("submitted", 0)) + int(report.get("reconciled", 0))


def finish_with(runner: Runner, owner: str, store_url: str) -> list[dict[str, Any]]:
    """Run ``owner`` again until every order is done (records of a dead process wait for their
    leases to end first)."""
    reports = []
    with CheckpointStore.open(store_url) as store:
        for _ in range(FOLLOW_UP_RUNS):
            if store.counts_by_state("orders")[RecordState.DONE] == ORDERS:
                return reports
            code, report = result_of(runner.start(owner))
            assert code == 0
            reports.append(report)
            time.sleep(0.5)
        assert store.counts_by_state("orders")[RecordState.DONE] == ORDERS
    return reports


@pytest.mark.timeout(300)
def test_two_processes_on_one_store_submit_each_order_once(
    fresh_schema_url: str, tmp_path: Path
) -> None:
    keys = [f"PG-{n:04d}" for n in range(ORDERS)]
    folders = inboxes(tmp_path, keys, 2)
    faults = [FaultRule(method="POST", path=ORDER_PATH, drop_after_commit_rate=0.05)]

    with SandboxServer(SandboxConfig(random_seed=7, faults=faults)) as server:
        runners = [Runner(fresh_schema_url, inbox, server.base_url) for inbox in folders]
        processes = [runner.start(f"host-{n}") for n, runner in enumerate(runners)]
        results = [result_of(process) for process in processes]
        follow_ups = finish_with(runners[0], "host-0", fresh_schema_url)
        sandbox_orders = orders_by_key(server)

    reports = [report for _, report in results]
    assert [code for code, _ in results] == [0, 0]
    assert all(report.get("submitted", 0) >= 1 for report in reports), reports
    assert sum(delivered(report) for report in [*reports, *follow_ups]) == ORDERS
    assert {key: n for key, n in sandbox_orders.items() if n > 1} == {}
    assert sorted(sandbox_orders) == keys
    print(
        f"two processes: submitted {[report.get('submitted', 0) for report in reports]}, "
        f"reconciled {[report.get('reconciled', 0) for report in reports]}, "
        f"{len(follow_ups)} follow-up runs"
    )


@pytest.mark.timeout(300)
def test_survivor_takes_over_the_leases_of_a_killed_process(
    fresh_schema_url: str, tmp_path: Path
) -> None:
    keys = [f"PG-{n:04d}" for n in range(ORDERS)]
    folders = inboxes(tmp_path, keys, 2)
    faults = [FaultRule(method="POST", path=ORDER_PATH, drop_after_commit_rate=0.05)]

    with SandboxServer(SandboxConfig(random_seed=11, faults=faults)) as server:
        doomed, survivor = (
            Runner(fresh_schema_url, inbox, server.base_url, lease=3.0) for inbox in folders
        )
        killed = doomed.start("host-0", kill_at="before-send", kill_after=150)
        surviving = survivor.start("host-1")
        killed_code, _ = result_of(killed)
        with CheckpointStore.open(fresh_schema_url) as store:
            left_by_the_dead = [
                record.key
                for record in store.list_records("orders", limit=ORDERS)
                if record.lease_owner == "host-0"
            ]
        survivor_code, first = result_of(surviving)
        follow_ups = finish_with(survivor, "host-1", fresh_schema_url)
        with CheckpointStore.open(fresh_schema_url) as store:
            taken_over = [store.get("orders", key) for key in left_by_the_dead]
        sandbox_orders = orders_by_key(server)

    assert killed_code == -9
    assert survivor_code == 0
    assert left_by_the_dead, "the killed process left no leased records to take over"
    assert {key: n for key, n in sandbox_orders.items() if n > 1} == {}
    assert sorted(sandbox_orders) == keys
    assert all(
        record is not None and record.state is RecordState.DONE and record.lease_version > 1
        for record in taken_over
    )
    print(
        f"takeover: {len(left_by_the_dead)} records leased by the killed process; survivor "
        f"delivered {delivered(first)} in its first run, "
        f"{sum(delivered(report) for report in follow_ups)} in {len(follow_ups)} more"
    )
