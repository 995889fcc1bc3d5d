"""The simulator's logon (Basic, OAuth client credentials) and CSRF token flow, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sap_support import BASIC, fetch_token, order_payload, service_url

from adapters.sap.simulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    Fault,
    FaultKind,
    SapSimulatorServer,
    SimulatorClock,
)


def test_a_request_without_credentials_is_refused_with_a_basic_challenge(
    server: SapSimulatorServer,
) -> None:
    answer = httpx.get(service_url(server) + "/A_SalesOrder")

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith('Basic realm="SAP NetWeaver')
    assert "Logon" in answer.text


def test_a_wrong_password_is_refused(server: SapSimulatorServer) -> None:
    answer = httpx.get(service_url(server) + "/A_SalesOrder", auth=("CONNECTOR", "wrong"))

    assert answer.status_code == 401


def test_basic_credentials_read_the_service(http: httpx.Client, server: SapSimulatorServer) -> None:
    answer = http.get(service_url(server) + "/")

    assert answer.status_code == 200
    assert "A_SalesOrder" in answer.json()["d"]["EntitySets"]


def test_a_client_credentials_token_reads_the_service(server: SapSimulatorServer) -> None:
    token = httpx.post(
        server.base_url + "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    ).json()

    answer = httpx.get(
        service_url(server) + "/A_SalesOrder",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )

    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 3600
    assert answer.status_code == 200


def test_a_wrong_client_secret_gets_no_token(server: SapSimulatorServer) -> None:
    answer = httpx.post(
        server.base_url + "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": "wrong",
        },
    )

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_a_grant_other_than_client_credentials_is_refused(server: SapSimulatorServer) -> None:
    answer = httpx.post(
        server.base_url + "/oauth/token",
        data={"grant_type": "password", "username": "CONNECTOR", "password": "x"},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


def test_an_expired_token_is_refused(server: SapSimulatorServer, clock: SimulatorClock) -> None:
    token = httpx.post(
        server.base_url + "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    ).json()["access_token"]
    clock.advance(timedelta(hours=1, seconds=1))

    answer = httpx.get(
        service_url(server) + "/A_SalesOrder", headers={"Authorization": f"Bearer {token}"}
    )

    assert answer.status_code == 401


def test_fetching_a_token_sets_the_session_cookies(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    answer = http.get(service_url(server) + "/", headers={"x-csrf-token": "Fetch"})

    assert answer.headers["x-csrf-token"] not in ("", "Required")
    assert {"sap-XSRF_SIM_100", "SAP_SESSIONID_SIM_100"} <= set(http.cookies)


def test_a_head_request_fetches_a_token_too(http: httpx.Client, server: SapSimulatorServer) -> None:
    answer = http.head(service_url(server) + "/", headers={"x-csrf-token": "fetch"})

    assert answer.status_code == 200
    assert answer.headers["x-csrf-token"]
    assert answer.content == b""


def test_fetching_again_in_the_same_session_gives_the_same_token(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    first = fetch_token(http, service_url(server))

    assert fetch_token(http, service_url(server)) == first


def test_a_change_without_a_token_is_refused_as_csrf_required(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    answer = http.post(service_url(server) + "/A_SalesOrder", json=order_payload())

    assert answer.status_code == 403
    assert answer.headers["x-csrf-token"] == "Required"
    assert server.simulator.sales_orders() == []


def test_a_token_without_its_session_cookie_is_refused(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    token = fetch_token(http, service_url(server))

    with httpx.Client(auth=BASIC) as cookieless:
        answer = cookieless.post(
            service_url(server) + "/A_SalesOrder",
            json=order_payload(),
            headers={"x-csrf-token": token},
        )

    assert answer.status_code == 403
    assert answer.headers["x-csrf-token"] == "Required"


def test_another_users_token_is_refused(server: SapSimulatorServer) -> None:
    with httpx.Client(auth=BASIC) as owner:
        token = fetch_token(owner, service_url(server))
        cookies = dict(owner.cookies)
    bearer = httpx.post(
        server.base_url + "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    ).json()["access_token"]

    with httpx.Client(cookies=cookies, headers={"Authorization": f"Bearer {bearer}"}) as other:
        answer = other.post(
            service_url(server) + "/A_SalesOrder",
            json=order_payload(),
            headers={"x-csrf-token": token},
        )

    assert answer.status_code == 403


def test_a_change_with_the_token_and_its_cookie_is_accepted(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    token = fetch_token(http, service_url(server))

    answer = http.post(
        service_url(server) + "/A_SalesOrder",
        json=order_payload(),
        headers={"x-csrf-token": token},
    )

    assert answer.status_code == 201


def test_an_expired_token_is_required_again_and_a_fresh_one_works(
    http: httpx.Client, server: SapSimulatorServer
) -> None:
    token = fetch_token(http, service_url(server))
    server.simulator.faults.add([Fault(kind=FaultKind.CSRF_EXPIRY)])

    refused = http.post(
        service_url(server) + "/A_SalesOrder", json=order_payload(), headers={"x-csrf-token": token}
    )
    fresh = fetch_token(http, service_url(server))
    accepted = http.post(
        service_url(server) + "/A_SalesOrder", json=order_payload(), headers={"x-csrf-token": fresh}
    )

    assert (refused.status_code, refused.headers["x-csrf-token"]) == (403, "Required")
    assert fresh != token
    assert accepted.status_code == 201
    assert len(server.simulator.sales_orders()) == 1
