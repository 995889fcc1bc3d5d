"""Automation queues in the store: create one for a system, update its tasks, report them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connector.api.models import (
    AUTOMATION_TASK_REPORT_COLUMNS,
    AutomationQueue,
    AutomationQueueCreate,
    AutomationTask,
    AutomationTaskUpdate,
    FieldError,
)
from connector.sandbox import automation
from connector.sandbox.errors import SandboxHTTPError
from connector.sandbox.store import Document, Store, Table


def serial_for(store: Store, manufacturer_serial: str) -> Document:
    """The sandbox's record of a system serial, made on first use.

    Serial numbers the sandbox shipped already have one, with their item and order.
    """
    serial = store.first(Table.SERIALS, {"manufacturer_serial": manufacturer_serial})
    if serial is None:
        serial = store.insert(
            Table.SERIALS,
            {"manufacturer_serial": manufacturer_serial, "item_id": None, "order_id": None},
        )
    return serial


def create_queue(
    store: Store,
    request: AutomationQueueCreate,
    *,
    organization: tuple[int, str],
    now: datetime,
) -> Document:
    """Store a new queue, with its work order and tasks, and return it with its tasks.

    Args:
        store: the sandbox store.
        request: the validated request.
        organization: id and name of the requesting organization; a task assigned to it
            carries its name.
        now: when the queue was made.
    """
    organization_id, organization_name = organization
    with store.transaction():
        serial = serial_for(store, request.manufacturer_serial)
        work_order = store.insert(
            Table.WORK_ORDERS, {"serial_id": serial["id"], "created_at": _iso(now)}
        )
        queue = AutomationQueue(
            id=0,
            serial_id=serial["id"],
            work_order_id=work_order["id"],
            finished=False,
            ip_address=request.ip_address,
            manufacturer_serial=request.manufacturer_serial,
        )
        queue_doc = store.insert(
            Table.AUTOMATION_QUEUES,
            {
                **queue.model_dump(mode="json", exclude={"automation_tasks"}),
                "created_at": _iso(now),
            },
        )
        for spec in request.automation_tasks:
            task = AutomationTask(
                id=0,
                automation_queue_id=queue_doc["id"],
                automation_task_type_id=spec.task_type_id,
                sequence=spec.sequence,
                assignee_id=spec.assignee_id,
                assignee_name=organization_name if spec.assignee_id == organization_id else None,
                work_order_id=work_order["id"],
                serial_id=serial["id"],
                item_id=serial.get("item_id"),
                manufacturer_serial=request.manufacturer_serial,
            )
            store.insert(Table.AUTOMATION_TASKS, task.model_dump(mode="json"))
        return view(store, queue_doc)


def update_task(store: Store, update: AutomationTaskUpdate, *, now: datetime) -> Document:
    """Apply a task update to the newest queue of the serial and return that queue.

    Raises:
        SandboxHTTPError: 404 naming ``manufacturer_serial`` when no queue has that serial; 422
            naming ``sequence`` when the queue has no such task, or ``message_type`` when the
            task cannot take that update.
    """
    with store.transaction():
        queues = store.all(
            Table.AUTOMATION_QUEUES, {"manufacturer_serial": update.manufacturer_serial}
        )
        if not queues:
            raise SandboxHTTPError(
                404,
                [
                    FieldError(
                        field="manufacturer_serial",
                        message=(
                            f"no automation queue for serial {update.manufacturer_serial!r}; "
                            "create one with POST first"
                        ),
                    )
                ],
            )
        queue = queues[-1]
        tasks = _tasks(store, queue["id"])
        task = automation.current_task(tasks, update.sequence)
        if task is None:
            known = ", ".join(str(s) for s in sorted({t.sequence for t in tasks}))
            raise SandboxHTTPError(
                422,
                [
                    FieldError(
                        field="sequence",
                        message=f"the queue has no task with sequence {update.sequence}; "
                        f"its sequences: {known}",
                    )
                ],
            )
        try:
            outcome = automation.apply_update(task, update.message_type, update.message, now)
        except automation.TaskUpdateError as rejected:
            raise SandboxHTTPError(
                422, [FieldError(field=rejected.field, message=rejected.message)]
            ) from None
        store.update(Table.AUTOMATION_TASKS, task.id, outcome.task.model_dump(mode="json"))
        if outcome.retry is not None:
            store.insert(Table.AUTOMATION_TASKS, outcome.retry.model_dump(mode="json"))
        finished = automation.queue_finished(_tasks(store, queue["id"]))
        saved = store.update(
            Table.AUTOMATION_QUEUES,
            queue["id"],
            {**queue, "finished": finished, "ip_address": update.ip_address},
        )
        assert saved is not None
        return view(store, saved)


def view(store: Store, queue: Document) -> Document:
    """A queue as the API shows it: with its tasks, in id order."""
    tasks = store.all(Table.AUTOMATION_TASKS, {"automation_queue_id": queue["id"]})
    return {**queue, "automation_tasks": tasks}


def report_rows(tasks: list[Document]) -> Iterator[list[str]]:
    """The automation tasks report: the header, then one row per task, as CSV cells."""
    yield list(AUTOMATION_TASK_REPORT_COLUMNS)
    for task in tasks:
        yield [_cell(task.get(column)) for column in AUTOMATION_TASK_REPORT_COLUMNS]


def _tasks(store: Store, queue_id: int) -> list[AutomationTask]:
    return [
        AutomationTask.model_validate(doc)
        for doc in store.all(Table.AUTOMATION_TASKS, {"automation_queue_id": queue_id})
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
