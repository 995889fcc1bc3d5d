"""What the AHEAD sources share: their settings, the AHEAD client, and the read loop.

A source reads one AHEAD list from its cursor (:mod:`adapters.ahead.positions`), looks at each
record and says what it is for this source: a document to yield, nothing ever (another
partner's order, an invoice from before ``since``, input set aside as unreadable), or nothing
*yet* (an order not shipped). The cursor moves over records only while every record before
them is settled, so a record that is nothing yet is read again next time, and so is everything
after it.
"""

from __future__ import annotations

import enum
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Generic

from pydantic import AwareDatetime, Field

from adapters.ahead.listing import AheadSourceError, Listed, ListReader, ModelT
from adapters.ahead.positions import CursorError, ListOrderError, ListPosition, SettledPrefix
from adapters.ahead.service import ahead_client_of
from adapters.base import AdapterContext, AdapterSettings, Record, Source
from connector.api.endpoints import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

logger = logging.getLogger(__name__)


class AheadSourceSettings(AdapterSettings):
    """The settings of the AHEAD sources.

    Attributes:
        customer_order_prefix: only orders whose ``customer_order`` starts with it count (one
            trading partner's orders); matched here, since the API filters by equality only.
            Empty (the default): every order.
        since: records from before this moment are passed over, so that a new deployment
            does not send documents for the past: orders created before it, invoices billed
            before it. ``None`` (the default): everything. It must name its time zone.
        page_size: records asked for per request, 1 to 1000.
    """

    customer_order_prefix: str = ""
    since: AwareDatetime | None = None
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


@dataclass(frozen=True)
class Found:
    """A document for the engine; it settles once the engine has handled it.

    Attributes:
        key: the record key.
        payload: the document.
        origin: where it came from, for messages (``AHEAD order 5003``).
    """

    key: str
    payload: Mapping[str, Any]
    origin: str


class Passed(enum.Enum):
    """A record that gives the engine nothing now."""

    SETTLED = "settled"
    """Nothing now or ever (another partner's, before ``since``, set aside): read past it."""

    NOT_YET = "not yet"
    """Nothing yet (an order not shipped): read it again next time."""


Examine = Callable[[Listed[ModelT]], Found | Passed]


class AheadListSource(Source, ABC, Generic[ModelT]):
    """A source that reads one AHEAD list from a settled position (see the module).

    Subclasses name the list and say what each record is, in :meth:`_examiner`.
    """

    settings_model: ClassVar[type[AdapterSettings]] = AheadSourceSettings
    #: The list read, e.g. ``invoices``.
    resource: ClassVar[str]
    #: The model of its records.
    model: ClassVar[type[Any]]
    #: How messages name its records, e.g. ``shipped orders``.
    what: ClassVar[str]

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source.

        Raises:
            TypeError: ``settings`` is not :class:`AheadSourceSettings`.
            AdapterSettingsError: the context holds no AHEAD client.
        """
        if not isinstance(settings, AheadSourceSettings):
            raise TypeError(f"{type(self).__name__} takes AheadSourceSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self.client = ahead_client_of(context, type(self))
        self._reader: ListReader[ModelT] = ListReader(
            self.client, self.resource, self.model, settings.page_size, self.what
        )
        self._quarantined: dict[str, str] = {}

    @property
    def quarantined(self) -> Mapping[str, str]:
        """The input this source has set aside since it was made: origin to problem."""
        return MappingProxyType(dict(self._quarantined))

    def read(self, cursor: str | None) -> Iterator[Record]:
        """The records of the list from ``cursor``'s position on, in list (id) order.

        Each record's cursor is the position up to which every record is settled once this
        one is: it stops at the first record that is nothing yet.

        Raises:
            AheadSourceError: AHEAD could not be read, the list is not in id order, or the
                cursor is not one of this source's. Records yielded before stay valid.
        """
        try:
            stored = ListPosition.decode(cursor, self.resource)
        except CursorError as exc:
            raise AheadSourceError(str(exc)) from None
        examine = self._examiner()
        start, listed_records = self._reader.resume(stored)
        walk = SettledPrefix(start)
        with closing(listed_records):
            for listed in listed_records:
                found = examine(listed)
                try:
                    walk.visit(listed.place, listed.record_id, settled=found is not Passed.NOT_YET)
                except ListOrderError as exc:
                    raise AheadSourceError(
                        f"cannot read {self.what} from AHEAD: {exc}. Positions in the list "
                        "mean nothing then, so nothing more is read."
                    ) from None
                if isinstance(found, Found):
                    yield Record.of(
                        found.key,
                        found.payload,
                        cursor=walk.position.encode(),
                        origin=found.origin,
                    )
        if walk.held_at is not None:
            logger.debug(
                "%s: the position stays at record %d of %s, which is not settled yet",
                self.context.name,
                walk.held_at,
                self.resource,
            )

    def quarantine(self, origin: str, problem: str) -> None:
        """Report input that cannot become a record, and remember it in :attr:`quarantined`.

        The input stays in AHEAD (nothing here can move it); the error log names it and the
        problem, so that it can be put right there.
        """
        logger.error("%s: %s is set aside and not sent: %s", self.context.name, origin, problem)
        self._quarantined[origin] = problem

    def is_ours(self, customer_order: str) -> bool:
        """Whether an order with this ``customer_order`` belongs to this source's partner."""
        return customer_order.startswith(self.options.customer_order_prefix)

    def is_before_since(self, moment: datetime | None) -> bool:
        """Whether ``moment`` is before the ``since`` setting (never when either is missing)."""
        since = self.options.since
        return since is not None and moment is not None and moment < since

    @abstractmethod
    def _examiner(self) -> Examine[ModelT]:
        """What each record of the list is for this source, for one read (which may keep
        what it learns from AHEAD for the length of the read)."""
