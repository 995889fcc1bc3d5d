"""The AHEAD API client: every endpoint of :mod:`connector.api.endpoints`, over one httpx client.

:class:`AheadClient` is synchronous and safe to share between threads: it holds one
:class:`httpx.Client` (whose connection pool is thread-safe) and no other mutable state; the
OAuth auth guards its own token. Failures become the exceptions of :mod:`connector.api.errors`,
and retries follow :class:`~connector.api.retry.RetryPolicy`.
"""

from __future__ import annotations

import builtins
import json
import logging
import re
from collections.abc import Iterator, Mapping
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
import pydantic
from pydantic import BaseModel

from connector.api import models
from connector.api.endpoints import (
    AUTHENTICATE_PATH,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Endpoint,
    Verb,
    endpoint,
)
from connector.api.errors import (
    AheadError,
    ApiError,
    AuthError,
    ConfigurationError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)
from connector.api.query import Q_PARAMETER, FilterValue, build_query, encode_q, matches
from connector.api.reports import parse_automation_tasks_csv
from connector.api.retry import (
    RETRY_STATUSES,
    RetryPolicy,
    is_transient,
    provably_not_sent,
)

logger = logging.getLogger("connector.api")

ModelT = TypeVar("ModelT", bound=BaseModel)

_RawPage = models.Page[dict[str, Any]]
_VALIDATION_STATUSES = frozenset({400, 409, 422})
_AUTH_STATUSES = frozenset({401, 403})
_NOT_FOUND = 404
_TOO_MANY_REQUESTS = 429
_SNIPPET_LENGTH = 200
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)

_ORDERS = "customer_order_submissions"
_AUTOMATION_QUEUES = "automation_queues"
_RMAS = "rmas"
_SERIAL_DATA = "serial_data"
_AUTOMATION_TASKS_REPORT = "automation_tasks_report"


def _package_version() -> str:
    try:
        return version("ahead-connector")
    except PackageNotFoundError:
        return "0+unknown"


#: The ``User-Agent`` sent unless the caller names another.
DEFAULT_USER_AGENT = f"ahead-connector/{_package_version()}"


