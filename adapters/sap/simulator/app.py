"""The SAP simulator as an ASGI app: the three OData v2 services, OAuth, and a control API.

- ``/sap/opu/odata/sap/<service>/…``: the OData services of :class:`~adapters.sap.SapService`
  (service document, ``$metadata``, entity sets, entities, navigation, ``$count``, function
  imports), behind Basic auth or a bearer token and the CSRF token flow.
- ``POST /oauth/token``: the OAuth 2.0 client-credentials grant.
- ``/simulator/…``: the control API for tests and demos (no authentication: it only ever
  listens on loopback): seed sales orders, create deliveries and billing documents, read
  everything back, inject faults, set the clock, read the request log.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.sap.edm import EdmType, Multiplicity
from adapters.sap.services import ODATA_ROOT, SapService
from adapters.sap.simulator.clock import SimulatorClock
from adapters.sap.simulator.config import SapSimulatorConfig
from adapters.sap.simulator.entities import Row, ServiceStore
from adapters.sap.simulator.errors import SimulatorError, error_document
from adapters.sap.simulator.faults import Fault, FaultKind
from adapters.sap.simulator.query import QueryOptions, parse_key, parse_query
from adapters.sap.simulator.security import Principal, authenticate_basic
from adapters.sap.simulator.serialize import entity_json, expand_tree
from adapters.sap.simulator.state import RequestRecord, SapSimulator
from adapters.sap.values import parse_literal_datetime

__all__ = ["create_app"]

logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/simulator"
TOKEN_PATH = "/oauth/token"
_CHANGING = frozenset({"POST", "PUT", "PATCH", "MERGE", "DELETE"})
_SEGMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\((?P<key>.*)\))?$")
_ANONYMOUS = Principal("anonymous", "none")
_SERVICES = {service.value: service for service in SapService}
# Set in a request's own context when its answer is dropped on purpose, so that the server's
# complaint about the incomplete answer is not mistaken for a bug.
_DROPPING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sap_simulator_drop", default=False
)


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        json.dumps(data, default=str),
        status_code=status,
        headers=dict(headers or {}),
        media_type="application/json",
    )


def _error_response(error: SimulatorError, service: str) -> Response:
    if error.status == HTTPStatus.UNAUTHORIZED:
        body = (
            "<html><head><title>Logon Error Message</title></head><body>"
            f"<p>{error.message}</p></body></html>"
        )
        return Response(body, 401, headers=dict(error.headers), media_type="text/html")
    return _json(error_document(error, service), error.status, error.headers)


def _by(name: str) -> Callable[[Row], tuple[bool, Any]]:
    def key(row: Row) -> tuple[bool, Any]:
        value = row.get(name)
        # None sorts first; comparing the flag first keeps None away from real values.
        return (value is not None, "" if value is None else value)

    return key


def _sort(rows: list[Row], options: QueryOptions) -> list[Row]:
    # Sorting is stable, so sorting by the last key first leaves the first key deciding.
    for name, descending in reversed(options.orderby):
        rows = sorted(rows, key=_by(name), reverse=descending)
    return rows


class _Context:
    """What the handlers of one request share."""

    def __init__(self, request: Request, simulator: SapSimulator, service: SapService) -> None:
        self.request = request
        self.simulator = simulator
        self.service = service
        self.store: ServiceStore = simulator.store(service)
        root = str(request.base_url).rstrip("/")
        self.base_url = f"{root}{service.path}"

    def params(self) -> dict[str, str]:
        return dict(self.request.query_params)


def _principal(request: Request, simulator: SapSimulator) -> Principal:
    config = simulator.config
    if not config.require_auth:
        return _ANONYMOUS
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer":
        found = simulator.tokens.principal(credentials.strip(), simulator.clock.now())
    else:
        found = authenticate_basic(config, header)
    if found is None:
        realm = f"SAP NetWeaver Application Server [{config.system_id}/{config.client}]"
        raise SimulatorError(
            401,
            "ZSIM/401",
            "Logon failed: user, password or token not accepted" if header else "Logon required",
            headers={"WWW-Authenticate": f'Basic realm="{realm}"'},
        )
    return found


def _collection(
    context: _Context, set_name: str, rows: list[Row], options: QueryOptions
) -> Response:
    config = context.simulator.config
    selected = [row for row in rows if options.filter is None or options.filter(row)]
    ordered = _sort(selected, options)
    window = ordered[options.skip :]
    if options.top is not None:
        window = window[: options.top]
    start = options.skiptoken
    limit = config.page_limit
    page = window[start : start + limit] if limit else window[start:]
    tree = expand_tree(context.store, set_name, options.expand)
    results = [
        entity_json(context.store, set_name, row, context.base_url, tree, options.select)
        for row in page
    ]
    document: dict[str, Any] = {"results": results}
    if options.inlinecount:
        document["__count"] = str(len(selected))
    if limit and start + limit < len(window):
        kept = [(k, v) for k, v in context.request.query_params.multi_items() if k != "$skiptoken"]
        kept.append(("$skiptoken", str(start + limit)))
        query = urlencode(kept, safe="$',()=:/")
        document["__next"] = str(context.request.url.replace(query=query))
    return _json({"d": document})


def _entity(context: _Context, set_name: str, row: Row, options: QueryOptions) -> Response:
    tree = expand_tree(context.store, set_name, options.expand)
    document = entity_json(context.store, set_name, row, context.base_url, tree, options.select)
    headers = {}
    if "etag" in document["__metadata"]:
        headers["ETag"] = document["__metadata"]["etag"]
    return _json({"d": document}, headers=headers)


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw or b"null", parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SimulatorError(400, "ZSIM/023", "the request body is not JSON") from None


def _row_for(context: _Context, set_name: str, key_text: str) -> tuple[tuple[Any, ...], Row]:
    entity_type = context.store.sets[set_name].entity_type
    key = parse_key(key_text, entity_type)
    row = context.store.sets[set_name].get(key)
    if row is None:
        raise SimulatorError(404, "ZSIM/404", f"{set_name}({key_text}) does not exist")
    return key, row


async def _entity_set_request(
    context: _Context, method: str, segments: list[re.Match[str]], *, count: bool
) -> Response:
    simulator, store = context.simulator, context.store
    first = segments[0]
    set_name = first["name"]
    entity_set = store.metadata.entity_sets[set_name]
    entity_type = store.sets[set_name].entity_type
    if first["key"] is None:
        if count:
            if len(segments) > 1 or method != "GET":
                raise SimulatorError(400, "ZSIM/024", f"{set_name}/$count is read with GET")
            options = parse_query(context.params(), entity_type)
            with simulator.locked():
                rows = [
                    r for r in store.sets[set_name] if options.filter is None or options.filter(r)
                ]
            return Response(str(len(rows)), media_type="text/plain")
        if len(segments) > 1:
            raise SimulatorError(400, "ZSIM/024", f"{set_name}: address an entity by its key first")
        if method in ("GET", "HEAD"):
            options = parse_query(context.params(), entity_type)
            with simulator.locked():
                return _collection(context, set_name, list(store.sets[set_name]), options)
        if method == "POST":
            if not entity_set.creatable:
                raise SimulatorError(
                    405, "ZSIM/405", f"{set_name} is read-only (sap:creatable=false)"
                )
            if (context.service, set_name) != (SapService.SALES_ORDER, "A_SalesOrder"):
                raise SimulatorError(
                    501, "ZSIM/501", f"creating {set_name} is not supported by the simulator"
                )
            row = simulator.create_sales_order(await _body(context.request))
            with simulator.locked():
                created = entity_json(
                    store, set_name, row, context.base_url, {"to_Item": {}, "to_Partner": {}}
                )
            message = {
                "code": "ZSIM/311",
                "message": f"Standard Order {row['SalesOrder']} has been saved",
                "severity": "success",
                "target": "",
                "details": [],
            }
            headers = {"Location": created["__metadata"]["uri"], "sap-message": json.dumps(message)}
            if "etag" in created["__metadata"]:
                headers["ETag"] = created["__metadata"]["etag"]
            return _json({"d": created}, 201, headers)
        raise SimulatorError(405, "ZSIM/405", f"{method} is not allowed on {set_name}")
    if count:
        raise SimulatorError(400, "ZSIM/024", "$count follows an entity set")
    key, row = _row_for(context, set_name, first["key"])
    if len(segments) == 1:
        if method in ("GET", "HEAD"):
            options = parse_query(context.params(), entity_type)
            with simulator.locked():
                return _entity(context, set_name, row, options)
        if method in ("PATCH", "MERGE", "PUT"):
            simulator.update_entity(
                context.service,
                set_name,
                key,
                await _body(context.request),
                if_match=context.request.headers.get("if-match"),
            )
            return Response(status_code=204)
        if method == "DELETE":
            if not entity_set.deletable:
                raise SimulatorError(
                    405, "ZSIM/405", f"{set_name} cannot be deleted (sap:deletable=false)"
                )
            raise SimulatorError(
                501, "ZSIM/501", f"deleting {set_name} is not supported by the simulator"
            )
        raise SimulatorError(405, "ZSIM/405", f"{method} is not allowed on an entity")
    navigation = segments[1]["name"]
    if len(segments) > 2 or segments[1]["key"] is not None:
        raise SimulatorError(400, "ZSIM/024", "the simulator follows one navigation step")
    if navigation not in entity_type.navigations:
        raise SimulatorError(
            404, "ZSIM/404", f"{entity_type.name} has no navigation property {navigation}"
        )
    if method not in ("GET", "HEAD"):
        raise SimulatorError(
            501, "ZSIM/501", f"{method} through {navigation} is not supported by the simulator"
        )
    with simulator.locked():
        target_set, multiplicity, rows = store.related(set_name, row, navigation)
        options = parse_query(context.params(), store.sets[target_set].entity_type)
        if multiplicity is Multiplicity.MANY:
            return _collection(context, target_set, rows, options)
        if not rows:
            raise SimulatorError(
                404, "ZSIM/404", f"{set_name}({first['key']})/{navigation} is empty"
            )
        return _entity(context, target_set, rows[0], options)


def _function_import(context: _Context, method: str, name: str) -> Response:
    function = context.store.metadata.function_imports[name]
    if method != function.http_method:
        raise SimulatorError(405, "ZSIM/405", f"{name} is called with {function.http_method}")
    params = context.params()
    arguments: dict[str, Any] = {}
    for parameter in function.parameters.values():
        text = params.get(parameter.name)
        if text is None:
            raise SimulatorError(400, "ZSIM/025", f"{name}: parameter {parameter.name} is missing")
        if parameter.type is EdmType.STRING:
            if not (len(text) >= 2 and text.startswith("'") and text.endswith("'")):
                raise SimulatorError(
                    400,
                    "ZSIM/025",
                    f"{name}: {parameter.name} must be a string literal like '80000000'",
                )
            arguments[parameter.name] = text[1:-1].replace("''", "'")
        elif parameter.type in (EdmType.DATETIME, EdmType.DATETIMEOFFSET):
            arguments[parameter.name] = parse_literal_datetime(text.split("'")[1])
        else:
            arguments[parameter.name] = text
    if (context.service, name) != (SapService.OUTBOUND_DELIVERY, "PostGoodsIssue"):
        raise SimulatorError(501, "ZSIM/501", f"{name} is not supported by the simulator")
    reports = context.simulator.post_goods_issue(
        arguments["DeliveryDocument"], if_match=context.request.headers.get("if-match")
    )
    complex_type = context.store.metadata.unqualified(
        (function.return_type or "").removeprefix("Collection(").removesuffix(")")
    )
    results = [
        {"__metadata": {"type": f"{context.store.metadata.namespace}.{complex_type}"}, **report}
        for report in reports
    ]
    return _json({"d": {"results": results}})


async def _odata(context: _Context, method: str, resource: str) -> Response:
    store = context.store
    if resource in ("", "/"):
        if method not in ("GET", "HEAD"):
            raise SimulatorError(405, "ZSIM/405", "the service document is read with GET")
        return _json({"d": {"EntitySets": list(store.metadata.entity_sets)}})
    if resource == "$metadata":
        return Response(context.service.metadata_bytes(), media_type="application/xml")
    parts = resource.strip("/").split("/")
    count = parts[-1] == "$count"
    if count:
        parts.pop()
    segments: list[re.Match[str]] = []
    for part in parts:
        match = _SEGMENT.match(part)
        if match is None:
            raise SimulatorError(400, "ZSIM/024", f"{part!r} is not a resource path segment")
        segments.append(match)
    if not segments:
        raise SimulatorError(400, "ZSIM/024", "$count follows an entity set")
    name = segments[0]["name"]
    if name in store.metadata.entity_sets:
        return await _entity_set_request(context, method, segments, count=count)
    if name in store.metadata.function_imports and len(segments) == 1:
        return _function_import(context, method, name)
    raise SimulatorError(404, "ZSIM/404", f"{context.service.value} has no resource {name}")


def _csrf_headers(context: _Context, principal: Principal, response: Response) -> None:
    simulator = context.simulator
    config = simulator.config
    session, token = simulator.csrf.fetch(
        context.request.cookies.get(config.csrf_cookie), principal
    )
    response.headers["x-csrf-token"] = token
    response.set_cookie(config.csrf_cookie, session, path="/", httponly=True)
    response.set_cookie(config.session_cookie, session, path="/", httponly=True)


async def _handle_odata(request: Request) -> tuple[Response, Principal | None]:
    simulator: SapSimulator = request.app.state.simulator
    method = _method(request.method, request.headers.get("x-http-method"))
    service_name, _, resource = request.path_params["rest"].partition("/")
    service = _SERVICES.get(service_name)
    principal: Principal | None = None
    try:
        if service is None:
            raise SimulatorError(404, "ZSIM/404", f"no service {service_name} here")
        principal = _principal(request, simulator)
        context = _Context(request, simulator, service)
        token = request.headers.get("x-csrf-token")
        if method in _CHANGING and simulator.config.csrf_protection:
            session = request.cookies.get(simulator.config.csrf_cookie)
            if not simulator.csrf.valid(session, token, principal):
                refused = Response(
                    "CSRF token validation failed",
                    403,
                    headers={"x-csrf-token": "Required"},
                    media_type="text/plain",
                )
                return refused, principal
        response = await _odata(context, method, resource)
        if method in ("GET", "HEAD") and (token or "").lower() == "fetch":
            _csrf_headers(context, principal, response)
        if method == "HEAD":
            response = Response(status_code=response.status_code, headers=dict(response.headers))
        return response, principal
    except SimulatorError as error:
        return _error_response(error, service_name), principal


def _method(method: str, override: str | None) -> str:
    """The request's method; SAP clients send ``MERGE`` as ``POST`` with ``X-HTTP-Method``."""
    method = method.upper()
    return override.upper() if method == "POST" and override else method


