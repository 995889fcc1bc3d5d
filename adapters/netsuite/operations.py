"""The SuiteTalk operations the client calls, and which of them may be sent twice."""

from __future__ import annotations

from enum import StrEnum


class Operation(StrEnum):
    """A SuiteTalk operation, by its name in the WSDL."""

    GET = "get"
    GET_LIST = "getList"
    SEARCH = "search"
    SEARCH_MORE_WITH_ID = "searchMoreWithId"
    ADD = "add"
    UPDATE = "update"
    UPSERT = "upsert"
    INITIALIZE = "initialize"

    @property
    def repeatable(self) -> bool:
        """Whether sending the request twice has the effect of sending it once.

        Reads are; ``update`` sets the same fields again and ``upsert`` finds the record it
        made by its external id. Only ``add`` would create a second record.
        """
        return self is not Operation.ADD

    @property
    def is_write(self) -> bool:
        """Whether the operation changes records (and takes the ``preferences`` header)."""
        return self in {Operation.ADD, Operation.UPDATE, Operation.UPSERT}
