"""Rendering API answers on the terminal: pretty JSON for scripts, Rich tables for people."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from connector.api import models


class OutputFormat(enum.StrEnum):
    """How a command prints what the API answered."""

    JSON = "json"
    TABLE = "table"


#: Columns of a list table for models whose every field would not fit on a terminal line.
#: Models not listed show their declared fields, without timestamps.
_LIST_COLUMNS: dict[type[BaseModel], tuple[str, ...]] = {
    models.CustomerOrder: (
        "id",
        "customer_order",
        "purchase_order",
        "status",
        "ship_method",
        "tracking_numbers",
        "invoices",
        "created_at",
    ),
    models.Rma: (
        "id",
        "subject",
        "manufacturer_serial",
        "status",
        "request_type_id",
        "start_date",
        "closed_date",
    ),
    models.Inventory: (
        "id",
        "item_id",
        "inventory_location_id",
        "quantity_on_hand",
        "quantity_allocated",
        "quantity_on_order",
    ),
    models.Item: ("id", "name", "description", "serialized", "weight", "archived_at"),
    models.AutomationTask: (
        "id",
        "automation_queue_id",
        "automation_task_type_id",
        "sequence",
        "started_at",
        "completed_at",
        "failed",
        "message",
        "manufacturer_serial",
    ),
}
_TIMESTAMPS = ("created_at", "updated_at")
#: Fields of a nested record that name it best in one table cell, in order of preference.
_LABEL_FIELDS = ("name", "tracking_number", "invoice_number", "customer_sku", "iso_code")


def stdout_console() -> Console:
    """A console on standard output (created per command, so it follows redirections)."""
    return Console(highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    """A console on standard error, for errors and progress."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: models are dumped in JSON mode, with unknown fields kept."""
    if isinstance(value, models.Page):
        # A Page[BaseModel] would dump its records as the empty BaseModel; each record is
        # dumped as its own model instead.
        return {
            "count": value.count,
            "offset": value.offset,
            "total_results": value.total_results,
            "results": [to_jsonable(r) for r in value.results],
            "errors": to_jsonable(value.errors),
        }
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on standard output (plain text, safe to pipe)."""
    typer.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def print_record(record: BaseModel, fmt: OutputFormat) -> None:
    """Print one record: JSON, or a two-column table of its fields."""
    if fmt is OutputFormat.JSON:
        print_json(record)
        return
    table = Table(title=type(record).__name__, title_justify="left")
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    for name, value in to_jsonable(record).items():
        table.add_row(Text(name), Text(_detail_cell(value)))
    stdout_console().print(table)


def print_page(page: models.Page[Any], model: type[BaseModel], fmt: OutputFormat) -> None:
    """Print a list envelope: JSON as the API shaped it, or a table of its results."""
    if fmt is OutputFormat.JSON:
        print_json(page)
        return
    caption = f"{page.count} of {page.total_results}"
    if page.offset:
        caption += f", from offset {page.offset}"
    print_table(page.results, model, caption=caption)


def print_table(records: Sequence[Any], model: type[BaseModel], *, caption: str = "") -> None:
    """Print records as a table with the columns that suit ``model``."""
    columns = _table_columns(model)
    table = Table(caption=caption or None, caption_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for record in records:
        data = to_jsonable(record)
        table.add_row(*(Text(_list_cell(data.get(column))) for column in columns))
    stdout_console().print(table)


def _table_columns(model: type[BaseModel]) -> tuple[str, ...]:
    """The columns of a list table of ``model`` records."""
    if model in _LIST_COLUMNS:
        return _LIST_COLUMNS[model]
    return tuple(name for name in model.model_fields if name not in _TIMESTAMPS)


def _list_cell(value: Any) -> str:
    """One table cell: scalars as text, nested records by their label, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        label = _label(value)
        return label if label is not None else _compact(value)
    if isinstance(value, list):
        if any(isinstance(v, dict) for v in value):
            labels = [_label(v) if isinstance(v, dict) else None for v in value]
            if all(label is not None for label in labels):
                return ", ".join(label for label in labels if label is not None)
            return f"{len(value)} records"
        return ", ".join(_list_cell(v) for v in value)
    return str(value)


def _label(record: dict[str, Any]) -> str | None:
    return next((str(record[k]) for k in _LABEL_FIELDS if record.get(k) is not None), None)


def _detail_cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return _compact(value) if value else ""
    return _list_cell(value)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