def _record(request: Request, response: Response, principal: Principal | None) -> None:
    simulator: SapSimulator = request.app.state.simulator
    simulator.record(
        RequestRecord(
            method=_method(request.method, request.headers.get("x-http-method")),
            path=request.url.path,
            query=request.url.query,
            status=response.status_code,
            csrf_token=request.headers.get("x-csrf-token"),
            principal=principal.name if principal else None,
        )
    )


def _token_response(request: Request, body: bytes, simulator: SapSimulator) -> Response:
    form = dict(parse_qsl(body.decode("utf-8", errors="replace")))
    if form.get("grant_type") != "client_credentials":
        return _json({"error": "unsupported_grant_type"}, 400)
    client_id, secret = form.get("client_id"), form.get("client_secret")
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return _json({"error": "invalid_client"}, 401)
    expected = simulator.config.oauth_clients.get(client_id or "")
    if expected is None or expected != secret:
        return _json({"error": "invalid_client", "error_description": "Bad credentials"}, 401)
    lifetime = simulator.config.token_seconds
    token = simulator.tokens.issue(
        client_id or "", simulator.clock.now(), timedelta(seconds=lifetime)
    )
    return _json({"access_token": token, "token_type": "bearer", "expires_in": lifetime})


class _DeliberateDropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _DROPPING.get()


