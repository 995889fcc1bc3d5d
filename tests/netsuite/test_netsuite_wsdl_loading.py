"""Where the client finds the WSDL and the endpoint: the account's own URLs by default, a
local file or URL when configured, and a download cache so a restart fetches nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from netsuite_support import WaitRecorder, sales_order, settings_for
from pydantic import SecretStr

from adapters.netsuite import NetSuiteClient, NetSuiteSettings, RecordType, WsdlError
from adapters.netsuite.simulator import SimulatorServer


def test_by_default_the_account_domain_serves_the_wsdl_and_the_endpoint() -> None:
    settings = NetSuiteSettings(
        account="1234567_SB1",
        consumer_key=SecretStr("ck"),
        consumer_secret=SecretStr("cs"),
        token_id=SecretStr("tk"),
        token_secret=SecretStr("ts"),
    )

    assert settings.wsdl_location == (
        "https://1234567-sb1.suitetalk.api.netsuite.com/wsdl/v2023_2_0/netsuite.wsdl"
    )
    assert settings.service_url == (
        "https://1234567-sb1.suitetalk.api.netsuite.com/services/NetSuitePort_2023_2"
    )


def test_the_version_is_in_the_urls_and_must_be_a_suitetalk_version() -> None:
    values = {
        "account": "1234567",
        "consumer_key": SecretStr("ck"),
        "consumer_secret": SecretStr("cs"),
        "token_id": SecretStr("tk"),
        "token_secret": SecretStr("ts"),
    }

    assert NetSuiteSettings(**values, version="2024_2").service_url.endswith(
        "/services/NetSuitePort_2024_2"
    )
    with pytest.raises(ValueError, match="not a SuiteTalk version"):
        NetSuiteSettings(**values, version="2024.2")


def test_secrets_written_in_clear_are_refused_and_never_shown() -> None:
    with pytest.raises(ValueError, match="must not be written in the file"):
        NetSuiteSettings(
            account="1234567",
            consumer_key="ck",  # type: ignore[arg-type]
            consumer_secret=SecretStr("cs"),
            token_id=SecretStr("tk"),
            token_secret=SecretStr("ts"),
        )
    settings = NetSuiteSettings(
        account="1234567",
        consumer_key=SecretStr("ck"),
        consumer_secret=SecretStr("very-secret"),
        token_id=SecretStr("tk"),
        token_secret=SecretStr("also-secret"),
    )
    assert "very-secret" not in repr(settings)
    assert "also-secret" not in repr(settings)


def test_the_wsdl_is_downloaded_from_the_account_once_and_then_read_from_the_cache(
    server: SimulatorServer, tmp_path: Path
) -> None:
    internal_id = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-1", ("301", 1)))
    settings = settings_for(server, wsdl=None, wsdl_cache=Path("wsdl-cache.db"))

    for _ in range(2):
        with NetSuiteClient(settings, base_dir=tmp_path, retry=WaitRecorder().policy()) as client:
            assert client.get(RecordType.SALES_ORDER, internal_id=internal_id).tranId

    assert server.simulator.wsdl_downloads == 1
    assert (tmp_path / "wsdl-cache.db").is_file()


def test_without_a_cache_each_client_downloads_the_wsdl(server: SimulatorServer) -> None:
    settings = settings_for(server, wsdl=None)

    for _ in range(2):
        with NetSuiteClient(settings, retry=WaitRecorder().policy()) as client:
            client.connect()

    assert server.simulator.wsdl_downloads == 2


def test_nothing_is_fetched_before_the_first_request(server: SimulatorServer) -> None:
    with NetSuiteClient(settings_for(server, wsdl=None)):
        pass

    assert server.simulator.wsdl_downloads == 0


def test_a_local_wsdl_that_does_not_exist_is_a_clear_error(
    server: SimulatorServer, tmp_path: Path
) -> None:
    settings = settings_for(server, wsdl="missing/netsuite.wsdl")

    with NetSuiteClient(settings, base_dir=tmp_path) as client, pytest.raises(WsdlError) as error:
        client.get(RecordType.SALES_ORDER, internal_id="1")

    assert str(tmp_path / "missing" / "netsuite.wsdl") in str(error.value)


def test_an_account_that_cannot_be_reached_is_a_clear_error(tmp_path: Path) -> None:
    with SimulatorServer() as server:
        settings = settings_for(server, wsdl=None)
    # The server has stopped: nothing listens there any more.

    with NetSuiteClient(settings) as client, pytest.raises(WsdlError, match="cannot download"):
        client.connect()
