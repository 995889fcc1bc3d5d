"""``ahead-connector simulate``: serve the simulators of the systems the connector talks to."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from adapters.netsuite.endpoints import service_path, wsdl_path
from adapters.netsuite.simulator import (
    DEFAULT_SAVED_SEARCH_ID,
    DEFAULT_SAVED_SEARCH_SCRIPT_ID,
    NetSuiteSimulator,
    SimulatorConfig,
    seed_sample_orders,
    serve,
)
from adapters.sap.simulator.cli import simulate_sap
from connector.cli.output import stdout_console

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
    config = SimulatorConfig(concurrency_limit=concurrency_limit)
    simulator = NetSuiteSimulator(config)
    seeded = seed_sample_orders(simulator, sample_orders)
    _announce(host, port, simulator, len(seeded))
    serve(host=host, port=port, simulator=simulator)


def _announce(host: str, port: int, simulator: NetSuiteSimulator, seeded: int) -> None:
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


app.command("sap")(simulate_sap)


if __name__ == "__main__":
    app()
