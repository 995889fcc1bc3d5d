"""Operations commands: run a flow once, see what the store holds, replay or resolve records.

``sync``, ``status``, ``records list|show``, ``replay`` and ``resolve`` all work on one
deployment folder: ``--deployment``, else ``$AHEAD_CONNECTOR_DEPLOYMENT``, else the current
folder. Only ``sync`` talks to the adapters and the AHEAD API; the others read and write the
checkpoint store alone, so they work while the daemon runs and while the API is down.
"""

from __future__ import annotations

import enum
import getpass
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from connector.cli.errors import reported_errors
from connector.cli.output import OutputFormat, print_json, stderr_console, stdout_console
from connector.store import RecordState

if TYPE_CHECKING:
    from connector.config import Deployment
    from connector.engine import ProgressEvent, RunReport
    from connector.store import CheckpointStore, RecordSnapshot, RunInfo

_DEPLOYMENT_VARIABLE = "AHEAD_CONNECTOR_DEPLOYMENT"
#: Characters of an error shown in a list table (``records show`` has it all).
_ERROR_WIDTH = 120


class OpsExitCode(enum.IntEnum):
    """Exit codes of the operations commands."""

    OK = 0
    #: Records failed or went dead in the run, the run itself failed, or the store refused the
    #: action (no such record, or not in a state that allows it).
    REFUSED = 1
    #: The deployment's configuration has problems, or the flow is not one of its flows.
    BAD_INPUT = 2
    #: ``sync`` was stopped by Ctrl-C or SIGTERM (records in flight were finished or released).
    INTERRUPTED = 130


DeploymentOption = Annotated[
    Path,
    typer.Option(
        "--deployment",
        envvar=_DEPLOYMENT_VARIABLE,
        file_okay=False,
        help="The deployment folder, holding connector.yaml (default: "
        f"${_DEPLOYMENT_VARIABLE}, else the current folder).",
        show_default=False,
    ),
]
FlowArgument = Annotated[str, typer.Argument(help="The flow's name in connector.yaml.")]
KeyArgument = Annotated[str, typer.Argument(help="The record's key (see `records list`).")]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table (for people) or json (for scripts).")
]
NoteOption = Annotated[
    str, typer.Option("--note", "-n", help="Why, for the audit trail.", show_default=False)
]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        help="Who acts, for the audit trail (default: the operating system user).",
        show_default=False,
    ),
]

records_app = typer.Typer(
    help="Look at the records of a flow in the checkpoint store.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the operations commands to the ``ahead-connector`` app."""
    app.command("sync")(sync)
    app.command("status")(status)
    app.add_typer(records_app, name="records")
    app.command("replay")(replay)
    app.command("resolve")(resolve)


# -- sync ---------------------------------------------------------------------------------------


def sync(
    flow: FlowArgument,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Only say what would happen: nothing is claimed, sent or moved.",
        ),
    ] = False,
    deployment: DeploymentOption = Path(),
) -> None:
    """Run a flow once, with a progress bar, then summarise what became of its records.

    Exit codes: 0 no record failed; 1 records failed or went dead (each is named), or the run
    itself failed; 2 the configuration has problems or has no such flow; 130 stopped by Ctrl-C
    or SIGTERM (records in flight were finished or released).
    """
    from connector.runtime import Runtime
    from connector.triggers.signals import StopSignals

    with _reported(deployment), Runtime.open(deployment) as runtime:
        runtime.flow(flow)  # an unknown flow is reported before the progress bar shows
        with StopSignals() as signals, _progress_bar(flow, dry_run) as progress:
            report = runtime.run_flow(
                flow, dry_run=dry_run, progress=progress, stop=signals.stop_requested
            )
    _print_report(report)
    raise typer.Exit(int(_exit_code(report)))


