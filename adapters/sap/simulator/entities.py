"""Entities kept by the simulator, typed by the service's metadata.

A row is a ``dict`` from property name to a Python value of the property's EDM type (``str``,
``Decimal``, aware ``datetime``, ``time``, ``bool``, ``int``) or ``None``. :func:`read_value`
turns a JSON value sent by a client into that, checking it against the property (length,
precision and scale, type) and naming the property when it does not fit; :func:`write_value`
turns it back into OData v2 JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.sap.edm import EdmEntityType, EdmProperty, EdmType, Multiplicity, ServiceMetadata
from adapters.sap.simulator.errors import ErrorDetail, SimulatorError
from adapters.sap.values import (
    format_edm_time,
    format_json_date,
    parse_edm_time,
    parse_json_date,
    parse_literal_datetime,
    quote_string,
)

__all__ = [
    "EntitySetStore",
    "Row",
    "ServiceStore",
    "key_predicate",
    "literal",
    "read_value",
    "write_value",
]

Row = dict[str, Any]

_INVALID = "ZSIM/010"
_INTEGER_TYPES = (EdmType.BYTE, EdmType.INT16, EdmType.INT32, EdmType.INT64)


def _invalid(where: str, prop: EdmProperty, expected: str, value: Any) -> SimulatorError:
    message = f"{where}.{prop.name}: {expected}, not {value!r}"
    return SimulatorError(400, _INVALID, message, [ErrorDetail(_INVALID, message, prop.name)])


def _decimal(prop: EdmProperty, value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _invalid(where, prop, "expected a decimal as a string", value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _invalid(where, prop, "expected a decimal", value) from None
    if not number.is_finite():
        raise _invalid(where, prop, "expected a finite decimal", value)
    _, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)  # only NaN and infinities have a letter for an exponent
    scale = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    if prop.scale is not None and scale > prop.scale:
        raise _invalid(where, prop, f"at most {prop.scale} decimal places", value)
    if prop.precision is not None and integer_digits > prop.precision - (prop.scale or 0):
        raise _invalid(
            where,
            prop,
            f"at most {prop.precision - (prop.scale or 0)} digits before the point",
            value,
        )
    return number if prop.scale is None else number.quantize(Decimal(1).scaleb(-prop.scale))


def _datetime(prop: EdmProperty, value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if not isinstance(value, str):
        raise _invalid(where, prop, "expected /Date(ms)/ or an ISO 8601 date and time", value)
    try:
        if value.startswith("/Date("):
            return parse_json_date(value)
        return parse_literal_datetime(value)
    except ValueError:
        raise _invalid(
            where, prop, "expected /Date(ms)/ or an ISO 8601 date and time", value
        ) from None


def read_value(prop: EdmProperty, value: Any, where: str) -> Any:
    """A JSON value for ``prop`` as the Python value the simulator keeps.

    Raises:
        SimulatorError: (400) the value does not fit the property; the message names it.
    """
    if value is None:
        if not prop.nullable:
            raise _invalid(where, prop, "must not be null", value)
        return None
    if prop.type is EdmType.STRING:
        if not isinstance(value, str):
            raise _invalid(where, prop, "expected text", value)
        if prop.max_length is not None and len(value) > prop.max_length:
            raise _invalid(where, prop, f"at most {prop.max_length} characters", value)
        return value
    if prop.type is EdmType.BOOLEAN:
        if not isinstance(value, bool):
            raise _invalid(where, prop, "expected true or false", value)
        return value
    if prop.type in (EdmType.DECIMAL, EdmType.DOUBLE):
        return _decimal(prop, value, where)
    if prop.type in _INTEGER_TYPES:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _invalid(where, prop, "expected a whole number", value)
        try:
            return int(value)
        except ValueError:
            raise _invalid(where, prop, "expected a whole number", value) from None
    if prop.type in (EdmType.DATETIME, EdmType.DATETIMEOFFSET):
        return _datetime(prop, value, where)
    if prop.type is EdmType.TIME:
        if isinstance(value, time):
            return value
        if not isinstance(value, str):
            raise _invalid(where, prop, "expected a time like PT14H30M00S", value)
        try:
            return parse_edm_time(value)
        except ValueError:
            raise _invalid(where, prop, "expected a time like PT14H30M00S", value) from None
    if not isinstance(value, str):
        raise _invalid(where, prop, "expected text", value)
    return value


def write_value(prop: EdmProperty, value: Any) -> Any:
    """A kept value as OData v2 JSON."""
    if value is None:
        return None
    if prop.type is EdmType.DATETIME:
        return format_json_date(value, with_offset=False)
    if prop.type is EdmType.DATETIMEOFFSET:
        return format_json_date(value, with_offset=True)
    if prop.type is EdmType.TIME:
        return format_edm_time(value)
    if prop.type is EdmType.DECIMAL and prop.scale is not None:
        # SAP writes a decimal with all the digits of its scale: "2.000".
        return f"{value:.{prop.scale}f}"
    if prop.type in (EdmType.DECIMAL, EdmType.DOUBLE, EdmType.INT64):
        return str(value)
    return value


def literal(prop: EdmProperty, value: Any) -> str:
    """A kept value as a URL literal (keys, ETags)."""
    if prop.type is EdmType.STRING:
        return quote_string(str(value))
    if prop.type is EdmType.DATETIMEOFFSET:
        return f"datetimeoffset'{value:%Y-%m-%dT%H:%M:%S.%f}Z'"
    if prop.type is EdmType.DATETIME:
        return f"datetime'{value:%Y-%m-%dT%H:%M:%S}'"
    return str(value)


def key_predicate(entity_type: EdmEntityType, row: Mapping[str, Any]) -> str:
    """``('1')`` or ``(SalesOrder='1',SalesOrderItem='10')`` for a row."""
    if len(entity_type.keys) == 1:
        key = entity_type.keys[0]
        return f"({literal(entity_type.properties[key], row[key])})"
    parts = (f"{key}={literal(entity_type.properties[key], row[key])}" for key in entity_type.keys)
    return "(" + ",".join(parts) + ")"


@dataclass
class EntitySetStore:
    """The rows of one entity set, by key, in insertion order."""

    name: str
    entity_type: EdmEntityType
    rows: dict[tuple[Any, ...], Row] = field(default_factory=dict)

    def key_of(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """The key values of a row."""
        return tuple(row[key] for key in self.entity_type.keys)

    def get(self, key: tuple[Any, ...]) -> Row | None:
        """The row with that key, if any."""
        return self.rows.get(key)

    def put(self, row: Row) -> Row:
        """Add or replace a row (missing properties become ``None``)."""
        complete = {name: row.get(name) for name in self.entity_type.properties}
        self.rows[self.key_of(complete)] = complete
        return complete

    def __iter__(self) -> Iterator[Row]:
        return iter(list(self.rows.values()))


@dataclass
class ServiceStore:
    """The entity sets of one service, and how navigation properties join them."""

    service: str
    metadata: ServiceMetadata
    sets: dict[str, EntitySetStore] = field(default_factory=dict)

    @classmethod
    def empty(cls, service: str, metadata: ServiceMetadata) -> ServiceStore:
        """A store with every entity set of ``metadata``, empty."""
        return cls(
            service,
            metadata,
            {
                name: EntitySetStore(name, metadata.entity_type_of(name))
                for name in metadata.entity_sets
            },
        )

    def related(
        self, set_name: str, row: Mapping[str, Any], navigation: str
    ) -> tuple[str, Multiplicity, list[Row]]:
        """The rows a navigation property leads to from ``row``.

        SAP's services join parents and children on the parent's key properties, which the
        children repeat under the same names (``SalesOrder`` in a sales order item), so that is
        how the simulator joins them too.
        """
        source_type = self.sets[set_name].entity_type
        target_set, multiplicity = self.metadata.navigation_target(source_type.name, navigation)
        target = self.sets[target_set]
        if multiplicity is Multiplicity.MANY:
            shared = [key for key in source_type.keys if key in target.entity_type.properties]
        else:
            shared = [key for key in target.entity_type.keys if key in source_type.properties]
        rows = [
            candidate
            for candidate in target
            if all(candidate[name] == row[name] for name in shared)
        ]
        return target_set, multiplicity, rows
