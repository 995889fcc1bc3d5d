"""FlowScheduler: interval and cron schedules ask for runs; failures do not stop the schedule."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from triggers_support import GatedRun, RecordingTrigger, wait_until

from connector.config import ScheduleConfig
from connector.triggers import Admission, FlowRunner, FlowScheduler
from connector.triggers.scheduler import SCHEDULE_REASON


def test_an_interval_schedule_asks_for_runs_repeatedly() -> None:
    trigger = RecordingTrigger()
    scheduler = FlowScheduler({"invoices": ScheduleConfig(interval=0.02)}, trigger)
    scheduler.start()
    try:
        wait_until(lambda: len(trigger.snapshot()) >= 3, "three scheduled runs")
    finally:
        scheduler.shutdown()
    assert {(call.flow, call.reason) for call in trigger.snapshot()} == {
        ("invoices", SCHEDULE_REASON)
    }


def test_a_scheduled_flow_slower_than_its_interval_never_runs_twice_at_once() -> None:
    run = GatedRun()
    runner = FlowRunner(run)
    asked = RecordingTrigger(also=runner)
    scheduler = FlowScheduler({"invoices": ScheduleConfig(interval=0.01)}, asked)
    scheduler.start()
    try:
        # Many ticks arrive while the first run holds.
        wait_until(lambda: len(asked.snapshot()) >= 5, "ticks during the first run")
        run.gate.set()
        wait_until(lambda: run.finished >= 3, "three runs")
    finally:
        scheduler.shutdown()
        runner.shutdown(timeout=15)
    assert run.most_at_once == 1


def test_a_failing_trigger_is_logged_with_the_flow_and_the_schedule_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []

    def failing(flow: str, reason: str) -> Admission:
        calls.append(flow)
        raise RuntimeError("cannot reach the store")

    scheduler = FlowScheduler({"inventory": ScheduleConfig(interval=0.02)}, failing)
    with caplog.at_level(logging.ERROR, logger="connector.triggers.scheduler"):
        scheduler.start()
        try:
            wait_until(lambda: len(calls) >= 2, "a second tick after a failure")
        finally:
            scheduler.shutdown()

    failure = caplog.records[0]
    assert failure.getMessage() == "flow inventory: the scheduled trigger failed"
    assert failure.exc_info is not None
    assert "cannot reach the store" in str(failure.exc_info[1])


def test_cron_schedules_run_at_their_times_in_their_time_zone() -> None:
    scheduler = FlowScheduler(
        {
            "nightly": ScheduleConfig(cron="30 2 * * *", timezone="Europe/Berlin"),
            "hourly": ScheduleConfig(cron="0 * * * *"),
        },
        RecordingTrigger(),
        timezone=ZoneInfo("UTC"),
    )
    scheduler.start()
    try:
        nightly = scheduler.next_run("nightly")
        hourly = scheduler.next_run("hourly")
    finally:
        scheduler.shutdown()

    assert nightly is not None
    assert hourly is not None
    local = nightly.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (2, 30)
    assert hourly.astimezone(UTC).minute == 0
    assert nightly > datetime.now(UTC)


def test_a_trigger_that_blocks_holds_its_flows_only_job_instance(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = threading.Event()
    lock = threading.Lock()
    active = [0, 0]  # now, most at once

    def blocking(flow: str, reason: str) -> Admission:
        with lock:
            active[0] += 1
            active[1] = max(active)
        gate.wait(15)
        with lock:
            active[0] -= 1
        return Admission.STARTED

    scheduler = FlowScheduler({"invoices": ScheduleConfig(interval=0.01)}, blocking)
    with caplog.at_level(logging.WARNING, logger="apscheduler"):
        scheduler.start()
        try:
            wait_until(
                lambda: any(
                    "maximum number of running instances" in r.getMessage() for r in caplog.records
                ),
                "a tick skipped because the job is still running",
            )
        finally:
            gate.set()
            scheduler.shutdown()
    assert active[1] == 1


def test_next_run_of_an_unscheduled_flow_is_an_error() -> None:
    scheduler = FlowScheduler({}, RecordingTrigger())
    with pytest.raises(KeyError):
        scheduler.next_run("orders")
