"""Building an :class:`~connector.api.AheadClient` from the connection settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from connector.cli.settings import AuthScheme, ConnectionSettings

if TYPE_CHECKING:
    from connector.api import AheadClient, OAuthApp, TokenCache


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
        from connector.cli.local_sandbox import local_sandbox

        with local_sandbox() as sandbox, sandbox.hmac_client() as client:
            yield client
        return
    from connector.api import AheadClient, HmacAuth, OAuthAuth

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
    from connector.api import OAuthApp

    base_url = settings.require_base_url()
    client_id = settings.require_client_id()
    secret = settings.require_client_secret().get_secret_value()
    return OAuthApp(base_url, client_id, secret)


def token_cache(settings: ConnectionSettings) -> TokenCache:
    """The OAuth token cache: ``--token-cache``, else the default location."""
    from connector.api import TokenCache

    return TokenCache(settings.token_cache)
