"""Records claimed, sent and completed in groups: the protocol holds for every record of a group.

The run's thread writes a group's intents in one transaction before any of the group's requests
leave, and the outcomes of the sends confirmed meanwhile with the next group's intents; these
tests check each record's protocol from outside, through a second connection to the store.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from engine_support import FakeClock, ListSource, ScriptedSink, StepLog, order

from adapters.base import Record
from connector.engine import Engine, Flow, FlowPolicy
from connector.store import (
    ChangePolicy,
    CheckpointStore,
    Claim,
    GroupOutcome,
    RecordState,
    Submission,
)


def keys(count: int) -> list[str]:
    return [f"PO-{n:03d}" for n in range(count)]


class GroupLog(CheckpointStore):
    """A real store that also notes the size of every group written."""

    groups: list[tuple[int, int]]

    def complete_and_begin(
        self,
        flow: str,
        completions: Sequence[tuple[Claim, str]],
        submissions: Sequence[Submission],
        owner: str,
        lease_seconds: float,
        *,
        change_policy: ChangePolicy = ChangePolicy.WARN,
    ) -> GroupOutcome:
        self.groups.append((len(completions), len(submissions)))
        return super().complete_and_begin(
            flow, completions, submissions, owner, lease_seconds, change_policy=change_policy
        )


def test_each_record_leaves_after_its_intent_and_is_acknowledged_after_its_outcome(
    store: CheckpointStore, store_url: str, clock: FakeClock
) -> None:
    names = keys(30)
    source = ListSource([order(key) for key in names])
    sink = ScriptedSink()
    violations: list[str] = []
    lock = threading.Lock()

    with CheckpointStore.open(store_url, clock=clock) as outside:

        class Checks:
            def step(self, name: str, key: str) -> None:
                record = outside.get("orders", key)
                if name == "before-send" and (
                    record is None or record.state is not RecordState.SUBMITTING
                ):
                    problem = f"{key} leaves as {record and record.state}"
                elif name == "acknowledged" and (
                    record is None or record.state is not RecordState.DONE
                ):
                    problem = f"{key} acknowledged as {record and record.state}"
                elif name == "cursor-moved":
                    cursor = outside.get_cursor("orders") or ""
                    behind = [r.key for r in source.records if (r.cursor or "") <= cursor]
                    states = {outside.get("orders", k).state for k in behind}  # type: ignore[union-attr]
                    problem = "" if states == {RecordState.DONE} else f"cursor {cursor}: {states}"
                else:
                    return
                if problem:
                    with lock:
                        violations.append(problem)

        flow = Flow("orders", source, sink, policy=FlowPolicy(concurrency=4, batch_size=7))
        report = Engine(store, clock=clock, observer=Checks()).run(flow)

    assert violations == []
    assert report.counts.submitted == 30
    assert all(sink.count(key) == 1 for key in names)
    assert store.get_cursor("orders") == "000030"


def test_intents_and_outcomes_are_written_a_group_at_a_time(
    store_url: str, clock: FakeClock
) -> None:
    names = keys(40)
    sink = ScriptedSink()
    with GroupLog.open(store_url, clock=clock) as store:
        store.groups = []
        flow = Flow("orders", ListSource([order(key) for key in names]), sink)

        report = Engine(store, clock=clock).run(flow)

        groups = list(store.groups)
    assert report.counts.submitted == 40
    assert sum(completed for completed, _ in groups) == 40
    assert sum(claimed for _, claimed in groups) == 40
    assert len(groups) < 20
    assert max(claimed for _, claimed in groups) > 1
    assert any(completed and claimed for completed, claimed in groups)


def test_a_record_delivered_by_another_process_after_the_lookup_is_not_sent_again(
    store: CheckpointStore, store_url: str, clock: FakeClock
) -> None:
    # One worker: the first group is A and B, the second C and D, all looked up at once.
    source = ListSource([order(key) for key in ("A", "B", "C", "D")])
    sink = ScriptedSink()
    log = StepLog()
    delivered_elsewhere: list[Claim | None] = []

    def another_process_delivers_d() -> None:
        with CheckpointStore.open(store_url, clock=clock) as other:
            d = source.records[3]
            claim = other.begin_submission("orders", "D", d.content_hash, "i", "other", 60)
            delivered_elsewhere.append(claim)
            if claim is not None:
                other.complete(claim, "R-elsewhere")

    log.hooks[("intent-written", "A")] = another_process_delivers_d
    flow = Flow("orders", source, sink, policy=FlowPolicy(concurrency=1))

    report = Engine(store, clock=clock, observer=log).run(flow)

    assert delivered_elsewhere
    assert delivered_elsewhere[0] is not None
    assert (report.counts.submitted, report.counts.skipped) == (3, 1)
    assert sink.count("D") == 0
    record = store.get("orders", "D")
    assert record is not None
    assert (record.state, record.remote_ref) == (RecordState.DONE, "R-elsewhere")
    assert source.acks_of("D") == [True]


def test_a_record_another_process_claims_after_the_lookup_is_left_to_it(
    store: CheckpointStore, store_url: str, clock: FakeClock
) -> None:
    source = ListSource([order(key) for key in ("A", "B", "C", "D")])
    sink = ScriptedSink()
    log = StepLog()
    held: list[Claim | None] = []

    def another_process_claims_d() -> None:
        with CheckpointStore.open(store_url, clock=clock) as other:
            d = source.records[3]
            held.append(other.claim("orders", "D", d.content_hash, "other", 600))

    log.hooks[("intent-written", "A")] = another_process_claims_d
    flow = Flow("orders", source, sink, policy=FlowPolicy(concurrency=1))

    report = Engine(store, clock=clock, observer=log).run(flow)

    assert held
    assert held[0] is not None
    assert (report.counts.submitted, report.counts.busy) == (3, 1)
    assert sink.count("D") == 0
    record = store.get("orders", "D")
    assert record is not None
    assert record.lease_owner == "other"
    assert source.acks_of("D") == []


def test_a_stop_sends_what_the_workers_started_and_withdraws_the_intents_of_the_rest(
    store: CheckpointStore, clock: FakeClock
) -> None:
    names = keys(40)
    source = ListSource([order(key) for key in names])
    sink = ScriptedSink()
    stop = threading.Event()
    log = StepLog()
    log.hooks[("before-send", names[5])] = stop.set
    flow = Flow("orders", source, sink, policy=FlowPolicy(concurrency=4))
    engine = Engine(store, clock=clock, observer=log)

    report = engine.run(flow, stop=stop)

    intents = {key for name, key in log.steps if name == "intent-written"}
    withdrawn = intents - set(sink.writes)
    assert report.counts.submitted == len(sink.writes) < len(intents) < len(names)
    assert report.counts.released == len(withdrawn)
    for key in names:
        record = store.get("orders", key)
        if key in sink.writes:
            assert record is not None
            assert (record.state, record.lease_owner) == (RecordState.DONE, None)
        elif key in withdrawn:
            assert record is not None
            assert (record.state, record.lease_owner, record.attempts) == (
                RecordState.PENDING,
                None,
                0,
            )
        else:
            assert record is None

    again = engine.run(flow)

    assert again.counts.submitted == len(names) - report.counts.submitted
    assert all(sink.count(key) == 1 for key in names)


def test_an_unmappable_record_in_a_group_fails_alone(
    store: CheckpointStore, clock: FakeClock
) -> None:
    names = keys(10)
    source = ListSource([order(key) for key in names])
    sink = ScriptedSink()

    class RefusesOne:
        def map(self, record: Record) -> dict[str, Any]:
            if record.key == names[4]:
                raise ValueError("no ship-to address")
            return dict(record.payload)

    flow = Flow("orders", source, sink, mapping=RefusesOne(), policy=FlowPolicy(concurrency=4))

    report = Engine(store, clock=clock).run(flow)

    assert (report.counts.submitted, report.counts.failed) == (9, 1)
    assert sink.count(names[4]) == 0
    record = store.get("orders", names[4])
    assert record is not None
    assert record.state is RecordState.FAILED
    assert "no ship-to address" in (record.last_error or "")
