"""``ahead-connector simulate netsuite`` starts a simulator that serves our WSDL and answers
SOAP, in a process of its own."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from netsuite_support import WaitRecorder
from pydantic import SecretStr

from adapters.netsuite import PACKAGED_WSDL, NetSuiteClient, NetSuiteSettings
from adapters.netsuite.simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_CONSUMER_KEY,
    DEFAULT_CONSUMER_SECRET,
    DEFAULT_SAVED_SEARCH_ID,
    DEFAULT_TOKEN_ID,
    DEFAULT_TOKEN_SECRET,
)

STARTUP_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def simulator_process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = _free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ahead-connector"),
            "simulate",
            "netsuite",
            "--port",
            str(port),
            "--sample-orders",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                httpx.get(f"{base_url}/control/stats", timeout=1.0)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.communicate(timeout=5)[0] if process.poll() is not None else ""
                    pytest.fail(f"the simulator did not start:\n{output}")
                time.sleep(0.1)
        yield process, base_url
    finally:
        process.terminate()
        process.wait(timeout=STARTUP_SECONDS)
        if process.stdout is not None:
            process.stdout.close()


def test_the_simulate_command_serves_the_wsdl_and_answers_a_search(
    simulator_process: tuple[subprocess.Popen[str], str],
) -> None:
    process, base_url = simulator_process
    settings = NetSuiteSettings(
        account=DEFAULT_ACCOUNT,
        consumer_key=SecretStr(DEFAULT_CONSUMER_KEY),
        consumer_secret=SecretStr(DEFAULT_CONSUMER_SECRET),
        token_id=SecretStr(DEFAULT_TOKEN_ID),
        token_secret=SecretStr(DEFAULT_TOKEN_SECRET),
        endpoint=base_url,
    )

    wsdl = httpx.get(f"{base_url}/wsdl/v2023_2_0/netsuite.wsdl")
    with NetSuiteClient(settings, retry=WaitRecorder().policy()) as client:
        orders = list(client.search(saved_search_id=DEFAULT_SAVED_SEARCH_ID))

    assert wsdl.status_code == 200
    assert wsdl.content == PACKAGED_WSDL.read_bytes()
    assert [order.externalId for order in orders] == ["SIM-SO-0001", "SIM-SO-0002", "SIM-SO-0003"]
    process.terminate()
    output = process.communicate(timeout=STARTUP_SECONDS)[0]
    assert f"NetSuite simulator on {base_url}" in output
    assert f"account              {DEFAULT_ACCOUNT}" in output
