"""The state of automation tasks under ``start``/``complete``/``fail``/``notify``, without I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from connector.api.models import AutomationMessageType, AutomationTask


class TaskUpdateError(Exception):
    """The update does not apply to the task in its present state.

    Attributes:
        field: the request field the rejection is about.
        message: what is wrong, for the error envelope.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class TaskUpdate:
    """The outcome of one update.

    Attributes:
        task: the updated task.
        retry: after a ``fail``, the new unstarted task that replaces it (its ``id`` is ``0``
            until stored), else ``None``.
    """

    task: AutomationTask
    retry: AutomationTask | None = None


def current_task(tasks: Sequence[AutomationTask], sequence: int) -> AutomationTask | None:
    """The task that updates for ``sequence`` apply to: the newest one that has not failed."""
    candidates = [t for t in tasks if t.sequence == sequence and not t.failed]
    return max(candidates, key=lambda t: t.id) if candidates else None


def apply_update(
    task: AutomationTask,
    message_type: AutomationMessageType,
    message: str | None,
    now: datetime,
) -> TaskUpdate:
    """Apply one task update.

    ``start`` and ``complete`` repeated on a task already in that state change nothing but the
    message, so a client may safely resend them. ``complete`` on a task never started also
    stamps ``started_at``. ``fail`` marks the task failed and makes a new unstarted task of the
    same type, sequence and assignee. A message, when given, becomes the task's message.

    Raises:
        TaskUpdateError: starting or failing a completed task.
    """
    changes: dict[str, object] = {} if message is None else {"message": message}
    retry: AutomationTask | None = None
    if message_type is AutomationMessageType.START:
        if task.completed_at is not None:
            raise TaskUpdateError(
                "message_type", f"task {task.sequence} is already complete; it cannot start"
            )
        if task.started_at is None:
            changes["started_at"] = now
    elif message_type is AutomationMessageType.COMPLETE:
        if task.completed_at is None:
            changes["completed_at"] = now
            if task.started_at is None:
                changes["started_at"] = now
    elif message_type is AutomationMessageType.FAIL:
        if task.completed_at is not None:
            raise TaskUpdateError(
                "message_type", f"task {task.sequence} is already complete; it cannot fail"
            )
        changes["failed"] = True
        retry = AutomationTask(
            id=0,
            automation_queue_id=task.automation_queue_id,
            automation_task_type_id=task.automation_task_type_id,
            sequence=task.sequence,
            assignee_id=task.assignee_id,
            assignee_name=task.assignee_name,
            work_order_id=task.work_order_id,
            serial_id=task.serial_id,
            item_id=task.item_id,
            manufacturer_serial=task.manufacturer_serial,
        )
    return TaskUpdate(task=task.model_copy(update=changes), retry=retry)


def queue_finished(tasks: Sequence[AutomationTask]) -> bool:
    """Whether every task that has not failed is complete."""
    live = [t for t in tasks if not t.failed]
    return bool(live) and all(t.completed_at is not None for t in live)
