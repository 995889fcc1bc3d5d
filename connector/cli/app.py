"""The root of the ``ahead-connector`` command: global options and the command groups."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr

from connector.cli import api, auth, demo, deploy, mapping, ops, run, sandbox, simulate
from connector.cli.settings import ConnectionSettings

_CONNECTION = "Connection"

app = typer.Typer(
    name="ahead-connector",
    help="Connect ERP and EDI systems to the AHEAD API.",
    epilog="Exit codes: 0 done; 1 the API refused or could not be reached; 2 bad input; "
    "3 the outcome of a create is unknown (look the record up before sending it again).",
    no_args_is_help=True,
    add_completion=False,
    # Locals in a traceback could hold credentials.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(api.app, name="api")
app.add_typer(auth.app, name="auth")
app.add_typer(mapping.app, name="mapping")
app.add_typer(simulate.app, name="simulate")
app.command("sandbox")(sandbox.run_sandbox)
app.command("demo")(demo.run_demo)
app.command("init")(deploy.init)
app.command("check")(deploy.check)
ops.register(app)
app.command("run")(run.run)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ahead-connector {metadata.version('ahead-connector')}")
        raise typer.Exit()


def _secret(value: str | None) -> SecretStr | None:
    return SecretStr(value) if value is not None else None


@app.callback()
def root(
    ctx: typer.Context,
    base_url: Annotated[
        str | None,
        typer.Option(
            envvar="AHEAD_BASE_URL",
            help="Root URL of the AHEAD API.",
            rich_help_panel=_CONNECTION,
        ),
    ] = None,
    client_id: Annotated[
        str | None,
        typer.Option(
            envvar="AHEAD_CLIENT_ID", help="OAuth client id.", rich_help_panel=_CONNECTION
        ),
    ] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            envvar="AHEAD_CLIENT_SECRET",
            help="OAuth client secret (prefer the environment or --client-secret-file).",
            show_default=False,
            rich_help_panel=_CONNECTION,
        ),
    ] = None,
    client_secret_file: Annotated[
        Path | None,
        typer.Option(
            envvar="AHEAD_CLIENT_SECRET_FILE",
            help="File holding the OAuth client secret.",
            rich_help_panel=_CONNECTION,
        ),
    ] = None,
    hmac_token: Annotated[
        str | None,
        typer.Option(
            envvar="AHEAD_HMAC_TOKEN",
            help="Token of the older HMAC scheme.",
            show_default=False,
            rich_help_panel=_CONNECTION,
        ),
    ] = None,
    hmac_secret: Annotated[
        str | None,
        typer.Option(
            envvar="AHEAD_HMAC_SECRET",
            help="Secret of the older HMAC scheme (prefer the environment or a file).",
            show_default=False,
            rich_help_panel=_CONNECTION,
        ),
    ] = None,
    hmac_secret_file: Annotated[
        Path | None,
        typer.Option(
            envvar="AHEAD_HMAC_SECRET_FILE",
            help="File holding the HMAC secret.",
            rich_help_panel=_CONNECTION,
        ),
    ] = None,
    token_cache: Annotated[
        Path | None,
        typer.Option(
            envvar="AHEAD_TOKEN_CACHE",
            help="OAuth token cache file (default: $AHEAD_CONNECTOR_HOME/tokens.json, else "
            "~/.config/ahead-connector/tokens.json).",
            rich_help_panel=_CONNECTION,
        ),
    ] = None,
    use_sandbox: Annotated[
        bool,
        typer.Option(
            "--sandbox",
            help="Talk to a fresh sandbox inside this process with its default credentials; "
            "the URL and credential options are then ignored (nothing is kept between "
            "commands).",
            rich_help_panel=_CONNECTION,
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Connect ERP and EDI systems to the AHEAD API.

    Connection options come before the command (`ahead-connector --sandbox api items list`)
    or from the AHEAD_* environment variables.
    """
    ctx.obj = ConnectionSettings(
        base_url=base_url,
        client_id=client_id,
        client_secret=_secret(client_secret),
        client_secret_file=client_secret_file,
        hmac_token=_secret(hmac_token),
        hmac_secret=_secret(hmac_secret),
        hmac_secret_file=hmac_secret_file,
        token_cache=token_cache,
        sandbox=use_sandbox,
    )
