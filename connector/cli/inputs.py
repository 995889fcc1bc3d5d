"""Reading what the user typed: ``--data`` bodies and ``--filter`` expressions."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, TypeAdapter

from connector.api.query import FilterValue
from connector.cli.errors import UsageError, input_errors
from connector.cli.output import to_jsonable

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_body(data: str, model: type[ModelT], what: str) -> ModelT:
    """The ``--data`` value as an instance of ``model``.

    Args:
        data: JSON text, ``@FILE`` for a file holding it, or ``@-`` for standard input.
        model: the request model the body must fit.
        what: the command, for error messages (``create rmas``).

    Raises:
        UsageError: the file cannot be read, the text is not JSON, or the JSON does not fit
            ``model`` (one detail line per field).
    """
    document = _parse_json(_read_text(data), data)
    try:
        return model.model_validate(document)
    except pydantic.ValidationError as exc:
        raise UsageError(
            f"--data is not a valid {model.__name__} for {what}", input_errors(exc)
        ) from None


def validated(model: type[ModelT], what: str, **fields: Any) -> ModelT:
    """``model`` built from command-line options, with per-field errors as a usage error."""
    try:
        return model.model_validate(fields)
    except pydantic.ValidationError as exc:
        raise UsageError(
            f"the options do not make a valid {model.__name__} for {what}", input_errors(exc)
        ) from None


def parse_filters(expressions: Sequence[str], model: type[BaseModel]) -> dict[str, FilterValue]:
    """``--filter key=value`` expressions as equality filters.

    A value is converted to the type of the model's field of that name (``id=5`` is the
    number 5, ``customer_order=5`` the text ``"5"``); for a field the model does not declare,
    a JSON number, ``true``, ``false`` or ``null`` is taken as such and anything else as text.

    Raises:
        UsageError: an expression has no ``=``, or its value does not fit the field.
    """
    filters: dict[str, FilterValue] = {}
    for expression in expressions:
        key, sep, raw = expression.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--filter {expression!r} is not KEY=VALUE")
        filters[key] = _filter_value(key, raw, model)
    return filters


def _filter_value(key: str, raw: str, model: type[BaseModel]) -> FilterValue:
    field = model.model_fields.get(key)
    if field is None or field.annotation is None:
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        return value if isinstance(value, int | float | bool) or value is None else raw
    if raw == "null":
        return None
    try:
        adapter: TypeAdapter[Any] = TypeAdapter(field.annotation)
        converted = adapter.validate_strings(raw)
    except pydantic.ValidationError as exc:
        details = "; ".join(e["msg"] for e in exc.errors())
        raise UsageError(f"--filter {key}={raw}: {details}") from None
    plain = to_jsonable(converted)
    if plain is not None and not isinstance(plain, str | int | float | bool):
        raise UsageError(f"--filter {key}: only top-level text, number or boolean fields filter")
    result: FilterValue = plain
    return result


def _read_text(data: str) -> str:
    if not data.startswith("@"):
        return data
    source = data[1:]
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --data file {source}: {exc.strerror}") from None


def _parse_json(text: str, data: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = data if data.startswith("@") else "--data"
        raise UsageError(
            f"{where} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
