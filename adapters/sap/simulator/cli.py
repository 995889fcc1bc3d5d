"""``ahead-connector simulate sap``: serve the SAP OData simulator until interrupted.

:func:`simulate_sap` is a Typer command function; the CLI registers it under its ``simulate``
group (``simulate_app.command("sap")(simulate_sap)``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.sap.services import SapService
from adapters.sap.simulator.app import CONTROL_PREFIX, TOKEN_PATH
from adapters.sap.simulator.config import SapSimulatorConfig
from adapters.sap.simulator.server import serve

__all__ = ["simulate_sap"]

DEFAULT_PORT = 8770


def simulate_sap(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    page_limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Most entities per answer; more come through __next (default: no limit).",
            show_default=False,
        ),
    ] = None,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Accept requests without credentials.")
    ] = False,
    no_csrf: Annotated[
        bool, typer.Option("--no-csrf", help="Accept changes without a CSRF token.")
    ] = False,
) -> None:
    """Run the SAP S/4HANA OData v2 simulator (Ctrl+C stops it).

    It serves API_SALES_ORDER_SRV, API_OUTBOUND_DELIVERY_SRV;v=0002 and
    API_BILLING_DOCUMENT_SRV with Basic auth, OAuth client credentials and the CSRF token flow;
    seed it and look inside through its control API under /simulator.
    """
    config = SapSimulatorConfig(
        page_limit=page_limit, require_auth=not no_auth, csrf_protection=not no_csrf
    )
    shown_host = f"[{host}]" if ":" in host else host
    base = f"http://{shown_host}:{port}"
    for service in SapService:
        typer.echo(f"{service.value:<34} {base}{service.path}")
    if config.require_auth:
        users = ", ".join(f"{user} / {password}" for user, password in config.users.items())
        clients = ", ".join(f"{cid} / {secret}" for cid, secret in config.oauth_clients.items())
        typer.echo(f"Basic auth (user / password):       {users}")
        typer.echo(f"OAuth client credentials:           {clients} at {base}{TOKEN_PATH}")
    else:
        typer.echo("No authentication required.")
    typer.echo(f"Control API:                        {base}{CONTROL_PREFIX}/sales-orders, ...")
    serve(config, host=host, port=port)
