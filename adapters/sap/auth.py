"""Credentials on requests to SAP: Basic, or an OAuth 2.0 client-credentials bearer token."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator

import httpx
from pydantic import SecretStr

from adapters.sap.errors import SapAuthError, read_error_body
from adapters.sap.settings import SapBasicAuth, SapClientCredentials

__all__ = ["ClientCredentialsAuth", "build_auth"]

#: A token is renewed this many seconds before it expires.
RENEW_BEFORE_SECONDS = 30.0


class ClientCredentialsAuth(httpx.Auth):
    """A bearer token from the OAuth 2.0 client-credentials grant, fetched when needed.

    The token is kept until shortly before it expires, and fetched again once when a request
    is refused with 401 (a token revoked early). The token request goes through the same
    client, so it uses the same transport.

    Args:
        token_url: the token endpoint.
        client_id: the client id.
        client_secret: the client secret.
        scope: the scope to ask for, if any.
        clock: seconds, monotonic (injected by tests).
    """

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        scope: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def _current(self) -> str | None:
        with self._lock:
            if self._token is not None and self._clock() < self._expires_at:
                return self._token
            return None

    def _token_request(self) -> httpx.Request:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        basic = httpx.BasicAuth(self._client_id, self._client_secret.get_secret_value())
        request = httpx.Request(
            "POST", self._token_url, data=form, headers={"Accept": "application/json"}
        )
        return next(basic.auth_flow(request))

    def _store(self, response: httpx.Response) -> str:
        if response.status_code != httpx.codes.OK:
            body = read_error_body(response.content, response.headers.get("content-type", ""))
            reason = body.text
            try:
                data = response.json()
                reason = str(data.get("error_description") or data.get("error") or reason)
            except ValueError:
                pass
            raise SapAuthError(
                "POST",
                self._token_url,
                response.status_code,
                "",
                f"the token endpoint refused client {self._client_id}: {reason}",
            )
        try:
            data = response.json()
            token = str(data["access_token"])
            lifetime = float(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise SapAuthError(
                "POST",
                self._token_url,
                response.status_code,
                "",
                "the token answer has no access_token",
            ) from None
        with self._lock:
            self._token = token
            self._expires_at = self._clock() + max(0.0, lifetime - RENEW_BEFORE_SECONDS)
        return token

    def _forget(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the bearer token; fetch one first if needed, and again once after a 401."""
        token = self._current()
        if token is None:
            token = self._store((yield self._token_request()))
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == httpx.codes.UNAUTHORIZED:
            self._forget(token)
            token = self._store((yield self._token_request()))
            request.headers["Authorization"] = f"Bearer {token}"
            yield request


def build_auth(settings: SapBasicAuth | SapClientCredentials) -> httpx.Auth:
    """The httpx auth for a connection's credentials."""
    if isinstance(settings, SapBasicAuth):
        return httpx.BasicAuth(settings.user, settings.password.get_secret_value())
    return ClientCredentialsAuth(
        settings.token_url, settings.client_id, settings.client_secret, settings.scope
    )
