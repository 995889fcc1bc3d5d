"""zeep over requests: loading the WSDL (cached), binding the account's endpoint, and turning
what goes wrong on the wire into the client's errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
import zeep
import zeep.exceptions
from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from urllib3.exceptions import NewConnectionError
from zeep.cache import SqliteCache
from zeep.transports import Transport

from adapters.netsuite.errors import (
    NetSuiteError,
    NetSuiteFaultError,
    NetSuiteOutcomeUnknownError,
    NetSuiteUnavailableError,
)
from adapters.netsuite.faults import FaultType
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.operations import Operation
from adapters.netsuite.settings import NetSuiteSettings

_CLIENT_ERROR = 400
_TOO_MANY_REQUESTS = 429
_SERVER_ERROR = 500
_FAULT_NAMES = {fault.value: fault for fault in FaultType}


class WsdlError(NetSuiteError):
    """The WSDL could not be loaded (missing file, unreachable URL, not a WSDL)."""


def is_remote(location: str) -> bool:
    """Whether a WSDL location is a URL rather than a file."""
    return location.startswith(("http://", "https://"))


def load_service(
    settings: NetSuiteSettings, session: requests.Session, base_dir: Path | None
) -> tuple[Any, Any]:
    """The zeep client of the configured WSDL and its service bound to the account's endpoint.

    A WSDL loaded from a URL is cached in :attr:`NetSuiteSettings.wsdl_cache` when one is set.
    A local WSDL may import only local files.

    Raises:
        WsdlError: the WSDL cannot be loaded.
    """
    location = settings.wsdl_location
    remote = is_remote(location)
    if not remote:
        path = Path(location)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.is_file():
            raise WsdlError(f"the WSDL {path} does not exist", operation="wsdl")
        location = str(path)
    cache = None
    if remote and settings.wsdl_cache is not None:
        cache_path = settings.wsdl_cache
        if not cache_path.is_absolute() and base_dir is not None:
            cache_path = base_dir / cache_path
        cache = SqliteCache(  # type: ignore[no-untyped-call]
            path=str(cache_path), timeout=settings.wsdl_cache_seconds
        )
    transport = Transport(  # type: ignore[no-untyped-call]
        cache=cache, timeout=settings.timeout, operation_timeout=settings.timeout, session=session
    )
    zeep_settings = zeep.Settings(
        strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=not remote
    )
    try:
        client = zeep.Client(  # type: ignore[no-untyped-call]
            location, transport=transport, settings=zeep_settings
        )
    except requests.RequestException as exc:
        raise WsdlError(f"cannot download the WSDL {location}: {exc}", operation="wsdl") from None
    except (zeep.exceptions.Error, etree.XMLSyntaxError, OSError) as exc:
        raise WsdlError(f"cannot read the WSDL {location}: {exc}", operation="wsdl") from None
    binding = f"{{{Namespace.PLATFORM.uri(settings.version)}}}NetSuiteBinding"
    try:
        service = client.create_service(binding, settings.service_url)  # type: ignore[no-untyped-call]
    except (LookupError, ValueError, zeep.exceptions.Error) as exc:
        raise WsdlError(f"the WSDL {location} has no {binding}: {exc}", operation="wsdl") from None
    return client, service


def fault_error(fault: zeep.exceptions.Fault, operation: Operation) -> NetSuiteFaultError:
    """The client's error for a SOAP fault, with NetSuite's fault type, code and message."""
    detail = fault.detail
    if detail is not None:
        for child in detail:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child)
            fault_type = _FAULT_NAMES.get(name.localname)
            if fault_type is None or not str(name.namespace).startswith("urn:faults_"):
                continue
            code = child.findtext(f"{{{name.namespace}}}code") or ""
            message = child.findtext(f"{{{name.namespace}}}message") or str(fault.message)
            return NetSuiteFaultError(fault_type, code, message, operation=operation.value)
    return NetSuiteFaultError(
        None, str(fault.code or ""), str(fault.message or ""), operation=operation.value
    )


def transport_error(error: Exception, operation: Operation) -> NetSuiteError:
    """The client's error for a request that got no SOAP answer.

    A write that is not repeatable gets :class:`NetSuiteOutcomeUnknownError` unless the request
    provably never reached NetSuite (the connection could not be made) or NetSuite refused it
    before doing anything (an HTTP 4xx); anything else may be sent again.
    """
    if isinstance(error, zeep.exceptions.TransportError):
        status = int(error.status_code or 0)
        what = f"NetSuite answered HTTP {status} without a SOAP answer to the {operation} request"
        if _CLIENT_ERROR <= status < _SERVER_ERROR:
            # Refused before anything was done; only "too many requests" goes away by itself.
            return NetSuiteUnavailableError(
                what, operation=operation.value, retryable=status == _TOO_MANY_REQUESTS
            )
    elif isinstance(error, requests.RequestException):
        what = f"the {operation} request to NetSuite failed: {error}"
        if _provably_not_sent(error):
            return NetSuiteUnavailableError(what, operation=operation.value)
    else:
        what = f"NetSuite's answer to the {operation} request cannot be read: {error}"
    if not operation.repeatable:
        return NetSuiteOutcomeUnknownError(
            f"{what}; it may have been carried out", operation=operation.value
        )
    return NetSuiteUnavailableError(what, operation=operation.value)


def _provably_not_sent(error: requests.RequestException) -> bool:
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError):
        cause: Any = error.args[0] if error.args else None
        reason = getattr(cause, "reason", cause)
        return isinstance(reason, NewConnectionError)
    return False
