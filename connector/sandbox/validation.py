"""Request validation: the request models first, then the checks against reference data.

Every check here reports all it finds, each error naming its field with a dotted path
(``recipient.address_1``, ``lines.0.quantity``), so a client learns everything wrong with a body
from one answer. The reference-data checks read the raw body, not the parsed model, so they run
even when the model rejected some other field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import pydantic
from fastapi.exceptions import RequestValidationError

from connector.api.models import FieldError
from connector.sandbox.errors import SandboxHTTPError

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)

#: Where FastAPI says a request parameter came from; not part of the field path we report.
_REQUEST_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


class ReferenceLookup(Protocol):
    """What the reference-data checks need to know."""

    def country_known(self, iso_code: str) -> bool:
        """Whether a country has this ISO 3166-1 alpha-2 code."""

    def ship_method_known(self, ship_method_id: int) -> bool:
        """Whether a shipping method has this id."""

    def item_archived(self, name: str) -> bool | None:
        """Whether the item with this name is archived; ``None`` when there is no such item."""

    def task_type_known(self, task_type_id: int) -> bool:
        """Whether an automation task type has this id."""

    def serial_data_type_known(self, serial_data_type_id: int) -> bool:
        """Whether a serial data type has this id."""

    def serial_data_type_ids(self) -> list[int]:
        """Every serial data type id, for error messages."""


def field_path(loc: Sequence[str | int], *, request: bool = False) -> str | None:
    """A pydantic error location as a dotted path; ``None`` for the input as a whole.

    Args:
        loc: the error's location.
        request: the location is FastAPI's, starting with where the value came from (``body``,
            ``query``...); that first part is dropped.
    """
    parts = list(loc)
    if request and parts and parts[0] in _REQUEST_LOCATIONS:
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or None


def errors_from_pydantic(
    errors: Iterable[Mapping[str, Any]], *, request: bool = False
) -> list[FieldError]:
    """Field errors from pydantic's error list (``request``: FastAPI's, see :func:`field_path`)."""
    result = []
    for error in errors:
        message = str(error.get("msg", "invalid value"))
        # Our own validators' messages say what is wrong; pydantic's prefix adds nothing.
        message = message.removeprefix("Value error, ")
        if error.get("type") == "extra_forbidden":
            message = "unknown field; it is not part of this request"
        loc = error.get("loc", ())
        result.append(FieldError(field=field_path(loc, request=request), message=message))
    return result


def request_validation_errors(exc: RequestValidationError) -> list[FieldError]:
    """Field errors from FastAPI's :class:`RequestValidationError`."""
    return errors_from_pydantic(exc.errors(), request=True)


def validate_body(
    model: type[ModelT], payload: Any, reference_errors: Sequence[FieldError] = ()
) -> ModelT:
    """Parse a request body with its model, adding the reference-data errors found beside.

    Args:
        model: the request model.
        payload: the decoded JSON body.
        reference_errors: errors of the reference-data checks on the same body; one on a field
            the model already rejected is left out.

    Raises:
        SandboxHTTPError: 422 with every error at once.
    """
    errors: list[FieldError] = []
    parsed: ModelT | None = None
    try:
        parsed = model.model_validate(payload)
    except pydantic.ValidationError as exc:
        errors = errors_from_pydantic(exc.errors())
    rejected = {e.field for e in errors}
    errors += [e for e in reference_errors if e.field not in rejected]
    if errors or parsed is None:
        raise SandboxHTTPError(422, errors)
    return parsed


def order_reference_errors(
    payload: Any, lookup: ReferenceLookup, organization_id: int
) -> list[FieldError]:
    """Reference-data errors of a new order: organization, ship method, countries, products."""
    if not isinstance(payload, Mapping):
        return []
    errors: list[FieldError] = []
    org = _as_int(payload.get("organization_id"))
    if org is not None and org != organization_id:
        errors.append(
            FieldError(
                field="organization_id",
                message=f"{org} is not your organization; yours is {organization_id}",
            )
        )
    ship_method_id = _as_int(payload.get("ship_method_id"))
    if ship_method_id is not None and not lookup.ship_method_known(ship_method_id):
        errors.append(
            FieldError(
                field="ship_method_id",
                message=f"unknown ship method {ship_method_id}; see /v2/shipping_methods",
            )
        )
    for party in ("recipient", "importer_of_record"):
        address = payload.get(party)
        country = address.get("country") if isinstance(address, Mapping) else None
        if isinstance(country, str) and country and not lookup.country_known(country):
            errors.append(
                FieldError(
                    field=f"{party}.country",
                    message=(
                        f"{country!r} is not a known ISO 3166-1 alpha-2 country code "
                        "(upper case, see /v2/countries)"
                    ),
                )
            )
    for index, line in _entries(payload.get("lines")):
        code = line.get("product_code")
        if not isinstance(code, str) or not code:
            continue
        archived = lookup.item_archived(code)
        if archived is None:
            errors.append(
                FieldError(
                    field=f"lines.{index}.product_code",
                    message=f"unknown product code {code!r}; it must be an item name (/v2/items)",
                )
            )
        elif archived:
            errors.append(
                FieldError(
                    field=f"lines.{index}.product_code",
                    message=f"item {code!r} is archived and cannot be ordered",
                )
            )
    return errors


def queue_reference_errors(payload: Any, lookup: ReferenceLookup) -> list[FieldError]:
    """Reference-data errors of a new automation queue: unknown task types."""
    if not isinstance(payload, Mapping):
        return []
    errors = []
    for index, task in _entries(payload.get("automation_tasks")):
        task_type_id = _as_int(task.get("task_type_id"))
        if task_type_id is not None and not lookup.task_type_known(task_type_id):
            errors.append(
                FieldError(
                    field=f"automation_tasks.{index}.task_type_id",
                    message=(f"unknown task type {task_type_id}; see /v2/automation_task_types"),
                )
            )
    return errors


def serial_data_reference_errors(payload: Any, lookup: ReferenceLookup) -> list[FieldError]:
    """Reference-data errors of serial data: an unknown serial data type."""
    if not isinstance(payload, Mapping):
        return []
    type_id = _as_int(payload.get("serial_data_type_id"))
    if type_id is None or lookup.serial_data_type_known(type_id):
        return []
    known = ", ".join(str(i) for i in lookup.serial_data_type_ids())
    return [
        FieldError(
            field="serial_data_type_id",
            message=f"unknown serial data type {type_id}; known: {known}",
        )
    ]


def webhook_errors(payload: Any) -> list[FieldError]:
    """Errors of a new webhook subscription beyond its model: the URL must be http(s)."""
    url = payload.get("url") if isinstance(payload, Mapping) else None
    if not isinstance(url, str) or not url:
        return []
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    return [FieldError(field="url", message=f"{url!r} is not an absolute http or https URL")]


def _entries(value: Any) -> list[tuple[int, Mapping[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, entry) for i, entry in enumerate(value) if isinstance(entry, Mapping)]


def _as_int(value: Any) -> int | None:
    # Mirrors pydantic's lax parsing of ints, so a check sees the value the model would.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
