"""The sandbox app with authentication on: /v2/authenticate and the API behind credentials."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sandbox_support import ORDERS, START, order_body

from connector.api import signing
from connector.sandbox import SandboxClock, SandboxConfig, create_app
from connector.sandbox.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, HmacCredentialConfig
from connector.sandbox.faults import in_process_transport

HMAC = HmacCredentialConfig(token="test-token", secret="test-secret")


@pytest.fixture
def secured() -> Iterator[httpx.Client]:
    config = SandboxConfig(require_auth=True, organization_name="Acme Widgets",
                           hmac_credentials=[HMAC])  # fmt: skip
    app = create_app(config, clock=SandboxClock(START))
    try:
        with httpx.Client(transport=in_process_transport(app), base_url="http://s") as client:
            yield client
    finally:
        app.state.sandbox.close()


def signed(method: str, path: str, body: bytes = signing.EMPTY_BODY) -> dict[str, str]:
    date = START.isoformat()
    signature = signing.hmac_signature(HMAC.secret, method, body, date, path)
    return signing.hmac_headers(HMAC.token, signature, date)


def test_authenticate_names_the_organization_of_an_hmac_signed_request(
    secured: httpx.Client,
) -> None:
    response = secured.request(
        "GET",
        "/v2/authenticate",
        content=signing.EMPTY_BODY,
        headers=signed("GET", "/v2/authenticate"),
    )

    assert response.status_code == 200
    assert response.text == "Successfully authenticated as Acme Widgets"


def test_authenticate_accepts_a_bearer_token_from_the_oauth_flow(secured: httpx.Client) -> None:
    grant = secured.get(
        "/oauth/authorize", params={"response_type": "code", "client_id": DEFAULT_CLIENT_ID}
    )
    code = parse_qs(urlsplit(grant.headers["location"]).query)["code"][0]
    token = secured.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": code,
              "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET},
    ).json()["access_token"]  # fmt: skip

    response = secured.get("/v2/authenticate", headers={"Authorization": f"Bearer {token}"})

    assert response.text == "Successfully authenticated as Acme Widgets"


def test_a_signed_order_submission_is_accepted(secured: httpx.Client) -> None:
    body = httpx.Request("POST", "http://s", json=order_body()).content

    response = secured.post(ORDERS, content=body, headers=signed("POST", ORDERS, body))

    assert response.status_code == 201


def test_an_unauthenticated_request_changes_nothing(secured: httpx.Client) -> None:
    refused = secured.post(ORDERS, json=order_body())
    counts = secured.get("/sandbox/state").json()["counts"]

    assert refused.status_code == 401
    assert counts["customer_order_submissions"] == 1
    assert secured.get("/v2/authenticate").status_code == 401
