"""The CSV reports of the AHEAD API: ``GET /v2/reports/automation_tasks``.

The reference lists the report's columns but not its cell formats. Decisions: the first row
names the columns (in any order; unknown ones are kept as text), an empty cell is ``None``, and
``failed`` is ``true`` or ``false`` in any letter case (empty meaning not failed).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pydantic

from connector.api.models import AUTOMATION_TASK_REPORT_COLUMNS, AutomationTask

#: The columns of the automation tasks report, in the reference's order.
AUTOMATION_TASK_COLUMNS = AUTOMATION_TASK_REPORT_COLUMNS
_REQUIRED_COLUMNS = ("id", "sequence")
_BOOLEANS = {"true": True, "false": False}


def parse_automation_tasks_csv(text: str) -> list[AutomationTask]:
    """Read the automation tasks report.

    Args:
        text: the CSV as the API sent it.

    Returns:
        One task per data row, in the report's order.

    Raises:
        ValueError: the header lacks a required column, or a row does not fit; the message
            names the row (counting the header as row 1) and the column.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        return []
    columns = [name.strip() for name in header]
    missing = [name for name in _REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValueError(
            f"the report's header lacks the column(s) {', '.join(missing)}; "
            f"it has: {', '.join(columns)}"
        )
    tasks = []
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            raise ValueError(
                f"row {row_number} has {len(cells)} cells, but the header names {len(columns)}"
            )
        tasks.append(_task(row_number, dict(zip(columns, cells, strict=True))))
    return tasks


def _task(row_number: int, row: dict[str, str]) -> AutomationTask:
    fields: dict[str, Any] = {
        name: (value if value.strip() else None) for name, value in row.items()
    }
    failed = (fields.pop("failed", None) or "").strip()
    if failed:
        try:
            fields["failed"] = _BOOLEANS[failed.lower()]
        except KeyError:
            raise ValueError(
                f"row {row_number}, column failed: {failed!r} is neither true nor false"
            ) from None
    try:
        return AutomationTask.model_validate(fields)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"column {'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise ValueError(f"row {row_number}, {problems}") from None
