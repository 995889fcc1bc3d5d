"""The automation queue commands that test-station software outside Forge runs.

``api automation-queues create --serial SN --ip IP --task TYPE_ID:SEQUENCE[:ASSIGNEE]...``
registers a system's tasks; ``start``, ``complete``, ``fail`` and ``notify`` report on one task.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from connector.api.endpoints import endpoint
from connector.api.models import (
    AutomationMessageType,
    AutomationQueueCreate,
    AutomationTaskSpec,
    AutomationTaskUpdate,
)
from connector.cli.connection import open_client
from connector.cli.errors import UsageError, reported_errors
from connector.cli.inputs import read_body, validated
from connector.cli.output import OutputFormat, print_record
from connector.cli.settings import settings_of

SerialOption = Annotated[
    str | None, typer.Option("--serial", help="The system's manufacturer serial.")
]
IpOption = Annotated[str | None, typer.Option("--ip", help="The system's IP address.")]
TaskOption = Annotated[
    list[str] | None,
    typer.Option(
        "--task",
        metavar="TYPE_ID:SEQUENCE[:ASSIGNEE]",
        help="A task: its task type id, its sequence (unique in the queue) and optionally "
        "who runs it (repeatable, at least one).",
    ),
]
DataOption = Annotated[
    str | None,
    typer.Option(
        "--data",
        "-d",
        metavar="JSON|@FILE",
        help="The whole request body instead of --serial, --ip and --task.",
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="json (pretty, for scripts) or table.")
]
RequiredSerialOption = Annotated[
    str, typer.Option("--serial", help="The system's manufacturer serial.")
]
SequenceOption = Annotated[int, typer.Option("--sequence", help="The task's sequence.")]
RequiredIpOption = Annotated[str, typer.Option("--ip", help="The system's IP address.")]
MessageOption = Annotated[
    str | None, typer.Option("--message", "-m", help="A status line for the operator.")
]

#: The endpoint these commands extend.
RESOURCE = "automation_queues"
_PATH = endpoint(RESOURCE).path
_WHAT = "create automation-queues"

_UPDATE_HELP = {
    AutomationMessageType.START: "Mark a task as started.",
    AutomationMessageType.COMPLETE: "Mark a task as successfully completed.",
    AutomationMessageType.FAIL: "Mark a task as failed (the API adds a new unstarted task).",
    AutomationMessageType.NOTIFY: "Update the latest message of a task.",
}


def add_commands(group: typer.Typer) -> None:
    """Add ``create`` and the task updates to the ``automation-queues`` command group."""
    group.command("create", help=f"Create a system's automation queue: POST {_PATH}.")(create_queue)
    for message_type, help_text in _UPDATE_HELP.items():
        group.command(message_type.value, help=f"{help_text} PUT {_PATH}.")(
            _task_update_command(message_type)
        )


def create_queue(
    ctx: typer.Context,
    serial: SerialOption = None,
    ip: IpOption = None,
    tasks: TaskOption = None,
    data: DataOption = None,
    fmt: FormatOption = OutputFormat.JSON,
) -> None:
    """Create a system's automation queue from options or a JSON body."""
    with reported_errors():
        if data is not None:
            if serial is not None or ip is not None or tasks:
                raise UsageError("give --data or --serial/--ip/--task, not both")
            body = read_body(data, AutomationQueueCreate, _WHAT)
        else:
            body = validated(
                AutomationQueueCreate,
                _WHAT,
                manufacturer_serial=_required(serial, "--serial"),
                ip_address=_required(ip, "--ip"),
                automation_tasks=[parse_task(task) for task in tasks or []],
            )
        with open_client(settings_of(ctx)) as client:
            print_record(client.create_automation_queue(body), fmt)


def parse_task(text: str) -> AutomationTaskSpec:
    """A ``--task TYPE_ID:SEQUENCE[:ASSIGNEE]`` value.

    Raises:
        UsageError: the value does not have two or three whole numbers.
    """
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(part.strip().lstrip("-").isdigit() for part in parts):
        raise UsageError(
            f"--task {text!r} is not TYPE_ID:SEQUENCE[:ASSIGNEE] (whole numbers, e.g. 1:10:42)"
        )
    numbers = [int(part) for part in parts]
    assignee = numbers[2] if len(numbers) == 3 else None
    return validated(
        AutomationTaskSpec,
        f"--task {text}",
        task_type_id=numbers[0],
        sequence=numbers[1],
        assignee_id=assignee,
    )


def _task_update_command(message_type: AutomationMessageType) -> Callable[..., None]:
    def update_task(
        ctx: typer.Context,
        serial: RequiredSerialOption,
        sequence: SequenceOption,
        ip: RequiredIpOption,
        message: MessageOption = None,
        fmt: FormatOption = OutputFormat.JSON,
    ) -> None:
        with reported_errors():
            update = validated(
                AutomationTaskUpdate,
                f"{message_type.value} automation-queues",
                manufacturer_serial=serial,
                sequence=sequence,
                message_type=message_type,
                ip_address=ip,
                message=message,
            )
            with open_client(settings_of(ctx)) as client:
                print_record(client.update(RESOURCE, update), fmt)

    return update_task


def _required(value: str | None, option: str) -> str:
    if value is None:
        raise UsageError(f"{option} is required (or give the whole body with --data)")
    return value
