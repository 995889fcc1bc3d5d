"""Serial data of systems: ``/v2/serial_data`` (list, one, submit)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from connector.api.endpoints import ENDPOINTS
from connector.api.models import SerialData, SerialDataSubmission
from connector.sandbox.listing import list_table, page, parse_q
from connector.sandbox.queues import serial_for
from connector.sandbox.routing import created, found, json_body
from connector.sandbox.state import Sandbox
from connector.sandbox.store import Document, Table
from connector.sandbox.validation import serial_data_reference_errors, validate_body

_SERIAL_DATA = ENDPOINTS[Table.SERIAL_DATA.value]


def router(sandbox: Sandbox) -> APIRouter:
    """The serial data routes of ``sandbox``."""
    api = APIRouter(tags=["serial data"])
    store = sandbox.store
    fields = SerialData.model_fields.keys()

    @api.get(_SERIAL_DATA.path)
    def list_serial_data(q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        query = parse_q(q, fields)
        rows, total = list_table(store, Table.SERIAL_DATA, query)
        return page(rows, total, query.offset)

    @api.get(f"{_SERIAL_DATA.path}/{{serial_data_id}}")
    def get_serial_data(serial_data_id: int) -> Document:
        return found(store.get(Table.SERIAL_DATA, serial_data_id), "serial data", serial_data_id)

    @api.post(_SERIAL_DATA.path)
    def submit_serial_data(payload: Annotated[Any, Depends(json_body)]) -> JSONResponse:
        submission = validate_body(
            SerialDataSubmission, payload, serial_data_reference_errors(payload, sandbox.references)
        )
        with store.transaction():
            serial_for(store, submission.manufacturer_serial)
            record = SerialData(id=0, created_at=sandbox.clock.now(), **submission.model_dump())
            doc = store.insert(Table.SERIAL_DATA, record.model_dump(mode="json"))
        return created(doc)

    return api
