"""Turning pydantic's validation errors into problems a person can act on.

Each error is placed at the line and column where the offending key or value was written, and
its message is reworded where pydantic's is vague: an unknown key names the keys allowed there
(or the close one that was probably meant), a missing one says which key to add. Messages never
repeat the value that was given, so a secret is never echoed.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel

from connector.config.documents import ConfigPath, Place, problem_at
from connector.config.errors import ConfigProblem

_DICT_KEY = "[key]"


def problems_from(
    error: pydantic.ValidationError,
    model: type[BaseModel],
    places: Mapping[ConfigPath, Place],
    file: Path,
    *,
    prefix: ConfigPath = (),
) -> Iterator[ConfigProblem]:
    """One problem per error of ``error``, raised by validating ``model``.

    Args:
        error: what pydantic found.
        model: the model that was validated.
        places: where each path of the validated data was written.
        file: the file to name when a path was not written anywhere.
        prefix: where the validated data sits in the configuration (an adapter's
            ``settings`` are validated on their own).
    """
    for item in error.errors(include_url=False, include_input=False):
        loc = item["loc"]
        at_key = item["type"] == "extra_forbidden" or (bool(loc) and loc[-1] == _DICT_KEY)
        relative = tuple(part for part in loc if part != _DICT_KEY)
        yield problem_at(
            file,
            places,
            (*prefix, *relative),
            _message(item, model, relative),
            at_key=at_key,
        )


def _message(item: Any, model: type[BaseModel], loc: ConfigPath) -> str:
    kind = item["type"]
    if kind == "extra_forbidden" and loc:
        return _unknown_key(str(loc[-1]), _model_at(model, loc[:-1]))
    if kind == "missing" and loc:
        return f"missing: add {loc[-1]}"
    if kind == "config":
        return str(item["msg"])
    text = str(item["msg"]).removeprefix("Value error, ")
    return text[:1].lower() + text[1:]


def _unknown_key(key: str, parent: type[BaseModel] | None) -> str:
    if parent is None:
        return f"unknown key {key!r}"
    allowed = list(parent.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r} (allowed here: {', '.join(allowed)})"


def _model_at(model: type[BaseModel], loc: ConfigPath) -> type[BaseModel] | None:
    """The model that validates the value at ``loc``, following fields, dicts and lists."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in {dict, list}:
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """``X`` from ``X | None`` and ``Annotated[X, ...]``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in {typing.Union, types.UnionType}:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation
