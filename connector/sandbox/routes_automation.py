"""Forge automation: queues (list, one, create, task updates) and the automation tasks report."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from connector.api.endpoints import ENDPOINTS
from connector.api.models import (
    AutomationQueue,
    AutomationQueueCreate,
    AutomationTask,
    AutomationTaskUpdate,
)
from connector.sandbox import queues
from connector.sandbox.listing import list_table, page, parse_q
from connector.sandbox.routing import created, found, json_body
from connector.sandbox.state import Sandbox
from connector.sandbox.store import Document, Table
from connector.sandbox.validation import queue_reference_errors, validate_body

_QUEUES = ENDPOINTS[Table.AUTOMATION_QUEUES.value]
_REPORT = ENDPOINTS["automation_tasks_report"]


def router(sandbox: Sandbox) -> APIRouter:
    """The automation routes of ``sandbox``."""
    api = APIRouter(tags=["automation"])
    store = sandbox.store
    queue_fields = AutomationQueue.model_fields.keys()
    task_fields = AutomationTask.model_fields.keys()

    @api.get(_QUEUES.path)
    def list_queues(q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        query = parse_q(q, queue_fields - {"automation_tasks"})
        rows, total = list_table(store, Table.AUTOMATION_QUEUES, query)
        return page([queues.view(store, row) for row in rows], total, query.offset)

    @api.get(f"{_QUEUES.path}/{{queue_id}}")
    def get_queue(queue_id: int) -> Document:
        doc = found(store.get(Table.AUTOMATION_QUEUES, queue_id), "automation queue", queue_id)
        return queues.view(store, doc)

    @api.post(_QUEUES.path)
    def create_queue(payload: Annotated[Any, Depends(json_body)]) -> JSONResponse:
        request = validate_body(
            AutomationQueueCreate, payload, queue_reference_errors(payload, sandbox.references)
        )
        organization = (sandbox.config.organization_id, sandbox.config.organization_name)
        queue = queues.create_queue(
            store, request, organization=organization, now=sandbox.clock.now()
        )
        return created(queue)

    @api.put(_QUEUES.path)
    def update_task(payload: Annotated[Any, Depends(json_body)]) -> Document:
        update = validate_body(AutomationTaskUpdate, payload)
        return queues.update_task(store, update, now=sandbox.clock.now())

    @api.get(_REPORT.path)
    def automation_tasks_report(q: Annotated[str | None, Query()] = None) -> Response:
        # Without q the report is complete, as the reference describes it; q pages and filters.
        if q is None:
            rows = store.all(Table.AUTOMATION_TASKS)
        else:
            rows, _ = list_table(store, Table.AUTOMATION_TASKS, parse_q(q, task_fields))
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows(queues.report_rows(rows))
        return Response(text.getvalue(), media_type="text/csv; charset=utf-8")

    return api