class _FaultInjection:
    """ASGI middleware carrying out the simulator's injected faults (not on the control API)."""

    def __init__(self, app: ASGIApp, simulator: SapSimulator) -> None:
        self.app = app
        self.simulator = simulator
        server_logger = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, _DeliberateDropFilter) for f in server_logger.filters):
            server_logger.addFilter(_DeliberateDropFilter())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        override = next(
            (
                v.decode("latin-1")
                for k, v in scope.get("headers", [])
                if k.lower() == b"x-http-method"
            ),
            None,
        )
        method = _method(scope["method"], override)
        fault = self.simulator.faults.take(method, scope["path"], changing=method in _CHANGING)
        if fault is None:
            await self.app(scope, receive, send)
            return
        logger.info("fault injection: %s for %s %s", fault.kind, method, scope["path"])
        if fault.kind is FaultKind.CSRF_EXPIRY:
            self.simulator.csrf.expire_all()
            await self.app(scope, receive, send)
        elif fault.kind is FaultKind.DROP_RESPONSE:
            await self._drop(scope, receive, send)
        else:
            response = self._fault_response(fault)
            # Recorded before the answer leaves: a client that has its answer may look at the
            # request log at once.
            self.simulator.record(
                RequestRecord(
                    method,
                    scope["path"],
                    scope.get("query_string", b"").decode(),
                    response.status_code,
                    None,
                    None,
                )
            )
            await response(scope, receive, send)

    @staticmethod
    def _fault_response(fault: Fault) -> Response:
        if fault.kind is FaultKind.RATE_LIMIT:
            seconds = fault.retry_after
            shown = str(int(seconds)) if seconds == int(seconds) else f"{seconds:g}"
            error = SimulatorError(
                429, "ZSIM/429", "too many requests (injected)", headers={"Retry-After": shown}
            )
        else:
            error = SimulatorError(
                fault.status,
                f"ZSIM/{fault.status}",
                f"{HTTPStatus(fault.status).phrase} (injected; the request was not processed)",
            )
        return _error_response(error, "")

    async def _drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message

        await self.app(scope, receive, capture)
        _DROPPING.set(True)
        headers = [
            (k, v) for k, v in (start or {}).get("headers", []) if k.lower() != b"content-length"
        ]
        headers.append((b"content-length", b"1000"))
        await send(
            {
                "type": "http.response.start",
                "status": 200 if start is None else start["status"],
                "headers": headers,
            }
        )
        # Returning with the body missing makes the server close the connection.


