"""The sandbox as a FastAPI app: every AHEAD endpoint, OAuth, faults, webhooks and controls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
import httpx
import pydantic
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from connector.api.endpoints import AUTHENTICATE_PATH
from connector.api.models import FieldError
from connector.sandbox import (
    routes_automation,
    routes_control,
    routes_orders,
    routes_reference,
    routes_rmas,
    routes_serial_data,
    routes_webhooks,
)
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import SandboxConfig
from connector.sandbox.errors import SandboxHTTPError, error_response, handle_sandbox_error
from connector.sandbox.faults import FaultInjector
from connector.sandbox.state import Sandbox
from connector.sandbox.validation import errors_from_pydantic, request_validation_errors

logger = logging.getLogger(__name__)

#: How often, in real seconds, a running sandbox moves orders that became due by themselves
#: (reads and the control endpoints also do, at once).
TICK_INTERVAL_SECONDS = 1.0


def create_app(
    config: SandboxConfig | None = None,
    *,
    clock: SandboxClock | None = None,
    webhook_transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """Build a sandbox app; its :class:`Sandbox` is ``app.state.sandbox``.

    Starting the app (its lifespan) starts webhook delivery and the lifecycle ticker; stopping
    it stops both. The store stays open until ``app.state.sandbox.close()``.

    Args:
        config: the sandbox configuration; the defaults need no setup.
        clock: the sandbox clock; a real-time one if not given.
        webhook_transport: an ``httpx`` transport for webhook deliveries (tests).
    """
    sandbox = Sandbox(
        config or SandboxConfig(), clock or SandboxClock(), webhook_transport=webhook_transport
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        sandbox.start()
        ticker = asyncio.create_task(_tick_forever(sandbox))
        try:
            yield
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
            await anyio.to_thread.run_sync(sandbox.stop)

    app = FastAPI(
        title="AHEAD API sandbox",
        description="A stand-in for the AHEAD API, for tests and demos (ahead-connector).",
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    app.add_exception_handler(SandboxHTTPError, handle_sandbox_error)
    app.add_exception_handler(RequestValidationError, _request_validation_failed)
    app.add_exception_handler(pydantic.ValidationError, _validation_failed)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)

    def move_due_orders() -> None:
        sandbox.tick()

    # Authentication first: an unauthenticated request must not change anything, even lazily.
    api = [Depends(sandbox.auth.dependency), Depends(move_due_orders)]

    @app.get(AUTHENTICATE_PATH)
    async def authenticate(request: Request) -> PlainTextResponse:
        organization = await sandbox.auth.dependency(request)
        return PlainTextResponse(f"Successfully authenticated as {organization}")

    app.include_router(sandbox.auth.router())
    for module in (
        routes_reference,
        routes_orders,
        routes_rmas,
        routes_automation,
        routes_serial_data,
        routes_webhooks,
    ):
        app.include_router(module.router(sandbox), dependencies=api)
    app.include_router(routes_control.router(sandbox))
    app.add_middleware(FaultInjector, rules=sandbox.faults)
    return app


async def _tick_forever(sandbox: Sandbox) -> None:
    while True:
        await asyncio.sleep(TICK_INTERVAL_SECONDS)
        try:
            await anyio.to_thread.run_sync(sandbox.tick)
        except Exception:
            # One bad tick must not stop the lifecycle for the rest of the run.
            logger.exception("the sandbox could not move due orders")


async def _request_validation_failed(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = exc.errors()
    if details and all(tuple(d.get("loc", ()))[:1] == ("path",) for d in details):
        # /v2/items/abc: no record has an id like that.
        return error_response(
            404,
            [
                FieldError(field="id", message=f"no record with id {d.get('input')!r}")
                for d in details
            ],
        )
    return error_response(422, request_validation_errors(exc))


async def _validation_failed(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, pydantic.ValidationError)
    return error_response(422, errors_from_pydantic(exc.errors()))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        message = f"no such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"{request.method} is not supported on {request.url.path}; use {allowed}"
    else:
        message = str(exc.detail)
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, [FieldError(field=None, message=message)], headers)


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    logger.error("the sandbox failed on a request", exc_info=exc)
    return error_response(500, [FieldError(field=None, message="internal sandbox error")])
