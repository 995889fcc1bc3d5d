"""A mapping that cannot run now (a service it needs is down) postpones its record like a sink's
temporary failure: retried with backoff, dead when the attempts run out, never failed, never
sent, never acknowledged while it waits. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from engine_support import (
    FakeClock,
    ListSource,
    ScriptedSink,
    StepLog,
    UpdatingSink,
    order,
    rejects,
    times_out,
)

from adapters.base import Record
from connector.engine import Engine, Flow, FlowPolicy, MappingUnavailableError, Outcome, Step
from connector.store import ChangePolicy, CheckpointStore, RecordSnapshot, RecordState, RunStatus

DOWN = "AHEAD's countries could not be loaded: GET /v2/countries answered 503"


class ReferenceMapping:
    """Maps a record only while its reference data can be had (``down`` says for which keys
    it cannot); counts the records it mapped."""

    def __init__(self, *down: str) -> None:
        self.down = set(down)
        self.mapped: list[str] = []

    def map(self, record: Record) -> dict[str, Any]:
        if record.key in self.down:
            raise MappingUnavailableError(DOWN)
        self.mapped.append(record.key)
        return {**record.payload, "country": "US"}


def flow_of(
    source: ListSource, sink: ScriptedSink, mapping: ReferenceMapping, **policy: Any
) -> Flow:
    options = {"retry_delay": 10.0, "max_retry_delay": 60.0, "batch_size": 3, **policy}
    return Flow("orders", source, sink, mapping=mapping, policy=FlowPolicy(**options))


def record_of(store: CheckpointStore, key: str) -> RecordSnapshot:
    record = store.get("orders", key)
    assert record is not None
    return record


def test_record_whose_mapping_cannot_run_is_retried_later_not_failed(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1"), order("PO-2")])
    sink = ScriptedSink()
    mapping = ReferenceMapping("PO-1")
    steps = StepLog()
    engine = Engine(store, clock=clock, observer=steps)

    first = engine.run(flow_of(source, sink, mapping))

    assert (first.counts.retrying, first.counts.submitted, first.counts.failed) == (1, 1, 0)
    assert first.status is RunStatus.SUCCEEDED
    assert first.errors == []
    waiting = record_of(store, "PO-1")
    assert (waiting.state, waiting.attempts, waiting.intent_hash) == (RecordState.PENDING, 1, None)
    assert waiting.last_error == f"the mapping could not run now: {DOWN}"
    assert (
        waiting.next_attempt_at == clock() + FlowPolicy(retry_delay=10.0).retry_policy().first_delay
    )
    assert sink.writes == ["PO-2"]
    assert Step.INTENT_WRITTEN not in steps.of("PO-1")
    assert source.acks_of("PO-1") == []
    # Its outcome is durable (a retry, with the source record saved for it): the cursor passes.
    assert store.get_cursor("orders") == "000002"
    assert list(store.saved_payloads("orders", ["PO-1"])) == ["PO-1"]

    mapping.down.clear()
    too_early = engine.run(flow_of(source, sink, mapping))
    clock.advance(10)
    again = engine.run(flow_of(source, sink, mapping))

    assert too_early.counts.seen == 0
    assert again.counts.submitted == 1
    assert sink.count("PO-1") == 1
    assert sink.created["PO-1"] == [{"customer_order": "PO-1", "country": "US"}]
    assert record_of(store, "PO-1").state is RecordState.DONE


def test_mapping_that_stays_unavailable_makes_the_record_dead_after_max_attempts(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    engine = Engine(store, clock=clock)
    flow = flow_of(source, sink, ReferenceMapping("PO-1"), max_attempts=3)

    first = engine.run(flow)
    clock.advance(10)
    second = engine.run(flow)
    clock.advance(20)
    third = engine.run(flow)

    assert (first.counts.retrying, second.counts.retrying, third.counts.dead) == (1, 1, 1)
    assert third.status is RunStatus.PARTIAL
    [(key, error)] = third.errors
    assert key == "PO-1"
    assert error == f"gave up after 3 attempts; last error: the mapping could not run now: {DOWN}"
    assert sink.writes == []
    assert record_of(store, "PO-1").state is RecordState.DEAD
    [letter] = store.dead_letters("orders", key="PO-1")
    assert letter.payload == {"customer_order": "PO-1"}
    assert DOWN in letter.error


def test_dry_run_says_a_record_whose_mapping_cannot_run_would_be_retried(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()

    report = Engine(store, clock=clock).run(
        flow_of(source, sink, ReferenceMapping("PO-1")), dry_run=True
    )

    assert (report.counts.retrying, report.counts.failed) == (1, 0)
    assert report.errors == []
    [(key, warning)] = report.warnings
    assert key == "PO-1"
    assert DOWN in warning
    assert store.get("orders", "PO-1") is None
    assert source.acknowledged == []


def test_new_version_of_a_rejected_record_whose_mapping_cannot_run_waits_for_its_retry(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    sink.script("PO-1", rejects)
    mapping = ReferenceMapping()
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink, mapping))
    source.replace(order("PO-1", sku="FIXED"))
    store.set_cursor("orders", "000000")
    mapping.down.add("PO-1")

    postponed = engine.run(flow_of(source, sink, mapping))
    waiting = record_of(store, "PO-1")
    mapping.down.clear()
    clock.advance(10)
    store.set_cursor("orders", "000000")
    delivered = engine.run(flow_of(source, sink, mapping))

    assert (postponed.counts.retrying, postponed.counts.failed) == (1, 0)
    assert (waiting.state, waiting.attempts) == (RecordState.PENDING, 1)
    assert source.acks_of("PO-1") == [False, True]
    assert delivered.counts.submitted == 1
    assert sink.created["PO-1"] == [{"customer_order": "PO-1", "sku": "FIXED", "country": "US"}]


def test_changed_record_whose_mapping_cannot_run_is_updated_later_never_created_again(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = UpdatingSink()
    mapping = ReferenceMapping()
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink, mapping, change_policy=ChangePolicy.UPDATE))
    source.replace(order("PO-1", notes="rush"))
    store.set_cursor("orders", "000000")
    mapping.down.add("PO-1")

    postponed = engine.run(flow_of(source, sink, mapping, change_policy=ChangePolicy.UPDATE))
    waiting = record_of(store, "PO-1")
    mapping.down.clear()
    clock.advance(10)
    updated = engine.run(flow_of(source, sink, mapping, change_policy=ChangePolicy.UPDATE))

    assert postponed.counts.retrying == 1
    assert (waiting.state, waiting.remote_ref) == (RecordState.PENDING, "R-PO-1-1")
    assert updated.counts.updated == 1
    assert sink.count("PO-1") == 1
    assert sink.updates == [
        ("PO-1", "R-PO-1-1", {"customer_order": "PO-1", "notes": "rush", "country": "US"})
    ]


def test_record_in_doubt_is_reconciled_before_its_mapping_is_postponed(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    sink.script("PO-1", times_out)
    mapping = ReferenceMapping()
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink, mapping))
    mapping.down.add("PO-1")
    clock.advance(10)
    store.set_cursor("orders", "000000")

    postponed = engine.run(flow_of(source, sink, mapping))

    assert postponed.counts.retrying == 1
    assert sink.lookups == ["PO-1"]
    assert sink.writes == ["PO-1"]
    assert record_of(store, "PO-1").state is RecordState.PENDING

    mapping.down.clear()
    clock.advance(20)
    delivered = engine.run(flow_of(source, sink, mapping))

    assert delivered.counts.submitted == 1
    assert sink.count("PO-1") == 1


def test_record_whose_mapping_cannot_run_is_not_acknowledged_until_delivered(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    mapping = ReferenceMapping("PO-1")
    engine = Engine(store, clock=clock)
    events: list[Outcome] = []

    engine.run(flow_of(source, sink, mapping), progress=lambda event: events.append(event.outcome))
    mapping.down.clear()
    clock.advance(10)
    store.set_cursor("orders", "000000")
    engine.run(flow_of(source, sink, mapping), progress=lambda event: events.append(event.outcome))

    assert events == [Outcome.RETRYING, Outcome.SUBMITTED]
    assert source.acks_of("PO-1") == [True]
