"""Turning the bytes of one JSON file into keyed documents, or saying exactly why not.

A file holds one JSON object (one record) or an array of objects (one record each). Every
object must carry its key at the configured dotted path. A file is taken whole or not at all:
if any part of it is wrong, none of its records is yielded and the file is set aside with a
report, so a file is never half-processed because of its own content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Lines longer than this are cut around the error in a report's excerpt.
_EXCERPT_WIDTH = 120


@dataclass(frozen=True)
class KeyedDocument:
    """One record's worth of a file: its key and its JSON object."""

    key: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Unreadable:
    """Why a file cannot be turned into records.

    Attributes:
        problem: what is wrong, with line and column where the JSON itself is broken.
        expected: what the file should have held instead.
    """

    problem: str
    expected: str


def read_documents(
    data: bytes, *, key_field: str, key_prefix: str = ""
) -> list[KeyedDocument] | Unreadable:
    """The keyed documents of a file's bytes, or why there are none.

    Args:
        data: the file's content, UTF-8 (a leading byte order mark is allowed).
        key_field: the dotted path to each object's key.
        key_prefix: put before every key.
    """
    expected = (
        f"UTF-8 JSON text: one object, or an array of objects, each with its key at {key_field!r}"
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        problem = (
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line}, column {column} "
            "cannot be decoded"
        )
        return Unreadable(problem, expected)
    if not text.strip():
        return Unreadable("the file is empty", expected)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        return Unreadable(f"{problem}\n{_excerpt(text, exc.lineno, exc.colno)}", expected)
    except RecursionError:
        return Unreadable("not readable JSON: it is nested too deeply", expected)
    return _documents(value, key_field, key_prefix, expected)


def _documents(
    value: Any, key_field: str, key_prefix: str, expected: str
) -> list[KeyedDocument] | Unreadable:
    if isinstance(value, dict):
        objects: list[tuple[str, dict[str, Any]]] = [("", value)]
    elif isinstance(value, list):
        if not value:
            return Unreadable("the array is empty: the file holds no record", expected)
        objects = []
        for index, element in enumerate(value):
            if not isinstance(element, dict):
                return Unreadable(
                    f"element {index} of the array is {_json_type(element)}, not an object",
                    expected,
                )
            objects.append((f"element {index}: ", element))
    else:
        return Unreadable(f"the file holds {_json_type(value)}, not an object", expected)
    documents: list[KeyedDocument] = []
    first_with_key: dict[str, int] = {}
    for index, (where, payload) in enumerate(objects):
        key = _key_of(payload, key_field)
        if isinstance(key, Unreadable):
            return Unreadable(where + key.problem, expected)
        full_key = key_prefix + key
        if full_key in first_with_key:
            return Unreadable(
                f"elements {first_with_key[full_key]} and {index} have the same key "
                f"{full_key!r}; each record of a file needs its own key",
                expected,
            )
        first_with_key[full_key] = index
        documents.append(KeyedDocument(full_key, payload))
    return documents


def _key_of(payload: dict[str, Any], key_field: str) -> str | Unreadable:
    found: Any = payload
    for part in key_field.split("."):
        if isinstance(found, dict) and part in found:
            found = found[part]
        elif isinstance(found, list) and part.isdigit() and int(part) < len(found):
            found = found[int(part)]
        else:
            return Unreadable(f"there is no value at {key_field!r} (the key_field)", "")
    if isinstance(found, str) and found.strip():
        return found
    if isinstance(found, int) and not isinstance(found, bool):
        return str(found)
    what = "an empty string" if isinstance(found, str) else _json_type(found)
    return Unreadable(
        f"the value at {key_field!r} (the key_field) is {what}; a key must be non-empty text "
        "or a whole number",
        "",
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _excerpt(text: str, line: int, column: int) -> str:
    """The broken line with a caret under the column, as a report shows it."""
    lines = text.splitlines() or [""]
    content = lines[min(line, len(lines)) - 1].expandtabs(1)
    start = max(0, column - 1 - _EXCERPT_WIDTH // 2)
    shown = content[start : start + _EXCERPT_WIDTH]
    gutter = f"{line} | "
    return f"{gutter}{shown}\n{' ' * (len(gutter) - 2)}| {' ' * (column - 1 - start)}^"