class AheadClient:
    """A client of the AHEAD API.

    Example::

        auth = HmacAuth(token, secret)
        with AheadClient("https://api-sandbox.mbx.com", auth=auth) as client:
            for item in client.iterate("items"):
                print(item.id)

    The generic methods (:meth:`list`, :meth:`iterate`, :meth:`get`, :meth:`create`,
    :meth:`update`, :meth:`delete`) take a resource name from the endpoint table
    (``"customer_order_submissions"`` or ``"customer-order-submissions"``) and return that
    endpoint's model; the typed methods below them return the exact model.

    Which requests are retried is described in :mod:`connector.api.retry`. One decision is
    made here: the automation task update whose ``message_type`` is ``fail`` creates a new task
    on the server, so it is not idempotent and is treated like a POST (never re-sent once it
    may have arrived). The other updates and every GET and DELETE are safe to repeat.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        """Create a client.

        Args:
            base_url: the API's root, e.g. ``https://api-sandbox.mbx.com``.
            auth: :class:`~connector.api.auth.HmacAuth` or
                :class:`~connector.api.auth.OAuthAuth`; ``None`` sends no credentials.
            transport: the httpx transport (tests pass :class:`httpx.MockTransport`).
            timeout: seconds to wait for connecting, sending, or each read.
            retry: the retry policy; default :class:`~connector.api.retry.RetryPolicy()`.
            user_agent: the ``User-Agent`` header.
        """
        self.base_url = base_url.rstrip("/")
        self._auth = auth
        self._retry = retry if retry is not None else RetryPolicy()
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=auth,
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"AheadClient({self.base_url!r}, auth={self._auth!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections. The auth's own connections belong to whoever made it."""
        self._http.close()

    # ----------------------------------------------------------------------------------------
    # Generic API
    # ----------------------------------------------------------------------------------------

    def authenticate(self) -> str:
        """``GET /v2/authenticate``: check the credentials.

        Returns:
            The server's text, e.g. ``Successfully authenticated as Example Organization``.
        """
        response = self._request("GET", AUTHENTICATE_PATH, idempotent=True)
        text = response.text.strip()
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError:
            return text
        return decoded if isinstance(decoded, str) else text

    def list(
        self,
        name: str,
        filters: Mapping[str, FilterValue] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> models.Page[BaseModel]:
        """One page of a resource, as the server sent it.

        The server may not honour every filter; :meth:`iterate` checks them on each record.

        Args:
            name: the resource, e.g. ``"items"``.
            filters: equality filters on top-level fields.
            limit: the page size (``None``: the server's default).
            offset: how many records to skip.

        Raises:
            ConfigurationError: the resource cannot be listed.
        """
        return self._page(self._endpoint(name, Verb.LIST), None, filters, limit, offset)

    def list_path(
        self,
        name: str,
        which: str,
        filters: Mapping[str, FilterValue] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> models.Page[BaseModel]:
        """One page of a named sub-list of a resource, e.g. ``list_path("rmas", "open")``.

        Raises:
            ConfigurationError: the resource has no such sub-list.
        """
        resource = self._endpoint(name, Verb.LIST)
        return self._page(resource, self._extra_path(resource, which), filters, limit, offset)

    def iterate(
        self,
        name: str,
        filters: Mapping[str, FilterValue] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[BaseModel]:
        """Every record of a resource that matches ``filters``, across all pages.

        Pages are requested with ``limit`` and ``offset`` until ``total_results`` is reached
        or a page comes back empty. The filters are sent to the server and checked again on
        each record, so the result is right even where the server ignores them. A record seen
        on an earlier page (the list shifted while paging) is yielded once.

        Raises:
            ConfigurationError: the resource cannot be listed, or ``page_size`` is out of range.
            UnexpectedResponseError: a page brought no new records before ``total_results``
                was reached (the server ignores ``offset``), so the listing cannot be complete.
        """
        resource = self._endpoint(name, Verb.LIST)
        return self._iterate(resource, resource.path, filters, page_size, resource.model)

    def get(self, name: str, resource_id: int | str) -> BaseModel:
        """One record by id, e.g. ``get("items", 42)``.

        Raises:
            NotFoundError: there is no such record.
        """
        resource = self._endpoint(name, Verb.GET)
        return self._get(resource, resource_id, resource.model)

    def create(self, name: str, body: BaseModel | Mapping[str, Any]) -> BaseModel:
        """``POST`` a new record.

        Args:
            name: the resource.
            body: an instance of the endpoint's ``create_model``, or a mapping validated into
                one before anything is sent.

        Raises:
            pydantic.ValidationError: the mapping does not fit the create model.
            ValidationError: the API rejected the record.
            OutcomeUnknownError: the request may have reached the server, but no definite
                answer came back; look the record up before sending it again.
        """
        resource = self._endpoint(name, Verb.CREATE)
        return self._create(resource, body, resource.model)

    def update(
        self,
        name: str,
        body: BaseModel | Mapping[str, Any],
        resource_id: int | str | None = None,
    ) -> BaseModel:
        """``PUT`` a change to a record.

        Args:
            name: the resource.
            body: an instance of the endpoint's ``update_model``, or a mapping validated into
                one.
            resource_id: the record; leave it out where updates go to the collection path
                (the automation queues).

        Raises:
            ConfigurationError: the id is missing, or given where it has no place.
            OutcomeUnknownError: a non-idempotent update (a task marked failed) may have
                reached the server, but no definite answer came back.
        """
        resource = self._endpoint(name, Verb.UPDATE)
        return self._update(resource, body, resource_id, resource.model)

    def delete(self, name: str, resource_id: int | str) -> None:
        """``DELETE`` a record.

        Raises:
            NotFoundError: there is no such record (perhaps an earlier attempt deleted it).
        """
        resource = self._endpoint(name, Verb.DELETE)
        self._request("DELETE", _item_path(resource, resource_id), idempotent=True)

    # ----------------------------------------------------------------------------------------
    # Typed conveniences
    # ----------------------------------------------------------------------------------------

    def submit_order(self, order: models.OrderSubmission) -> models.CustomerOrder:
        """Submit a new order (``POST /v2/customer_order_submissions``).

        Raises:
            ValidationError: the API rejected the order; do not resend it unchanged.
            OutcomeUnknownError: the order may or may not exist now; call :meth:`find_orders`
                before sending it again.
        """
        return self._create(self._endpoint(_ORDERS, Verb.CREATE), order, models.CustomerOrder)

    def find_orders(self, customer_order: str) -> builtins.list[models.CustomerOrder]:
        """The orders whose ``customer_order`` is exactly ``customer_order``.

        This is the reconciliation lookup of the exactly-once protocol: it pages through the
        orders with a ``customer_order`` filter and checks each one itself, so the answer is
        right even if the server ignores the filter.
        """
        resource = self._endpoint(_ORDERS, Verb.LIST)
        found = self._iterate(
            resource,
            resource.path,
            {"customer_order": customer_order},
            MAX_PAGE_SIZE,
            models.CustomerOrder,
        )
        return builtins.list(found)

    def create_automation_queue(
        self, queue: models.AutomationQueueCreate
    ) -> models.AutomationQueue:
        """Create the preset tasks of a system in Forge (``POST /v2/automation_queues``)."""
        resource = self._endpoint(_AUTOMATION_QUEUES, Verb.CREATE)
        return self._create(resource, queue, models.AutomationQueue)

    def update_automation_task(
        self,
        manufacturer_serial: str,
        sequence: int,
        message_type: models.AutomationMessageType | str,
        ip_address: str,
        message: str | None = None,
    ) -> models.AutomationQueue:
        """Report progress on one task of a system's queue (``PUT /v2/automation_queues``).

        A ``fail`` update creates a new task on the server, so it is never re-sent once it may
        have arrived: an ambiguous failure raises :class:`OutcomeUnknownError`.

        Args:
            manufacturer_serial: the system's serial.
            sequence: the task's sequence within the queue.
            message_type: ``start``, ``complete``, ``fail`` or ``notify``.
            ip_address: the system's IP address.
            message: a status line for the operator.
        """
        update = models.AutomationTaskUpdate(
            manufacturer_serial=manufacturer_serial,
            sequence=sequence,
            message_type=models.AutomationMessageType(message_type),
            ip_address=ip_address,
            message=message,
        )
        resource = self._endpoint(_AUTOMATION_QUEUES, Verb.UPDATE)
        return self._update(resource, update, None, models.AutomationQueue)

    def rmas_open(self) -> builtins.list[models.Rma]:
        """Every open RMA (``GET /v2/rmas/open``, all pages)."""
        return self._rmas("open")

    def rmas_closed(self) -> builtins.list[models.Rma]:
        """Every closed RMA (``GET /v2/rmas/closed``, all pages)."""
        return self._rmas("closed")

    def create_rma(self, rma: models.RmaCreate) -> models.Rma:
        """Request a new RMA (``POST /v2/rmas``)."""
        return self._create(self._endpoint(_RMAS, Verb.CREATE), rma, models.Rma)

    def submit_serial_data(self, data: models.SerialDataSubmission) -> models.SerialData:
        """Submit a datum about a system's serial (``POST /v2/serial_data``)."""
        return self._create(self._endpoint(_SERIAL_DATA, Verb.CREATE), data, models.SerialData)

    def automation_tasks_report(self) -> builtins.list[models.AutomationTask]:
        """Every automation task of the organization, from the CSV report.

        Raises:
            UnexpectedResponseError: the CSV does not have the expected columns or cells.
        """
        response = self._report_response()
        try:
            return parse_automation_tasks_csv(response.text)
        except ValueError as exc:
            raise _unexpected(response, str(exc)) from None

    def automation_tasks_report_csv(self) -> str:
        """The automation tasks report as the CSV text the server sent."""
        return self._report_response().text

    # ----------------------------------------------------------------------------------------
    # Requests
    # ----------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        query: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        accept: str = "application/json",
    ) -> httpx.Response:
        """Send a request, retrying as the policy allows; return a 2xx answer or raise."""
        url = f"{path}?{Q_PARAMETER}={encode_q(query)}" if query else path
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = self._http.build_request(method, url, content=body, headers=headers)
        policy = self._retry
        attempt = 1
        while True:
            try:
                response = self._http.send(request)
            except httpx.RequestError as exc:
                reason = _describe_failure(exc)
                if not idempotent and not provably_not_sent(exc):
                    raise OutcomeUnknownError(method, path, reason) from exc
                if not is_transient(exc) or attempt >= policy.max_attempts:
                    raise TransportError(method, path, reason) from exc
                outcome = f"failed ({reason})"
                wait = policy.delay(attempt)
            else:
                status = response.status_code
                if response.is_success:
                    return response
                if status >= 500 and not idempotent:
                    details = _details(response, field_errors(response))
                    reason = f"the server answered {status}" + (f": {details}" if details else "")
                    raise OutcomeUnknownError(method, path, reason)
                retry_after = policy.retry_after_from(response)
                if (
                    status not in RETRY_STATUSES
                    or attempt >= policy.max_attempts
                    or (retry_after is not None and retry_after > policy.max_retry_after)
                ):
                    raise error_for_response(response, retry_after=retry_after)
                outcome = f"answered {status}"
                wait = policy.delay(attempt, retry_after)
            logger.warning(
                "%s %s %s; attempt %d of %d, retrying in %.2f s",
                method,
                path,
                outcome,
                attempt,
                policy.max_attempts,
                wait,
            )
            policy.sleep(wait)
            attempt += 1

    def _endpoint(self, name: str, verb: Verb) -> Endpoint:
        try:
            resource = endpoint(name)
        except KeyError as exc:
            raise ConfigurationError(str(exc.args[0])) from None
        if verb not in resource.verbs:
            supported = ", ".join(sorted(v.value for v in resource.verbs))
            raise ConfigurationError(
                f"the AHEAD resource {resource.name!r} does not support {verb.value}; "
                f"it supports: {supported}"
            )
        return resource

    def _extra_path(self, resource: Endpoint, which: str) -> str:
        try:
            return resource.extra_paths[which]
        except KeyError:
            known = ", ".join(sorted(resource.extra_paths)) or "none"
            raise ConfigurationError(
                f"the AHEAD resource {resource.name!r} has no sub-list {which!r}; it has: {known}"
            ) from None

    def _raw_page(self, path: str, query: Mapping[str, Any]) -> tuple[httpx.Response, _RawPage]:
        response = self._request("GET", path, query=query, idempotent=True)
        try:
            return response, _RawPage.model_validate(_json(response))
        except pydantic.ValidationError as exc:
            raise _unexpected(response, f"the body is not a list envelope: {_first(exc)}") from None

    def _page(
        self,
        resource: Endpoint,
        path: str | None,
        filters: Mapping[str, FilterValue] | None,
        limit: int | None,
        offset: int,
    ) -> models.Page[BaseModel]:
        _refuse_csv(resource)
        query = build_query(filters, limit=limit, offset=offset)
        response, raw = self._raw_page(path or resource.path, query)
        return models.Page[BaseModel](
            count=raw.count,
            offset=raw.offset,
            total_results=raw.total_results,
            results=[_decode(resource.model, record, response) for record in raw.results],
            errors=raw.errors,
        )

    def _iterate(
        self,
        resource: Endpoint,
        path: str,
        filters: Mapping[str, FilterValue] | None,
        page_size: int,
        model: type[ModelT],
    ) -> Iterator[ModelT]:
        _refuse_csv(resource)
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigurationError(
                f"page_size must be from 1 to {MAX_PAGE_SIZE}, not {page_size}"
            )
        build_query(filters, limit=page_size)  # bad filters fail now, not at the first next()
        return self._pages(path, filters or {}, page_size, model)

    def _pages(
        self,
        path: str,
        filters: Mapping[str, FilterValue],
        page_size: int,
        model: type[ModelT],
    ) -> Iterator[ModelT]:
        seen: set[str] = set()
        offset = 0
        warned_about_filters = False
        while True:
            query = build_query(filters, limit=page_size, offset=offset)
            response, page = self._raw_page(path, query)
            if not page.results:
                return
            new_records = 0
            for record in page.results:
                key = _record_key(record)
                if key in seen:
                    continue
                seen.add(key)
                new_records += 1
                if not matches(record, filters):
                    if not warned_about_filters:
                        logger.info(
                            "GET %s returned records that do not match the filters; "
                            "checking them here",
                            path,
                        )
                        warned_about_filters = True
                    continue
                yield _decode(model, record, response)
            offset += len(page.results)
            if offset >= page.total_results:
                return
            if not new_records:
                raise _unexpected(
                    response,
                    f"the page at offset {offset - len(page.results)} repeats earlier records "
                    f"before total_results ({page.total_results}) was reached; the server "
                    "seems to ignore offset, so the listing would be incomplete",
                )

    def _get(self, resource: Endpoint, resource_id: int | str, model: type[ModelT]) -> ModelT:
        _refuse_csv(resource)
        response = self._request("GET", _item_path(resource, resource_id), idempotent=True)
        return _decode(model, _single_record(_json(response), response), response)

    def _create(
        self,
        resource: Endpoint,
        body: BaseModel | Mapping[str, Any],
        model: type[ModelT],
    ) -> ModelT:
        _, payload = _payload(resource, resource.create_model, body, Verb.CREATE)
        response = self._request("POST", resource.path, body=payload, idempotent=False)
        return _decode_after_write(model, response)

    def _update(
        self,
        resource: Endpoint,
        body: BaseModel | Mapping[str, Any],
        resource_id: int | str | None,
        model: type[ModelT],
    ) -> ModelT:
        if resource.update_on_collection:
            if resource_id is not None:
                raise ConfigurationError(
                    f"updates of {resource.name!r} go to {resource.path} and take no id"
                )
            path = resource.path
        elif resource_id is None:
            raise ConfigurationError(f"an update of {resource.name!r} needs the record's id")
        else:
            path = _item_path(resource, resource_id)
        instance, payload = _payload(resource, resource.update_model, body, Verb.UPDATE)
        idempotent = not _creates_a_record(instance)
        response = self._request("PUT", path, body=payload, idempotent=idempotent)
        if idempotent:
            return _decode(model, _single_record(_json(response), response), response)
        return _decode_after_write(model, response)

    def _rmas(self, which: str) -> builtins.list[models.Rma]:
        resource = self._endpoint(_RMAS, Verb.LIST)
        path = self._extra_path(resource, which)
        return builtins.list(self._iterate(resource, path, None, DEFAULT_PAGE_SIZE, models.Rma))

    def _report_response(self) -> httpx.Response:
        resource = self._endpoint(_AUTOMATION_TASKS_REPORT, Verb.LIST)
        return self._request("GET", resource.path, idempotent=True, accept="text/csv")


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


def error_for_response(response: httpx.Response, *, retry_after: float | None = None) -> AheadError:
    """The exception for an answer with an error status.

    400, 409 and 422 are :class:`ValidationError` (with the envelope's field errors), 401 and
    403 :class:`AuthError`, 404 :class:`NotFoundError`, 429 :class:`RateLimitedError`, 5xx
    :class:`ServerError`, any other status a plain :class:`ApiError`. Each message names the
    method, the path and what was wrong.

    Args:
        response: the answer.
        retry_after: the seconds a 429 asked to wait, if known.
    """
    method = response.request.method
    path = response.request.url.path
    status = response.status_code
    body = response.text
    errors = field_errors(response)
    details = _details(response, errors)
    message = f"{method} {path} answered {status}" + (f": {details}" if details else "")
    if status in _AUTH_STATUSES:
        return AuthError(message, status_code=status)
    kind: type[ApiError]
    if status in _VALIDATION_STATUSES:
        kind = ValidationError
    elif status == _NOT_FOUND:
        kind = NotFoundError
    elif status == _TOO_MANY_REQUESTS:
        return RateLimitedError(
            method, path, status, errors, body, message=message, retry_after=retry_after
        )
    elif status >= 500:
        kind = ServerError
    else:
        kind = ApiError
    return kind(method, path, status, errors, body, message=message)


def field_errors(response: httpx.Response) -> builtins.list[models.FieldError]:
    """The field errors of an error answer: the envelope's ``errors``, or OAuth's ``error``.

    An answer that is not JSON, or has neither, gives an empty list.
    """
    try:
        data = response.json()
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    raw_errors = data.get("errors")
    if isinstance(raw_errors, builtins.list):
        found = []
        for raw in raw_errors:
            if isinstance(raw, str):
                found.append(models.FieldError(message=raw))
                continue
            try:
                found.append(models.FieldError.model_validate(raw))
            except pydantic.ValidationError:
                found.append(models.FieldError(message=json.dumps(raw)))
        return found
    oauth_error = data.get("error")
    if isinstance(oauth_error, str):
        description = data.get("error_description")
        text = f"{oauth_error}: {description}" if isinstance(description, str) else oauth_error
        return [models.FieldError(message=text)]
    return []


def _format_field_error(error: models.FieldError) -> str:
    return f"{error.field}: {error.message}" if error.field else error.message


def _details(response: httpx.Response, errors: builtins.list[models.FieldError]) -> str:
    """What an error answer says went wrong, in one line."""
    if errors:
        return "; ".join(_format_field_error(e) for e in errors)
    text = response.text
    # An HTML error page (from a proxy, say) tells what happened in its title; the rest is noise.
    if "html" in response.headers.get("Content-Type", "") and (found := _HTML_TITLE.search(text)):
        text = found.group(1)
    return " ".join(text.split())[:_SNIPPET_LENGTH]


def _describe_failure(error: httpx.RequestError) -> str:
    detail = str(error)
    name = type(error).__name__
    return f"{name}: {detail}" if detail else name


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise _unexpected(response, f"the body is not JSON ({exc})") from None


def _unexpected(response: httpx.Response, reason: str) -> UnexpectedResponseError:
    request = response.request
    return UnexpectedResponseError(
        request.method, request.url.path, response.status_code, reason, body=response.text
    )


def _single_record(data: Any, response: httpx.Response) -> Any:
    # Decision: a single record may also come wrapped in the list envelope; unwrap it.
    if (
        isinstance(data, dict)
        and "total_results" in data
        and isinstance(data.get("results"), builtins.list)
    ):
        if len(data["results"]) != 1:
            count = len(data["results"])
            raise _unexpected(response, f"one record was expected, the envelope holds {count}")
        return data["results"][0]
    return data


def _decode(model: type[ModelT], record: Any, response: httpx.Response) -> ModelT:
    try:
        return model.model_validate(record)
    except pydantic.ValidationError as exc:
        which = f" (id {record['id']})" if isinstance(record, dict) and "id" in record else ""
        raise _unexpected(
            response, f"a record{which} does not fit {model.__name__}: {_first(exc)}"
        ) from None


def _decode_after_write(model: type[ModelT], response: httpx.Response) -> ModelT:
    """Decode the answer to a non-idempotent write.

    The write took effect, but without a readable answer the caller cannot record a reference,
    so it must reconcile as for any other unknown outcome.
    """
    try:
        return _decode(model, _single_record(_json(response), response), response)
    except UnexpectedResponseError as exc:
        raise OutcomeUnknownError(exc.method, exc.endpoint, exc.reason) from exc


def _first(error: pydantic.ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _record_key(record: dict[str, Any]) -> str:
    record_id = record.get("id")
    if record_id is not None:
        return f"id:{record_id!r}"
    return json.dumps(record, sort_keys=True, default=str)


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------


def _item_path(resource: Endpoint, resource_id: int | str) -> str:
    # Escaped so that an id can never reach another path ("../", "?").
    return resource.item_path(quote(str(resource_id), safe=""))


def _refuse_csv(resource: Endpoint) -> None:
    if resource.csv:
        raise ConfigurationError(
            f"the AHEAD resource {resource.name!r} is a CSV report, not a JSON list; "
            "use AheadClient.automation_tasks_report() or automation_tasks_report_csv()"
        )


def _payload(
    resource: Endpoint,
    model: type[BaseModel] | None,
    body: BaseModel | Mapping[str, Any],
    verb: Verb,
) -> tuple[BaseModel | Mapping[str, Any], bytes]:
    """The body as JSON bytes, validated into ``model`` first; ``None`` fields are left out."""
    if model is None:
        if isinstance(body, BaseModel):
            return body, body.model_dump_json(exclude_none=True).encode()
        return body, json.dumps(dict(body), separators=(",", ":")).encode()
    if isinstance(body, model):
        instance = body
    elif isinstance(body, Mapping):
        instance = model.model_validate(body)
    else:
        raise ConfigurationError(
            f"{verb.value} {resource.name!r} takes a {model.__name__} or a mapping, "
            f"not a {type(body).__name__}"
        )
    return instance, instance.model_dump_json(exclude_none=True).encode()


def _creates_a_record(body: BaseModel | Mapping[str, Any]) -> bool:
    # Decision: failing a task makes the server add a new unstarted task, so repeating the PUT
    # would add a second one; only this update is not idempotent.
    return (
        isinstance(body, models.AutomationTaskUpdate)
        and body.message_type is models.AutomationMessageType.FAIL
    )
