"""How a source record becomes the document a sink writes.

The declarative mapping engine (YAML files with sandboxed Jinja2 values) plugs in here later;
until then :class:`PassThroughMapping` sends the source payload as it is.
"""

from __future__ import annotations

from typing import Any, Protocol

from adapters.base import Record

__all__ = ["Mapping", "MappingError", "PassThroughMapping"]


class MappingError(Exception):
    """The record cannot be turned into a document: a definite rejection of that record.

    The engine records it as ``failed`` with :attr:`detail` and acknowledges the failure to the
    source; the record waits for a source change or an operator's replay.

    Attributes:
        detail: what is wrong, naming the field and what was expected; shown to operators.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Mapping(Protocol):
    """Turns a source record into the document its sink writes."""

    def map(self, record: Record) -> dict[str, Any]:
        """The document for ``record``.

        Must be deterministic: the same record gives the same document, whose hash is written
        as the intent before it is sent.

        Raises:
            MappingError: the record cannot be mapped.
        """
        ...


class PassThroughMapping:
    """Sends the source record's payload unchanged."""

    def map(self, record: Record) -> dict[str, Any]:
        """A copy of ``record.payload``."""
        return dict(record.payload)

    def __repr__(self) -> str:
        return "PassThroughMapping()"
