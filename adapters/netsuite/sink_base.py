"""What the NetSuite sinks share: their connection, external ids made from record keys, and
the translation of the client's errors into the sink outcomes the engine acts on.

- :class:`NetSuiteRecordError` (``INVALID_KEY_OR_REF``, ``DUP_RCRD``, a field error):
  :class:`SinkRejectedError` with NetSuite's code and message; with a concurrency code (still
  refused after the client's retries): :class:`SinkUnavailableError`.
- :class:`NetSuiteFaultError` (limits after the client's retries, credentials),
  :class:`NetSuiteUnavailableError`, :class:`WsdlError`: :class:`SinkUnavailableError`.
- :class:`NetSuiteOutcomeUnknownError` (the answer to an ``add`` was lost), or
  :class:`NetSuiteResponseError` during a write: :class:`SinkOutcomeUnknownError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, Field

from adapters.base import (
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.errors import (
    NetSuiteError,
    NetSuiteOutcomeUnknownError,
    NetSuiteRecordError,
    NetSuiteResponseError,
)
from adapters.netsuite.records import RecordType
from adapters.netsuite.settings import NetSuiteSettings

_Result = TypeVar("_Result")
_Document = TypeVar("_Document", bound=BaseModel)

#: The record error NetSuite answers for a record that is not there.
RECORD_DOES_NOT_EXIST = "RCRD_DSNT_EXIST"


class NetSuiteSinkSettings(NetSuiteSettings, AdapterSettings):
    """The connection (:class:`~adapters.netsuite.NetSuiteSettings`) and how external ids are
    made from record keys: ``external_id_prefix`` + the key without ``key_prefix``.

    Attributes:
        key_prefix: the part of every record key left out of the external id.
        external_id_prefix: put before the rest of the key.
    """

    key_prefix: str = ""
    external_id_prefix: str = Field(default="ahead-", min_length=1)


class NetSuiteSink(Sink):
    """Base of the NetSuite sinks: a client of its own, external ids and error translation."""

    record_type: RecordType

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        settings_type = type(self).settings_model
        if not isinstance(settings, NetSuiteSinkSettings) or not isinstance(
            settings, settings_type
        ):
            raise TypeError(
                f"{type(self).__name__} takes {settings_type.__name__}, not {settings!r}"
            )
        super().__init__(settings, context)
        self.options: NetSuiteSinkSettings = settings
        self.client = NetSuiteClient(settings, base_dir=context.deployment_dir)

    def external_id(self, record: Record) -> str:
        """The external id of the record written for ``record``.

        Raises:
            SinkRejectedError: the key does not start with ``key_prefix``.
        """
        prefix = self.options.key_prefix
        if not record.key.startswith(prefix) or len(record.key) == len(prefix):
            raise SinkRejectedError(
                f"the record key {record.key!r} does not start with the key_prefix {prefix!r}, "
                "so it names no external id"
            )
        return self.options.external_id_prefix + record.key[len(prefix) :]

    def lookup(self, record: Record) -> str | None:
        """The internal id of the record whose external id ``record``'s key gives, or ``None``.

        Raises:
            SinkUnavailableError: NetSuite could not be asked.
        """
        try:
            external_id = self.external_id(record)
        except SinkRejectedError:
            return None
        return self.find(external_id)

    def find(self, external_id: str) -> str | None:
        """The internal id of this sink's record type with ``external_id``, or ``None``.

        Raises:
            SinkUnavailableError: NetSuite could not be asked.
        """
        try:
            found = self.client.get(self.record_type, external_id=external_id)
        except NetSuiteRecordError as error:
            if error.code == RECORD_DOES_NOT_EXIST:
                return None
            raise SinkUnavailableError(
                f"cannot look up {self.record_type} {external_id!r} in NetSuite: "
                f"{error.code}: {error.message}"
            ) from error
        except NetSuiteError as error:
            raise SinkUnavailableError(
                f"cannot look up {self.record_type} {external_id!r} in NetSuite: {error}"
            ) from error
        return str(found.internalId)

    def close(self) -> None:
        """Close the connection to NetSuite."""
        self.client.close()


def validated(model: type[_Document], document: Mapping[str, Any]) -> _Document:
    """``document`` as a ``model``.

    Raises:
        SinkRejectedError: it does not fit, each problem named by its field.
    """
    try:
        return model.model_validate(dict(document))
    except pydantic.ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'document'}: {item['msg']}"
            for item in error.errors(include_url=False)
        )
        raise SinkRejectedError(f"not a valid {model.__name__}: {problems}") from None


def outcome_of(what: str, call: Callable[[], _Result]) -> _Result:
    """What ``call`` returns; the client's errors as the sink outcomes of the module's table.

    Args:
        what: the write, for messages (``the add of itemFulfillment ahead-fulfillment-1001``).
        call: the write.
    """
    try:
        return call()
    except NetSuiteRecordError as error:
        if error.retryable:
            raise SinkUnavailableError(
                f"NetSuite's concurrency limit refused {what}: {error.code}: {error.message}"
            ) from error
        raise SinkRejectedError(
            f"NetSuite refused {what}: {error.code}: {error.message}"
        ) from error
    except (NetSuiteOutcomeUnknownError, NetSuiteResponseError) as error:
        raise SinkOutcomeUnknownError(f"{what} may or may not have been done: {error}") from error
    except NetSuiteError as error:
        # Faults (limits after the client's retries, credentials), HTTP errors, the WSDL.
        raise SinkUnavailableError(f"NetSuite did not carry out {what}: {error}") from error
