"""A sink that writes an AHEAD RMA's number and status back to the NetSuite return
authorization line that holds the returned serial number.

Record: an RMA of the ``ahead-rma-status`` source, whose key is its reference,
``returnAuthorization:<internal id>:<serial>`` (the ``netsuite-return-authorizations`` key
without the account). A return authorization may name several serial numbers, each with its own
RMA, so the status goes to line custom fields (column fields, script ids are settings) of the
line whose ``serialNumbers`` holds the serial. When that line holds one serial number the
fields hold the RMA's number and status; when it holds several, they hold one
``<serial>: <value>`` line per serial, and the sink keeps the other serials' entries. The
write is an ``update`` with ``replaceAll="false"`` that sends only that line (its ``line``
and custom fields, the line's other custom fields sent back as they were), so it is safe to
repeat. Two records of one line written at once could lose an entry: run the flow with
``concurrency: 1`` where lines hold several serial numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from adapters.base import (
    AdapterContext,
    AdapterSettings,
    Record,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.netsuite.errors import NetSuiteError, NetSuiteRecordError
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.records import RecordType
from adapters.netsuite.sink_base import (
    RECORD_DOES_NOT_EXIST,
    NetSuiteSink,
    NetSuiteSinkSettings,
    outcome_of,
    validated,
)
from adapters.netsuite.targets import ReturnAuthorizationStatusDocument

# NetSuite separates the serial numbers of a line by commas, spaces or line breaks.
_SERIAL_SEPARATORS = re.compile(r"[,\s]+")
_ENTRY_SEPARATOR = ": "


class NetSuiteReturnAuthorizationStatusSinkSettings(NetSuiteSinkSettings):
    """The settings of :class:`NetSuiteReturnAuthorizationStatusSink`.

    Attributes:
        key_prefix: the part of the key before ``<internal id>:<serial>``
            (``returnAuthorization:``).
        rma_number_field: the script id of the line's custom field for the AHEAD RMA number.
        rma_status_field: the script id of the line's custom field for the AHEAD RMA status.
    """

    key_prefix: str = "returnAuthorization:"
    rma_number_field: str = Field(default="custcol_ahead_rma_number", min_length=1)
    rma_status_field: str = Field(default="custcol_ahead_rma_status", min_length=1)


class NetSuiteReturnAuthorizationStatusSink(NetSuiteSink):
    """Writes the AHEAD RMA number and status to the return authorization line of the serial
    (see the module).

    Settings: :class:`NetSuiteReturnAuthorizationStatusSinkSettings`. The reference is
    ``<internal id>:<serial>``; :meth:`lookup` finds it once the line's RMA number field holds a
    value for the serial. A second write, or :meth:`update`, writes the fields again.
    """

    kind = "netsuite-return-authorization-status"
    settings_model: ClassVar[type[AdapterSettings]] = NetSuiteReturnAuthorizationStatusSinkSettings
    record_type = RecordType.RETURN_AUTHORIZATION

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink; nothing is sent to NetSuite before the first write or lookup.

        Raises:
            TypeError: ``settings`` is not :class:`NetSuiteReturnAuthorizationStatusSinkSettings`.
        """
        if not isinstance(settings, NetSuiteReturnAuthorizationStatusSinkSettings):
            raise TypeError(
                f"{type(self).__name__} takes NetSuiteReturnAuthorizationStatusSinkSettings, "
                f"not {settings!r}"
            )
        super().__init__(settings, context)
        self.fields = settings

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Update the line's two custom fields; the reference is ``<internal id>:<serial>``.

        Raises:
            SinkRejectedError: the document is not valid, names another return authorization
                or serial than the key, no line holds the serial, or NetSuite refused the
                update (e.g. ``RCRD_DSNT_EXIST``).
            SinkUnavailableError: NetSuite was not reached or its limits refused the request.
            SinkOutcomeUnknownError: an answer that could not be read.
        """
        status = validated(ReturnAuthorizationStatusDocument, document)
        internal_id, serial = self._return_and_serial(record)
        if (status.return_authorization, status.serial) != (internal_id, serial):
            raise SinkRejectedError(
                f"the document names return authorization {status.return_authorization} and "
                f"serial {status.serial!r}, but the record key {record.key!r} names "
                f"{internal_id} and {serial!r}; they must agree"
            )
        found = self._read(internal_id, what="write to")
        if found is None:
            raise SinkRejectedError(
                f"NetSuite has no return authorization {internal_id}: {RECORD_DOES_NOT_EXIST}"
            )
        line, serials = self._line_of(found, serial)
        current = _custom_fields(line)
        values = {
            self.fields.rma_number_field: status.rma_number,
            self.fields.rma_status_field: status.rma_status,
        }
        client = self.client
        custom = [field for field in current if field.scriptId not in values]
        for script_id, value in values.items():
            text = _field_value(current, script_id, serial, value, serials)
            custom.append(
                client.value(Namespace.CORE, "StringCustomFieldRef", scriptId=script_id, value=text)
            )
        change = client.record(
            RecordType.RETURN_AUTHORIZATION,
            internalId=internal_id,
            itemList=client.value(
                Namespace.CUSTOMERS,
                "ReturnAuthorizationItemList",
                item=[
                    client.value(
                        Namespace.CUSTOMERS,
                        "ReturnAuthorizationItem",
                        line=line.line,
                        customFieldList=client.value(
                            Namespace.CORE, "CustomFieldList", customField=custom
                        ),
                    )
                ],
                replaceAll=False,
            ),
        )
        written = outcome_of(
            f"the update of return authorization {internal_id}",
            lambda: str(client.update(change).internal_id),
        )
        return f"{written}:{serial}"

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Write the fields again."""
        return self.write(record, document)

    def lookup(self, record: Record) -> str | None:
        """``<internal id>:<serial>`` once the line's RMA number field holds a value for the
        serial, else ``None``.

        Raises:
            SinkUnavailableError: NetSuite could not be asked.
        """
        try:
            internal_id, serial = self._return_and_serial(record)
        except SinkRejectedError:
            return None
        found = self._read(internal_id, what="look up")
        if found is None:
            return None
        try:
            line, serials = self._line_of(found, serial)
        except SinkRejectedError:
            return None
        number = _entry(_custom_fields(line), self.fields.rma_number_field, serial, serials)
        return f"{internal_id}:{serial}" if number else None

    def _read(self, internal_id: str, *, what: str) -> Any:
        try:
            return self.client.get(RecordType.RETURN_AUTHORIZATION, internal_id=internal_id)
        except NetSuiteRecordError as error:
            if error.code == RECORD_DOES_NOT_EXIST:
                return None
            raise SinkUnavailableError(
                f"cannot read return authorization {internal_id} to {what} it: "
                f"{error.code}: {error.message}"
            ) from error
        except NetSuiteError as error:
            raise SinkUnavailableError(
                f"cannot read return authorization {internal_id} to {what} it: {error}"
            ) from error

    def _line_of(self, found: Any, serial: str) -> tuple[Any, list[str]]:
        """The line whose serial numbers hold ``serial``, and those serial numbers."""
        lines = found.itemList.item if found.itemList is not None else []
        for line in lines or []:
            serials = [s for s in _SERIAL_SEPARATORS.split(line.serialNumbers or "") if s]
            if serial in serials:
                if line.line is None:
                    raise SinkRejectedError(
                        f"the line of return authorization {found.tranId} ({found.internalId}) "
                        f"holding the serial number {serial!r} has no line number to update"
                    )
                return line, serials
        raise SinkRejectedError(
            f"no line of return authorization {found.tranId} ({found.internalId}) holds the "
            f"serial number {serial!r}"
        )

    def _return_and_serial(self, record: Record) -> tuple[str, str]:
        prefix = self.options.key_prefix
        rest = record.key[len(prefix) :] if record.key.startswith(prefix) else ""
        internal_id, _, serial = rest.partition(":")
        if not internal_id.isdigit() or not serial:
            raise SinkRejectedError(
                f"the record key {record.key!r} is not {prefix!r} followed by a return "
                "authorization's internal id, ':' and a serial number"
            )
        return internal_id, serial


def _custom_fields(line: Any) -> list[Any]:
    custom = line.customFieldList.customField if line.customFieldList is not None else None
    return list(custom or [])


def _entry(current: list[Any], script_id: str, serial: str, serials: list[str]) -> str | None:
    """The value of ``script_id`` for ``serial``: the whole field on a line of one serial."""
    text = next(
        (str(field.value) for field in current if field.scriptId == script_id and field.value),
        None,
    )
    if text is None or len(serials) == 1:
        return text
    return _entries(text).get(serial)


def _field_value(
    current: list[Any], script_id: str, serial: str, value: str, serials: list[str]
) -> str:
    """The field's new text: ``value``, or on a line of several serials every serial's entry
    with ``serial``'s set to ``value``, in the line's order of serials."""
    if len(serials) == 1:
        return value
    old = next(
        (str(field.value) for field in current if field.scriptId == script_id and field.value),
        "",
    )
    entries = {**_entries(old), serial: value}
    return "\n".join(
        f"{name}{_ENTRY_SEPARATOR}{entries[name]}" for name in serials if name in entries
    )


def _entries(text: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for line in text.splitlines():
        name, separator, value = line.partition(_ENTRY_SEPARATOR)
        if separator:
            entries[name.strip()] = value.strip()
    return entries
