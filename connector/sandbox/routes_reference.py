"""Reference data: countries, shipping methods, items, catalog, inventories, task types, invoices.

Each answers GET (list and one). Following the reference's "HTTP Verbs" section, the sandbox
also takes POST, PUT ``/{id}`` and DELETE ``/{id}`` on the reference data (not on invoices,
which only shipping makes), so a test can add the item it needs.
"""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from connector.api.endpoints import ENDPOINTS, Endpoint
from connector.api.models import FieldError
from connector.sandbox.errors import SandboxHTTPError
from connector.sandbox.listing import list_table, page, parse_q
from connector.sandbox.routing import created, found, json_body
from connector.sandbox.state import Sandbox
from connector.sandbox.store import Document, Table
from connector.sandbox.validation import errors_from_pydantic

#: Resources with the sandbox's generic create, update and delete.
_WRITABLE = (
    Table.COUNTRIES,
    Table.SHIPPING_METHODS,
    Table.ITEMS,
    Table.CUSTOMER_CATALOG_ITEMS,
    Table.INVENTORIES,
    Table.AUTOMATION_TASK_TYPES,
)
_READ_ONLY = (Table.INVOICES,)

#: Fields that name a record of another table, checked on create and update.
_REFERENCES = {"item_id": Table.ITEMS}

#: Placeholder id for validating a body before the store assigns the real one.
_UNASSIGNED_ID = 0


def router(sandbox: Sandbox) -> APIRouter:
    """The reference-data routes of ``sandbox``."""
    api = APIRouter(tags=["reference data"])
    for table in (*_WRITABLE, *_READ_ONLY):
        _add_resource(api, sandbox, ENDPOINTS[table.value], table, writable=table in _WRITABLE)
    return api


def _add_resource(
    api: APIRouter, sandbox: Sandbox, endpoint: Endpoint, table: Table, *, writable: bool
) -> None:
    store = sandbox.store
    model = endpoint.model
    label = table.value
    fields = model.model_fields.keys()

    def list_records(q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        query = parse_q(q, fields)
        rows, total = list_table(store, table, query)
        return page(rows, total, query.offset)

    def get_record(record_id: int) -> Document:
        return found(store.get(table, record_id), label, record_id)

    api.add_api_route(endpoint.path, list_records, methods=["GET"], name=f"list_{label}")
    api.add_api_route(
        f"{endpoint.path}/{{record_id}}", get_record, methods=["GET"], name=f"get_{label}"
    )
    if not writable:
        return

    def create_record(payload: Annotated[Any, Depends(json_body)]) -> JSONResponse:
        now = sandbox.clock.now()
        doc = _validated(sandbox, model, payload, stamps={"created_at": now, "updated_at": now})
        return created(store.insert(table, doc))

    def update_record(record_id: int, payload: Annotated[Any, Depends(json_body)]) -> Document:
        with store.transaction():
            current = found(store.get(table, record_id), label, record_id)
            if not isinstance(payload, dict):
                raise SandboxHTTPError(422, "the body must be a JSON object")
            merged = {**current, **payload, "id": record_id}
            doc = _validated(sandbox, model, merged, stamps={"updated_at": sandbox.clock.now()})
            updated = store.update(table, record_id, doc)
        return found(updated, label, record_id)

    def delete_record(record_id: int) -> Response:
        if not store.delete(table, record_id):
            found(None, label, record_id)
        return Response(status_code=204)

    api.add_api_route(endpoint.path, create_record, methods=["POST"], name=f"create_{label}")
    api.add_api_route(
        f"{endpoint.path}/{{record_id}}", update_record, methods=["PUT"], name=f"update_{label}"
    )
    api.add_api_route(
        f"{endpoint.path}/{{record_id}}", delete_record, methods=["DELETE"], name=f"delete_{label}"
    )


def _validated(
    sandbox: Sandbox, model: type[pydantic.BaseModel], payload: Any, *, stamps: dict[str, Any]
) -> Document:
    if not isinstance(payload, dict):
        raise SandboxHTTPError(422, "the body must be a JSON object")
    # The store keeps ids outside the documents, so an id in the body never counts.
    candidate = {**payload, "id": _UNASSIGNED_ID}
    errors: list[FieldError] = []
    try:
        record = model.model_validate(candidate)
    except pydantic.ValidationError as exc:
        errors = errors_from_pydantic(exc.errors())
        record = None
    for field, table in _REFERENCES.items():
        value = payload.get(field)
        if isinstance(value, int) and sandbox.store.get(table, value) is None:
            errors.append(FieldError(field=field, message=f"no {table.value} with id {value}"))
    if errors or record is None:
        raise SandboxHTTPError(422, errors)
    stamped = {k: v for k, v in stamps.items() if k in model.model_fields}
    doc: Document = record.model_copy(update=stamped).model_dump(mode="json")
    return doc
