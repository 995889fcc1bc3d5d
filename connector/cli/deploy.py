"""``ahead-connector init`` and ``check``: create a deployment folder, and check that it works."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from connector.cli.errors import ExitCode, fail
from connector.cli.output import stdout_console
from connector.config import CONFIG_FILENAME

if TYPE_CHECKING:
    from connector.config.checks import CheckResult


def init(
    directory: Annotated[Path, typer.Argument(help="The deployment folder (created if missing).")],
    force: Annotated[
        bool, typer.Option("--force", help=f"Replace an existing {CONFIG_FILENAME}.")
    ] = False,
) -> None:
    """Create a deployment: a commented connector.yaml that works, and its folders.

    Existing folders and .gitignore are kept.
    """
    from connector.config.scaffold import ConfigExistsError, Outcome, scaffold_deployment

    try:
        entries = scaffold_deployment(directory, force=force)
    except ConfigExistsError:
        fail(
            f"{directory / CONFIG_FILENAME} exists",
            ["Use --force to replace it (the folders and their files are kept)."],
        )
    except OSError as exc:
        fail(f"cannot create the deployment in {directory}: {exc.strerror}")
    console = stdout_console()
    for entry in entries:
        name = entry.path.relative_to(directory).as_posix()
        name += "/" if entry.path.is_dir() else ""
        style = "dim" if entry.outcome is Outcome.KEPT else "green"
        console.print(Text.assemble((f"{entry.outcome.value:>8}", style), f"  {name}"))
    console.print()
    console.print(
        Text(
            "Next:\n"
            f"  1. Edit {directory / CONFIG_FILENAME}: the AHEAD URL and client id, the adapters "
            "and the flows.\n"
            "  2. Put the secrets it references in the environment (or in files under "
            "secrets/),\n"
            "     e.g. export AHEAD_CLIENT_SECRET=... (the sandbox's is sandbox-client-secret).\n"
            f"  3. ahead-connector check {directory}"
        )
    )


def check(
    directory: Annotated[
        Path,
        typer.Argument(
            envvar="AHEAD_CONNECTOR_DEPLOYMENT",
            help="The deployment folder (default: $AHEAD_CONNECTOR_DEPLOYMENT, else the current "
            "folder).",
            show_default=False,
        ),
    ] = Path(),
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Check the configuration only: open no database, call no API, touch no folder.",
        ),
    ] = False,
) -> None:
    """Check a deployment: its configuration, then the store, the AHEAD API and the folders.

    Exit codes: 0 all is well; 1 a check failed (unreachable, refused, not writable);
    2 the configuration has problems.
    """
    from connector.config import ConfigError, load_deployment
    from connector.config.checks import CheckResult, CheckStatus, check_deployment

    console = stdout_console()
    try:
        deployment = load_deployment(directory)
    except ConfigError as exc:
        count = len(exc.problems)
        console.print(f"{count} configuration problem{'s' if count != 1 else ''}:")
        for problem in exc.problems:
            console.print(Text(f"  {problem.describe(directory.absolute())}"))
        raise typer.Exit(int(ExitCode.BAD_INPUT)) from None
    files = len(deployment.files)
    configuration = CheckResult(
        "configuration",
        CheckStatus.OK,
        f"{CONFIG_FILENAME}"
        + (f" and {files - 1} included file(s)" if files > 1 else "")
        + " valid",
    )
    results = [configuration, *check_deployment(deployment, offline=offline)]
    console.print(_table(results))
    statuses = {result.status for result in results}
    if CheckStatus.INVALID in statuses:
        raise typer.Exit(int(ExitCode.BAD_INPUT))
    if CheckStatus.FAILED in statuses:
        raise typer.Exit(int(ExitCode.API_ERROR))
    if offline:
        console.print("Offline: the store, the AHEAD API and the folders were not checked.")


def _table(results: list[CheckResult]) -> Table:
    from connector.config.checks import CheckStatus

    style_of = {
        CheckStatus.OK: "green",
        CheckStatus.INVALID: "bold red",
        CheckStatus.FAILED: "bold red",
    }
    table = Table("check", "result", "details", show_lines=True)
    for result in results:
        details = Text(result.detail)
        if result.fix:
            details.append(f"\nfix: {result.fix}", style="yellow")
        table.add_row(
            Text(result.subject),
            Text(result.status.value, style=style_of[result.status]),
            details,
        )
    return table
