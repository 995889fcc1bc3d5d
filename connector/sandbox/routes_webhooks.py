"""Webhook subscriptions: ``/v2/webhooks`` (list, one, subscribe, unsubscribe)."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from connector.api.endpoints import ENDPOINTS
from connector.api.models import WebhookSubscription, WebhookSubscriptionCreate
from connector.sandbox.listing import list_table, page, parse_q
from connector.sandbox.routing import created, found, json_body
from connector.sandbox.state import Sandbox
from connector.sandbox.store import Document, Table
from connector.sandbox.validation import validate_body, webhook_errors

_WEBHOOKS = ENDPOINTS[Table.WEBHOOKS.value]


def router(sandbox: Sandbox) -> APIRouter:
    """The webhook subscription routes of ``sandbox``."""
    api = APIRouter(tags=["webhooks"])
    store = sandbox.store
    fields = WebhookSubscription.model_fields.keys() - {"secret", "events"}

    @api.get(_WEBHOOKS.path)
    def list_webhooks(q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        query = parse_q(q, fields)
        rows, total = list_table(store, Table.WEBHOOKS, query)
        return page([_without_secret(row) for row in rows], total, query.offset)

    @api.get(f"{_WEBHOOKS.path}/{{webhook_id}}")
    def get_webhook(webhook_id: int) -> Document:
        return _without_secret(found(store.get(Table.WEBHOOKS, webhook_id), "webhook", webhook_id))

    @api.post(_WEBHOOKS.path)
    def subscribe(payload: Annotated[Any, Depends(json_body)]) -> JSONResponse:
        request = validate_body(WebhookSubscriptionCreate, payload, webhook_errors(payload))
        subscription = WebhookSubscription(
            id=0,
            url=request.url,
            events=list(dict.fromkeys(request.events)),
            secret=request.secret or secrets.token_urlsafe(32),
            created_at=sandbox.clock.now(),
        )
        # The only answer that shows the secret.
        return created(store.insert(Table.WEBHOOKS, subscription.model_dump(mode="json")))

    @api.delete(f"{_WEBHOOKS.path}/{{webhook_id}}")
    def unsubscribe(webhook_id: int) -> Response:
        if not store.delete(Table.WEBHOOKS, webhook_id):
            found(None, "webhook", webhook_id)
        return Response(status_code=204)

    return api


def _without_secret(doc: Document) -> Document:
    return {**doc, "secret": None}
