"""The sandbox's own control endpoints under ``/sandbox`` (no authentication).

They move orders and the clock, set faults, reset the sandbox and show its state, so tests and
demos can drive the sandbox without waiting.
"""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
from fastapi import APIRouter, Depends, Path

from connector.api.endpoints import (
    SANDBOX_CLOCK_ADVANCE_PATH,
    SANDBOX_FAULTS_PATH,
    SANDBOX_ORDER_ADVANCE_PATH,
    SANDBOX_RESET_PATH,
    SANDBOX_STATE_PATH,
)
from connector.api.models import FieldError, SandboxClockAdvance, SandboxOrderAdvance
from connector.sandbox.config import FaultRule
from connector.sandbox.errors import SandboxHTTPError
from connector.sandbox.routing import json_body, optional_json_body
from connector.sandbox.state import Sandbox
from connector.sandbox.store import Document
from connector.sandbox.validation import errors_from_pydantic, validate_body

_FAULT_RULES = pydantic.TypeAdapter(list[FaultRule])


def router(sandbox: Sandbox) -> APIRouter:
    """The control routes of ``sandbox``."""
    api = APIRouter(tags=["sandbox control"])

    @api.post(SANDBOX_ORDER_ADVANCE_PATH)
    def advance_order(
        order_id: Annotated[int, Path(alias="id")],
        payload: Annotated[Any, Depends(optional_json_body)],
    ) -> Document:
        request = validate_body(SandboxOrderAdvance, payload or {})
        return sandbox.advance_order(order_id, request.status)

    @api.post(SANDBOX_CLOCK_ADVANCE_PATH)
    def advance_clock(payload: Annotated[Any, Depends(json_body)]) -> dict[str, Any]:
        request = validate_body(SandboxClockAdvance, payload)
        sandbox.advance_clock(request.seconds)
        return sandbox.state().model_dump(mode="json")

    @api.get(SANDBOX_FAULTS_PATH)
    def get_faults() -> list[dict[str, Any]]:
        return [rule.model_dump(mode="json") for rule in sandbox.faults.get()]

    @api.put(SANDBOX_FAULTS_PATH)
    def set_faults(payload: Annotated[Any, Depends(json_body)]) -> list[dict[str, Any]]:
        rules = _fault_rules(payload)
        try:
            sandbox.faults.set(rules)
        except ValueError as exc:
            raise SandboxHTTPError(422, str(exc)) from None
        return [rule.model_dump(mode="json") for rule in sandbox.faults.get()]

    @api.post(SANDBOX_RESET_PATH)
    def reset() -> dict[str, Any]:
        sandbox.reset()
        return sandbox.state().model_dump(mode="json")

    @api.get(SANDBOX_STATE_PATH)
    def state() -> dict[str, Any]:
        return sandbox.state().model_dump(mode="json")

    return api


def _fault_rules(payload: Any) -> list[FaultRule]:
    try:
        rules = _FAULT_RULES.validate_python(payload)
    except pydantic.ValidationError as exc:
        raise SandboxHTTPError(422, errors_from_pydantic(exc.errors())) from None
    errors = [
        FieldError(field=f"{index}.error_status", message="must be a 5xx HTTP status")
        for index, rule in enumerate(rules)
        if not 500 <= rule.error_status <= 599
    ]
    if errors:
        raise SandboxHTTPError(422, errors)
    return rules
