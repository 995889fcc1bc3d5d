"""Asking the AHEAD API whether it accepts credentials, for ``auth login`` and ``auth status``.

Kept apart from :mod:`connector.cli.auth` so that the command line starts without the HTTP client.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from connector.api import AheadClient, Token


class Bearer(httpx.Auth):
    """Exactly one given bearer token: never renewed, so ``status`` reports on it as it is."""

    def __init__(self, token: Token) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "Bearer(<hidden>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.access_token}"
        yield request


def authenticate(base_url: str, auth: httpx.Auth) -> str:
    """What ``GET /v2/authenticate`` answers with these credentials.

    Raises:
        AuthError: the API refused them.
    """
    with AheadClient(base_url, auth=auth) as client:
        return client.authenticate()
