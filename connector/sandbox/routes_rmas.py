"""RMAs: ``/v2/rmas`` (all, open, closed, one) and new RMA requests."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from connector.api.endpoints import ENDPOINTS
from connector.api.models import Rma, RmaCreate
from connector.sandbox import rmas
from connector.sandbox.listing import ListQuery, list_table, page, parse_q
from connector.sandbox.routing import created, found, json_body
from connector.sandbox.state import Sandbox
from connector.sandbox.store import Table
from connector.sandbox.validation import validate_body

_RMAS = ENDPOINTS[Table.RMAS.value]


def router(sandbox: Sandbox) -> APIRouter:
    """The RMA routes of ``sandbox``."""
    api = APIRouter(tags=["rmas"])
    store = sandbox.store
    fields = Rma.model_fields.keys()

    def summaries(query: ListQuery, *, not_null: Collection[str] = ()) -> dict[str, Any]:
        rows, total = list_table(store, Table.RMAS, query, not_null=not_null)
        return page([rmas.summary(row) for row in rows], total, query.offset)

    @api.get(_RMAS.path)
    def list_rmas(q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        return summaries(parse_q(q, fields))

    # Registered before /{rma_id}, which would otherwise take "open" and "closed" for ids.
    @api.get(_RMAS.extra_paths["open"])
    def list_open_rmas(q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        query = parse_q(q, fields)
        return summaries(
            ListQuery(query.limit, query.offset, {**query.filters, "closed_date": None})
        )

    @api.get(_RMAS.extra_paths["closed"])
    def list_closed_rmas(q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        return summaries(parse_q(q, fields), not_null=("closed_date",))

    @api.get(f"{_RMAS.path}/{{rma_id}}")
    def get_rma(rma_id: int) -> dict[str, Any]:
        return rmas.detail(store, found(store.get(Table.RMAS, rma_id), "RMA", rma_id))

    @api.post(_RMAS.path)
    def create_rma(payload: Annotated[Any, Depends(json_body)]) -> JSONResponse:
        request = validate_body(RmaCreate, payload)
        now = sandbox.clock.now()
        rma = rmas.create_rma(
            store,
            request,
            organization_id=sandbox.config.organization_id,
            today=now.date(),
            now=now,
        )
        return created(rma)

    return api
