"""NetSuite's concurrency and usage limits: faults that are retried with backoff until the
request goes through, faults that are not, lost answers, and the client's own limit on how
many requests it has in progress."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from netsuite_support import WaitRecorder, sales_order, settings_for

from adapters.netsuite import (
    FaultType,
    NetSuiteClient,
    NetSuiteFaultError,
    NetSuiteOutcomeUnknownError,
    RecordType,
)
from adapters.netsuite.simulator import FaultInjection, SimulatorConfig, SimulatorServer


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT, "WS_REQUEST_BLOCKED"),
        (FaultType.EXCEEDED_REQUEST_LIMIT, "WS_CONCUR_SESSION_DISALLWD"),
        (FaultType.EXCEEDED_USAGE_LIMIT, "WS_REQUEST_BLOCKED"),
    ],
)
def test_a_limit_fault_is_retried_with_backoff_until_the_request_succeeds(
    server: SimulatorServer,
    client: NetSuiteClient,
    waits: WaitRecorder,
    fault: FaultType,
    code: str,
) -> None:
    internal_id = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-1", ("301", 1)))
    server.simulator.inject(FaultInjection(fault=fault, code=code, times=2))

    record = client.get(RecordType.SALES_ORDER, internal_id=internal_id)

    assert record.internalId == internal_id
    assert server.simulator.requests["get"] == 3
    assert len(waits.waits) == 2
    # Full jitter: each wait is at most its doubling ceiling (0.5 s, then 1 s).
    assert 0 <= waits.waits[0] <= 0.5
    assert 0 <= waits.waits[1] <= 1.0


def test_an_add_refused_by_the_concurrency_limit_is_sent_again_and_creates_one_record(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    server.simulator.inject(
        FaultInjection(
            fault=FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT,
            times=1,
            operations=frozenset({"add"}),
        )
    )

    reference = client.add(client.record(RecordType.SALES_ORDER, externalId="SO-9"))

    assert [
        record["@internalId"] for record in server.simulator.records(RecordType.SALES_ORDER)
    ] == [reference.internal_id]
    assert server.simulator.requests["add"] == 2


def test_when_the_limit_does_not_lift_the_last_fault_is_raised_with_netsuites_code(
    server: SimulatorServer, client: NetSuiteClient, waits: WaitRecorder
) -> None:
    server.simulator.inject(
        FaultInjection(fault=FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT, times=10)
    )

    with pytest.raises(NetSuiteFaultError) as refused:
        client.get(RecordType.SALES_ORDER, internal_id="1")

    assert refused.value.fault is FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT
    assert refused.value.code == "WS_REQUEST_BLOCKED"
    assert refused.value.retryable
    assert server.simulator.requests["get"] == 4
    assert len(waits.waits) == 3


def test_a_fault_that_is_not_about_limits_is_raised_at_once(
    server: SimulatorServer, client: NetSuiteClient, waits: WaitRecorder
) -> None:
    server.simulator.inject(FaultInjection(fault=FaultType.INSUFFICIENT_PERMISSION))

    with pytest.raises(NetSuiteFaultError) as refused:
        client.get(RecordType.SALES_ORDER, internal_id="1")

    assert refused.value.code == "INSUFFICIENT_PERMISSION"
    assert not refused.value.retryable
    assert waits.waits == []


def test_a_lost_answer_to_an_add_is_an_unknown_outcome_and_the_record_exists(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    server.simulator.inject(FaultInjection(lose_response=True, operations=frozenset({"add"})))

    with pytest.raises(NetSuiteOutcomeUnknownError):
        client.add(client.record(RecordType.SALES_ORDER, externalId="SO-10"))

    assert server.simulator.requests["add"] == 1
    assert server.simulator.find(RecordType.SALES_ORDER, "SO-10") is not None


def test_a_lost_answer_to_an_upsert_is_sent_again_and_leaves_one_record(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    server.simulator.inject(FaultInjection(lose_response=True, operations=frozenset({"upsert"})))

    reference = client.upsert(client.record(RecordType.SALES_ORDER, externalId="SO-11", memo="x"))

    assert server.simulator.requests["upsert"] == 2
    assert [
        record["@internalId"] for record in server.simulator.records(RecordType.SALES_ORDER)
    ] == [reference.internal_id]


def _read_in_parallel(server: SimulatorServer, client: NetSuiteClient, count: int) -> list[object]:
    internal_id = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-1", ("301", 1)))

    def read(_: int) -> object:
        try:
            return client.get(RecordType.SALES_ORDER, internal_id=internal_id).internalId
        except NetSuiteFaultError as error:
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(read, range(count)))


def test_the_clients_concurrency_setting_keeps_it_within_the_accounts_limit() -> None:
    with SimulatorServer(SimulatorConfig(concurrency_limit=2)) as server:
        server.simulator.faults.latency = 0.05
        settings = settings_for(server, concurrency=2)
        with NetSuiteClient(settings, retry=WaitRecorder().policy(max_attempts=1)) as client:
            results = _read_in_parallel(server, client, 8)

    assert all(isinstance(result, str) for result in results), results
    assert server.simulator.requests["get"] == 8


def test_more_requests_than_the_account_allows_are_blocked_by_netsuite() -> None:
    with SimulatorServer(SimulatorConfig(concurrency_limit=2)) as server:
        server.simulator.faults.latency = 0.2
        settings = settings_for(server, concurrency=6)
        with NetSuiteClient(settings, retry=WaitRecorder().policy(max_attempts=1)) as client:
            results = _read_in_parallel(server, client, 6)

    blocked = [result for result in results if isinstance(result, NetSuiteFaultError)]
    assert blocked, results
    assert {error.code for error in blocked} == {"WS_REQUEST_BLOCKED"}
