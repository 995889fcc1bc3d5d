"""What the OData client does when SAP fails: retries, unknown outcomes, logon, SAP's messages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from random import Random

import httpx
import pytest
from pydantic import SecretStr, ValidationError
from sap_support import BASIC, order_payload

from adapters.sap.auth import ClientCredentialsAuth
from adapters.sap.errors import (
    MessageSeverity,
    SapAuthError,
    SapMessageError,
    SapOutcomeUnknownError,
    SapRateLimitedError,
    SapServerError,
    SapTransportError,
    SapUnexpectedResponseError,
    read_error_body,
    read_sap_message_header,
)
from adapters.sap.odata import ODataClient
from adapters.sap.services import SapService
from adapters.sap.settings import SapConnectionSettings
from adapters.sap.simulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    Fault,
    FaultKind,
    SapSimulatorServer,
)
from connector.api.retry import RetryPolicy


class Sleeps(list[float]):
    """Records the waits of a retry policy instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def orders(server: SapSimulatorServer, sleeps: Sleeps) -> Iterator[ODataClient]:
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, sleep=sleeps, random=Random(1))
    with ODataClient(
        server.service_url(SapService.SALES_ORDER), auth=httpx.BasicAuth(*BASIC), retry=policy
    ) as client:
        yield client


def _created(server: SapSimulatorServer) -> list[str]:
    return [order["PurchaseOrderByCustomer"] for order in server.simulator.sales_orders()]


def test_a_read_that_meets_a_503_is_tried_again(
    orders: ODataClient, server: SapSimulatorServer, sleeps: Sleeps
) -> None:
    server.simulator.faults.add([Fault(kind=FaultKind.SERVER_ERROR, status=503, method="GET")])

    page = orders.query("A_SalesOrder")

    assert page.entities == []
    assert len(sleeps) == 1


