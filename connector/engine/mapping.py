"""How a source record becomes the document a sink writes.

The declarative mapping engine (YAML files with sandboxed Jinja2 values) plugs in here later;
until then :class:`PassThroughMapping` sends the source payload as it is.
"""

from __future__ import annotations

from typing import Any, Protocol

from adapters.base import Record

__all__ = ["Mapping", "MappingError", "MappingUnavailableError", "PassThroughMapping"]


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


class MappingUnavailableError(Exception):
    """The mapping could not run now: a service it needs is unavailable.

    Not the record's fault, and not a rejection: the engine treats it like a sink's temporary
    failure. Nothing is sent and no intent is written; the record stays ``pending``, due again
    after the flow's backoff, and goes ``dead`` when ``max_attempts`` run out. The source is not
    acknowledged. A mapping raises it for failures that may go away by themselves (no answer,
    a server error, a rate limit), never for a problem of the record or of the configuration.

    Attributes:
        detail: what could not be had and why; shown to operators.
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
            MappingUnavailableError: the record cannot be mapped now; try again later.
        """
        ...


class PassThroughMapping:
    """Sends the source record's payload unchanged."""

    def map(self, record: Record) -> dict[str, Any]:
        """A copy of ``record.payload``."""
        return dict(record.payload)

    def __repr__(self) -> str:
        return "PassThroughMapping()"