def create_app(
    config: SapSimulatorConfig | None = None, *, clock: SimulatorClock | None = None
) -> FastAPI:
    """The simulator app; its :class:`SapSimulator` is ``app.state.simulator``."""
    simulator = SapSimulator(config, clock=clock)
    app = FastAPI(
        title="SAP S/4HANA OData simulator", openapi_url=None, docs_url=None, redoc_url=None
    )
    app.state.simulator = simulator

    @app.api_route(
        ODATA_ROOT + "/{rest:path}",
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "MERGE", "DELETE"],
    )
    async def odata(request: Request) -> Response:
        response, principal = await _handle_odata(request)
        _record(request, response, principal)
        return response

    @app.post(TOKEN_PATH)
    async def token(request: Request) -> Response:
        return _token_response(request, await request.body(), simulator)

    _control_routes(app, simulator)
    app.add_middleware(_FaultInjection, simulator=simulator)
    return app


def _control_routes(app: FastAPI, simulator: SapSimulator) -> None:
    async def guarded(call: Callable[[], Awaitable[Response]]) -> Response:
        try:
            return await call()
        except SimulatorError as error:
            return _error_response(error, "simulator")

    @app.get(CONTROL_PREFIX + "/sales-orders")
    async def sales_orders() -> Response:
        return _json(simulator.sales_orders())

    @app.post(CONTROL_PREFIX + "/sales-orders")
    async def seed_sales_order(request: Request) -> Response:
        async def call() -> Response:
            row = simulator.create_sales_order(await _body(request), seeding=True)
            return _json(_find(simulator.sales_orders(), "SalesOrder", row["SalesOrder"]), 201)

        return await guarded(call)

    @app.post(CONTROL_PREFIX + "/sales-orders/{number}/change")
    async def change_sales_order(number: str, request: Request) -> Response:
        async def call() -> Response:
            simulator.change_sales_order(number, await _body(request) or {})
            return _json(_find(simulator.sales_orders(), "SalesOrder", number))

        return await guarded(call)

    @app.get(CONTROL_PREFIX + "/deliveries")
    async def deliveries() -> Response:
        return _json(simulator.deliveries())

    @app.post(CONTROL_PREFIX + "/deliveries")
    async def create_delivery(request: Request) -> Response:
        async def call() -> Response:
            body = await _body(request) or {}
            row = simulator.create_delivery(
                str(body.get("sales_order", "")), body.get("quantities")
            )
            return _json(
                _find(simulator.deliveries(), "DeliveryDocument", row["DeliveryDocument"]), 201
            )

        return await guarded(call)

    @app.get(CONTROL_PREFIX + "/billing-documents")
    async def billing_documents() -> Response:
        return _json(simulator.billing_documents())

    @app.post(CONTROL_PREFIX + "/billing-documents")
    async def create_billing_document(request: Request) -> Response:
        async def call() -> Response:
            body = await _body(request) or {}
            row = simulator.create_billing_document(str(body.get("sales_order", "")))
            documents = simulator.billing_documents()
            return _json(_find(documents, "BillingDocument", row["BillingDocument"]), 201)

        return await guarded(call)

    @app.get(CONTROL_PREFIX + "/faults")
    async def faults() -> Response:
        return _json([fault.model_dump(mode="json") for fault in simulator.faults.pending()])

    @app.post(CONTROL_PREFIX + "/faults")
    async def add_faults(request: Request) -> Response:
        async def call() -> Response:
            body = await _body(request)
            items = body if isinstance(body, list) else [body]
            try:
                faults = [Fault.model_validate(item) for item in items]
            except ValueError as exc:
                raise SimulatorError(400, "ZSIM/026", f"not a fault: {exc}") from None
            simulator.faults.add(faults)
            return Response(status_code=204)

        return await guarded(call)

    @app.delete(CONTROL_PREFIX + "/faults")
    async def clear_faults() -> Response:
        simulator.faults.clear()
        return Response(status_code=204)

    @app.post(CONTROL_PREFIX + "/csrf/expire")
    async def expire_csrf() -> Response:
        simulator.csrf.expire_all()
        return Response(status_code=204)

    @app.post(CONTROL_PREFIX + "/clock")
    async def set_clock(request: Request) -> Response:
        async def call() -> Response:
            body = await _body(request) or {}
            try:
                if "advance_seconds" in body:
                    simulator.clock.advance(timedelta(seconds=float(body["advance_seconds"])))
                else:
                    now = body.get("now")
                    simulator.clock.set(
                        None if now is None else parse_literal_datetime(str(now), default_utc=False)
                    )
            except (ValueError, RuntimeError) as exc:
                raise SimulatorError(400, "ZSIM/027", str(exc)) from None
            return _json({"now": simulator.clock.now().isoformat()})

        return await guarded(call)

    @app.get(CONTROL_PREFIX + "/requests")
    async def requests() -> Response:
        return _json([asdict(entry) for entry in simulator.requests()])


def _find(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    for item in items:
        if item.get(key) == value:
            return item
    raise SimulatorError(404, "ZSIM/404", f"{key} {value} does not exist")
