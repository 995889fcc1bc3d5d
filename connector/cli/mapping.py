"""``ahead-connector mapping test|check|list``: try a mapping on a record, check a deployment's
mappings, list the mappings there are.

``mapping test`` looks reference data up (countries, ship methods, the customer catalog) in the
AHEAD API of the deployment given with ``--deployment``; without one, in a sandbox inside this
process, whose seeded data the stock mappings and the examples are written against.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from connector.api import AheadError
from connector.cli.errors import ExitCode, fail, reported_errors
from connector.cli.output import print_json, stderr_console, stdout_console

if TYPE_CHECKING:
    from connector.config import ConfigProblem
    from connector.mapping import AheadLookups, MappingDefinition, MappingIssue, MappingLibrary

_DEPLOYMENT_VARIABLE = "AHEAD_CONNECTOR_DEPLOYMENT"


class MappingExitCode(enum.IntEnum):
    """Exit codes of the mapping commands."""

    OK = 0
    #: The record cannot be mapped, or a mapping has problems.
    PROBLEMS = 1
    #: The command line was wrong: no such mapping, an input that is not a JSON object.
    BAD_INPUT = 2


app = typer.Typer(
    help="Try, check and list declarative mappings (docs/mappings.md).",
    no_args_is_help=True,
)

DeploymentOption = Annotated[
    Path | None,
    typer.Option(
        "--deployment",
        file_okay=False,
        help="A deployment folder: its mappings/ override the stock mappings, and its AHEAD "
        "connection answers the lookups (default: the stock mappings and a sandbox inside "
        "this process).",
        show_default=False,
    ),
]


@app.command("test")
def try_mapping(
    mapping: Annotated[
        str,
        typer.Argument(
            help="A mapping's name (x12/850-to-order) or the path of a mapping file.",
            show_default=False,
        ),
    ],
    input_file: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            dir_okay=False,
            help="A JSON file holding the source record (its payload).",
            show_default=False,
        ),
    ],
    deployment: DeploymentOption = None,
) -> None:
    """Map one source record and print the document as JSON, or every error with its line.

    Warnings (values cut to length) go to standard error. Exit codes: 0 mapped; 1 the record
    cannot be mapped or the mapping has problems; 2 no such mapping or input.
    """
    from connector.engine import MappingUnavailableError
    from connector.mapping import DeclarativeMapping, RecordMappingError

    payload = _read_record(input_file)
    library = _library(deployment)
    definition = _definition(library, mapping, deployment)
    relative_to = deployment.absolute() if deployment is not None else Path.cwd()
    with reported_errors(), _lookups(deployment) as lookups:
        declarative = DeclarativeMapping(definition, lookups, relative_to=relative_to)
        try:
            result = declarative.apply(payload)
        except RecordMappingError as error:
            _print_warnings(error.warnings, relative_to)
            console = stderr_console()
            count = len(error.issues)
            console.print(
                f"[bold red]error:[/] {count} mapping error{'s' if count != 1 else ''} in "
                f"{escape(definition.name)}:"
            )
            for issue in error.issues:
                console.print(Text(f"  {issue.describe(relative_to)}"))
            raise typer.Exit(int(MappingExitCode.PROBLEMS)) from None
        except MappingUnavailableError as error:
            # Not the record's fault: AHEAD's failure is reported as every command reports it.
            if isinstance(error.__cause__, AheadError):
                raise error.__cause__ from None
            fail(f"the mapping could not run: {error.detail}", code=ExitCode.API_ERROR)
    print_json(result.document)
    _print_warnings(result.warnings, relative_to)


@app.command("check")
def check_mappings(
    directory: Annotated[
        Path,
        typer.Argument(
            envvar=_DEPLOYMENT_VARIABLE,
            file_okay=False,
            help="The deployment folder (default: $AHEAD_CONNECTOR_DEPLOYMENT, else the current "
            "folder).",
            show_default=False,
        ),
    ] = Path(),
) -> None:
    """Load every mapping the deployment's flows name and every file in its mappings/ folder,
    and report each problem with its file and line.

    Exit codes: 0 no problems; 1 problems (in a mapping or in the configuration).
    """
    from connector.mapping import MAPPINGS_FOLDER, InvalidTargetError, check_deployment_mappings

    try:
        result = check_deployment_mappings(directory)
    except InvalidTargetError as error:
        _stop(str(error), MappingExitCode.PROBLEMS)
    console = stdout_console()
    root = directory.absolute()
    for name in result.checked:
        console.print(Text.assemble(("      ok", "green"), f"  {name}"))
    if result.problems:
        count = len(result.problems)
        console.print(f"{count} problem{'s' if count != 1 else ''}:")
        for problem in result.problems:
            console.print(Text(f"  {problem.describe(root)}"))
        raise typer.Exit(int(MappingExitCode.PROBLEMS))
    if not result.checked:
        console.print(f"No mappings to check: no flow names one and {MAPPINGS_FOLDER}/ holds none.")


@app.command("list")
def list_mappings(deployment: DeploymentOption = None) -> None:
    """List the mappings there are: the deployment's own, then the stock ones it does not
    override, each with its target and description."""
    from connector.config import ConfigError

    library = _library(deployment)
    table = Table("name", "target", "from", "description")
    for entry in library.entries():
        origin = "stock" if entry.stock else "deployment"
        if entry.overrides is not None:
            origin += " (overrides stock)"
        try:
            definition = library.load(entry.name)
        except ConfigError as error:
            count = len(error.problems)
            table.add_row(
                Text(entry.name),
                Text("?"),
                Text(origin),
                Text(f"{count} problem(s): see `ahead-connector mapping check`", style="red"),
            )
            continue
        table.add_row(
            Text(entry.name),
            Text(definition.target.name),
            Text(origin),
            Text(definition.description),
        )
    stdout_console().print(table)


# -- helpers --------------------------------------------------------------------------------------


def _read_record(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        _bad_input(f"cannot read {file}: {error.strerror}")
    except UnicodeDecodeError as error:
        _bad_input(f"{file} is not UTF-8 text ({error.reason})")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        _bad_input(f"{file}:{error.lineno}:{error.colno}: not JSON: {error.msg}")
    if not isinstance(payload, dict):
        _bad_input(f"{file}: the source record must be a JSON object, not {type(payload).__name__}")
    return payload


def _library(deployment: Path | None) -> MappingLibrary:
    from connector.mapping import InvalidTargetError, MappingLibrary

    if deployment is not None and not deployment.is_dir():
        _bad_input(f"no deployment folder {deployment}")
    try:
        return MappingLibrary.for_deployment(deployment.absolute() if deployment else None)
    except InvalidTargetError as error:
        _bad_input(str(error))


def _definition(
    library: MappingLibrary, mapping: str, deployment: Path | None
) -> MappingDefinition:
    from connector.config import ConfigError
    from connector.mapping import UnknownMappingError

    file = Path(mapping)
    try:
        if file.suffix in (".yaml", ".yml") and file.is_file():
            return library.load_file(file)
        return library.load(mapping)
    except UnknownMappingError as error:
        _bad_input(str(error))
    except ConfigError as error:
        _print_problems(error.problems, deployment)
        raise typer.Exit(int(MappingExitCode.PROBLEMS)) from None


@contextmanager
def _lookups(deployment: Path | None) -> Iterator[AheadLookups]:
    from connector.config import ConfigError, load_deployment
    from connector.mapping import AheadLookups

    if deployment is None:
        from connector.cli.local_sandbox import local_sandbox

        with local_sandbox() as sandbox, sandbox.hmac_client() as client:
            yield AheadLookups(client)
        return
    try:
        loaded = load_deployment(deployment)
    except ConfigError as error:
        _print_problems(error.problems, deployment)
        raise typer.Exit(int(MappingExitCode.BAD_INPUT)) from None
    with loaded.ahead_client() as client:
        yield AheadLookups(client)


def _print_problems(problems: list[ConfigProblem], deployment: Path | None) -> None:
    root = deployment.absolute() if deployment is not None else Path.cwd()
    console = stderr_console()
    count = len(problems)
    console.print(f"[bold red]error:[/] {count} problem{'s' if count != 1 else ''}:")
    for problem in problems:
        console.print(Text(f"  {problem.describe(root)}"))


def _print_warnings(warnings: Sequence[MappingIssue], relative_to: Path) -> None:
    console = stderr_console()
    for warning in warnings:
        console.print(Text.assemble(("warning: ", "yellow"), warning.describe(relative_to)))


def _bad_input(message: str) -> NoReturn:
    _stop(message, MappingExitCode.BAD_INPUT)


def _stop(message: str, code: MappingExitCode) -> NoReturn:
    stderr_console().print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(int(code))
