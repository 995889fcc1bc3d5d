"""OAuth 2.0: the code flow, refresh before expiry, renewal on 401, and threads."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from api_fakes import BASE_URL, FakeClock, FakeOAuthServer, RecordingSleep, fast_policy

from connector.api import AheadClient, AuthError, OAuthApp, OAuthAuth, Token, TransportError

CLIENT_ID = "app-id"
CLIENT_SECRET = "app-secret"


def make_app(server: FakeOAuthServer, client_id: str = CLIENT_ID) -> OAuthApp:
    return OAuthApp(
        BASE_URL,
        client_id,
        server.clients.get(client_id, "wrong-secret"),
        transport=server.transport,
        clock=server.clock,
    )


def make_client(auth: OAuthAuth, server: FakeOAuthServer) -> AheadClient:
    return AheadClient(
        BASE_URL, auth=auth, transport=server.transport, retry=fast_policy(RecordingSleep())
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock: FakeClock) -> FakeOAuthServer:
    return FakeOAuthServer(clock)


# ---------------------------------------------------------------------------------------------
# The code flow
# ---------------------------------------------------------------------------------------------


def test_authorize_url_asks_for_a_code_for_the_client() -> None:
    app = OAuthApp(BASE_URL, "my id", "s")
    url = urlsplit(app.authorize_url())
    assert (url.scheme, url.netloc, url.path) == ("https", "ahead.test", "/oauth/authorize")
    assert parse_qs(url.query) == {"response_type": ["code"], "client_id": ["my id"]}
    assert "client_id=other" in app.authorize_url("other")


def test_code_is_taken_from_the_location_header_without_following_it(
    server: FakeOAuthServer,
) -> None:
    with make_app(server) as app:
        assert app.request_code() == "grant-1"
    assert server.authorizations == 1


def test_unknown_client_id_raises_auth_error_invalid_client_id(server: FakeOAuthServer) -> None:
    with make_app(server, "stranger") as app, pytest.raises(AuthError, match="Invalid client_id"):
        app.request_code()


def test_exchange_posts_the_code_form_encoded_and_returns_an_expiring_token(
    server: FakeOAuthServer, clock: FakeClock
) -> None:
    with make_app(server) as app:
        token = app.exchange_code(app.request_code())
    assert server.token_forms == [
        {
            "grant_type": "authorization_code",
            "code": "grant-1",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]
    assert token.access_token == "access-2"
    assert token.refresh_token == "refresh-3"
    assert token.token_type == "bearer"
    assert token.expires_at == clock() + timedelta(seconds=10800)


def test_refused_code_raises_auth_error_with_the_servers_reason(server: FakeOAuthServer) -> None:
    with make_app(server) as app, pytest.raises(AuthError, match="invalid_grant") as caught:
        app.exchange_code("never-issued")
    assert caught.value.status_code == 400


def test_refresh_sends_refresh_grant_and_keeps_the_rotated_refresh_token(
    server: FakeOAuthServer,
) -> None:
    with make_app(server) as app:
        first = app.obtain_token()
        second = app.refresh(first.refresh_token)
    assert server.token_forms[-1]["grant_type"] == "refresh_token"
    assert server.token_forms[-1]["refresh_token"] == first.refresh_token
    assert second.access_token != first.access_token
    assert second.refresh_token not in (None, first.refresh_token)


def test_refresh_without_a_new_refresh_token_keeps_the_old_one(clock: FakeClock) -> None:
    server = FakeOAuthServer(clock, rotate_refresh_tokens=False)
    with make_app(server) as app:
        first = app.obtain_token()
        second = app.refresh(first.refresh_token)
    assert second.refresh_token == first.refresh_token


# ---------------------------------------------------------------------------------------------
# OAuthAuth on requests
# ---------------------------------------------------------------------------------------------


def test_first_request_without_a_token_runs_the_code_flow(server: FakeOAuthServer) -> None:
    with make_app(server) as app, make_client(OAuthAuth(app), server) as client:
        assert client.authenticate() == "Successfully authenticated as Example Organization"
        client.authenticate()
    assert (server.authorizations, server.exchanges, server.refreshes) == (1, 1, 0)
    assert server.bearers_seen[0] == "Bearer access-2"


def test_token_is_refreshed_before_it_expires(server: FakeOAuthServer, clock: FakeClock) -> None:
    with make_app(server) as app, make_client(OAuthAuth(app), server) as client:
        client.authenticate()
        clock.advance(10800 - 301)
        client.authenticate()
        assert server.refreshes == 0
        clock.advance(2)  # now 299 s before expiry: inside the 300 s margin
        client.authenticate()
        assert server.refreshes == 1
    assert server.bearers_seen == [
        "Bearer access-2",
        "Bearer access-2",
        "Bearer access-4",
    ]


def test_refresh_margin_is_configurable(server: FakeOAuthServer, clock: FakeClock) -> None:
    with make_app(server) as app:
        auth = OAuthAuth(app, refresh_margin=3600)
        with make_client(auth, server) as client:
            client.authenticate()
            clock.advance(10800 - 3599)
            client.authenticate()
    assert server.refreshes == 1


def test_refresh_happens_once_on_401(server: FakeOAuthServer) -> None:
    with make_app(server) as app, make_client(OAuthAuth(app), server) as client:
        client.authenticate()
        server.revoke_all_access_tokens()
        client.authenticate()
        client.authenticate()
    assert server.refreshes == 1
    assert server.authorizations == 1
    assert server.bearers_seen == [
        "Bearer access-2",
        "Bearer access-2",
        "Bearer access-4",
        "Bearer access-4",
    ]


def test_second_401_raises_auth_error(server: FakeOAuthServer) -> None:
    with make_app(server) as app, make_client(OAuthAuth(app), server) as client:
        server.refuse_every_bearer = True
        with pytest.raises(AuthError, match="GET /v2/authenticate answered 401") as caught:
            client.authenticate()
    assert caught.value.status_code == 401
    assert len(server.bearers_seen) == 2
    assert server.refreshes == 1


def test_refused_refresh_falls_back_to_the_code_flow(
    server: FakeOAuthServer, clock: FakeClock
) -> None:
    with make_app(server) as app, make_client(OAuthAuth(app), server) as client:
        client.authenticate()
        server.refuse_refresh = True
        clock.advance(10800)
        client.authenticate()
    assert server.authorizations == 2
    assert server.refreshes == 0


def test_given_token_is_used_without_authorizing(server: FakeOAuthServer) -> None:
    with make_app(server) as app:
        token = app.obtain_token()
        with make_client(OAuthAuth(app, token=token), server) as client:
            client.authenticate()
    assert server.authorizations == 1
    assert server.bearers_seen[0] == f"Bearer {token.access_token}"


def test_concurrent_requests_refresh_the_token_once(
    server: FakeOAuthServer, clock: FakeClock
) -> None:
    threads_count = 8
    start = threading.Barrier(threads_count)
    failures: list[BaseException] = []
    with make_app(server) as app, make_client(OAuthAuth(app), server) as client:
        client.authenticate()
        clock.advance(10800)
        server.refresh_delay = 0.05

        def call() -> None:
            start.wait()
            try:
                client.authenticate()
            except BaseException as exc:  # reported by the main thread below
                failures.append(exc)
                raise

        threads = [threading.Thread(target=call) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert server.refreshes == 1
    assert server.authorizations == 1


def test_concurrent_401s_renew_the_token_once(server: FakeOAuthServer) -> None:
    threads_count = 8
    failures: list[BaseException] = []
    with make_app(server) as app, make_client(OAuthAuth(app), server) as client:
        client.authenticate()
        server.revoke_all_access_tokens()
        server.hold_api_requests(threads_count)  # every thread is refused before any renews

        def call() -> None:
            try:
                client.authenticate()
            except BaseException as exc:  # reported by the main thread below
                failures.append(exc)
                raise

        threads = [threading.Thread(target=call) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert (server.refreshes, server.authorizations) == (1, 1)


# ---------------------------------------------------------------------------------------------
# Secrets stay secret
# ---------------------------------------------------------------------------------------------


def test_tokens_and_secrets_are_absent_from_reprs(server: FakeOAuthServer) -> None:
    with make_app(server) as app:
        token = app.obtain_token()
        auth = OAuthAuth(app, token=token)
        texts = [repr(token), str(token), repr(app), str(app), repr(auth), str(auth)]
        with make_client(auth, server) as client:
            texts.append(repr(client))
    for text in texts:
        assert token.access_token not in text
        assert token.refresh_token not in text
        assert CLIENT_SECRET not in text


def test_tokens_and_secrets_are_absent_from_logs(
    server: FakeOAuthServer, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.DEBUG),
        make_app(server) as app,
        make_client(OAuthAuth(app), server) as client,
    ):
        client.authenticate()
        clock.advance(10800)
        client.authenticate()
        server.refuse_refresh = True
        clock.advance(10800)
        client.authenticate()
    assert "refreshed the OAuth token" in caplog.text
    assert "authorizing again" in caplog.text
    for secret in (CLIENT_SECRET, "access-", "refresh-", "grant-"):
        assert secret not in caplog.text


def test_token_repr_shows_only_expiry_and_type() -> None:
    token = Token("a-secret", "r-secret", FakeClock()(), "bearer")
    assert repr(token) == (
        "Token(expires_at=datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc), "
        "token_type='bearer')"
    )


def test_transport_failure_at_the_token_endpoint_is_transport_error() -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    app = OAuthApp(BASE_URL, CLIENT_ID, CLIENT_SECRET, transport=httpx.MockTransport(unreachable))
    with app, pytest.raises(TransportError, match="GET /oauth/authorize"):
        app.obtain_token()
