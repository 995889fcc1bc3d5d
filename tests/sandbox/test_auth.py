"""Sandbox authentication: the OAuth 2 code and refresh flows, bearer tokens, HMAC signatures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse

from connector.api import signing
from connector.api.endpoints import OAUTH_AUTHORIZE_PATH, OAUTH_TOKEN_PATH
from connector.api.models import TokenResponse
from connector.sandbox.auth import SandboxAuth
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_HMAC_SECRET,
    DEFAULT_HMAC_TOKEN,
    DEFAULT_REDIRECT_URI,
    OAuthClientConfig,
    SandboxConfig,
)
from connector.sandbox.errors import SandboxHTTPError, handle_sandbox_error
from connector.sandbox.faults import in_process_transport

ORDERS = "/v2/customer_order_submissions"
OTHER_CLIENT = OAuthClientConfig(
    client_id="other-client",
    client_secret="other-client-secret",
    redirect_uri="https://erp.example/callback?tenant=7",
)


def protected_app(auth: SandboxAuth) -> FastAPI:
    """The OAuth routes and two API routes behind the credential check."""
    app = FastAPI()
    app.include_router(auth.router())
    app.add_exception_handler(SandboxHTTPError, handle_sandbox_error)

    @app.get("/v2/authenticate")
    async def authenticate(organization: str = Depends(auth.dependency)) -> PlainTextResponse:
        return PlainTextResponse(f"Successfully authenticated as {organization}")

    @app.api_route("/v2/{path:path}", methods=["GET", "POST"])
    async def anything(request: Request, _: str = Depends(auth.dependency)) -> dict[str, Any]:
        return {"path": request.url.path, "body": (await request.body()).decode()}

    return app


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock(start=datetime(2026, 5, 4, 10, 0, tzinfo=UTC))


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig(oauth_clients=[OAuthClientConfig(), OTHER_CLIENT])


@pytest.fixture
def auth(config: SandboxConfig, clock: SandboxClock) -> SandboxAuth:
    return SandboxAuth(config, clock)


@pytest.fixture
def client(auth: SandboxAuth) -> Iterator[httpx.Client]:
    transport = in_process_transport(protected_app(auth))
    with httpx.Client(transport=transport, base_url="http://sandbox") as client:
        yield client


def authorize(client: httpx.Client, client_id: str = DEFAULT_CLIENT_ID, **extra: str) -> str:
    """Run step 1 and return the grant code from the redirect."""
    params = {"response_type": "code", "client_id": client_id, **extra}
    response = client.get(OAUTH_AUTHORIZE_PATH, params=params)
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


def exchange(
    client: httpx.Client,
    code: str,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    return client.post(OAUTH_TOKEN_PATH, data=form)


def refresh(client: httpx.Client, refresh_token: str) -> httpx.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
    }
    return client.post(OAUTH_TOKEN_PATH, data=form)


def tokens(client: httpx.Client) -> TokenResponse:
    response = exchange(client, authorize(client))
    assert response.status_code == 200, response.text
    return TokenResponse.model_validate(response.json())


def with_bearer(client: httpx.Client, access_token: str) -> httpx.Response:
    return client.get("/v2/authenticate", headers={"Authorization": f"Bearer {access_token}"})


def error_message(response: httpx.Response) -> str:
    message: str = response.json()["errors"][0]["message"]
    return message


def hmac_request(
    client: httpx.Client,
    method: str,
    path: str,
    body: bytes,
    date: str,
    *,
    signed_path: str | None = None,
    signed_body: bytes | None = None,
    secret: str = DEFAULT_HMAC_SECRET,
    token: str = DEFAULT_HMAC_TOKEN,
) -> httpx.Response:
    """Send a request signed over ``signed_path``/``signed_body`` (by default what is sent)."""
    signature = signing.hmac_signature(
        secret,
        method,
        body if signed_body is None else signed_body,
        date,
        path if signed_path is None else signed_path,
    )
    headers = signing.hmac_headers(token, signature, date)
    return client.request(method, path, content=body, headers=headers)


# ------------------------------------------------------------------------------------------
# OAuth 2
# ------------------------------------------------------------------------------------------


def test_code_exchange_gives_a_bearer_token_that_opens_the_api(client: httpx.Client) -> None:
    redirect = client.get(
        OAUTH_AUTHORIZE_PATH, params={"response_type": "code", "client_id": DEFAULT_CLIENT_ID}
    )
    assert redirect.status_code == 302
    location = redirect.headers["Location"]
    assert location.startswith(f"{DEFAULT_REDIRECT_URI}?code=")

    answer = exchange(client, parse_qs(urlsplit(location).query)["code"][0])

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    token = TokenResponse.model_validate(answer.json())
    assert token.token_type == "bearer"
    assert token.expires_in == 10800
    assert token.refresh_token
    authenticated = with_bearer(client, token.access_token)
    assert authenticated.status_code == 200
    assert authenticated.text == "Successfully authenticated as Sandbox Organization"


def test_redirect_keeps_the_registered_query_and_echoes_state(client: httpx.Client) -> None:
    response = client.get(
        OAUTH_AUTHORIZE_PATH,
        params={"response_type": "code", "client_id": OTHER_CLIENT.client_id, "state": "xyz"},
    )

    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "erp.example"
    assert query["tenant"] == ["7"]
    assert query["state"] == ["xyz"]
    assert query["code"][0]


def test_unknown_client_id_is_refused_with_401(client: httpx.Client) -> None:
    response = client.get(
        OAUTH_AUTHORIZE_PATH, params={"response_type": "code", "client_id": "nobody"}
    )

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": "Invalid client_id"}


def test_token_request_with_a_wrong_client_secret_is_refused_with_401(
    client: httpx.Client,
) -> None:
    response = exchange(client, authorize(client), client_secret="guess")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_response_type_other_than_code_is_refused(client: httpx.Client) -> None:
    response = client.get(
        OAUTH_AUTHORIZE_PATH, params={"response_type": "token", "client_id": DEFAULT_CLIENT_ID}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_response_type"


def test_a_redirect_uri_other_than_the_registered_one_is_refused(client: httpx.Client) -> None:
    response = client.get(
        OAUTH_AUTHORIZE_PATH,
        params={
            "response_type": "code",
            "client_id": DEFAULT_CLIENT_ID,
            "redirect_uri": "https://attacker.example/",
        },
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_code_can_be_exchanged_only_once(client: httpx.Client) -> None:
    code = authorize(client)
    assert exchange(client, code).status_code == 200

    again = exchange(client, code)

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert "already used" in again.json()["error_description"]


def test_a_code_expires_after_ten_minutes_of_sandbox_clock(
    client: httpx.Client, clock: SandboxClock
) -> None:
    fresh, stale = authorize(client), authorize(client)
    clock.advance(599)
    assert exchange(client, fresh).status_code == 200

    clock.advance(2)
    response = exchange(client, stale)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert "expired" in response.json()["error_description"]


def test_a_code_issued_to_another_client_is_refused(client: httpx.Client) -> None:
    code = authorize(client, OTHER_CLIENT.client_id)

    response = exchange(client, code)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_refresh_rotates_the_refresh_token(client: httpx.Client) -> None:
    first = tokens(client)
    assert first.refresh_token is not None

    answer = refresh(client, first.refresh_token)

    assert answer.status_code == 200
    second = TokenResponse.model_validate(answer.json())
    assert second.refresh_token not in (None, first.refresh_token)
    assert second.access_token != first.access_token
    assert with_bearer(client, second.access_token).status_code == 200
    reused = refresh(client, first.refresh_token)
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert second.refresh_token is not None
    assert refresh(client, second.refresh_token).status_code == 200


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"code": "x"}, "invalid_request"),
        ({"grant_type": "authorization_code", "client_id": DEFAULT_CLIENT_ID}, "invalid_request"),
    ],
)
def test_malformed_token_requests_name_the_problem(
    client: httpx.Client, form: dict[str, str], error: str
) -> None:
    response = client.post(OAUTH_TOKEN_PATH, data=form)

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_token_request_must_be_form_encoded(client: httpx.Client) -> None:
    response = client.post(
        OAUTH_TOKEN_PATH,
        json={
            "grant_type": "authorization_code",
            "code": authorize(client),
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
        },
    )

    assert response.status_code == 400
    assert "x-www-form-urlencoded" in response.json()["error_description"]


# ------------------------------------------------------------------------------------------
# Bearer tokens
# ------------------------------------------------------------------------------------------


def test_bearer_token_expires_by_the_sandbox_clock(
    client: httpx.Client, clock: SandboxClock
) -> None:
    token = tokens(client)
    clock.advance(10799)
    assert with_bearer(client, token.access_token).status_code == 200

    clock.advance(2)
    response = with_bearer(client, token.access_token)

    assert response.status_code == 401
    assert error_message(response).startswith("expired bearer token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_lifetime_follows_the_configuration(clock: SandboxClock) -> None:
    auth = SandboxAuth(SandboxConfig(token_ttl=60), clock)
    with httpx.Client(
        transport=in_process_transport(protected_app(auth)), base_url="http://sandbox"
    ) as client:
        token = tokens(client)
        clock.advance(61)
        expired = with_bearer(client, token.access_token)

    assert token.expires_in == 60
    assert expired.status_code == 401


def test_unknown_bearer_token_is_refused(client: httpx.Client) -> None:
    response = with_bearer(client, "made-up")

    assert response.status_code == 401
    assert error_message(response) == "unknown bearer token"
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_missing_credentials_get_401_with_a_message_and_a_challenge(
    client: httpx.Client,
) -> None:
    response = client.get("/v2/authenticate")

    assert response.status_code == 401
    assert error_message(response).startswith("missing credentials")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_authorization_header_of_another_scheme_is_refused(client: httpx.Client) -> None:
    response = client.get("/v2/authenticate", headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert response.status_code == 401
    assert "Bearer <token>" in error_message(response)


def test_without_required_auth_anyone_is_the_organization(clock: SandboxClock) -> None:
    auth = SandboxAuth(SandboxConfig(require_auth=False), clock)
    with httpx.Client(
        transport=in_process_transport(protected_app(auth)), base_url="http://sandbox"
    ) as client:
        response = client.get("/v2/authenticate")

    assert response.text == "Successfully authenticated as Sandbox Organization"


# ------------------------------------------------------------------------------------------
# HMAC
# ------------------------------------------------------------------------------------------


def test_hmac_signed_post_is_accepted(client: httpx.Client, clock: SandboxClock) -> None:
    body = b'{"customer_order": "PO-1"}'

    response = hmac_request(client, "POST", ORDERS, body, clock.now().isoformat())

    assert response.status_code == 200
    assert response.json()["body"] == body.decode()


def test_hmac_signed_get_with_a_query_string_is_accepted(
    client: httpx.Client, clock: SandboxClock
) -> None:
    path = "/v2/items?q=%7B%22limit%22%3A5%7D"

    response = hmac_request(client, "GET", path, signing.EMPTY_BODY, clock.now().isoformat())

    assert response.status_code == 200


def test_hmac_date_without_time_zone_is_taken_as_utc(
    client: httpx.Client, clock: SandboxClock
) -> None:
    naive = clock.now().replace(tzinfo=None).isoformat()

    response = hmac_request(client, "GET", "/v2/items", signing.EMPTY_BODY, naive)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("sent_path", "sent_body", "signed_path", "signed_body"),
    [
        pytest.param(ORDERS, b'{"qty": 9}', ORDERS, b'{"qty": 1}', id="body"),
        pytest.param(f"{ORDERS}/2", b"{}", f"{ORDERS}/1", b"{}", id="path"),
        pytest.param("/v2/items?q=%7B%7D", b"{}", "/v2/items?q=%5B%5D", b"{}", id="query"),
        pytest.param("/v2/items?q=%7B%7D", b"{}", "/v2/items", b"{}", id="query-unsigned"),
    ],
)
def test_hmac_request_tampered_after_signing_is_refused(
    client: httpx.Client,
    clock: SandboxClock,
    sent_path: str,
    sent_body: bytes,
    signed_path: str,
    signed_body: bytes,
) -> None:
    response = hmac_request(
        client,
        "POST",
        sent_path,
        sent_body,
        clock.now().isoformat(),
        signed_path=signed_path,
        signed_body=signed_body,
    )

    assert response.status_code == 401
    assert error_message(response).startswith("bad signature")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_hmac_signature_with_the_wrong_secret_is_refused(
    client: httpx.Client, clock: SandboxClock
) -> None:
    response = hmac_request(
        client, "GET", "/v2/items", b"{}", clock.now().isoformat(), secret="not-the-secret"
    )

    assert response.status_code == 401
    message = error_message(response)
    assert message.startswith("bad signature")
    assert DEFAULT_HMAC_SECRET not in message


@pytest.mark.parametrize("offset", [timedelta(seconds=-901), timedelta(seconds=901)])
def test_stale_x_date_is_refused(
    client: httpx.Client, clock: SandboxClock, offset: timedelta
) -> None:
    date = (clock.now() + offset).isoformat()

    response = hmac_request(client, "GET", "/v2/items", b"{}", date)

    assert response.status_code == 401
    assert error_message(response).startswith("stale X-Date")


def test_x_date_within_the_allowed_skew_is_accepted(
    client: httpx.Client, clock: SandboxClock
) -> None:
    date = (clock.now() - timedelta(seconds=signing.HMAC_CLOCK_SKEW_SECONDS)).isoformat()

    assert hmac_request(client, "GET", "/v2/items", b"{}", date).status_code == 200


def test_unknown_hmac_token_is_refused(client: httpx.Client, clock: SandboxClock) -> None:
    response = hmac_request(
        client, "GET", "/v2/items", b"{}", clock.now().isoformat(), token="someone-else"
    )

    assert response.status_code == 401
    assert error_message(response) == "unknown HMAC token"


def test_hmac_without_x_date_is_refused(client: httpx.Client) -> None:
    response = client.get("/v2/items", headers={signing.HMAC_AUTH_HEADER: "sandbox-token:sig"})

    assert response.status_code == 401
    assert error_message(response).startswith("missing X-Date")


def test_reprs_show_no_secret_or_token(auth: SandboxAuth, client: httpx.Client) -> None:
    issued = tokens(client)

    shown = repr(auth)

    assert issued.access_token not in shown
    assert DEFAULT_CLIENT_SECRET not in shown
    assert DEFAULT_HMAC_SECRET not in shown
