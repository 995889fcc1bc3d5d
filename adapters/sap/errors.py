"""SAP's messages, and the errors the OData client raises, carrying SAP's code and text.

SAP Gateway reports a failure in the body of an error status, as JSON::

    {"error": {"code": "V1/302", "message": {"lang": "en", "value": "Sold-to party missing"},
               "innererror": {"errordetails": [{"code": "V1/302", "message": "...",
                                                "severity": "error", "target": "..."}]}}}

(or the same as XML when JSON was not asked for), and sends messages about a request that
succeeded in the ``sap-message`` header (JSON: ``code``, ``message``, ``severity``, ``target``,
``details``). :func:`read_error_body` and :func:`read_sap_message_header` read both.

::

    SapError
    ├── SapTransportError        no answer, after retries
    ├── SapOutcomeUnknownError   a change may or may not have been applied: reconcile first
    ├── SapMessageError          a read succeeded but SAP's sap-message says it failed
    └── SapResponseError         SAP answered with an error status
        ├── SapAuthError           401, or a 403 that is not about the CSRF token
        ├── SapCsrfError           403 "CSRF token required" even after a fresh token
        ├── SapNotFoundError       404
        ├── SapPreconditionError   412/428: the ETag (If-Match) is stale or missing
        ├── SapRejectedError       another 4xx: SAP refused the request as it is
        ├── SapRateLimitedError    429, after retries
        ├── SapServerError         5xx, after retries
        └── SapUnexpectedResponseError  a success status with a body that cannot be read
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lxml import etree

from adapters.sap.xmlsafe import XmlError, parse_xml

__all__ = [
    "MessageSeverity",
    "SapAuthError",
    "SapCsrfError",
    "SapError",
    "SapErrorBody",
    "SapMessage",
    "SapMessageError",
    "SapNotFoundError",
    "SapOutcomeUnknownError",
    "SapPreconditionError",
    "SapRateLimitedError",
    "SapRejectedError",
    "SapResponseError",
    "SapServerError",
    "SapTransportError",
    "SapUnexpectedResponseError",
    "read_error_body",
    "read_sap_message_header",
]

_METADATA_NAMESPACE = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
_SNIPPET = 200
_TAGS = re.compile(r"<[^>]*>")
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


class MessageSeverity(StrEnum):
    """How serious a SAP message is."""

    SUCCESS = "success"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    ABORT = "abort"

    @classmethod
    def read(cls, value: object) -> MessageSeverity:
        """A severity from SAP's text (``error``, ``E``, ``warning``, ...); unknown is ``info``."""
        text = str(value or "").strip().lower()
        short = {"s": cls.SUCCESS, "i": cls.INFO, "w": cls.WARNING, "e": cls.ERROR, "a": cls.ABORT}
        if text in short:
            return short[text]
        try:
            return cls(text)
        except ValueError:
            return cls.INFO

    @property
    def is_error(self) -> bool:
        """Whether the message reports a failure."""
        return self in (MessageSeverity.ERROR, MessageSeverity.ABORT)


@dataclass(frozen=True)
class SapMessage:
    """One message from SAP.

    Attributes:
        code: SAP's message id and number, e.g. ``V1/302``.
        text: the message in words.
        severity: how serious it is.
        target: the property or entity it is about, if SAP says.
    """

    code: str
    text: str
    severity: MessageSeverity = MessageSeverity.ERROR
    target: str = ""

    def __str__(self) -> str:
        where = f" ({self.target})" if self.target else ""
        return f"[{self.code}] {self.text}{where}" if self.code else f"{self.text}{where}"


@dataclass(frozen=True)
class SapErrorBody:
    """What an error answer's body says.

    Attributes:
        code: the error's code (``V1/302``), empty if the body gave none.
        text: the error's text, or a snippet of a body that is not SAP's error format.
        details: the ``innererror.errordetails`` messages.
    """

    code: str
    text: str
    details: tuple[SapMessage, ...] = ()


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("value", "")
    return str(value or "").strip()


def _message(item: Any) -> SapMessage | None:
    if not isinstance(item, dict):
        return None
    return SapMessage(
        code=str(item.get("code") or ""),
        text=_text(item.get("message")),
        severity=MessageSeverity.read(item.get("severity")),
        target=str(item.get("target") or item.get("propertyref") or ""),
    )


def read_sap_message_header(value: str | None) -> tuple[SapMessage, ...]:
    """The messages of a ``sap-message`` header: the main one, then its ``details``.

    A header that is not JSON is kept as one message of severity ``info``.
    """
    if value is None or not value.strip():
        return ()
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        return (SapMessage("", value.strip(), MessageSeverity.INFO),)
    main = _message(data)
    if main is None:
        return ()
    details = data.get("details") if isinstance(data, dict) else None
    found = [main] if main.text or main.code else []
    for item in details if isinstance(details, list) else []:
        message = _message(item)
        if message is not None:
            found.append(message)
    return tuple(found)


