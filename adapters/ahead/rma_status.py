"""A source of the AHEAD RMAs the connector requested, with their status, for status back.

Record:
    key: the RMA's reference (:mod:`adapters.ahead.rma_reference`), the record key the
        ``ahead-rmas`` sink requested it for without its ``key_prefix``, e.g.
        ``returnAuthorization:1003:SN-1``.
    origin: ``AHEAD RMA <id>``.
    payload: ``id``, ``reference``, ``manufacturer_serial``, ``status`` (its name),
        ``status_id``, ``subject``, ``start_date``, ``closed_date``, ``order_id``,
        ``repair_order_id`` and ``replacement_order_id``. The comments are left out, so a new
        troubleshooting note is not a new status.

RMAs without a reference line (requested by hand or by another channel), or whose reference
does not start with ``reference_prefix``, are passed over.

Cursor: a position in the list of all RMAs (``GET /v2/rmas``, in id order; see
:mod:`adapters.ahead.positions`). A closed RMA (``closed_date`` set) is settled: the reference
desk closes an RMA last, so its status no longer changes. An open RMA is yielded on every read
(the engine skips it while its status is the same) and holds the position, so the next read
comes back to it and to everything after it. The list leaves the problem text out, so each RMA
past the position is read once more by id (``GET /v2/rmas/{id}``) for its reference.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import closing
from types import MappingProxyType
from typing import Any, ClassVar

from pydantic import Field

from adapters.ahead.listing import AheadSourceError, Listed, ListReader, Unreadable
from adapters.ahead.positions import CursorError, ListOrderError, ListPosition, SettledPrefix
from adapters.ahead.rma_reference import rma_reference
from adapters.ahead.service import ahead_client_of
from adapters.base import AdapterContext, AdapterSettings, Record, Source
from connector.api import AheadError
from connector.api.endpoints import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from connector.api.models import Rma

logger = logging.getLogger(__name__)

_RMAS = "rmas"


class AheadRmaStatusSourceSettings(AdapterSettings):
    """The settings of :class:`AheadRmaStatusSource`.

    Attributes:
        reference_prefix: only RMAs whose reference starts with it count (e.g.
            ``returnAuthorization:``). Empty (the default): every RMA with a reference.
        page_size: RMAs asked for per request, 1 to 1000.
    """

    reference_prefix: str = ""
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def rma_status_document(rma: Rma, reference: str) -> dict[str, Any]:
    """The payload of an RMA (see the module)."""
    return {
        "id": rma.id,
        "reference": reference,
        "manufacturer_serial": rma.manufacturer_serial,
        "status": None if rma.status is None else rma.status.name,
        "status_id": None if rma.status is None else rma.status.id,
        "subject": rma.subject,
        "start_date": None if rma.start_date is None else rma.start_date.isoformat(),
        "closed_date": None if rma.closed_date is None else rma.closed_date.isoformat(),
        "order_id": rma.order_id,
        "repair_order_id": rma.repair_order_id,
        "replacement_order_id": rma.replacement_order_id,
    }


class AheadRmaStatusSource(Source):
    """Yields the RMAs the connector requested, with their status (see the module).

    Settings: :class:`AheadRmaStatusSourceSettings`. The source uses the
    :class:`~connector.api.AheadClient` the engine provides as ``context.services["ahead"]``.
    An RMA AHEAD sends in a shape the connector cannot read is set aside (:meth:`quarantine`:
    logged as an error and listed in :attr:`quarantined`).
    """

    kind = "ahead-rma-status"
    settings_model: ClassVar[type[AdapterSettings]] = AheadRmaStatusSourceSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source.

        Raises:
            TypeError: ``settings`` is not :class:`AheadRmaStatusSourceSettings`.
            AdapterSettingsError: the context holds no AHEAD client.
        """
        if not isinstance(settings, AheadRmaStatusSourceSettings):
            raise TypeError(
                f"{type(self).__name__} takes AheadRmaStatusSourceSettings, not {settings!r}"
            )
        super().__init__(settings, context)
        self.options = settings
        self.client = ahead_client_of(context, type(self))
        self._reader = ListReader(self.client, _RMAS, Rma, settings.page_size, "RMAs")
        self._quarantined: dict[str, str] = {}

    @property
    def quarantined(self) -> Mapping[str, str]:
        """The input this source has set aside since it was made: origin to problem."""
        return MappingProxyType(dict(self._quarantined))

    def quarantine(self, origin: str, problem: str) -> None:
        """Report an RMA that cannot become a record and remember it in :attr:`quarantined`."""
        logger.error("%s: %s is set aside: %s", self.context.name, origin, problem)
        self._quarantined[origin] = problem

    def read(self, cursor: str | None) -> Iterator[Record]:
        """The RMAs from ``cursor``'s position on, in list (id) order.

        Raises:
            AheadSourceError: AHEAD could not be read, the list is not in id order, or the
                cursor is not one of this source's. Records yielded before stay valid.
        """
        try:
            stored = ListPosition.decode(cursor, _RMAS)
        except CursorError as exc:
            raise AheadSourceError(str(exc)) from None
        start, listed_records = self._reader.resume(stored)
        walk = SettledPrefix(start)
        seen: set[str] = set()
        with closing(listed_records):
            for listed in listed_records:
                record, settled = self._examine(listed, seen)
                try:
                    walk.visit(listed.place, listed.record_id, settled=settled)
                except ListOrderError as exc:
                    raise AheadSourceError(
                        f"cannot read RMAs from AHEAD: {exc}. Positions in the list mean "
                        "nothing then, so nothing more is read."
                    ) from None
                if record is not None:
                    yield Record.of(
                        record[0], record[1], cursor=walk.position.encode(), origin=record[2]
                    )

    def _examine(
        self, listed: Listed[Rma], seen: set[str]
    ) -> tuple[tuple[str, dict[str, Any], str] | None, bool]:
        """The record to yield for a listed RMA (key, payload, origin), and whether it settled."""
        origin = f"AHEAD RMA {listed.record_id if listed.record_id is not None else '?'}"
        summary = listed.record
        if isinstance(summary, Unreadable):
            self.quarantine(origin, f"it does not fit an AHEAD RMA: {summary.problem}")
            return None, True
        try:
            rma = self.client.get(_RMAS, summary.id)
        except AheadError as exc:
            raise AheadSourceError(
                f"cannot read {origin} from AHEAD for its reference: {exc}. The next run "
                "reads from that RMA again."
            ) from exc
        if not isinstance(rma, Rma):
            raise AheadSourceError(f"the AHEAD client decoded {origin} as {type(rma).__name__}")
        settled = rma.closed_date is not None
        reference = rma_reference(rma)
        if reference is None or not reference.startswith(self.options.reference_prefix):
            return None, True
        if reference in seen:
            logger.warning(
                "%s: %s repeats the reference %r of an earlier RMA; only the earlier one is "
                "reported back. Close the duplicate in AHEAD.",
                self.context.name,
                origin,
                reference,
            )
            return None, settled
        seen.add(reference)
        return (reference, rma_status_document(rma, reference), origin), settled
