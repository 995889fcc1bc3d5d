"""The generic check of an outbound X12 document: the tree shape of ``docs/x12.md``.

It knows no transaction set: it checks that segments, loops and elements are written the way
the X12 writer reads them (a segment is an object of element references such as ``BSN02``, a
repeating segment a list of them, a loop a ``<FIRST SEGMENT>_loop`` list of objects). The X12
adapter may register a validator that knows each set's segments under the same target name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from connector.mapping.target_issues import DocumentPath, TargetIssue

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_LOOP = re.compile(r"([A-Z][A-Z0-9]{1,2})_loop")
_ELEMENT_NUMBER = re.compile(r"\d{2}")
_SCALARS = (str, int, Decimal)


def x12_document_issues(document: Mapping[str, Any]) -> Sequence[TargetIssue]:
    """The places where ``document`` departs from the shape of an outbound X12 document.

    Args:
        document: the mapped document (without ``envelope``: the writer builds the envelope
            from the trading partner's configuration).
    """
    return list(_area(document, ()))


def _issue(path: DocumentPath, message: str, *, unknown: bool = False) -> TargetIssue:
    return TargetIssue(path, message, unknown=unknown)


def _area(area: Mapping[str, Any], path: DocumentPath) -> Iterator[TargetIssue]:
    for key, value in area.items():
        where = (*path, key)
        if key == "envelope" and not path:
            yield _issue(
                where,
                "leave the envelope out: the X12 writer takes it from the trading partner's "
                "configuration and the control numbers from the store",
                unknown=True,
            )
        elif _LOOP.fullmatch(key):
            yield from _loop(value, where)
        elif _SEGMENT_ID.fullmatch(key):
            yield from _segments(key, value, where)
        else:
            yield _issue(
                where,
                f"{key!r} is neither a segment id (BSN, REF) nor a loop (HL_loop)",
                unknown=True,
            )


def _loop(value: Any, path: DocumentPath) -> Iterator[TargetIssue]:
    if not isinstance(value, list):
        yield _issue(path, f"a loop is a list of objects, not {_kind(value)}")
        return
    for index, item in enumerate(value):
        if isinstance(item, Mapping):
            yield from _area(item, (*path, index))
        else:
            yield _issue((*path, index), f"a loop item is an object, not {_kind(item)}")


def _segments(segment_id: str, value: Any, path: DocumentPath) -> Iterator[TargetIssue]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _segment(segment_id, item, (*path, index))
    else:
        yield from _segment(segment_id, value, path)


def _segment(segment_id: str, value: Any, path: DocumentPath) -> Iterator[TargetIssue]:
    if not isinstance(value, Mapping):
        yield _issue(
            path, f"a segment is an object of its elements ({segment_id}01...), not {_kind(value)}"
        )
        return
    for key, element in value.items():
        where = (*path, key)
        number = key[len(segment_id) :] if key.startswith(segment_id) else ""
        if not _ELEMENT_NUMBER.fullmatch(number) or number == "00":
            yield _issue(
                where,
                f"{key!r} is not an element of {segment_id} (write {segment_id}01, "
                f"{segment_id}02, ...)",
                unknown=True,
            )
        elif not _is_element_value(element):
            yield _issue(
                where,
                "an element is text or a number, or a list of them (a composite or "
                f"repetitions), not {_kind(element)}",
            )


def _is_element_value(value: Any) -> bool:
    """Text or a number; or a list of them; or a list of such lists (repeated composites)."""
    if isinstance(value, list):
        return all(
            all(_is_scalar(p) for p in part) if isinstance(part, list) else _is_scalar(part)
            for part in value
        )
    return _is_scalar(value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, _SCALARS) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
