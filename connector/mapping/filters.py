"""The filters mappings use besides Jinja2's own: lookups, formats and the visible cut rule.

Lookups (``country_iso``, ``ship_method_id``, ``product_code``) and warnings (``cut``) belong
to the record being mapped: a filter finds them in the template context under
:data:`STATE_KEY`, a name no template can write, so that one compiled mapping serves many
records at once, in several threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from jinja2 import pass_context
from jinja2.runtime import Context, Undefined

from connector.mapping.lookups import LookupFailedError, Lookups

#: Where the state of the record being mapped sits in the template context. Not a valid
#: template name, so an expression cannot read or replace it.
STATE_KEY = "@mapping"

_TIME_DIRECTIVES = re.compile(r"%[HIMSfpzXcT]")
_ELEMENT_KEY = re.compile(r"(?P<segment>[A-Z][A-Z0-9]{1,2})(?P<number>\d{2})")


class FilterFailedError(ValueError):
    """A filter cannot handle its value.

    Attributes:
        value: the value the filter was given.
        reason: what is wrong and what was expected.
    """

    def __init__(self, value: object, reason: str) -> None:
        super().__init__(reason)
        self.value = value
        self.reason = reason


class FilterState(Protocol):
    """What filters need from the mapping of one record."""

    @property
    def lookups(self) -> Lookups:
        """The reference data lookups."""
        ...

    def warn(self, message: str, value: object) -> None:
        """Report a visible change of a value (the field is known to the state)."""
        ...


def _state(context: Context) -> FilterState:
    state: FilterState = context[STATE_KEY]
    return state


def _defined(value: object) -> None:
    """Raise the error of an undefined value, so that an absent source path stays an absent
    source path (and ``default`` or the next alternative applies) through a filter."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()


def _text(value: object, what: str) -> str:
    _defined(value)
    if value is None:
        raise FilterFailedError(None, f"no value to {what}")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise FilterFailedError(value, f"cannot {what} {type(value).__name__} {value!r}")
    return str(value).strip()


def _lookup(value: object, what: str, lookup: Callable[[str], object]) -> Any:
    text = _text(value, f"look up as {what}")
    try:
        return lookup(text)
    except LookupFailedError as failure:
        raise FilterFailedError(value, failure.reason) from None


@pass_context
def country_iso(context: Context, value: object) -> str:
    """``{{ N4.N404 | country_iso }}``: the ISO 3166-1 alpha-2 code of a country code or name."""
    lookups = _state(context).lookups
    result: str = _lookup(value, "a country", lookups.country_iso)
    return result


@pass_context
def ship_method_id(context: Context, value: object) -> int:
    """``{{ TD5[0].TD505 | ship_method_id }}``: the id of a ship method by name or carrier."""
    lookups = _state(context).lookups
    result: int = _lookup(value, "a ship method", lookups.ship_method_id)
    return result


@pass_context
def product_code(context: Context, value: object) -> str:
    """``{{ sku | product_code }}``: the product code (item name) of a customer SKU."""
    lookups = _state(context).lookups
    result: str = _lookup(value, "a customer SKU", lookups.product_code)
    return result


@pass_context
def cut(context: Context, value: object, length: int) -> object:
    """``{{ N3[0].N301 | cut(35) }}``: text cut to ``length`` characters, and a warning that
    says so whenever it cuts (trailing spaces left by the cut are dropped too)."""
    _defined(value)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FilterFailedError(value, f"cut applies to text, not {type(value).__name__}")
    if len(value) <= length:
        return value
    result = value[:length].rstrip()
    _state(context).warn(
        f"cut to {length} characters by the rule cut({length}): {value!r} became {result!r}",
        value,
    )
    return result


