"""Transaction searches in the simulator: criteria, saved searches and paging.

A search runs once, when it is asked for; its hits are kept under a search id for
``searchMoreWithId`` for :attr:`SimulatorConfig.search_lifetime` seconds. Hits are ordered by
``lastModifiedDate``, then internal id, like a saved search sorted by date modified, so that a
reader can resume from the last date it saw. Pages are numbered from 1.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.netsuite.records import RecordType
from adapters.netsuite.simulator.config import SavedSearch, SimulatorConfig
from adapters.netsuite.simulator.errors import RecordError
from adapters.netsuite.simulator.store import RecordStore, StoredRecord

#: NetSuite's bounds of a synchronous search's page size.
MIN_PAGE_SIZE = 5
MAX_PAGE_SIZE = 1000

_TRANSACTIONS: dict[str, RecordType] = {
    str(record_type.search_type): record_type
    for record_type in RecordType
    if record_type.search_type is not None
}

Matcher = Callable[[StoredRecord], bool]


@dataclass
class SearchSession:
    """The hits of one search, for paging.

    Attributes:
        search_id: the id ``searchMoreWithId`` pages with.
        hits: the records found, in order, as (type, internal id).
        page_size: records per page.
        body_fields_only: whether records come without their sublists.
        started: when the search ran (monotonic seconds).
    """

    search_id: str
    hits: list[tuple[RecordType, str]]
    page_size: int
    body_fields_only: bool
    started: float

    @property
    def total_pages(self) -> int:
        """How many pages the hits fill."""
        return math.ceil(len(self.hits) / self.page_size)

    def page(self, index: int) -> list[tuple[RecordType, str]]:
        """The hits on page ``index`` (from 1)."""
        start = (index - 1) * self.page_size
        return self.hits[start : start + self.page_size]


class Searches:
    """Runs searches over a store and keeps their sessions.

    Args:
        store: the records searched.
        config: saved searches, default page size and how long a search id lives.
        monotonic: the clock of search lifetimes.
    """

    def __init__(
        self,
        store: RecordStore,
        config: SimulatorConfig,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._config = config
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._sessions: dict[str, SearchSession] = {}
        self._saved = {saved.search_id: saved for saved in config.saved_searches}

    def add_saved_search(self, saved: SavedSearch) -> None:
        """Make a saved search known (replacing one with the same id)."""
        with self._lock:
            self._saved[saved.search_id] = saved

    def saved_search(self, search_id: str) -> SavedSearch | None:
        """The saved search with that internal id, if it is known."""
        with self._lock:
            return self._saved.get(search_id)

    def run(
        self,
        search_record: Mapping[str, Any],
        preferences: Mapping[str, Any],
        account: str,
    ) -> SearchSession:
        """Run a search (record data of a ``searchRecord``) and keep its session.

        Raises:
            RecordError: a saved search, criterion or page size the simulator does not know.
        """
        kind = search_record.get("@xsi:type")
        if kind == "TransactionSearchAdvanced":
            saved = self._saved_search(search_record)
            criteria = search_record.get("criteria") or {}
            basic = criteria.get("basic") or {}
            types = saved.record_types if saved else frozenset(_TRANSACTIONS.values())
        elif kind == "TransactionSearch":
            basic = search_record.get("basic") or {}
            types = frozenset(_TRANSACTIONS.values())
        elif kind == "TransactionSearchBasic":
            basic = search_record
            types = frozenset(_TRANSACTIONS.values())
        else:
            raise RecordError("INVALID_SRCH", f"The simulator cannot run a {kind} search.")
        matchers, types = _criteria(basic, types)
        page_size = _page_size(preferences, self._config.default_page_size)
        with self._store.lock:
            found = [
                record
                for record_type in sorted(types)
                for record in self._store.all(record_type)
                if all(match(record) for match in matchers)
            ]
        found.sort(key=lambda record: (record.last_modified, int(record.internal_id)))
        session = SearchSession(
            search_id=f"WEBSERVICES_{account}_{secrets.token_hex(12)}",
            hits=[(record.type, record.internal_id) for record in found],
            page_size=page_size,
            body_fields_only=_flag(preferences.get("bodyFieldsOnly"), default=True),
            started=self._monotonic(),
        )
        with self._lock:
            self._sessions[session.search_id] = session
        return session

    def session(self, search_id: str, page_index: int) -> SearchSession:
        """The session of ``search_id``, checked to have page ``page_index``.

        Raises:
            RecordError: the search id is unknown or expired, or there is no such page.
        """
        with self._lock:
            session = self._sessions.get(search_id)
            if session is not None and (
                self._monotonic() - session.started > self._config.search_lifetime
            ):
                del self._sessions[search_id]
                session = None
        if session is None:
            raise RecordError(
                "INVALID_SEARCH_MORE", f"The search {search_id} is unknown or has expired."
            )
        if not 1 <= page_index <= max(session.total_pages, 1):
            raise RecordError(
                "INVALID_PAGE_INDEX",
                f"Page {page_index} does not exist: the search has {session.total_pages} pages.",
            )
        return session

    def _saved_search(self, search_record: Mapping[str, Any]) -> SavedSearch | None:
        search_id = search_record.get("@savedSearchId")
        script_id = search_record.get("@savedSearchScriptId")
        if not search_id and not script_id:
            return None
        with self._lock:
            for saved in self._saved.values():
                if (search_id and saved.search_id == search_id) or (
                    script_id and saved.script_id == script_id
                ):
                    return saved
        raise RecordError("INVALID_SRCH", f"There is no saved search {search_id or script_id}.")


def _flag(value: Any, *, default: bool) -> bool:
    if value is None:
        return default
    return str(value).strip().lower() in {"true", "1"}


def _page_size(preferences: Mapping[str, Any], default: int) -> int:
    value = preferences.get("pageSize")
    if value is None:
        return default
    try:
        size = int(str(value))
    except ValueError:
        size = 0
    if not MIN_PAGE_SIZE <= size <= MAX_PAGE_SIZE:
        raise RecordError(
            "INVALID_SEARCH_PAGE_SIZE",
            f"The page size must be from {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE}, not {value}.",
        )
    return size


def _criteria(
    basic: Mapping[str, Any], types: frozenset[RecordType]
) -> tuple[list[Matcher], frozenset[RecordType]]:
    matchers: list[Matcher] = []
    for name, field in basic.items():
        if name.startswith("@"):
            continue
        if name == "type":
            types = types & _type_filter(field)
        elif name == "mainLine":
            continue  # records, not lines, are returned either way
        elif name in {"lastModifiedDate", "dateCreated"}:
            matchers.append(_date_matcher(name, field))
        elif name in {"externalIdString", "tranId"}:
            matchers.append(_string_matcher(name, field))
        elif name in {"internalId", "externalId", "createdFrom"}:
            matchers.append(_reference_matcher(name, field))
        elif name == "internalIdNumber":
            matchers.append(_number_matcher(field))
        else:
            raise RecordError("USER_ERROR", f"The simulator cannot search by {name}.")
    return matchers, types


def _type_filter(field: Mapping[str, Any]) -> frozenset[RecordType]:
    values = field.get("searchValue", [])
    unknown = [value for value in values if value not in _TRANSACTIONS]
    if unknown:
        raise RecordError("INVALID_SRCH", f"The simulator has no transactions of type {unknown}.")
    chosen = frozenset(_TRANSACTIONS[value] for value in values)
    if field.get("@operator", "anyOf") == "noneOf":
        return frozenset(_TRANSACTIONS.values()) - chosen
    return chosen


def _date(value: Any) -> datetime:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise RecordError("INVALID_FLD_VALUE", f"{value!r} is not a date and time.") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _date_matcher(name: str, field: Mapping[str, Any]) -> Matcher:
    operator = str(field.get("@operator", ""))
    first = _date(field["searchValue"]) if "searchValue" in field else None
    second = _date(field["searchValue2"]) if "searchValue2" in field else None
    negated = operator.startswith("not") and operator not in {"notEmpty"}
    base = operator[3].lower() + operator[4:] if negated else operator

    def test(record: StoredRecord) -> bool:
        raw = record.data.get("lastModifiedDate" if name == "lastModifiedDate" else "createdDate")
        if base in {"empty", "notEmpty"}:
            return (raw is None) == (base == "empty")
        if raw is None or first is None:
            return False
        value = _date(raw)
        result = {
            "after": lambda: value > first,
            "before": lambda: value < first,
            "on": lambda: value.date() == first.date(),
            "onOrAfter": lambda: value >= first,
            "onOrBefore": lambda: value <= first,
            "within": lambda: second is not None and first <= value <= second,
        }.get(base)
        if result is None:
            raise RecordError("INVALID_SRCH", f"{operator!r} is not a date operator.")
        return result() != negated

    return test


def _string_matcher(name: str, field: Mapping[str, Any]) -> Matcher:
    operator = str(field.get("@operator", "is"))
    wanted = str(field.get("searchValue", ""))
    tests: dict[str, Callable[[str], bool]] = {
        "is": lambda value: value == wanted,
        "isNot": lambda value: value != wanted,
        "startsWith": lambda value: value.startswith(wanted),
        "contains": lambda value: wanted in value,
        "doesNotContain": lambda value: wanted not in value,
    }
    if operator not in tests:
        raise RecordError("USER_ERROR", f"The simulator cannot search with {operator!r}.")
    key = "@externalId" if name == "externalIdString" else "tranId"
    return lambda record: tests[operator](str(record.data.get(key, "")))


def _reference_matcher(name: str, field: Mapping[str, Any]) -> Matcher:
    refs: Sequence[Mapping[str, Any]] = field.get("searchValue", [])
    attribute = "@externalId" if name == "externalId" else "@internalId"
    wanted = {str(ref.get(attribute, "")) for ref in refs}
    none_of = field.get("@operator", "anyOf") == "noneOf"

    def value(record: StoredRecord) -> str:
        if name == "createdFrom":
            created_from = record.data.get("createdFrom") or {}
            return str(created_from.get("@internalId", ""))
        return str(record.data.get(attribute, ""))

    return lambda record: (value(record) in wanted) != none_of


def _number_matcher(field: Mapping[str, Any]) -> Matcher:
    operator = str(field.get("@operator", "equalTo"))
    wanted = int(str(field.get("searchValue", "0")))
    tests: dict[str, Callable[[int], bool]] = {
        "equalTo": lambda value: value == wanted,
        "greaterThan": lambda value: value > wanted,
        "greaterThanOrEqualTo": lambda value: value >= wanted,
        "lessThan": lambda value: value < wanted,
        "lessThanOrEqualTo": lambda value: value <= wanted,
    }
    if operator not in tests:
        raise RecordError("USER_ERROR", f"The simulator cannot search with {operator!r}.")
    return lambda record: tests[operator](int(record.internal_id))
