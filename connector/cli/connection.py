"""Building an :class:`~connector.api.AheadClient` from the connection settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from connector.api import AheadClient, HmacAuth, OAuthApp, OAuthAuth, TokenCache
from connector.cli.settings import AuthScheme, ConnectionSettings
from connector.sandbox.app import create_app
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN, SandboxConfig
from connector.sandbox.faults import InProcessTransport, in_process_transport
from connector.sandbox.state import Sandbox

#: The base URL of a sandbox inside this process (never resolved: no request leaves it).
IN_PROCESS_BASE_URL = "http://sandbox.in-process"


@contextmanager
def open_client(settings: ConnectionSettings) -> Iterator[AheadClient]:
    """A client of the API the settings name, authenticated as they say, closed on exit.

    With ``settings.sandbox`` the client talks to a fresh sandbox inside this process, signing
    its requests with the sandbox's default HMAC credentials: OAuth tokens would not outlive
    the command anyway.

    Raises:
        UsageError: the base URL or the credentials are missing.
    """
    if settings.sandbox:
        with local_sandbox() as sandbox, sandbox.hmac_client() as client:
            yield client
        return
    base_url = settings.require_base_url()
    with ExitStack() as stack:
        if settings.auth_scheme is AuthScheme.HMAC:
            assert settings.hmac_token is not None
            auth: HmacAuth | OAuthAuth = HmacAuth(
                settings.hmac_token.get_secret_value(),
                settings.require_hmac_secret().get_secret_value(),
            )
        else:
            app = stack.enter_context(oauth_app(settings))
            auth = OAuthAuth(app, cache=token_cache(settings))
        yield stack.enter_context(AheadClient(base_url, auth=auth))


def oauth_app(settings: ConnectionSettings) -> OAuthApp:
    """The OAuth client the settings describe (close it when done).

    Raises:
        UsageError: the base URL, the client id or the client secret is missing.
    """
    base_url = settings.require_base_url()
    client_id = settings.require_client_id()
    secret = settings.require_client_secret().get_secret_value()
    return OAuthApp(base_url, client_id, secret)


def token_cache(settings: ConnectionSettings) -> TokenCache:
    """The OAuth token cache: ``--token-cache``, else the default location."""
    return TokenCache(settings.token_cache)


@dataclass(frozen=True)
class LocalSandbox:
    """A sandbox running inside this process, reached through an in-process transport.

    Attributes:
        app: the sandbox's FastAPI app.
        transport: the transport every client of this sandbox must use.
        base_url: the URL clients are given (requests never leave the process).
    """

    app: FastAPI
    transport: InProcessTransport
    base_url: str = IN_PROCESS_BASE_URL

    @property
    def sandbox(self) -> Sandbox:
        """The sandbox's state, to look inside or drive it directly."""
        sandbox: Sandbox = self.app.state.sandbox
        return sandbox

    def hmac_client(self) -> AheadClient:
        """A client signing with the sandbox's default HMAC credentials."""
        auth = HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET)
        return AheadClient(self.base_url, auth=auth, transport=self.transport)


@contextmanager
def local_sandbox(config: SandboxConfig | None = None) -> Iterator[LocalSandbox]:
    """Start a sandbox inside this process; stop it and close its store on exit.

    Args:
        config: the sandbox configuration; the default keeps everything in memory.
    """
    app = create_app(config)
    sandbox: Sandbox = app.state.sandbox
    try:
        with in_process_transport(app) as transport:
            yield LocalSandbox(app, transport)
    finally:
        sandbox.close()