def date_format(
    value: object, input_format: str | None = None, output_format: str | None = None
) -> str:
    """``{{ BEG.BEG05 | date('%Y%m%d') }}``: a date read with ``input_format`` (``strptime``
    directives), written in ``output_format`` or, by default, ISO 8601 (``2025-01-15``; with
    the time when the input format has one)."""
    if isinstance(value, datetime | date):
        parsed = (
            value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        )
        has_time = isinstance(value, datetime)
    else:
        text = _text(value, "read as a date")
        if input_format is None:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                raise FilterFailedError(
                    value, f"{text!r} is not an ISO date; give the input format: date('%Y%m%d')"
                ) from None
            has_time = "T" in text or " " in text
        else:
            try:
                parsed = datetime.strptime(text, input_format)
            except ValueError:
                raise FilterFailedError(
                    value, f"{text!r} is not a date in the format {input_format!r}"
                ) from None
            has_time = bool(_TIME_DIRECTIVES.search(input_format))
    if output_format is not None:
        return parsed.strftime(output_format)
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def _decimal(value: object, what: str) -> Decimal:
    _defined(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _text(value, f"read as {what}")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FilterFailedError(value, f"{text!r} is not {what}") from None
    if not number.is_finite():
        raise FilterFailedError(value, f"{text!r} is not {what}")
    return number


def number(value: object) -> int:
    """``{{ PO1.PO102 | number }}``: a whole number (``"12"``, ``"12.0"`` -> 12); anything with
    a fraction is an error, never rounded."""
    _defined(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    parsed = _decimal(value, "a number")
    if parsed != parsed.to_integral_value():
        raise FilterFailedError(value, f"{value!r} is not a whole number")
    return int(parsed)


def decimal(value: object, places: int | None = None) -> Decimal:
    """``{{ PO1.PO104 | decimal(2) }}``: an exact decimal, rounded half up to ``places``
    decimal places when given."""
    parsed = _decimal(value, "a decimal number")
    if places is None:
        return parsed
    return parsed.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def elements(segments: object, *keys: str) -> list[Any]:
    """``{{ ship_to.N3 | elements('N301', 'N302') }}``: the values of the named elements of
    a segment or a list of segments, in order, leaving out the absent ones."""
    _defined(segments)
    items = segments if isinstance(segments, list) else [segments]
    values: list[Any] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise FilterFailedError(item, "elements applies to segments (objects of elements)")
        values.extend(item[key] for key in keys if item.get(key) not in (None, ""))
    return values


@pass_context
def qualified_id(
    context: Context, segment: object, qualifiers: Sequence[str] | str, first: int = 6
) -> Any:
    """``{{ line.PO1 | qualified_id(['BP', 'VP']) }}``: from the qualifier/ID element pairs of a
    segment starting at element ``first`` (PO106/PO107, PO108/PO109, ...), the ID of the first
    of ``qualifiers`` present, in the order given. Undefined when none is (so ``default`` and
    alternatives apply)."""
    _defined(segment)
    if isinstance(qualifiers, str):
        qualifiers = [qualifiers]
    if not isinstance(segment, Mapping):
        raise FilterFailedError(segment, "qualified_id applies to a segment (an object)")
    pairs: dict[str, Any] = {}
    tag = next((m.group("segment") for k in segment if (m := _ELEMENT_KEY.fullmatch(str(k)))), None)
    if tag is not None:
        position = first
        while position < 99:
            qualifier = segment.get(f"{tag}{position:02d}")
            identifier = segment.get(f"{tag}{position + 1:02d}")
            if qualifier is not None and identifier not in (None, ""):
                pairs.setdefault(str(qualifier), identifier)
            position += 2
    for qualifier in qualifiers:
        if qualifier in pairs:
            return pairs[qualifier]
    found = ", ".join(pairs) or "none"
    hint = (
        f"{tag or 'the segment'} has no ID qualified {' or '.join(qualifiers)} "
        f"(its qualifiers: {found})"
    )
    return context.environment.undefined(hint=hint)


FILTERS: Mapping[str, Callable[..., Any]] = {
    "country_iso": country_iso,
    "ship_method_id": ship_method_id,
    "product_code": product_code,
    "cut": cut,
    "date": date_format,
    "number": number,
    "decimal": decimal,
    "elements": elements,
    "qualified_id": qualified_id,
}
