"""A source of NetSuite return authorizations, one record per returned unit's serial number.

An AHEAD RMA is for one system, named by its manufacturer serial, so a return authorization
becomes as many records as its lines name serial numbers.

Record:
    key: ``<account>:returnAuthorization:<internal id>:<serial number>``; a line without serial
        numbers gives one record keyed ``...:<internal id>:line-<line>`` whose ``serial`` is
        ``None``, so that mapping it fails with the reason instead of the unit being dropped.
    origin: ``NetSuite return authorization <tranId> (<internal id>) line <line>``.
    payload: ``{"returnAuthorization": ..., "line": ..., "serial": ...}``: the return
        authorization as a JSON document (:mod:`adapters.netsuite.documents`) without its lines,
        ``lastModifiedDate``, ``orderStatus`` and ``status`` (they change as the return is
        received, which is not a change of the request); the line without its received
        quantity; the serial number.

Cursor: the return authorization's ``lastModifiedDate``, as for the sales-order source: a read
asks for return authorizations modified on or after it, reads every page and yields them in
``lastModifiedDate``, internal id, line and serial order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

from pydantic import AwareDatetime

from adapters.base import AdapterContext, AdapterSettings, Record, Source
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.documents import record_document
from adapters.netsuite.records import RecordType
from adapters.netsuite.settings import NetSuiteSettings
from adapters.netsuite.source import NetSuiteSourceError

#: Fields of a return authorization left out of the payload (see the module).
LEFT_OUT = frozenset({"lastModifiedDate", "orderStatus", "status", "itemList"})
#: Fields of its lines left out of the payload.
LINE_LEFT_OUT = frozenset({"quantityReceived", "serialNumbers"})
# NetSuite separates the serial numbers of a line by commas, spaces or line breaks.
_SERIAL_SEPARATORS = re.compile(r"[,\s]+")


class NetSuiteReturnAuthorizationSourceSettings(NetSuiteSettings, AdapterSettings):
    """The connection (:class:`~adapters.netsuite.NetSuiteSettings`) and which returns.

    Attributes:
        saved_search_id: the saved search selecting the return authorizations, by internal id.
        saved_search_script_id: or by script id; with neither, every return authorization.
        since: without a cursor, only those modified on or after this moment; ``None``: all.
    """

    saved_search_id: str | None = None
    saved_search_script_id: str | None = None
    since: AwareDatetime | None = None


class NetSuiteReturnAuthorizationSource(Source):
    """Yields a record per returned serial number of the return authorizations changed since
    the cursor (see the module).

    Settings: :class:`NetSuiteReturnAuthorizationSourceSettings`.
    """

    kind = "netsuite-return-authorizations"
    settings_model: ClassVar[type[AdapterSettings]] = NetSuiteReturnAuthorizationSourceSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source; nothing is sent to NetSuite before the first read.

        Raises:
            TypeError: ``settings`` is not :class:`NetSuiteReturnAuthorizationSourceSettings`.
        """
        if not isinstance(settings, NetSuiteReturnAuthorizationSourceSettings):
            raise TypeError(
                f"{type(self).__name__} takes NetSuiteReturnAuthorizationSourceSettings, "
                f"not {settings!r}"
            )
        super().__init__(settings, context)
        self.options = settings
        self.client = NetSuiteClient(settings, base_dir=context.deployment_dir)

    def read(self, cursor: str | None) -> Iterator[Record]:
        """A record per returned serial number, oldest change first.

        Raises:
            NetSuiteSourceError: ``cursor`` is not a moment this source wrote.
            NetSuiteError: NetSuite could not be read (nothing is yielded then).
        """
        since = _moment(cursor) if cursor is not None else self.options.since
        returns = list(
            self.client.search(
                saved_search_id=self.options.saved_search_id,
                saved_search_script_id=self.options.saved_search_script_id,
                modified_since=since,
                record_types=[RecordType.RETURN_AUTHORIZATION],
            )
        )
        returns.sort(key=lambda found: (found.lastModifiedDate, int(found.internalId)))
        for found in returns:
            yield from self._records(found)

    def _records(self, found: Any) -> Iterator[Record]:
        internal_id = str(found.internalId)
        header = record_document(found, leave_out=LEFT_OUT)
        document = record_document(found)
        # A line's number is its ``line``, or its position where NetSuite sent none.
        lines = sorted(
            (
                (int(line.get("line", position)), line)
                for position, line in enumerate(document.get("itemList", {}).get("item", []), 1)
            ),
            key=lambda numbered: numbered[0],
        )
        prefix = f"{self.options.account}:{RecordType.RETURN_AUTHORIZATION}:{internal_id}"
        cursor = found.lastModifiedDate.isoformat()
        for number, line in lines:
            origin = (
                f"NetSuite return authorization {found.tranId or '(no number)'} ({internal_id}) "
                f"line {number}"
            )
            serials = [s for s in _SERIAL_SEPARATORS.split(line.get("serialNumbers", "")) if s]
            kept = {name: value for name, value in line.items() if name not in LINE_LEFT_OUT}
            payload: dict[str, Any]
            if not serials:
                payload = {"returnAuthorization": header, "line": kept, "serial": None}
                key = f"{prefix}:line-{number}"
                yield Record.of(key, payload, cursor=cursor, origin=origin)
                continue
            for serial in sorted(set(serials)):
                payload = {"returnAuthorization": header, "line": kept, "serial": str(serial)}
                yield Record.of(f"{prefix}:{serial}", payload, cursor=cursor, origin=origin)

    def close(self) -> None:
        """Close the connection to NetSuite."""
        self.client.close()


def _moment(cursor: str) -> datetime:
    try:
        moment = datetime.fromisoformat(cursor)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise NetSuiteSourceError(
            f"the cursor {cursor!r} is not a moment with a time zone, as this source writes them"
        )
    return moment