@contextmanager
def _progress_bar(flow: str, dry_run: bool) -> Iterator[Callable[[ProgressEvent], None]]:
    """A progress callback drawing a bar on standard error while the run lasts.

    The source's size is not known in advance, so the bar pulses and counts settled records.
    """
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} records"),
        TextColumn("{task.fields[counts]}", markup=False),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    )
    description = f"{flow} (dry run)" if dry_run else flow
    task = progress.add_task(description, total=None, counts="")

    def advance(event: ProgressEvent) -> None:
        progress.update(task, advance=1, counts=event.counts.describe())

    with progress:
        yield advance


def _print_report(report: RunReport) -> None:
    console = stdout_console()
    console.print(Text(report.summary))
    if report.errors:
        table = Table("key", "error", title="Failed records", title_justify="left")
        for key, message in report.errors:
            table.add_row(Text(key), Text(message))
        console.print(table)
        console.print(
            Text(
                f"See `ahead-connector records show {report.flow} KEY`; once fixed, "
                f"`ahead-connector replay {report.flow} KEY` or `resolve {report.flow} KEY`."
            )
        )
    if report.warnings:
        table = Table("key", "warning", title="Warnings", title_justify="left")
        for key, message in report.warnings:
            table.add_row(Text(key), Text(message))
        console.print(table)


def _exit_code(report: RunReport) -> OpsExitCode:
    from connector.store import RunStatus

    if report.errors or report.status in {RunStatus.PARTIAL, RunStatus.FAILED}:
        return OpsExitCode.REFUSED
    if report.status is RunStatus.INTERRUPTED:
        return OpsExitCode.INTERRUPTED
    return OpsExitCode.OK


# -- status -------------------------------------------------------------------------------------


