"""FlowRunner: one run per flow at a time, requests during a run coalesced into one more run."""

from __future__ import annotations

import logging
import threading

import pytest
from triggers_support import GatedRun, wait_until

from connector.triggers import Admission, FlowRunner


def test_requests_during_a_run_make_exactly_one_more_run() -> None:
    run = GatedRun()
    runner = FlowRunner(run)

    assert runner("orders", "schedule") is Admission.STARTED
    wait_until(lambda: run.started == 1, "the first run to start")
    assert runner("orders", "webhook") is Admission.QUEUED
    assert runner("orders", "inbox") is Admission.COALESCED
    assert runner("orders", "schedule") is Admission.COALESCED
    run.gate.set()

    assert runner.wait_idle(15)
    assert run.started == 2
    assert run.most_at_once == 1


def test_a_request_after_a_run_ended_starts_a_new_run() -> None:
    run = GatedRun()
    run.gate.set()
    runner = FlowRunner(run)

    runner("orders", "schedule")
    assert runner.wait_idle(15)
    assert runner("orders", "schedule") is Admission.STARTED
    assert runner.wait_idle(15)
    assert run.started == 2


def test_one_flow_never_runs_twice_at_once_under_concurrent_requests() -> None:
    run = GatedRun()
    runner = FlowRunner(run)
    ready = threading.Barrier(8)

    def ask() -> None:
        ready.wait()
        for _ in range(50):
            runner("orders", "burst")

    askers = [threading.Thread(target=ask) for _ in range(8)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    run.gate.set()

    assert runner.wait_idle(15)
    assert run.most_at_once == 1
    assert run.started == 2


def test_different_flows_run_side_by_side() -> None:
    run = GatedRun()
    runner = FlowRunner(run)

    assert runner("orders", "schedule") is Admission.STARTED
    assert runner("shipments", "webhook") is Admission.STARTED
    wait_until(lambda: run.active == 2, "both flows to run")
    assert runner.running() == ["orders", "shipments"]
    run.gate.set()
    assert runner.wait_idle(15)


def test_a_failing_run_is_logged_with_its_flow_and_the_next_request_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    attempts: list[str] = []

    def failing(flow: str, stop: threading.Event) -> str:
        attempts.append(flow)
        if len(attempts) == 1:
            raise RuntimeError("the store is unreachable")
        return "fine"

    runner = FlowRunner(failing)
    with caplog.at_level(logging.DEBUG, logger="connector.triggers.runner"):
        runner("orders", "schedule")
        assert runner.wait_idle(15)
        runner("orders", "schedule")
        assert runner.wait_idle(15)

    assert attempts == ["orders", "orders"]
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert "flow orders: run failed" in failure.getMessage()
    assert failure.exc_info is not None
    assert "the store is unreachable" in str(failure.exc_info[1])
    assert any("run finished: fine" in r.getMessage() for r in caplog.records)


def test_shutdown_stops_runs_refuses_requests_and_drops_the_queued_run() -> None:
    run = GatedRun()
    runner = FlowRunner(run)
    runner("orders", "schedule")
    wait_until(lambda: run.started == 1, "the run to start")
    runner("orders", "webhook")

    assert runner.shutdown(timeout=15) == []
    assert runner.stop_event.is_set()
    assert run.stops_seen == 1
    assert run.started == 1
    assert runner("orders", "schedule") is Admission.REFUSED
    assert run.started == 1


def test_shutdown_names_the_flows_that_did_not_stop_in_time() -> None:
    run = GatedRun(honour_stop=False)
    runner = FlowRunner(run)
    runner("orders", "schedule")
    wait_until(lambda: run.started == 1, "the run to start")

    assert runner.shutdown(timeout=0.05) == ["orders"]
    run.gate.set()
    assert runner.wait_idle(15)
    assert runner.running() == []


def test_runs_are_given_the_runners_stop_event() -> None:
    stop = threading.Event()
    given: list[threading.Event] = []

    def remember(flow: str, event: threading.Event) -> None:
        given.append(event)

    runner = FlowRunner(remember, stop=stop)
    runner("orders", "schedule")
    assert runner.wait_idle(15)
    assert given == [stop]
    assert runner.stop_event is stop
