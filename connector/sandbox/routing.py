"""Helpers every route module shares: the JSON body, list answers, 404s and 201s."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from connector.api.models import FieldError
from connector.sandbox.errors import SandboxHTTPError
from connector.sandbox.store import Document


async def json_body(request: Request) -> Any:
    """The request's body as JSON (a dependency).

    Raises:
        SandboxHTTPError: 400 naming ``body`` when it is missing, not UTF-8 or not JSON.
    """
    decoded = _decode(await request.body())
    if decoded is _NOTHING:
        raise SandboxHTTPError(400, [FieldError(field="body", message="a JSON body is required")])
    return decoded


async def optional_json_body(request: Request) -> Any:
    """The request's body as JSON, or ``None`` when there is none (a dependency)."""
    decoded = _decode(await request.body())
    return None if decoded is _NOTHING else decoded


def not_found(what: str, record_id: object) -> SandboxHTTPError:
    """The 404 of an unknown record."""
    return SandboxHTTPError(404, [FieldError(field="id", message=f"no {what} with id {record_id}")])


def found(doc: Document | None, what: str, record_id: object) -> Document:
    """``doc``, or a 404 when it is ``None``."""
    if doc is None:
        raise not_found(what, record_id)
    return doc


def created(doc: Any) -> JSONResponse:
    """The 201 answer of a create."""
    return JSONResponse(doc, status_code=201)


_NOTHING = object()


def _decode(body: bytes) -> Any:
    if not body.strip():
        return _NOTHING
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise SandboxHTTPError(
            400, [FieldError(field="body", message="the body must be UTF-8 encoded JSON")]
        ) from None
    except json.JSONDecodeError as exc:
        raise SandboxHTTPError(
            400,
            [FieldError(field="body", message=f"not valid JSON: {exc.msg} at character {exc.pos}")],
        ) from None
