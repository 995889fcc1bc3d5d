"""``ahead-connector simulate``: serve the simulators of the systems the connector talks to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from connector.cli.output import stdout_console

if TYPE_CHECKING:
    from adapters.netsuite.simulator import NetSuiteSimulator

_SAP_PORT = 8770

app = typer.Typer(no_args_is_help=True)


@app.callback()
def simulate() -> None:
    """Serve a simulator of a system the connector talks to (Ctrl+C stops it)."""


@app.command("netsuite")
def simulate_netsuite(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8790,
    sample_orders: Annotated[
        int, typer.Option(min=0, help="Sales orders to seed, for a demo.")
    ] = 0,
    concurrency_limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Requests the account may have in progress at once; more are refused with "
            "WS_REQUEST_BLOCKED (default: no limit).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run a simulated NetSuite account speaking SuiteTalk 2023_2 SOAP.

    It serves our trimmed WSDL, checks token passports (HMAC-SHA256), keeps records in memory,
    pages searches and can be told to inject faults through its control API under /control.
    """
    from adapters.netsuite.simulator import (
        NetSuiteSimulator,
        SimulatorConfig,
        seed_sample_orders,
        serve,
    )

    config = SimulatorConfig(concurrency_limit=concurrency_limit)
    simulator = NetSuiteSimulator(config)
    seeded = seed_sample_orders(simulator, sample_orders)
    _announce(host, port, simulator, len(seeded))
    serve(host=host, port=port, simulator=simulator)


def _announce(host: str, port: int, simulator: NetSuiteSimulator, seeded: int) -> None:
    from adapters.netsuite.endpoints import service_path, wsdl_path
    from adapters.netsuite.simulator import DEFAULT_SAVED_SEARCH_ID, DEFAULT_SAVED_SEARCH_SCRIPT_ID

    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}"
    credentials = simulator.config.credentials
    console = stdout_console()
    console.print(f"NetSuite simulator on [bold]{escape(url)}[/]")
    console.print(f"  WSDL                 {escape(url + wsdl_path(simulator.version))}")
    console.print(f"  SOAP endpoint        {escape(url + service_path(simulator.version))}")
    # These are the simulator's published defaults, not secrets.
    console.print(f"  account              {credentials.account}")
    console.print(f"  consumer key         {credentials.consumer_key}")
    console.print(f"  consumer secret      {credentials.consumer_secret.get_secret_value()}")
    console.print(f"  token id             {credentials.token_id}")
    console.print(f"  token secret         {credentials.token_secret.get_secret_value()}")
    console.print(
        f"  saved search         {DEFAULT_SAVED_SEARCH_ID} ({DEFAULT_SAVED_SEARCH_SCRIPT_ID}): "
        "sales orders"
    )
    console.print(f"  sample sales orders  {seeded}")
    console.print("  control endpoints under /control/ need no credentials")


@app.command("sap")
def simulate_sap(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = _SAP_PORT,
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
    from adapters.sap.services import SapService
    from adapters.sap.simulator.app import CONTROL_PREFIX, TOKEN_PATH
    from adapters.sap.simulator.config import SapSimulatorConfig
    from adapters.sap.simulator.server import serve

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


if __name__ == "__main__":
    app()
