"""The OData v2 client for SAP S/4HANA services, over one :class:`httpx.Client`.

:class:`ODataClient` talks to one service (``…/sap/opu/odata/sap/API_SALES_ORDER_SRV``):

- reads: one entity, one page of a collection (``$filter``, ``$orderby``, ``$top``, ``$skip``,
  ``$inlinecount``, ``$expand``, ``$select``), or a whole collection page by page, following
  SAP's ``__next`` link when SAP pages on its own and ``$top``/``$skip`` when it does not;
- changes: create (deep insert), update (``PATCH``, or ``MERGE`` tunnelled through ``POST``),
  function imports, each with the CSRF token and the session cookies (see
  :mod:`adapters.sap.csrf`) and an ``If-Match`` ETag where the entity has one;
- failures become :mod:`adapters.sap.errors` with SAP's code and text.

Retries follow :class:`connector.api.retry.RetryPolicy`, as for the AHEAD client: 429, 502,
503, 504 and lost connections are tried again when the request is safe to repeat (reads, and
updates, which carry an ETag); a create or a function import is tried again only when it
provably never reached SAP or SAP answered 429. Otherwise its outcome is unknown
(:class:`~adapters.sap.errors.SapOutcomeUnknownError`): look the document up before sending it
again.

Answers are OData v2 JSON as SAP sends it; :func:`adapters.sap.values.decode_entity` turns an
entity into plain JSON data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from adapters.sap.auth import build_auth
from adapters.sap.csrf import CSRF_HEADER, FETCH, CsrfToken, asks_for_token
from adapters.sap.errors import (
    MessageSeverity,
    SapAuthError,
    SapCsrfError,
    SapMessage,
    SapMessageError,
    SapNotFoundError,
    SapOutcomeUnknownError,
    SapPreconditionError,
    SapRateLimitedError,
    SapRejectedError,
    SapResponseError,
    SapServerError,
    SapTransportError,
    SapUnexpectedResponseError,
    read_error_body,
    read_sap_message_header,
)
from adapters.sap.services import SapService
from adapters.sap.settings import SapConnectionSettings
from adapters.sap.values import format_datetimeoffset_literal, quote_string
from connector.api.retry import (
    RETRY_STATUSES,
    TOO_MANY_REQUESTS,
    RetryPolicy,
    is_transient,
    provably_not_sent,
)

__all__ = ["ODataClient", "ODataPage", "ODataResult", "UpdateMethod"]

logger = logging.getLogger("adapters.sap.odata")

_JSON = "application/json"


class UpdateMethod(StrEnum):
    """How an update is sent."""

    PATCH = "PATCH"
    MERGE = "MERGE"
    """``MERGE`` tunnelled through ``POST`` with ``X-HTTP-Method``, for gateways and proxies
    that do not pass ``PATCH``."""
    PUT = "PUT"


@dataclass(frozen=True)
class ODataPage:
    """One answer to a collection read.

    Attributes:
        entities: the entities, as SAP sent them (with ``__metadata``).
        count: ``__count`` when ``$inlinecount=allpages`` was asked.
        next_url: SAP's ``__next`` link, when SAP holds back more entities.
    """

    entities: list[dict[str, Any]]
    count: int | None = None
    next_url: str | None = None


@dataclass(frozen=True)
class ODataResult:
    """What a change answered.

    Attributes:
        status_code: the HTTP status.
        data: the ``d`` of the answer (an entity, or a function's result), if any.
        messages: SAP's messages from the ``sap-message`` header.
        location: the ``Location`` of a created entity.
        etag: the ``ETag`` header, if any.
    """

    status_code: int
    data: Any = None
    messages: tuple[SapMessage, ...] = ()
    location: str | None = None
    etag: str | None = None


def _literal(value: str | int | datetime) -> str:
    if isinstance(value, datetime):
        return format_datetimeoffset_literal(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return quote_string(value)


class ODataClient:
    """A client for one SAP OData v2 service.

    Args:
        service_url: the service root, e.g. ``https://host/sap/opu/odata/sap/API_SALES_ORDER_SRV``.
        auth: the credentials (``httpx.BasicAuth`` or
            :class:`~adapters.sap.auth.ClientCredentialsAuth`).
        sap_client: ``sap-client`` to send with every request, if the system needs it.
        language: ``sap-language`` to send, for SAP's messages.
        transport: the httpx transport (tests plug in here).
        timeout: seconds to wait for an answer.
        retry: when and how to try again.
        page_size: the ``$top`` of each request when reading a whole collection.
    """

    def __init__(
        self,
        service_url: str,
        *,
        auth: httpx.Auth | None = None,
        sap_client: str | None = None,
        language: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        page_size: int = 100,
    ) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        self.service_url = service_url.rstrip("/")
        self.page_size = page_size
        self._retry = retry or RetryPolicy()
        params = {}
        if sap_client:
            params["sap-client"] = sap_client
        if language:
            params["sap-language"] = language
        self._http = httpx.Client(
            auth=auth,
            params=params,
            transport=transport,
            timeout=timeout,
            headers={"Accept": _JSON, "X-Requested-With": "X"},
        )
        self._csrf = CsrfToken(self._fetch_csrf_token)

    @classmethod
    def for_service(
        cls,
        settings: SapConnectionSettings,
        service: SapService,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> Self:
        """A client for ``service`` on the system ``settings`` describe; ``retry`` replaces
        the policy made from ``settings.max_attempts``."""
        return cls(
            settings.service_url(service),
            auth=build_auth(settings.auth),
            sap_client=settings.client,
            language=settings.language,
            transport=transport,
            timeout=settings.timeout_seconds,
            retry=retry or RetryPolicy(max_attempts=settings.max_attempts),
            page_size=settings.page_size,
        )

    def __repr__(self) -> str:
        return f"<ODataClient {self.service_url}>"

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- sending ---------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.service_url}/{path.lstrip('/')}"

    def _fetch_csrf_token(self) -> str:
        url = self._url("/")
        response = self._send("GET", url, headers={CSRF_HEADER: FETCH}, repeatable=True)
        token: str | None = response.headers.get(CSRF_HEADER)
        if not token or token.strip().lower() == "required":
            raise SapCsrfError(
                "GET", url, response.status_code, "", "SAP gave no CSRF token when asked for one"
            )
        return token

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        repeatable: bool,
        csrf: bool = False,
    ) -> httpx.Response:
        """Send with retries and the CSRF flow; raise SAP's error for an error status."""
        attempt = 0
        refetched = False
        shown = url.split("?", 1)[0]
        while True:
            attempt += 1
            sent_headers = dict(headers or {})
            token = self._csrf.get() if csrf else None
            if token is not None:
                sent_headers[CSRF_HEADER] = token
            wire_method = method
            if method == UpdateMethod.MERGE:
                wire_method = "POST"
                sent_headers["X-HTTP-Method"] = "MERGE"
            try:
                response = self._http.request(
                    wire_method, url, params=params, json=json, headers=sent_headers
                )
            except httpx.RequestError as exc:
                retry = provably_not_sent(exc) or (repeatable and is_transient(exc))
                if retry and attempt < self._retry.max_attempts:
                    self._retry.sleep(self._retry.delay(attempt))
                    continue
                reason = f"{type(exc).__name__}: {exc}".rstrip(": ")
                if retry or repeatable:
                    raise SapTransportError(method, shown, reason) from exc
                raise SapOutcomeUnknownError(method, shown, reason) from exc
            if token is not None and asks_for_token(
                response.status_code, response.headers.get(CSRF_HEADER)
            ):
                if refetched:
                    raise SapCsrfError(
                        method,
                        shown,
                        response.status_code,
                        "",
                        "SAP refused the CSRF token even after a fresh one was fetched; "
                        "check that the client keeps SAP's session cookies",
                    )
                logger.info("SAP asks for a new CSRF token; fetching one and sending again")
                self._csrf.invalidate(token)
                refetched = True
                attempt -= 1
                continue
            status = response.status_code
            if self._worth_again(status, attempt, repeatable):
                retry_after = self._retry.retry_after_from(response)
                if retry_after is None or retry_after <= self._retry.max_retry_after:
                    self._retry.sleep(self._retry.delay(attempt, retry_after))
                    continue
            if status >= httpx.codes.INTERNAL_SERVER_ERROR and not repeatable:
                error = self._error(method, shown, response)
                raise SapOutcomeUnknownError(method, shown, str(error)) from error
            if status >= httpx.codes.BAD_REQUEST:
                raise self._error(method, shown, response)
            return response

    def _worth_again(self, status: int, attempt: int, repeatable: bool) -> bool:
        # A 429 means SAP did nothing, so even a create may go again; other statuses only
        # for requests that are safe to repeat.
        if status not in RETRY_STATUSES or attempt >= self._retry.max_attempts:
            return False
        return status == TOO_MANY_REQUESTS or repeatable

    @staticmethod
    def _error(method: str, url: str, response: httpx.Response) -> SapResponseError:
        body = read_error_body(response.content, response.headers.get("content-type", ""))
        details = body.details + read_sap_message_header(response.headers.get("sap-message"))
        status = response.status_code
        kind: type[SapResponseError]
        if status in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
            kind = SapAuthError
        elif status == httpx.codes.NOT_FOUND:
            kind = SapNotFoundError
        elif status in (httpx.codes.PRECONDITION_FAILED, httpx.codes.PRECONDITION_REQUIRED):
            kind = SapPreconditionError
        elif status == TOO_MANY_REQUESTS:
            kind = SapRateLimitedError
        elif status >= httpx.codes.INTERNAL_SERVER_ERROR:
            kind = SapServerError
        else:
            kind = SapRejectedError
        return kind(method, url, status, body.code, body.text, details)

    def _messages(self, method: str, url: str, response: httpx.Response) -> tuple[SapMessage, ...]:
        messages = read_sap_message_header(response.headers.get("sap-message"))
        for message in messages:
            if message.severity.is_error:
                logger.error("SAP on %s %s: %s", method, url, message)
            elif message.severity is MessageSeverity.WARNING:
                logger.warning("SAP on %s %s: %s", method, url, message)
        return messages

    @staticmethod
    def _payload(method: str, url: str, response: httpx.Response) -> Any:
        try:
            document = response.json()
        except ValueError:
            raise SapUnexpectedResponseError(
                method, url, response.status_code, "", "the answer is not JSON"
            ) from None
        if not isinstance(document, dict) or "d" not in document:
            raise SapUnexpectedResponseError(
                method, url, response.status_code, "", 'the answer has no "d" (not OData v2 JSON)'
            )
        return document["d"]

    # --- reading ---------------------------------------------------------------------------

    def _read(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        response = self._send("GET", url, params=params, repeatable=True)
        shown = url.split("?", 1)[0]
        messages = self._messages("GET", shown, response)
        if any(message.severity.is_error for message in messages):
            raise SapMessageError("GET", shown, messages)
        return self._payload("GET", shown, response)

    def metadata(self) -> bytes:
        """The service's ``$metadata`` document."""
        response = self._send(
            "GET", self._url("$metadata"), headers={"Accept": "application/xml"}, repeatable=True
        )
        return response.content

    def get(
        self, path: str, *, expand: Sequence[str] = (), select: Sequence[str] = ()
    ) -> dict[str, Any]:
        """One entity, e.g. ``get("A_SalesOrder('1')", expand=["to_Item"])``.

        Raises:
            SapNotFoundError: it does not exist.
        """
        params = {}
        if expand:
            params["$expand"] = ",".join(expand)
        if select:
            params["$select"] = ",".join(select)
        url = self._url(path)
        data = self._read(url, params)
        if not isinstance(data, dict):
            raise SapUnexpectedResponseError("GET", url, 200, "", "the answer is not an entity")
        return data

    def query(
        self,
        entity_set: str,
        *,
        filter: str | None = None,
        orderby: Sequence[str] = (),
        expand: Sequence[str] = (),
        select: Sequence[str] = (),
        top: int | None = None,
        skip: int | None = None,
        inlinecount: bool = False,
    ) -> ODataPage:
        """One answer to a collection read, with SAP's ``__next`` if it holds back more.

        Args:
            entity_set: the entity set, or a navigation path (``A_SalesOrder('1')/to_Item``).
            filter: ``$filter``: ``LastChangeDateTime gt datetimeoffset'2025-01-01T00:00:00Z'``.
            orderby: ``$orderby`` items, e.g. ``["LastChangeDateTime asc", "SalesOrder"]``.
            expand: navigation properties to expand.
            select: properties to return.
            top: ``$top``.
            skip: ``$skip``.
            inlinecount: ask for ``$inlinecount=allpages``.
        """
        params: dict[str, str] = {}
        if filter:
            params["$filter"] = filter
        if orderby:
            params["$orderby"] = ",".join(orderby)
        if expand:
            params["$expand"] = ",".join(expand)
        if select:
            params["$select"] = ",".join(select)
        if top is not None:
            params["$top"] = str(top)
        if skip:
            params["$skip"] = str(skip)
        if inlinecount:
            params["$inlinecount"] = "allpages"
        url = self._url(entity_set)
        return self._page(url, self._read(url, params))

    def next_page(self, next_url: str) -> ODataPage:
        """The page SAP's ``__next`` link points to.

        Raises:
            SapUnexpectedResponseError: the link leads away from this service's host.
        """
        service = urlsplit(self.service_url)
        target = urlsplit(next_url)
        if target.scheme and (target.scheme, target.netloc) != (service.scheme, service.netloc):
            raise SapUnexpectedResponseError(
                "GET", next_url, 200, "", f"__next leads to another host than {service.netloc}"
            )
        url = next_url if target.scheme else self._url(next_url)
        return self._page(url, self._read(url))

    @staticmethod
    def _page(url: str, data: Any) -> ODataPage:
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list) or not all(isinstance(e, dict) for e in results):
            raise SapUnexpectedResponseError(
                "GET", url.split("?", 1)[0], 200, "", 'the answer has no "results" list'
            )
        count = data.get("__count")
        try:
            total = int(count) if count is not None else None
        except (TypeError, ValueError):
            raise SapUnexpectedResponseError(
                "GET", url, 200, "", f"__count {count!r} is not a number"
            ) from None
        next_url = data.get("__next")
        return ODataPage(results, total, str(next_url) if next_url else None)

    def iter_entities(
        self,
        entity_set: str,
        *,
        filter: str | None = None,
        orderby: Sequence[str] = (),
        expand: Sequence[str] = (),
        select: Sequence[str] = (),
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every entity of a collection read, page by page.

        Each request asks for ``page_size`` entities with ``$top`` and ``$skip``. When SAP
        answers with fewer and a ``__next`` link, the link is followed until that page is
        complete; then the next ``$skip`` follows. Give an ``orderby`` that makes the order
        stable, or entities may move between pages while reading.
        """
        size = page_size or self.page_size
        skip = 0
        while True:
            page = self.query(
                entity_set,
                filter=filter,
                orderby=orderby,
                expand=expand,
                select=select,
                top=size,
                skip=skip,
            )
            received = len(page.entities)
            yield from page.entities
            while page.next_url is not None:
                page = self.next_page(page.next_url)
                received += len(page.entities)
                yield from page.entities
            if received < size:
                return
            skip += received

    # --- changing --------------------------------------------------------------------------

    def _change(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        etag: str | None = None,
        repeatable: bool,
    ) -> ODataResult:
        headers = {"Content-Type": _JSON} if json is not None else {}
        if etag is not None:
            headers["If-Match"] = etag
        response = self._send(
            method, url, params=params, json=json, headers=headers, repeatable=repeatable, csrf=True
        )
        data = None
        if response.content and response.status_code != httpx.codes.NO_CONTENT:
            data = self._payload(method, url, response)
        return ODataResult(
            status_code=response.status_code,
            data=data,
            messages=self._messages(method, url, response),
            location=response.headers.get("location"),
            etag=response.headers.get("etag"),
        )

    def create(self, entity_set: str, body: Mapping[str, Any]) -> ODataResult:
        """Create an entity; nested navigation properties make a deep insert.

        Raises:
            SapRejectedError: SAP refused it (every field error in ``details``).
            SapOutcomeUnknownError: it may or may not exist now.
        """
        return self._change("POST", self._url(entity_set), json=dict(body), repeatable=False)

    def update(
        self,
        path: str,
        changes: Mapping[str, Any],
        *,
        etag: str | None,
        method: UpdateMethod = UpdateMethod.PATCH,
    ) -> ODataResult:
        """Change some fields of an entity (``A_OutbDeliveryHeader('80000000')``).

        Args:
            path: the entity.
            changes: the fields to set.
            etag: the entity's ETag (``__metadata.etag`` of a read) for ``If-Match``; ``"*"``
                changes whatever the current version; ``None`` sends no ``If-Match``.
            method: ``PATCH``, ``MERGE`` (through ``POST``) or ``PUT``.

        Raises:
            SapPreconditionError: the ETag is stale (read again) or SAP wants one.
        """
        return self._change(method, self._url(path), json=dict(changes), etag=etag, repeatable=True)

    def call(
        self,
        function: str,
        parameters: Mapping[str, str | int | datetime],
        *,
        http_method: str = "POST",
        etag: str | None = None,
    ) -> ODataResult:
        """Call a function import, e.g. ``call("PostGoodsIssue", {"DeliveryDocument": "80000000"},
        etag=…)``; parameters are sent as URL literals (``'80000000'``).

        Raises:
            SapOutcomeUnknownError: a ``POST`` function may or may not have run.
        """
        params = {name: _literal(value) for name, value in parameters.items()}
        if http_method.upper() == "GET":
            url = self._url(function)
            return ODataResult(200, self._read(url, params))
        return self._change(
            http_method.upper(), self._url(function), params=params, etag=etag, repeatable=False
        )