def read_error_body(content: bytes, content_type: str = "") -> SapErrorBody:
    """SAP's error from an error answer's body (JSON or XML), or a snippet of any other body."""
    text = content.decode("utf-8", errors="replace").strip()
    if "json" in content_type or text.startswith("{"):
        parsed = _json_error(text)
        if parsed is not None:
            return parsed
    if "xml" in content_type or text.startswith("<?xml") or text.startswith("<error"):
        parsed = _xml_error(content)
        if parsed is not None:
            return parsed
    if "html" in content_type or text[:5].lower() == "<html":
        # SAP's logon and gateway pages: their words, without the markup.
        text = html.unescape(_TAGS.sub(" ", _HIDDEN.sub(" ", text)))
    return SapErrorBody("", _snippet(text))


def _json_error(text: str) -> SapErrorBody | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return None
    inner = error.get("innererror")
    details_data = inner.get("errordetails") if isinstance(inner, dict) else None
    details = tuple(
        message
        for message in (_message(item) for item in (details_data or []))
        if message is not None
    )
    return SapErrorBody(str(error.get("code") or ""), _text(error.get("message")), details)


def _xml_error(content: bytes) -> SapErrorBody | None:
    try:
        root = parse_xml(content, source="error answer").getroot()
    except XmlError:
        return None
    if etree.QName(root).localname != "error":
        return None
    namespace = f"{{{etree.QName(root).namespace}}}" if etree.QName(root).namespace else ""
    code = root.findtext(f"{namespace}code") or ""
    message = root.findtext(f"{namespace}message") or ""
    details = tuple(
        SapMessage(
            code=detail.findtext(f"{namespace}code") or "",
            text=(detail.findtext(f"{namespace}message") or "").strip(),
            severity=MessageSeverity.read(detail.findtext(f"{namespace}severity")),
            target=detail.findtext(f"{namespace}target") or "",
        )
        for detail in root.iter(f"{namespace}errordetail")
    )
    return SapErrorBody(code.strip(), message.strip(), details)


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIPPET else flat[:_SNIPPET] + "…"


class SapError(Exception):
    """Base of everything the SAP OData client raises."""


class SapTransportError(SapError):
    """No answer came: connection refused, reset or timed out, after retries."""

    def __init__(self, method: str, url: str, reason: str) -> None:
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__(f"{method} {url} failed: {reason}")


class SapOutcomeUnknownError(SapError):
    """A change may or may not have been applied (no answer after sending, or a 5xx).

    Look the document up in SAP before sending it again.
    """

    def __init__(self, method: str, url: str, reason: str) -> None:
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__(
            f"{method} {url}: outcome unknown ({reason}); look the document up before sending "
            "it again"
        )


class SapMessageError(SapError):
    """A read answered with success, but its ``sap-message`` header reports an error.

    Attributes:
        messages: every message of the header.
    """

    def __init__(self, method: str, url: str, messages: Sequence[SapMessage]) -> None:
        self.method = method
        self.url = url
        self.messages = tuple(messages)
        errors = "; ".join(str(m) for m in self.messages if m.severity.is_error)
        super().__init__(f"{method} {url}: SAP reports an error: {errors}")


class SapResponseError(SapError):
    """SAP answered with an error status.

    Attributes:
        method: the request's method.
        url: the request's URL.
        status_code: the answer's status.
        code: SAP's error code (``V1/302``), empty when the body had none.
        text: SAP's error text (or a snippet of the body).
        details: SAP's detail messages (``innererror.errordetails``) and those of the
            ``sap-message`` header, if any.
    """

    def __init__(
        self,
        method: str,
        url: str,
        status_code: int,
        code: str,
        text: str,
        details: Sequence[SapMessage] = (),
    ) -> None:
        self.method = method
        self.url = url
        self.status_code = status_code
        self.code = code
        self.text = text
        self.details = tuple(details)
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"{self.method} {self.url} answered {self.status_code}"
        said = f"[{self.code}] {self.text}" if self.code else self.text
        message = f"{head}: {said}" if said else head
        extra = [str(d) for d in self.details if d.text and d.text != self.text]
        return message + ("; " + "; ".join(extra) if extra else "")


class SapAuthError(SapResponseError):
    """The credentials were refused (401), or the user may not do this (403)."""


class SapCsrfError(SapResponseError):
    """SAP still asks for a CSRF token after the client fetched a fresh one."""


class SapNotFoundError(SapResponseError):
    """The entity or path does not exist (404)."""


class SapPreconditionError(SapResponseError):
    """The ETag sent in ``If-Match`` is stale (412) or one is required (428): read again."""


class SapRejectedError(SapResponseError):
    """SAP refused the request as it is (4xx): a definite rejection, do not resend as is."""


class SapRateLimitedError(SapResponseError):
    """Too many requests (429), and retries ran out."""


class SapServerError(SapResponseError):
    """SAP failed (5xx), and retries ran out."""


class SapUnexpectedResponseError(SapResponseError):
    """A success status whose body the client cannot read as OData v2 JSON."""
