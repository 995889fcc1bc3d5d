"""``ahead-connector auth login|status|logout``: the OAuth token kept in the token cache.

No command here ever prints a token or a secret; ``status`` shows only whether a token is
cached, until when it is valid, and what ``GET /v2/authenticate`` answers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from connector.api import AuthError
from connector.cli.connection import oauth_app, token_cache
from connector.cli.errors import ExitCode, UsageError, reported_errors
from connector.cli.output import stdout_console
from connector.cli.settings import AuthScheme, ConnectionSettings, settings_of

if TYPE_CHECKING:
    import httpx

    from connector.api import Token

app = typer.Typer(help="Log in to the AHEAD API with OAuth, and see or forget the token.")


@app.command()
def login(ctx: typer.Context) -> None:
    """Run the OAuth authorization-code flow and keep the token in the token cache."""
    from connector.cli.authenticate import Bearer, authenticate

    settings = settings_of(ctx)
    with reported_errors():
        _refuse_sandbox(settings, "login")
        cache = token_cache(settings)
        with oauth_app(settings) as oauth:
            token = oauth.obtain_token()
            cache.save(oauth.base_url, oauth.client_id, token)
            greeting = authenticate(oauth.base_url, Bearer(token))
    console = stdout_console()
    console.print(f"Logged in to {escape(oauth.base_url)} as {escape(oauth.client_id)}.")
    console.print(f"Token cached in {escape(str(cache.path))}.")
    console.print(f"It is valid until {_when(token.expires_at)}.")
    console.print(escape(greeting))


@app.command()
def status(ctx: typer.Context) -> None:
    """Show the API, the client, the cached token's expiry, and whether the API accepts it.

    Exits 0 when ``GET /v2/authenticate`` succeeds with the configured credentials, else 1.
    """
    from connector.api import HmacAuth
    from connector.cli.authenticate import Bearer, authenticate

    settings = settings_of(ctx)
    console = stdout_console()
    with reported_errors():
        _refuse_sandbox(settings, "status")
        base_url = settings.require_base_url()
        console.print(f"API:          {escape(base_url)}")
        if settings.auth_scheme is AuthScheme.HMAC:
            console.print("Credentials:  HMAC token and secret")
            assert settings.hmac_token is not None
            auth: httpx.Auth = HmacAuth(
                settings.hmac_token.get_secret_value(),
                settings.require_hmac_secret().get_secret_value(),
            )
        else:
            client_id = settings.require_client_id()
            cache = token_cache(settings)
            token = cache.load(base_url, client_id)
            console.print(f"Client id:    {escape(client_id)}")
            console.print(f"Token cache:  {escape(str(cache.path))}")
            if token is None:
                console.print("Token:        none cached (run `ahead-connector auth login`)")
                raise typer.Exit(int(ExitCode.API_ERROR))
            console.print(f"Token:        {_validity(token)}")
            auth = Bearer(token)
        try:
            greeting = authenticate(base_url, auth)
        except AuthError as exc:
            console.print(f"Server:       refused the credentials ({escape(str(exc))})")
            raise typer.Exit(int(ExitCode.API_ERROR)) from None
    console.print(f"Server:       {escape(greeting)}")


@app.command()
def logout(ctx: typer.Context) -> None:
    """Forget the cached OAuth token of this API and client."""
    settings = settings_of(ctx)
    with reported_errors():
        _refuse_sandbox(settings, "logout")
        base_url = settings.require_base_url()
        client_id = settings.require_client_id()
        cache = token_cache(settings)
        had_token = cache.load(base_url, client_id) is not None
        cache.delete(base_url, client_id)
    if had_token:
        typer.echo(f"Logged out: removed the token of {client_id} at {base_url} from {cache.path}.")
    else:
        typer.echo(f"No token of {client_id} at {base_url} was cached in {cache.path}.")


def _refuse_sandbox(settings: ConnectionSettings, command: str) -> None:
    if settings.sandbox:
        raise UsageError(
            f"auth {command} needs a real server: --sandbox signs with the sandbox's built-in "
            "credentials and keeps no token"
        )


def _validity(token: Token) -> str:
    now = datetime.now(UTC)
    if token.expires_at <= now:
        renewal = "; the next command renews it" if token.refresh_token else ""
        return f"expired at {_when(token.expires_at)}{renewal}"
    left = token.expires_at - now
    hours, rest = divmod(int(left.total_seconds()), 3600)
    return f"valid until {_when(token.expires_at)} ({hours} h {rest // 60} min left)"


def _when(moment: datetime) -> str:
    return moment.astimezone().isoformat(timespec="seconds")
