"""``api automation-tasks-report list``: the CSV report, as sent or as a table."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Annotated

import typer

from connector.api.endpoints import Endpoint
from connector.api.models import AutomationTask
from connector.cli.connection import open_client
from connector.cli.errors import reported_errors
from connector.cli.output import print_json, print_table
from connector.cli.settings import settings_of


class ReportFormat(enum.StrEnum):
    """How a report is printed."""

    CSV = "csv"
    TABLE = "table"
    JSON = "json"


ReportFormatOption = Annotated[
    ReportFormat,
    typer.Option("--format", "-f", help="csv (as the API sent it), table or json."),
]


def list_command(resource: Endpoint) -> Callable[..., None]:
    """The ``list`` command of a CSV report endpoint."""

    def print_report(ctx: typer.Context, fmt: ReportFormatOption = ReportFormat.CSV) -> None:
        with reported_errors(), open_client(settings_of(ctx)) as client:
            if fmt is ReportFormat.CSV:
                text = client.automation_tasks_report_csv()
                typer.echo(text, nl=not text.endswith("\n"))
                return
            tasks = client.automation_tasks_report()
        if fmt is ReportFormat.JSON:
            print_json(tasks)
        else:
            print_table(tasks, AutomationTask, caption=f"{len(tasks)} tasks ({resource.path})")

    return print_report
