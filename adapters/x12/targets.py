"""The mapping targets ``x12.856`` and ``x12.810``: a mapped document is checked by laying it
out against our map, exactly as the outbox sink will before writing it.

Registered under the entry point group ``ahead_connector.mapping_targets``, they replace the
mapping engine's generic shape check of the same names, so ``mapping test`` and a flow report
what the map refuses (a missing BSN02, an unknown segment, a code not in the list) at the line
of the mapping that produced it.

Dates the sink stamps when it writes (:mod:`adapters.x12.stamps`) count as given. The layout
accepts one object where the map allows a list (a loop, or a segment that may
repeat): a list of one, which keeps single-item loops short in a mapping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from adapters.x12.layout import LayoutError
from adapters.x12.stamps import stamped
from adapters.x12.validation import TransactionSetValidator
from connector.mapping import TargetIssue, TargetValidationError

__all__ = ["X12DocumentTarget", "invoice_target", "ship_notice_target"]

# "HL_loop[0].TD1: ..." (layout) or "document HL_loop[0].TD1, TD1 (segment 4 ...): ..." (map).
_PLACE = re.compile(
    r"^(?:document )?(?P<place>[A-Za-z0-9_]+(?:\[\d+\]|\.[A-Za-z0-9_]+)*)(?:[,:]| \()"
)
# Stands in for the moment of writing, which the sink stamps (see adapters.x12.stamps).
_CHECKED_AS_OF = datetime(2000, 1, 1, tzinfo=UTC)
_STEP = re.compile(r"([A-Za-z0-9_]+)|\[(\d+)\]")
_VERSION = "004010"


class X12DocumentTarget:
    """An outbound transaction set as a mapping target.

    Args:
        name: the target's name (``x12.856``).
        set_id: the transaction set (``856``).
        description: what the document is, for ``mapping list``.
    """

    def __init__(self, name: str, set_id: str, description: str) -> None:
        self._name = name
        self.set_id = set_id
        self.description = description
        self._validator: TransactionSetValidator | None = None

    @property
    def name(self) -> str:
        """The name mapping files give as ``target``."""
        return self._name

    @property
    def model(self) -> type[BaseModel] | None:
        """No model: the map checks the document when a record is mapped."""
        return None

    def validate(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """The document, unchanged, once it lays out against the map without a problem.

        Raises:
            TargetValidationError: every problem, each at its place in the document.
        """
        if self._validator is None:
            self._validator = TransactionSetValidator()
        try:
            self._validator.layout(
                stamped(document, self.set_id, _CHECKED_AS_OF), self.set_id, _VERSION
            )
        except LayoutError as error:
            raise TargetValidationError(
                [TargetIssue(_path(problem), problem) for problem in error.problems]
            ) from None
        return dict(document)

    def __repr__(self) -> str:
        return f"X12DocumentTarget({self._name!r})"


def _path(problem: str) -> tuple[str | int, ...]:
    match = _PLACE.match(problem)
    if match is None:
        return ()
    return tuple(
        name if name else int(index) for name, index in _STEP.findall(match.group("place"))
    )


ship_notice_target = X12DocumentTarget(
    "x12.856", "856", "An X12 856 ship notice, laid out and checked against our 004010 map"
)
invoice_target = X12DocumentTarget(
    "x12.810", "810", "An X12 810 invoice, laid out and checked against our 004010 map"
)
