"""Reading an AHEAD list from a position, record by record, so that one bad record stops nothing.

The client decodes a whole page at once and refuses the page when one record does not fit its
model. A source must not stop on one bad record, so when a page is refused this module reads
that stretch of the list again one record per request, and hands on the record that does not
fit as :class:`Unreadable`, with the problem, instead of failing. It does so only when the
answer is a well-formed list envelope holding one record: an answer that is not (an HTML page
from a proxy, say) is a failure of the whole read, never a reason to pass over records.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pydantic
from pydantic import BaseModel

from adapters.ahead.positions import ListPosition
from connector.api import AheadClient, AheadError, UnexpectedResponseError
from connector.api.models import Page

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)

_RawPage = Page[Any]


class AheadSourceError(Exception):
    """An AHEAD source could not read from AHEAD; nothing past the records it yielded was read.

    The engine then stores no cursor past the records already handled, so the next run reads
    from there again.

    Attributes:
        detail: what failed, for operators.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Unreadable:
    """A record of an AHEAD list that does not fit its model.

    Attributes:
        fields: the record as the API sent it.
        problem: what does not fit, naming the field and what was expected.
    """

    fields: Mapping[str, Any]
    problem: str

    @property
    def record_id(self) -> int | None:
        """The record's id, if it has a whole number there."""
        return _whole_or_none(self.fields.get("id"))

    def text(self, name: str) -> str | None:
        """The top-level field ``name`` if it is text, else ``None``."""
        value = self.fields.get(name)
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Listed(Generic[ModelT]):
    """One record of an AHEAD list and its place in it.

    Attributes:
        place: 0 for the first record of the list.
        record: the record, or what could be made of it.
    """

    place: int
    record: ModelT | Unreadable

    @property
    def record_id(self) -> int | None:
        """The record's id, ``None`` if it has none that can be read."""
        if isinstance(self.record, Unreadable):
            return self.record.record_id
        return _whole_or_none(getattr(self.record, "id", None))


#: The records of a list, as read; closing it stops the reading.
_Records = Generator[Listed[ModelT], None, None]


class ListReader(Generic[ModelT]):
    """Reads one AHEAD list in pages, in the API's order (by id).

    Args:
        client: the AHEAD client.
        resource: the list's resource name, e.g. ``"invoices"``.
        model: the model the client decodes its records into.
        page_size: records per request.
        what: how messages name the records, e.g. ``"invoices"``.
    """

    def __init__(
        self,
        client: AheadClient,
        resource: str,
        model: type[ModelT],
        page_size: int,
        what: str,
    ) -> None:
        self._client = client
        self._resource = resource
        self._model = model
        self._page_size = page_size
        self._what = what

    def resume(self, position: ListPosition) -> tuple[ListPosition, _Records[ModelT]]:
        """Where reading really starts, and the records from there.

        The record at ``position.settled - 1`` must still have the id ``position.last_id``;
        if it has not (the list shifted, or the server ignores ``offset``), reading starts
        from the beginning of the list instead.

        Raises:
            AheadSourceError: AHEAD could not be read.
        """
        if position.settled == 0:
            return position, self.read_from(0)
        records = self.read_from(position.settled - 1)
        anchor = next(records, None)
        if anchor is not None and anchor.record_id == position.last_id:
            return position, records
        records.close()
        found = "nothing" if anchor is None else f"the record with id {anchor.record_id}"
        _log_restart(self._what, position, found)
        start = ListPosition.start(position.resource)
        return start, self.read_from(0)

    def read_from(self, place: int) -> _Records[ModelT]:
        """The records from ``place`` to the end of the list.

        Raises (when iterated):
            AheadSourceError: AHEAD could not be read.
        """
        while True:
            records, total = self._page(place)
            if not records:
                return
            yield from records
            place += len(records)
            if place >= total:
                return

    def _page(self, offset: int) -> tuple[list[Listed[ModelT]], int]:
        try:
            page = self._client.list(self._resource, limit=self._page_size, offset=offset)
        except UnexpectedResponseError:
            # Some record of the page does not fit; find which, one record at a time.
            return self._one_by_one(offset)
        except AheadError as exc:
            raise self._failure(offset, exc) from exc
        records = [self._listed(offset + index, item) for index, item in enumerate(page.results)]
        return records, page.total_results

    def _one_by_one(self, offset: int) -> tuple[list[Listed[ModelT]], int]:
        found: list[Listed[ModelT]] = []
        total = offset
        for place in range(offset, offset + self._page_size):
            try:
                page = self._client.list(self._resource, limit=1, offset=place)
            except UnexpectedResponseError as exc:
                unreadable, total = self._unreadable(place, exc)
                found.append(Listed(place, unreadable))
            except AheadError as exc:
                raise self._failure(place, exc) from exc
            else:
                if not page.results:
                    break
                found.append(self._listed(place, page.results[0]))
                total = page.total_results
            if place + 1 >= total:
                break
        return found, total

    def _unreadable(self, place: int, error: UnexpectedResponseError) -> tuple[Unreadable, int]:
        """The one record of a refused single-record page, if the page is a good envelope."""
        try:
            page = _RawPage.model_validate(json.loads(error.body))
        except (ValueError, pydantic.ValidationError):
            raise self._failure(place, error) from error
        if len(page.results) != 1 or not isinstance(page.results[0], dict):
            raise self._failure(place, error)
        fields: dict[str, Any] = page.results[0]
        try:
            self._model.model_validate(fields)
        except pydantic.ValidationError as exc:
            return Unreadable(fields, describe_invalid(exc)), page.total_results
        # It fits after all (it changed between the two requests): the whole read is suspect.
        raise self._failure(place, error)

    def _listed(self, place: int, item: BaseModel) -> Listed[ModelT]:
        if not isinstance(item, self._model):
            raise AheadSourceError(
                f"the AHEAD client decoded {self._what} into {type(item).__name__}, not "
                f"{self._model.__name__}; the endpoint table and the source disagree"
            )
        return Listed(place, item)

    def _failure(self, place: int, error: AheadError) -> AheadSourceError:
        return AheadSourceError(
            f"cannot read {self._what} from AHEAD (the list at offset {place}): {error}. "
            "Nothing after the records already handled is taken as read; the next run reads "
            "from there again."
        )


def describe_invalid(error: pydantic.ValidationError) -> str:
    """Every problem of a validation error, each naming its field: ``lines.0.quantity: ...``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'record'}: {item['msg']}"
        for item in error.errors(include_url=False)
    )


def _whole_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _log_restart(what: str, position: ListPosition, found: str) -> None:
    logger.warning(
        "the list of %s changed before the stored position (the record at place %d should "
        "have id %s, found %s); reading it from the start again. Records already handled are "
        "skipped.",
        what,
        position.settled - 1,
        position.last_id,
        found,
    )
