"""AheadRmaSink against a sandbox on loopback: the sink contract, the reference in the problem
text, a lost answer reconciled without a second RMA, and refusals."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from adapter_support import ahead_client, closed_port_url

from adapters.ahead import AheadRmaSink, AheadRmaSinkSettings
from adapters.base import (
    AdapterContext,
    Record,
    Sink,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.contract import SecondWrite, SinkContract, SinkHarness
from connector.api import AheadClient, HmacAuth, RetryPolicy
from connector.sandbox import FaultRule, SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_TOKEN
from connector.sandbox.store import Table

RMAS_PATH = "/v2/rmas"
PREFIX = "1234567_SB1:"


def make_sink(client: AheadClient, folder: Path, **settings: Any) -> AheadRmaSink:
    options = AheadRmaSinkSettings.model_validate({"key_prefix": PREFIX, **settings})
    return AheadRmaSink(options, AdapterContext("rmas-out", folder, services={"ahead": client}))


def returned_unit(serial: str, revision: int = 0, **changes: Any) -> tuple[Record, dict[str, Any]]:
    record = Record.of(f"{PREFIX}returnAuthorization:1003:{serial}", {"serial": serial})
    document = {
        "problem": f"NetSuite return authorization RMA1003, serial {serial}: revision {revision}",
        "request_type_id": 3,
        "manufacturer_serial": serial,
        "replacement_name": "Acme Robotics",
        **changes,
    }
    return record, document


def rmas_of(server: SandboxServer, serial: str) -> list[dict[str, Any]]:
    return server.sandbox.store.all(Table.RMAS, {"manufacturer_serial": serial})


def problems_of(server: SandboxServer, rma_id: int) -> list[str]:
    comments = server.sandbox.store.all(Table.RMA_COMMENTS, {"rma_id": rma_id})
    return [comment["message"] for comment in comments if comment["kind"] == "problems"]


class SandboxRmas(SinkHarness):
    @property
    def second_write(self) -> SecondWrite:
        return SecondWrite.ADDS_ANOTHER

    def __init__(self, server: SandboxServer, folder: Path) -> None:
        self.client = ahead_client(server)
        self.folder = folder
        self.run = uuid.uuid4().hex[:8]

    def make_sink(self) -> Sink:
        return make_sink(self.client, self.folder)

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        return returned_unit(f"SN-{self.run}-{number}", revision)

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        return returned_unit(f"SN-{self.run}-{number}", request_type_id=9)

    def make_unavailable_sink(self) -> Sink | None:
        return make_sink(ahead_client_at(closed_port_url()), self.folder)


def ahead_client_at(url: str) -> AheadClient:
    return AheadClient(url, retry=RetryPolicy(sleep=lambda _seconds: None))


class TestAheadRmaSink(SinkContract):
    @pytest.fixture
    def sink_harness(self, server: SandboxServer, tmp_path: Path) -> Iterator[SandboxRmas]:
        harness = SandboxRmas(server, tmp_path)
        yield harness
        harness.client.close()


@pytest.fixture
def client(server: SandboxServer) -> Iterator[AheadClient]:
    with ahead_client(server) as made:
        yield made


@pytest.fixture
def sink(client: AheadClient, tmp_path: Path) -> AheadRmaSink:
    return make_sink(client, tmp_path)


@pytest.fixture
def serial() -> str:
    return f"SN-{uuid.uuid4().hex[:10]}"


def test_rma_problem_ends_with_the_reference_the_key_names(
    sink: AheadRmaSink, server: SandboxServer, serial: str
) -> None:
    reference = sink.write(*returned_unit(serial))
    (stored,) = rmas_of(server, serial)
    assert str(stored["id"]) == reference
    assert problems_of(server, stored["id"]) == [
        f"NetSuite return authorization RMA1003, serial {serial}: revision 0\n\n"
        f"Connector reference: returnAuthorization:1003:{serial}"
    ]


def test_lost_answer_is_outcome_unknown_and_lookup_then_finds_the_one_rma(
    sink: AheadRmaSink, server: SandboxServer, serial: str
) -> None:
    server.sandbox.faults.set(
        [FaultRule(method="POST", path=RMAS_PATH, drop_after_commit_rate=1.0)]
    )
    record, document = returned_unit(serial)
    with pytest.raises(SinkOutcomeUnknownError, match="look the record up"):
        sink.write(record, document)
    server.sandbox.faults.set([])
    (stored,) = rmas_of(server, serial)
    assert sink.lookup(record) == str(stored["id"])


def test_rma_of_the_same_serial_for_another_return_is_not_taken_for_this_one(
    sink: AheadRmaSink, serial: str
) -> None:
    record, document = returned_unit(serial)
    sink.write(record, document)
    other = Record.of(f"{PREFIX}returnAuthorization:2004:{serial}", {})
    assert sink.lookup(other) is None


def test_document_for_another_serial_than_the_key_is_rejected_before_sending(
    sink: AheadRmaSink, server: SandboxServer, serial: str
) -> None:
    record, document = returned_unit(serial, manufacturer_serial=f"{serial}-X")
    with pytest.raises(SinkRejectedError, match="they must agree"):
        sink.write(record, document)
    assert rmas_of(server, f"{serial}-X") == []


def test_document_that_is_not_an_rma_request_is_rejected_naming_each_field(
    sink: AheadRmaSink, serial: str
) -> None:
    record, document = returned_unit(serial, replacement_name="")
    del document["problem"]
    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(record, document)
    assert "problem: Field required" in rejected.value.detail
    assert "replacement_name: " in rejected.value.detail


def test_key_without_a_serial_is_rejected_and_never_found(sink: AheadRmaSink) -> None:
    record = Record.of(f"{PREFIX}SN-1", {})
    with pytest.raises(SinkRejectedError, match="ending with ':<manufacturer serial>'"):
        sink.write(record, returned_unit("SN-1")[1])
    assert sink.lookup(record) is None


def test_unreachable_ahead_makes_the_lookup_unavailable(tmp_path: Path, serial: str) -> None:
    with ahead_client_at(closed_port_url()) as unreachable:
        sink = make_sink(unreachable, tmp_path)
        with pytest.raises(SinkUnavailableError, match=serial):
            sink.lookup(returned_unit(serial)[0])


def test_refused_credentials_make_the_sink_unavailable_and_request_no_rma(
    server: SandboxServer, tmp_path: Path, serial: str
) -> None:
    with ahead_client(server, auth=HmacAuth(DEFAULT_HMAC_TOKEN, "not-the-secret")) as client:
        sink = make_sink(client, tmp_path)
        with pytest.raises(SinkUnavailableError) as refused:
            sink.write(*returned_unit(serial))
    assert refused.value.detail.startswith(
        "AHEAD refused the credentials, so the RMA was not submitted: "
    )
    assert "fix the AHEAD credentials" in refused.value.detail
    assert rmas_of(server, serial) == []


def test_rate_limited_rma_request_is_unavailable_and_requests_nothing(
    sink: AheadRmaSink, server: SandboxServer, serial: str
) -> None:
    server.sandbox.faults.set(
        [FaultRule(method="POST", path=RMAS_PATH, rate_limit_rate=1.0, retry_after=0)]
    )
    with pytest.raises(SinkUnavailableError, match="AHEAD is limiting requests"):
        sink.write(*returned_unit(serial))
    server.sandbox.faults.set([])
    assert rmas_of(server, serial) == []
