"""The exactly-once protocol, record by record, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from engine_support import (
    FakeClock,
    ListSource,
    ScriptedSink,
    UpdatingSink,
    crashes,
    drops_answer,
    order,
    rejects,
    times_out,
    unavailable,
)

from adapters.base import Record, UpdateNotSupportedError
from connector.engine import Engine, Flow, FlowPolicy, MappingError, Outcome
from connector.store import ChangePolicy, CheckpointStore, RecordState, RunStatus


def flow_of(source: ListSource, sink: ScriptedSink, **policy: object) -> Flow:
    options = {"retry_delay": 10.0, "max_retry_delay": 60.0, "batch_size": 3, **policy}
    return Flow("orders", source, sink, policy=FlowPolicy(**options))  # type: ignore[arg-type]


def state(store: CheckpointStore, key: str) -> RecordState:
    record = store.get("orders", key)
    assert record is not None
    return record.state


def test_new_records_are_submitted_once_and_acknowledged(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order(f"PO-{n}") for n in range(5)])
    sink = ScriptedSink()

    report = Engine(store, clock=clock).run(flow_of(source, sink))

    assert report.status is RunStatus.SUCCEEDED
    assert report.counts.submitted == 5
    assert all(sink.count(f"PO-{n}") == 1 for n in range(5))
    assert all(state(store, f"PO-{n}") is RecordState.DONE for n in range(5))
    assert sorted(key for key, ok, _ in source.acknowledged if ok) == [f"PO-{n}" for n in range(5)]
    assert store.get_cursor("orders") == "000005"


def test_unchanged_records_are_skipped_on_the_next_run(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1"), order("PO-2")])
    sink = ScriptedSink()
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink))
    store.set_cursor("orders", "000000")  # the source yields everything again

    report = engine.run(flow_of(source, sink))

    assert report.counts.skipped == 2
    assert report.counts.submitted == 0
    assert sink.writes == ["PO-1", "PO-2"] or sorted(sink.writes) == ["PO-1", "PO-2"]


def test_resubmission_after_lost_response_creates_no_duplicate(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    sink.script("PO-1", drops_answer)
    engine = Engine(store, clock=clock)

    first = engine.run(flow_of(source, sink))
    clock.advance(10)
    second = engine.run(flow_of(source, sink))

    assert first.counts.in_doubt == 1
    assert state(store, "PO-1") is RecordState.DONE
    assert second.counts.reconciled == 1
    assert sink.count("PO-1") == 1
    assert sink.writes == ["PO-1"]
    assert sink.lookups == ["PO-1"]


def test_record_in_doubt_that_never_arrived_is_sent_after_the_lookup(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    sink.script("PO-1", times_out)
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink))
    clock.advance(10)

    report = engine.run(flow_of(source, sink))

    assert report.counts.submitted == 1
    assert sink.lookups == ["PO-1"]
    assert sink.count("PO-1") == 1
    record = store.get("orders", "PO-1")
    assert record is not None
    assert record.state is RecordState.DONE
    assert record.attempts == 2


def test_record_in_doubt_waits_for_its_reconciliation_time(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    sink.script("PO-1", times_out)
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink))
    store.set_cursor("orders", "000000")
    clock.advance(5)

    report = engine.run(flow_of(source, sink))

    assert report.counts.waiting == 1
    assert sink.lookups == []
    assert state(store, "PO-1") is RecordState.SUBMITTING


def test_unreachable_lookup_postpones_reconciliation_and_sends_nothing(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    sink.script("PO-1", times_out)
    sink.lookup_unavailable.add("PO-1")
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink))
    clock.advance(10)

    report = engine.run(flow_of(source, sink))

    assert report.counts.in_doubt == 1
    assert sink.writes == ["PO-1"]
    record = store.get("orders", "PO-1")
    assert record is not None
    assert record.state is RecordState.SUBMITTING
    assert "lookup refused" in (record.last_error or "")


def test_rejected_record_fails_once_and_waits_for_a_source_change(
    store: CheckpointStore,
    clock: FakeClock,
) -> None:
    source = ListSource([order("PO-1"), order("PO-2")])
    sink = ScriptedSink()
    sink.script("PO-1", rejects)
    engine = Engine(store, clock=clock)

    first = engine.run(flow_of(source, sink))
    store.set_cursor("orders", "000000")
    second = engine.run(flow_of(source, sink))
    source.replace(order("PO-1", sku="FIXED"))
    store.set_cursor("orders", "000000")
    third = engine.run(flow_of(source, sink))

    assert first.status is RunStatus.PARTIAL
    assert first.errors == [
        ("PO-1", "rejected by the destination: lines.0.sku: unknown item 'NOPE'")
    ]
    assert second.counts.held == 1
    assert second.counts.failed == 0
    assert sink.writes.count("PO-1") == 2
    assert third.counts.submitted == 1
    assert state(store, "PO-1") is RecordState.DONE
    assert source.acks_of("PO-1") == [False, False, True]


def test_unavailable_destination_is_retried_with_backoff_then_dead(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    sink.script("PO-1", unavailable, unavailable, unavailable)
    engine = Engine(store, clock=clock)
    flow = flow_of(source, sink, max_attempts=3)

    first = engine.run(flow)
    too_early = engine.run(flow)
    clock.advance(10)
    second = engine.run(flow)
    clock.advance(20)
    third = engine.run(flow)

    assert (first.counts.retrying, too_early.counts.seen, second.counts.retrying) == (1, 0, 1)
    assert third.counts.dead == 1
    assert third.status is RunStatus.PARTIAL
    assert sink.writes == ["PO-1"] * 3
    assert sink.count("PO-1") == 0
    assert state(store, "PO-1") is RecordState.DEAD
    letters = store.dead_letters("orders", key="PO-1")
    assert len(letters) == 1
    assert letters[0].payload == {"customer_order": "PO-1"}
    assert "503 before processing" in letters[0].error


class StrictMapping:
    def map(self, record: Record) -> dict[str, object]:
        if "ship_method_id" not in record.payload:
            raise MappingError("ship_method_id: missing; expected a shipping method id")
        return dict(record.payload)


def test_unmappable_record_is_rejected_and_the_others_go_on(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1"), order("PO-2", ship_method_id=3)])
    sink = ScriptedSink()
    flow = Flow("orders", source, sink, mapping=StrictMapping())

    report = Engine(store, clock=clock).run(flow)

    assert report.counts.failed == 1
    assert report.counts.submitted == 1
    assert report.errors == [
        ("PO-1", "cannot be mapped: ship_method_id: missing; expected a shipping method id")
    ]
    assert sink.writes == ["PO-2"]
    assert state(store, "PO-1") is RecordState.FAILED
    assert source.acks_of("PO-1") == [False]


def test_changed_record_after_done_is_reported_once_and_never_created_again(
    store: CheckpointStore,
    clock: FakeClock,
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink))
    source.replace(order("PO-1", notes="rush"))
    store.set_cursor("orders", "000000")

    changed = engine.run(flow_of(source, sink))
    store.set_cursor("orders", "000000")
    again = engine.run(flow_of(source, sink))

    assert changed.counts.changed == 1
    assert [key for key, _ in changed.warnings] == ["PO-1"]
    assert "R-PO-1-1" in changed.warnings[0][1]
    assert again.counts.skipped == 1
    assert again.warnings == []
    assert sink.count("PO-1") == 1
    assert len(store.audit_trail("orders", "PO-1")) == 1


def test_changed_record_after_done_updates_the_document_under_update_policy(
    store: CheckpointStore,
    clock: FakeClock,
) -> None:
    source = ListSource([order("PO-1")])
    sink = UpdatingSink()
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink, change_policy=ChangePolicy.UPDATE))
    source.replace(order("PO-1", notes="rush"))
    store.set_cursor("orders", "000000")

    report = engine.run(flow_of(source, sink, change_policy=ChangePolicy.UPDATE))

    assert report.counts.updated == 1
    assert sink.count("PO-1") == 1
    assert sink.updates == [("PO-1", "R-PO-1-1", {"customer_order": "PO-1", "notes": "rush"})]
    assert state(store, "PO-1") is RecordState.DONE


def test_update_policy_warns_when_the_sink_cannot_update(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink, change_policy=ChangePolicy.UPDATE))
    source.replace(order("PO-1", notes="rush"))
    store.set_cursor("orders", "000000")

    report = engine.run(flow_of(source, sink, change_policy=ChangePolicy.UPDATE))

    assert report.counts.changed == 1
    assert "the sink cannot update documents" in report.warnings[0][1]
    assert sink.count("PO-1") == 1
    assert state(store, "PO-1") is RecordState.DONE


class RefusingUpdateSink(ScriptedSink):
    """A sink that implements update, and whose destination refuses this one."""

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        raise UpdateNotSupportedError(f"{remote_ref} is shipped and cannot change")


def test_update_the_destination_refuses_keeps_the_delivered_document(
    store: CheckpointStore, clock: FakeClock
) -> None:
    source = ListSource([order("PO-1")])
    sink = RefusingUpdateSink()
    engine = Engine(store, clock=clock)
    flow = flow_of(source, sink, change_policy=ChangePolicy.UPDATE)
    engine.run(flow)
    source.replace(order("PO-1", notes="rush"))
    store.set_cursor("orders", "000000")

    report = engine.run(flow)

    assert report.counts.changed == 1
    assert "R-PO-1-1 is shipped and cannot change" in report.warnings[0][1]
    assert sink.count("PO-1") == 1
    record = store.get("orders", "PO-1")
    assert record is not None
    assert (record.state, record.remote_ref) == (RecordState.DONE, "R-PO-1-1")
    assert len(store.audit_trail("orders", "PO-1")) == 1


def test_adapter_exception_fails_only_its_record(store: CheckpointStore, clock: FakeClock) -> None:
    source = ListSource([order("PO-1"), order("PO-2"), order("PO-3")])
    sink = ScriptedSink()
    sink.script("PO-2", crashes)

    report = Engine(store, clock=clock).run(flow_of(source, sink))

    assert report.counts.submitted == 2
    assert report.status is RunStatus.PARTIAL
    [(key, message)] = report.errors
    assert key == "PO-2"
    assert "KeyError: 'missing'" in message
    assert "engine_support.py" in message
    # It may have left before the sink failed: reconciled before any re-send.
    assert state(store, "PO-2") is RecordState.SUBMITTING


def test_operator_replay_sends_the_saved_payload_without_the_source(
    store: CheckpointStore,
    clock: FakeClock,
) -> None:
    source = ListSource([order("PO-1", sku="A")])
    sink = ScriptedSink()
    sink.script("PO-1", rejects)
    engine = Engine(store, clock=clock)
    engine.run(flow_of(source, sink))
    store.replay("orders", "PO-1", "operator", "the item exists now")

    report = engine.run(flow_of(source, sink))

    assert source.reads[-1] == "000001"  # the source yields nothing new
    assert report.counts.submitted == 1
    assert sink.created["PO-1"] == [{"customer_order": "PO-1", "sku": "A"}]
    assert state(store, "PO-1") is RecordState.DONE


def test_expired_lease_of_a_dead_process_is_reconciled_before_any_resend(
    store: CheckpointStore, clock: FakeClock
) -> None:
    record = order("PO-1")
    sink = ScriptedSink()
    claim = store.begin_submission(
        "orders", "PO-1", record.content_hash, "i", "dead-host:1", 30, payload=dict(record.payload)
    )
    assert claim is not None
    sink.create(record, record.payload)  # it arrived, and the process died before hearing so
    clock.advance(31)

    report = Engine(store, clock=clock).run(flow_of(ListSource(), sink))

    assert report.counts.reconciled == 1
    assert sink.writes == []
    assert sink.count("PO-1") == 1
    assert state(store, "PO-1") is RecordState.DONE


@pytest.mark.parametrize("outcome", [Outcome.SUBMITTED, Outcome.IN_DOUBT])
def test_run_history_keeps_the_counts(
    store: CheckpointStore, clock: FakeClock, outcome: Outcome
) -> None:
    source = ListSource([order("PO-1")])
    sink = ScriptedSink()
    if outcome is Outcome.IN_DOUBT:
        sink.script("PO-1", times_out)

    report = Engine(store, owner="host:1", clock=clock).run(flow_of(source, sink))

    last = store.last_run("orders")
    assert last is not None
    assert last.id == report.run_id
    assert last.owner == "host:1"
    assert last.status is RunStatus.SUCCEEDED
    assert last.counts.seen == 1
    assert (last.counts.submitted, last.counts.in_doubt) == (
        (1, 0) if outcome is Outcome.SUBMITTED else (0, 1)
    )