def test_a_read_that_keeps_failing_ends_as_a_server_error_with_sap_s_text(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    server.simulator.faults.add([Fault(kind=FaultKind.SERVER_ERROR, status=503, times=3)])

    with pytest.raises(SapServerError, match=r"503: \[ZSIM/503\] Service Unavailable"):
        orders.query("A_SalesOrder")


def test_a_rate_limited_create_waits_as_asked_and_is_created_once(
    orders: ODataClient, server: SapSimulatorServer, sleeps: Sleeps
) -> None:
    server.simulator.faults.add([Fault(kind=FaultKind.RATE_LIMIT, retry_after=2, method="POST")])

    orders.create("A_SalesOrder", order_payload())

    assert sleeps[-1] >= 2
    assert _created(server) == ["PO-1"]


def test_rate_limits_that_do_not_end_are_an_error(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    server.simulator.faults.add([Fault(kind=FaultKind.RATE_LIMIT, retry_after=1, times=3)])

    with pytest.raises(SapRateLimitedError):
        orders.query("A_SalesOrder")


def test_a_create_that_meets_a_5xx_has_an_unknown_outcome_and_is_not_sent_again(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    server.simulator.faults.add([Fault(kind=FaultKind.SERVER_ERROR, status=503, method="POST")])

    with pytest.raises(SapOutcomeUnknownError, match="look the document up"):
        orders.create("A_SalesOrder", order_payload())

    posts = [r for r in server.simulator.requests() if r.method == "POST"]
    assert len(posts) == 1


def test_a_create_whose_answer_is_lost_has_an_unknown_outcome_though_sap_made_it(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    orders.query("A_SalesOrder")
    server.simulator.faults.add([Fault(kind=FaultKind.DROP_RESPONSE, method="POST")])

    with pytest.raises(SapOutcomeUnknownError):
        orders.create("A_SalesOrder", order_payload())

    assert _created(server) == ["PO-1"]


def test_a_read_whose_answer_is_lost_is_read_again(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    server.simulator.create_sales_order(order_payload())
    server.simulator.faults.add([Fault(kind=FaultKind.DROP_RESPONSE, method="GET")])

    assert orders.get("A_SalesOrder('1')")["SalesOrder"] == "1"


def test_nobody_listening_is_a_transport_error() -> None:
    policy = RetryPolicy(max_attempts=2, base_delay=0, sleep=Sleeps())
    client = ODataClient("http://127.0.0.1:9/sap/opu/odata/sap/X", retry=policy)

    with client, pytest.raises(SapTransportError, match="ConnectError"):
        client.query("A_SalesOrder")


def test_wrong_basic_credentials_are_an_auth_error_with_sap_s_logon_text(
    server: SapSimulatorServer,
) -> None:
    with (
        ODataClient(
            server.service_url(SapService.SALES_ORDER), auth=httpx.BasicAuth("CONNECTOR", "nope")
        ) as client,
        pytest.raises(SapAuthError, match="401: Logon Error Message") as caught,
    ):
        client.query("A_SalesOrder")

    assert "Logon failed" in caught.value.text


def _oauth(
    server: SapSimulatorServer, secret: str = DEFAULT_CLIENT_SECRET
) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(
        server.base_url + "/oauth/token", DEFAULT_CLIENT_ID, SecretStr(secret)
    )


def test_client_credentials_fetch_one_token_and_reuse_it(server: SapSimulatorServer) -> None:
    with ODataClient(server.service_url(SapService.SALES_ORDER), auth=_oauth(server)) as client:
        client.create("A_SalesOrder", order_payload())
        client.query("A_SalesOrder")

    assert _created(server) == ["PO-1"]
    assert all(r.principal == DEFAULT_CLIENT_ID for r in server.simulator.requests())


def test_a_token_revoked_early_is_fetched_again_once(server: SapSimulatorServer) -> None:
    with ODataClient(server.service_url(SapService.SALES_ORDER), auth=_oauth(server)) as client:
        client.query("A_SalesOrder")
        server.simulator.tokens.revoke_all()

        page = client.query("A_SalesOrder")

    assert page.entities == []
    assert [r.status for r in server.simulator.requests()] == [200, 401, 200]


def test_a_wrong_client_secret_is_an_auth_error_naming_the_client(
    server: SapSimulatorServer,
) -> None:
    with (
        ODataClient(
            server.service_url(SapService.SALES_ORDER), auth=_oauth(server, secret="wrong")
        ) as client,
        pytest.raises(SapAuthError, match=f"refused client {DEFAULT_CLIENT_ID}: Bad credentials"),
    ):
        client.query("A_SalesOrder")


def test_settings_build_a_client_with_oauth(server: SapSimulatorServer) -> None:
    settings = SapConnectionSettings.model_validate(
        {
            "base_url": server.base_url,
            "client": "100",
            "auth": {
                "kind": "oauth-client-credentials",
                "token_url": server.base_url + "/oauth/token",
                "client_id": DEFAULT_CLIENT_ID,
                "client_secret": SecretStr(DEFAULT_CLIENT_SECRET),
            },
        }
    )

    with ODataClient.for_service(settings, SapService.SALES_ORDER) as client:
        client.create("A_SalesOrder", order_payload())

    assert _created(server) == ["PO-1"]
    assert DEFAULT_CLIENT_SECRET not in repr(settings)


def test_settings_refuse_a_password_written_in_clear() -> None:
    with pytest.raises(ValidationError, match="must not be written in the file"):
        SapConnectionSettings.model_validate(
            {
                "base_url": "https://sap.example",
                "auth": {"kind": "basic", "user": "CONNECTOR", "password": "hunter2"},
            }
        )


def test_settings_refuse_an_address_that_is_not_http() -> None:
    with pytest.raises(ValidationError, match="not an http"):
        SapConnectionSettings.model_validate(
            {
                "base_url": "sap.example",
                "auth": {"kind": "basic", "user": "U", "password": SecretStr("p")},
            }
        )


def _answering(status: int, body: bytes, headers: dict[str, str]) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(status, content=body, headers=headers)
    )


def test_an_error_message_on_a_successful_read_is_an_error() -> None:
    header = json.dumps(
        {
            "code": "V1/777",
            "message": "Order is incomplete",
            "severity": "error",
            "target": "",
            "details": [{"code": "V1/778", "message": "Ship-to missing", "severity": "warning"}],
        }
    )
    transport = _answering(200, b'{"d": {"results": []}}', {"sap-message": header})
    client = ODataClient("https://sap.example/srv", transport=transport)

    with client, pytest.raises(SapMessageError, match=r"\[V1/777\] Order is incomplete") as caught:
        client.query("A_SalesOrder")

    assert [m.severity for m in caught.value.messages] == [
        MessageSeverity.ERROR,
        MessageSeverity.WARNING,
    ]


def test_an_answer_that_is_not_odata_json_is_an_unexpected_response() -> None:
    transport = _answering(200, b"<html>maintenance</html>", {"content-type": "text/html"})
    client = ODataClient("https://sap.example/srv", transport=transport)

    with client, pytest.raises(SapUnexpectedResponseError, match="not JSON"):
        client.query("A_SalesOrder")


def test_an_xml_error_body_is_read_with_its_details() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">'
        b'<code>V1/302</code><message xml:lang="en">Sold-to party missing</message>'
        b"<innererror><errordetails><errordetail><code>V1/302</code>"
        b"<message>Sold-to party missing</message><severity>error</severity>"
        b"<target>SoldToParty</target></errordetail></errordetails></innererror></error>"
    )

    parsed = read_error_body(body, "application/xml")

    assert (parsed.code, parsed.text) == ("V1/302", "Sold-to party missing")
    assert parsed.details[0].target == "SoldToParty"


def test_an_xml_error_body_with_a_doctype_is_not_parsed_as_sap_s() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE error [<!ENTITY x "boom">]><error><code>&x;</code></error>'
    )

    parsed = read_error_body(body, "application/xml")

    assert parsed.code == ""
    assert "boom" not in parsed.text.replace('<!ENTITY x "boom">', "")


def test_a_sap_message_header_that_is_not_json_is_kept_as_text() -> None:
    assert [m.text for m in read_sap_message_header("Order saved")] == ["Order saved"]
