"""Running a flow: concurrency, the cursor, dry runs, stopping, failures, observers, locks."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from engine_support import FakeClock, ListSource, ScriptedSink, StepLog, order, times_out
from sqlalchemy.exc import OperationalError

import connector.engine
from adapters.base import Record
from connector.engine import Engine, Flow, FlowPolicy, MappingError, Outcome, ProgressEvent
from connector.store import CheckpointStore, RecordState, RunStatus

WAIT = 30.0
"""Seconds a test waits for something that should happen at once (a safety net, not a timing)."""


def keys(count: int) -> list[str]:
    return [f"PO-{n:03d}" for n in range(count)]


def test_the_package_exports_exactly_its_public_names() -> None:
    assert sorted(connector.engine.__all__) == [
        "Engine",
        "EngineObserver",
        "Flow",
        "FlowPolicy",
        "Mapping",
        "MappingError",
        "MappingUnavailableError",
        "Outcome",
        "PassThroughMapping",
        "ProgressEvent",
        "RecordCounts",
        "RunReport",
        "Step",
    ]


def test_cursor_never_passes_a_record_still_being_sent(
    store: CheckpointStore, clock: FakeClock
) -> None:
    names = keys(8)
    source = ListSource([order(key) for key in names])
    sink = ScriptedSink()
    others_done = threading.Condition()

    def slow_second(record: Record) -> None:
        if record.key != names[1]:
            with others_done:
                others_done.notify_all()
            return
        with others_done:
            finished = others_done.wait_for(
                lambda: all(sink.count(key) for key in names[2:]) and bool(moves), timeout=WAIT
            )
        assert finished, "the others were not sent, or the cursor never moved, meanwhile"

    sink.before_write = slow_second
    moves: list[tuple[str | None, bool]] = []
    log = StepLog()

    class CursorSpy:
        def step(self, name: str, key: str) -> None:
            log.step(name, key)
            if name == "cursor-moved":
                moves.append((store.get_cursor("orders"), sink.count(names[1]) > 0))
                with others_done:
                    others_done.notify_all()

    flow = Flow("orders", source, sink, policy=FlowPolicy(concurrency=4, batch_size=1))
    report = Engine(store, clock=clock, observer=CursorSpy()).run(flow)

    assert report.counts.submitted == 8
    before = [cursor for cursor, second_sent in moves if not second_sent]
    assert before, "no cursor move happened while the second record was in flight"
    assert all(cursor is not None and cursor <= "000001" for cursor in before)
    assert store.get_cursor("orders") == "000008"


def test_dry_run_changes_nothing_and_says_what_would_happen(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1"), order("PO-2")])
    sink = ScriptedSink()
    engine = Engine(store, clock=clock)
    engine.run(Flow("orders", source, sink))
    source.add(order("PO-3"))
    source.add(order("BAD"))
    store.set_cursor("orders", "000001")

    class Strict:
        def map(self, record: Record) -> dict[str, object]:
            if record.key == "BAD":
                raise MappingError("customer_order: must not be BAD")
            return dict(record.payload)

    events: list[ProgressEvent] = []
    report = engine.run(
        Flow("orders", source, sink, mapping=Strict()), dry_run=True, progress=events.append
    )

    assert report.dry_run
    assert (report.counts.skipped, report.counts.submitted, report.counts.failed) == (1, 1, 1)
    assert report.errors == [("BAD", "cannot be mapped: customer_order: must not be BAD")]
    assert [event.outcome for event in events] == [
        Outcome.SKIPPED,
        Outcome.SUBMITTED,
        Outcome.FAILED,
    ]
    assert store.get("orders", "PO-3") is None
    assert store.get("orders", "BAD") is None
    assert store.get_cursor("orders") == "000001"
    assert sink.writes == ["PO-1", "PO-2"] or sorted(sink.writes) == ["PO-1", "PO-2"]
    assert len(source.acknowledged) == 2
    last = store.last_run("orders")
    assert last is not None
    assert last.id != report.run_id
    assert report.summary.startswith("orders: dry run, what would happen")


def test_stop_finishes_sends_in_flight_and_releases_the_rest(
    store: CheckpointStore, clock: FakeClock
) -> None:
    names = keys(6)
    source = ListSource([order(key) for key in names])
    sink = ScriptedSink()
    stop = threading.Event()
    log = StepLog()
    log.hooks[("before-send", names[1])] = stop.set
    flow = Flow("orders", source, sink, policy=FlowPolicy(concurrency=1, batch_size=2))
    engine = Engine(store, clock=clock, observer=log)

    report = engine.run(flow, stop=stop)

    assert report.status is RunStatus.INTERRUPTED
    assert sink.count(names[0]) == sink.count(names[1]) == 1
    assert report.counts.submitted == 2
    for key in names:
        record = store.get("orders", key)
        assert record is None or record.lease_owner is None
        assert record is None or record.state is not RecordState.SUBMITTING
    cursor = store.get_cursor("orders")
    assert cursor is None or cursor <= "000002"
    assert store.last_run("orders").status is RunStatus.INTERRUPTED  # type: ignore[union-attr]

    assert source.open_readers == 0

    again = engine.run(flow)

    assert again.status is RunStatus.SUCCEEDED
    assert all(sink.count(key) == 1 for key in names)


def test_observer_sees_the_step_boundaries_in_order(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1"), order("PO-2")])
    sink = ScriptedSink()
    sink.script("PO-2", times_out)
    log = StepLog()
    engine = Engine(store, clock=clock, observer=log)
    flow = Flow("orders", source, sink, policy=FlowPolicy(retry_delay=1))

    engine.run(flow)
    clock.advance(1)
    engine.run(flow)

    assert log.of("PO-1") == [
        "intent-written",
        "before-send",
        "after-send",
        "outcome-written",
        "acknowledged",
    ]
    assert log.of("PO-2") == [
        "intent-written",
        "before-send",
        "after-send",
        "outcome-written",
        "cursor-moved",
        "claimed",
        "before-lookup",
        "after-lookup",
        "intent-written",
        "before-send",
        "after-send",
        "outcome-written",
    ]


def test_store_failure_stops_the_run_loudly(
    sqlite_store: CheckpointStore, clock: FakeClock, tmp_path: Path
) -> None:
    source = ListSource([order("PO-1"), order("PO-2")])
    sink = ScriptedSink()

    def break_the_store(record: Record) -> None:
        database = sqlite3.connect(tmp_path / "state.db")
        database.execute("ALTER TABLE records RENAME TO records_gone")
        database.commit()
        database.close()

    sink.before_write = break_the_store
    flow = Flow("orders", source, sink, policy=FlowPolicy(concurrency=1))

    with pytest.raises(OperationalError, match="no such table: records"):
        Engine(sqlite_store, clock=clock).run(flow)

    last = sqlite_store.last_run("orders")
    assert last is not None
    assert last.status is RunStatus.FAILED
    assert "no such table: records" in (last.error or "")
    assert sink.writes == ["PO-1"]
    assert source.acknowledged == []
    assert sqlite_store.get_cursor("orders") is None


def test_source_failure_fails_the_run_and_keeps_what_was_done(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order(key) for key in keys(4)])
    source.fail_after = 2
    sink = ScriptedSink()

    report = Engine(store, clock=clock).run(Flow("orders", source, sink))

    assert report.status is RunStatus.FAILED
    assert report.error is not None
    assert "OSError: the source folder went away" in report.error
    assert report.counts.submitted == 2
    assert store.get_cursor("orders") == "000002"
    assert store.last_run("orders").status is RunStatus.FAILED  # type: ignore[union-attr]


def test_single_runner_flow_does_nothing_while_another_process_holds_it(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    flow = Flow("orders", source, sink, policy=FlowPolicy(single_runner=True))
    engine = Engine(store, clock=clock)

    with store.advisory_lock("flow:orders", "another-host:7") as held:
        assert held
        blocked = engine.run(flow)
    free = engine.run(flow)

    assert blocked.not_run == "another process holds the flow's single-runner lock"
    assert blocked.summary.startswith("orders: not run:")
    assert free.counts.submitted == 1
    assert sink.writes == ["PO-1"]


def test_two_engines_on_one_store_send_each_record_once(store_url: str, clock: FakeClock) -> None:
    names = keys(60)
    sink = ScriptedSink()
    barrier = threading.Barrier(2)
    reports = []

    def run_one(owner: str) -> None:
        with CheckpointStore.open(store_url, clock=clock) as store:
            flow = Flow(
                "orders",
                ListSource([order(key) for key in names]),
                sink,
                policy=FlowPolicy(concurrency=4, batch_size=10),
            )
            barrier.wait(timeout=WAIT)
            reports.append(Engine(store, owner=owner, clock=clock).run(flow))

    threads = [threading.Thread(target=run_one, args=(owner,)) for owner in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(reports) == 2
    assert all(sink.count(key) == 1 for key in names)
    assert sum(report.counts.submitted for report in reports) == 60
    with CheckpointStore.open(store_url, clock=clock) as store:
        assert store.counts_by_state("orders")[RecordState.DONE] == 60


def test_long_sends_keep_their_lease(tmp_path: Path) -> None:
    # Real time: the lease must really run out unless renewed.
    sqlite_store = CheckpointStore.open(f"sqlite:///{tmp_path / 'real-time.db'}")
    sink = ScriptedSink()
    renewed = threading.Event()
    first_expiry: list[object] = []

    def wait_for_renewals(record: Record) -> None:
        current = sqlite_store.get("orders", record.key)
        assert current is not None
        first_expiry.append(current.lease_expires_at)
        for _ in range(int(WAIT / 0.01)):
            latest = sqlite_store.get("orders", record.key)
            assert latest is not None
            if latest.lease_expires_at != first_expiry[0]:
                renewed.set()
                return
            threading.Event().wait(0.01)

    sink.before_write = wait_for_renewals
    flow = Flow("orders", ListSource([order("PO-1")]), sink, policy=FlowPolicy(lease_seconds=0.3))

    with sqlite_store:
        report = Engine(sqlite_store).run(flow)
        record = sqlite_store.get("orders", "PO-1")

    assert renewed.is_set()
    assert report.counts.submitted == 1
    assert record is not None
    assert record.lease_version == 1
