"""``ahead-connector sandbox``: serve the AHEAD sandbox over HTTP until interrupted."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from connector.api.endpoints import SANDBOX_ORDER_ADVANCE_PATH, SANDBOX_PREFIX
from connector.cli.output import stdout_console
from connector.sandbox.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_HMAC_SECRET,
    DEFAULT_HMAC_TOKEN,
    DEFAULT_RELEASE_AFTER,
    DEFAULT_SHIP_AFTER,
    LifecycleConfig,
    SandboxConfig,
)


def run_sandbox(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8080,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            dir_okay=False,
            help="SQLite file that keeps the sandbox's records across runs (default: memory only).",
        ),
    ] = None,
    no_seed: Annotated[
        bool,
        typer.Option("--no-seed", help="Start empty: no countries, items or ship methods."),
    ] = False,
    release_after: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="Seconds after submission at which an order is Released "
            f"(default {DEFAULT_RELEASE_AFTER:g}).",
            show_default=False,
        ),
    ] = None,
    ship_after: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="Seconds after submission at which an order is Shipped "
            f"(default {DEFAULT_SHIP_AFTER:g}).",
            show_default=False,
        ),
    ] = None,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Accept requests without credentials.")
    ] = False,
) -> None:
    """Run the AHEAD sandbox over HTTP (Ctrl+C stops it).

    It answers every AHEAD endpoint, OAuth and HMAC included, with seeded reference data;
    orders move from Pending to Released to Shipped by themselves, or at once through
    POST /sandbox/orders/{id}/advance.
    """
    from connector.sandbox.server import serve

    config = SandboxConfig(
        data_path=data,
        seed=not no_seed,
        require_auth=not no_auth,
        lifecycle=LifecycleConfig().model_copy(update=_given(release_after, ship_after)),
    )
    _announce(host, port, config)
    serve(config, host=host, port=port)


def _announce(host: str, port: int, config: SandboxConfig) -> None:
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}"
    console = stdout_console()
    console.print(f"AHEAD sandbox on [bold]{escape(url)}[/]")
    if config.require_auth:
        # These are the sandbox's published defaults, not secrets.
        console.print(f"  OAuth client id      {DEFAULT_CLIENT_ID}")
        console.print(f"  OAuth client secret  {DEFAULT_CLIENT_SECRET}")
        console.print(f"  HMAC token           {DEFAULT_HMAC_TOKEN}")
        console.print(f"  HMAC secret          {DEFAULT_HMAC_SECRET}")
    else:
        console.print("  no credentials needed (--no-auth)")
    lifecycle = config.lifecycle
    console.print(
        f"  orders are Released {lifecycle.release_after} s and Shipped "
        f"{lifecycle.ship_after} s after submission (sandbox clock), or at once through "
        f"POST {SANDBOX_ORDER_ADVANCE_PATH}"
    )
    console.print(f"  control endpoints under {SANDBOX_PREFIX}/ need no credentials")
    if config.data_path is not None:
        console.print(f"  records kept in {escape(str(config.data_path))}")
    console.print(
        f"Try: AHEAD_BASE_URL={escape(url)} AHEAD_CLIENT_ID={DEFAULT_CLIENT_ID} "
        f"AHEAD_CLIENT_SECRET={DEFAULT_CLIENT_SECRET} ahead-connector api countries list"
    )


def _given(release_after: float | None, ship_after: float | None) -> dict[str, float]:
    given = {"release_after": release_after, "ship_after": ship_after}
    return {name: seconds for name, seconds in given.items() if seconds is not None}