def status(
    deployment: DeploymentOption = Path(),
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show every flow: its last run, its records by state, and its oldest failure.

    Exit codes: 0 shown; 2 the configuration has problems.
    """
    with _reported(deployment), _store_of(deployment) as (loaded, store):
        now = datetime.now(UTC)
        flows = {
            name: _flow_status(store, name, config.enabled, now)
            for name, config in loaded.config.flows.items()
        }
    if fmt is OutputFormat.JSON:
        print_json({"deployment": str(loaded.directory), "flows": flows})
        return
    _print_status(flows)


def _flow_status(store: CheckpointStore, flow: str, enabled: bool, now: datetime) -> dict[str, Any]:
    counts = store.counts_by_state(flow)
    oldest = store.oldest_failure(flow)
    last = store.last_run(flow)
    return {
        "enabled": enabled,
        "last_run": None if last is None else _run_json(last),
        "records": {state.value: counts[state] for state in RecordState},
        "oldest_failure": None
        if oldest is None
        else {
            "key": oldest.key,
            "state": oldest.state.value,
            "since": _iso(oldest.updated_at),
            "age_seconds": round((now - oldest.updated_at).total_seconds()),
            "error": oldest.last_error,
        },
    }


def _run_json(run: RunInfo) -> dict[str, Any]:
    took = None
    if run.finished_at is not None:
        took = round((run.finished_at - run.started_at).total_seconds(), 3)
    return {
        "id": run.id,
        "status": run.status.value,
        "started_at": _iso(run.started_at),
        "finished_at": None if run.finished_at is None else _iso(run.finished_at),
        "duration_seconds": took,
        "owner": run.owner,
        "counts": run.counts.to_json(),
        "error": run.error,
    }


def _print_status(flows: dict[str, dict[str, Any]]) -> None:
    console = stdout_console()
    if not flows:
        console.print("The deployment has no flows.")
        return
    table = Table("flow", "last run", "records", "oldest failure", show_lines=True)
    for name, flow in flows.items():
        label = name if flow["enabled"] else f"{name}\n(disabled)"
        records = "\n".join(f"{state}: {count}" for state, count in flow["records"].items())
        table.add_row(
            Text(label),
            Text(_last_run_text(flow["last_run"])),
            Text(records),
            Text(_failure_text(flow["oldest_failure"])),
        )
    console.print(table)


def _last_run_text(run: dict[str, Any] | None) -> str:
    if run is None:
        return "never"
    lines = [f"{run['status']} at {_shown_time(run['started_at'])}"]
    took = run["duration_seconds"]
    if took is not None:
        lines.append(f"took {took:.1f} s")
    lines.append(_counts_text(run["counts"]))
    if run["error"]:
        lines.append(f"error: {_one_line(run['error'], _ERROR_WIDTH)}")
    return "\n".join(lines)


def _failure_text(failure: dict[str, Any] | None) -> str:
    if failure is None:
        return "none"
    head = f"{failure['key']} ({failure['state']} for {_age(failure['age_seconds'])})"
    return f"{head}\n{_one_line(failure['error'] or '', _ERROR_WIDTH)}"


# -- records ------------------------------------------------------------------------------------


@records_app.command("list")
def list_records(
    flow: FlowArgument,
    state: Annotated[
        RecordState | None,
        typer.Option("--state", "-s", help="Only records in this state.", show_default=False),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Records to show at most.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Records to skip (in key order).")] = 0,
    fmt: FormatOption = OutputFormat.TABLE,
    deployment: DeploymentOption = Path(),
) -> None:
    """List a flow's records in key order, optionally only those in one state.

    Exit codes: 0 listed (maybe none); 2 the configuration has problems or has no such flow.
    """
    with _reported(deployment), _store_of(deployment) as (loaded, store):
        _require_flow(loaded, flow)
        found = store.list_records(flow, state=state, limit=limit, offset=offset)
    if fmt is OutputFormat.JSON:
        print_json([_record_json(record) for record in found])
        return
    which = f" {state.value}" if state is not None else ""
    caption = f"{len(found)}{which} record{'s' if len(found) != 1 else ''} of {flow}"
    if offset:
        caption += f" from offset {offset}"
    if len(found) == limit:
        caption += f"; more with --offset {offset + limit}"
    table = Table(
        "key", "state", "attempts", "updated", "remote ref", "last error",
        caption=caption, caption_justify="left",
    )  # fmt: skip
    for record in found:
        table.add_row(
            Text(record.key),
            Text(record.state.value),
            Text(str(record.attempts)),
            Text(_shown_time(_iso(record.updated_at))),
            Text(record.remote_ref or ""),
            Text(_one_line(record.last_error or "", _ERROR_WIDTH)),
        )
    stdout_console().print(table)


@records_app.command("show")
def show_record(
    flow: FlowArgument,
    key: KeyArgument,
    fmt: FormatOption = OutputFormat.TABLE,
    deployment: DeploymentOption = Path(),
) -> None:
    """Show everything about one record: its state, last error, remote reference and history.

    Also the copy of the source record the store kept, the audit trail of operator actions and
    any dead letters.

    Exit codes: 0 shown; 1 no such record; 2 the configuration has problems or has no such flow.
    """
    from connector.store import RecordNotFoundError

    with _reported(deployment), _store_of(deployment) as (loaded, store):
        _require_flow(loaded, flow)
        record = store.get(flow, key)
        if record is None:
            raise RecordNotFoundError(flow, key)
        trail = store.audit_trail(flow, key)
        letters = store.dead_letters(flow, key=key)
        saved = store.saved_payloads(flow, [key]).get(key)
    data: dict[str, Any] = {
        "record": _record_json(record),
        "source_record": None if saved is None else _plain(asdict(saved)),
        "audit_trail": [_plain(asdict(entry)) for entry in trail],
        "dead_letters": [_plain(asdict(letter)) for letter in letters],
    }
    if fmt is OutputFormat.JSON:
        print_json(data)
        return
    console = stdout_console()
    fields = Table("field", "value", title=f"{flow}/{key}", title_justify="left")
    for name, value in data["record"].items():
        fields.add_row(Text(name), Text(_cell(value)))
    console.print(fields)
    if trail:
        audit = Table("at", "action", "actor", "note", title="Audit trail", title_justify="left")
        for entry in data["audit_trail"]:
            audit.add_row(
                Text(_shown_time(entry["at"])),
                Text(entry["action"]),
                Text(entry["actor"]),
                Text(entry["note"]),
            )
        console.print(audit)
    else:
        console.print("No operator action on this record.")
    source = data["source_record"]
    if source is not None:
        origin = f" from {source['origin']}" if source["origin"] else ""
        console.print(Text(f"Source record{origin}, kept {_shown_time(source['saved_at'])}:"))
        console.print(Text(json.dumps(source["payload"], indent=2, ensure_ascii=False)))
    for letter in data["dead_letters"]:
        console.print(
            Text(f"Dead letter of {_shown_time(letter['created_at'])}: {letter['error']}")
        )
        console.print(Text(json.dumps(letter["payload"], indent=2, ensure_ascii=False)))


# -- replay and resolve -------------------------------------------------------------------------


def replay(
    flow: FlowArgument,
    key: KeyArgument,
    note: NoteOption = "",
    actor: ActorOption = None,
    deployment: DeploymentOption = Path(),
) -> None:
    """Send a failed or dead record again at the next sync of its flow.

    The record goes back to pending with its attempts reset; the next sync sends the copy of
    the source record the store kept (or a newer version, if the source gives one). Failed and
    dead records are only those the destination definitely did not take, so the
    replay cannot create a duplicate. The action is kept in the record's audit trail.

    Exit codes: 0 replayed; 1 no such record, or it is not failed or dead; 2 the configuration
    has problems or has no such flow.
    """
    who = actor or _os_user()
    with _reported(deployment), _store_of(deployment) as (loaded, store):
        _require_flow(loaded, flow)
        before = _operable(store, flow, key, "replayed")
        after = store.replay(flow, key, who, note)
    stdout_console().print(
        Text(
            f"{flow}/{key}: {before.state.value} -> {after.state.value} (replayed by {who}); "
            f"the next `ahead-connector sync {flow}` sends it again."
        )
    )


def resolve(
    flow: FlowArgument,
    key: KeyArgument,
    note: NoteOption = "",
    remote_ref: Annotated[
        str | None,
        typer.Option(
            "--remote-ref",
            help="The destination's reference, if the record was entered there by hand.",
            show_default=False,
        ),
    ] = None,
    actor: ActorOption = None,
    deployment: DeploymentOption = Path(),
) -> None:
    """Mark a failed or dead record as handled by hand: done, and never sent.

    The action is kept in the record's audit trail. A later change of the record at its source
    is treated like a change to any delivered record (the flow's change policy).

    Exit codes: 0 resolved; 1 no such record, or it is not failed or dead; 2 the configuration
    has problems or has no such flow.
    """
    who = actor or _os_user()
    with _reported(deployment), _store_of(deployment) as (loaded, store):
        _require_flow(loaded, flow)
        before = _operable(store, flow, key, "resolved")
        after = store.resolve(flow, key, who, note, remote_ref=remote_ref)
    where = f" as {after.remote_ref}" if after.remote_ref else ""
    stdout_console().print(
        Text(
            f"{flow}/{key}: {before.state.value} -> {after.state.value}{where} (resolved by "
            f"{who}); it will not be sent."
        )
    )


def _operable(store: CheckpointStore, flow: str, key: str, done: str) -> RecordSnapshot:
    """The record, if an operator may act on it (failed or dead); the store checks again."""
    from connector.store import RecordNotFoundError

    record = store.get(flow, key)
    if record is None:
        raise RecordNotFoundError(flow, key)
    if record.state not in (RecordState.FAILED, RecordState.DEAD):
        hints = {
            RecordState.PENDING: "it waits for the next sync",
            RecordState.SUBMITTING: "it is being sent, or its outcome is being reconciled",
            RecordState.DONE: "it was delivered"
            + (f" as {record.remote_ref}" if record.remote_ref else ""),
        }
        _fail(
            f"{flow}/{key} is {record.state.value}: only failed or dead records can be {done}",
            [hints.get(record.state, "")],
            OpsExitCode.REFUSED,
        )
    return record


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        _fail(
            "cannot tell who you are from the operating system",
            ["Give --actor NAME for the audit trail."],
            OpsExitCode.BAD_INPUT,
        )


# -- shared -------------------------------------------------------------------------------------


@contextmanager
def _reported(deployment: Path) -> Iterator[None]:
    """Turn the errors of an operations command into a message and an exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    from connector.config import ConfigError
    from connector.runtime import UnknownFlowError
    from connector.store import InvalidTransitionError, RecordNotFoundError, StoreError

    try:
        with reported_errors():
            yield
    except ConfigError as exc:
        count = len(exc.problems)
        _fail(
            f"{count} configuration problem{'s' if count != 1 else ''}",
            [problem.describe(deployment.absolute()) for problem in exc.problems],
            OpsExitCode.BAD_INPUT,
        )
    except UnknownFlowError as exc:
        _fail(str(exc), code=OpsExitCode.BAD_INPUT)
    except RecordNotFoundError as exc:
        _fail(str(exc), ["See `ahead-connector records list FLOW`."], OpsExitCode.REFUSED)
    except InvalidTransitionError as exc:
        # Another process changed the record between the check and the action.
        _fail(str(exc), code=OpsExitCode.REFUSED)
    except (StoreError, SQLAlchemyError) as exc:
        _fail(
            f"the checkpoint store failed: {_one_line(str(exc), _ERROR_WIDTH)}",
            ["Records in flight keep their state; the next run reconciles them. Try again."],
            OpsExitCode.REFUSED,
        )


@contextmanager
def _store_of(deployment: Path) -> Iterator[tuple[Deployment, CheckpointStore]]:
    """The deployment's configuration and its store (opened and migrated), closed on exit.

    The secrets are deferred: these commands read and change the store only, so an operator
    needs the store's credentials, not the AHEAD ones.
    """
    from connector.config import load_deployment
    from connector.runtime import open_store

    loaded = load_deployment(deployment, defer_secrets=True)
    store = open_store(loaded)
    try:
        yield loaded, store
    finally:
        store.close()


def _require_flow(deployment: Deployment, flow: str) -> None:
    from connector.runtime import UnknownFlowError

    flows = deployment.config.flows
    if flow not in flows:
        raise UnknownFlowError(flow, list(flows), [])


def _fail(
    message: str, details: Sequence[str] = (), code: OpsExitCode = OpsExitCode.REFUSED
) -> NoReturn:
    console = stderr_console()
    console.print(f"[bold red]error:[/] {escape(message)}")
    for line in details:
        if line:
            console.print(f"  {escape(line)}")
    raise typer.Exit(int(code))


def _record_json(record: RecordSnapshot) -> dict[str, Any]:
    data: dict[str, Any] = _plain(asdict(record))
    return data


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Dates as ISO 8601 text and enums as their values, ready for JSON."""
    plain: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, datetime):
            plain[name] = _iso(value)
        elif isinstance(value, enum.Enum):
            plain[name] = value.value
        else:
            plain[name] = value
    return plain


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _shown_time(iso: str) -> str:
    """``2026-03-02T09:00:00.123+00:00`` as ``2026-03-02 09:00:00Z``."""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _age(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {seconds}s"
    return f"{seconds}s"


def _counts_text(counts: dict[str, int]) -> str:
    parts = [f"{value} {name.replace('_', ' ')}" for name, value in counts.items() if value]
    return ", ".join(parts) if parts else "nothing to do"


def _one_line(text: str, width: int | None = None) -> str:
    line = " ".join(text.split())
    if width is not None and len(line) > width:
        return line[: width - 1] + "…"
    return line


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
