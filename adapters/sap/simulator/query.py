"""The query options the simulator understands, and the ``$filter`` language it evaluates.

Supported: ``$filter`` with ``eq ne gt ge lt le``, ``and``, ``or``, ``not`` and parentheses on
any property of the entity type, with string, ``datetimeoffset'…'``, ``datetime'…'``, number,
``true``/``false`` and ``null`` literals; ``$orderby`` (``asc``/``desc``); ``$top``; ``$skip``;
``$skiptoken`` (the simulator's own, in ``__next`` links); ``$inlinecount=allpages``;
``$expand`` (navigation properties, ``/`` for deeper ones); ``$select`` of properties;
``$format=json``. Anything else is refused with an error that says what was not understood,
rather than ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.sap.edm import EdmEntityType, EdmProperty, EdmType
from adapters.sap.simulator.errors import ErrorDetail, SimulatorError
from adapters.sap.values import parse_literal_datetime

__all__ = ["Filter", "QueryOptions", "parse_filter", "parse_key", "parse_query"]

_SYNTAX = "ZSIM/020"
_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_TOKEN = re.compile(
    r"\s*(?:(?P<typed>(?:datetimeoffset|datetime|guid|time|X|binary)'(?:[^']|'')*')"
    r"|(?P<string>'(?:[^']|'')*')"
    r"|(?P<number>-?\d+(?:\.\d+)?[mMdDfFlL]?)"
    r"|(?P<paren>[()])"
    r"|(?P<comma>,)"
    r"|(?P<equals>=)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_/]*))"
)
_KNOWN_OPTIONS = {
    "$filter",
    "$orderby",
    "$top",
    "$skip",
    "$skiptoken",
    "$inlinecount",
    "$expand",
    "$select",
    "$format",
    "sap-client",
    "sap-language",
}


def _syntax(message: str) -> SimulatorError:
    return SimulatorError(400, _SYNTAX, message, [ErrorDetail(_SYNTAX, message)])


@dataclass(frozen=True)
class _Literal:
    kind: str  # "string", "datetime", "number", "bool", "null"
    value: Any
    text: str


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _syntax(f"$filter: cannot read {text[position : position + 20]!r} at {position}")
        kind = match.lastgroup or ""
        tokens.append(_Token(kind, match[kind], match.start(kind)))
        position = match.end()
    return tokens


def _literal(token: _Token) -> _Literal:
    text = token.text
    if token.kind == "string":
        return _Literal("string", text[1:-1].replace("''", "'"), text)
    if token.kind == "typed":
        prefix, _, rest = text.partition("'")
        inner = rest[:-1].replace("''", "'")
        if prefix in ("datetimeoffset", "datetime"):
            try:
                return _Literal(
                    "datetime",
                    parse_literal_datetime(inner, default_utc=prefix == "datetime"),
                    text,
                )
            except ValueError as exc:
                raise _syntax(f"{text}: {exc}") from None
        raise _syntax(f"{text}: {prefix} literals are not supported by the simulator")
    if token.kind == "number":
        try:
            return _Literal("number", Decimal(text.rstrip("mMdDfFlL")), text)
        except InvalidOperation:
            raise _syntax(f"{text} is not a number") from None
    if token.kind == "word" and token.text in ("true", "false"):
        return _Literal("bool", token.text == "true", text)
    if token.kind == "word" and token.text == "null":
        return _Literal("null", None, text)
    raise _syntax(f"$filter: expected a value at {token.position}, found {text!r}")


Filter = Callable[[Mapping[str, Any]], bool]


def _coerce(prop: EdmProperty, value: _Literal) -> Any:
    if value.kind == "null":
        return None
    if prop.type is EdmType.STRING and value.kind == "string":
        return value.value
    if prop.type in (EdmType.DATETIME, EdmType.DATETIMEOFFSET) and value.kind == "datetime":
        return value.value
    numeric = (EdmType.DECIMAL, EdmType.DOUBLE, EdmType.INT16, EdmType.INT32, EdmType.INT64)
    if prop.type in numeric and value.kind == "number":
        return value.value
    if prop.type is EdmType.BOOLEAN and value.kind == "bool":
        return value.value
    raise _syntax(f"$filter: {prop.name} is {prop.type}; {value.text} is not a value of it")


def _compare(operator: str, left: Any, right: Any) -> bool:
    if operator == "eq":
        return bool(left == right)
    if operator == "ne":
        return bool(left != right)
    if left is None or right is None:
        return False
    comparisons: dict[str, Callable[[Any, Any], bool]] = {
        "gt": lambda a, b: a > b,
        "ge": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "le": lambda a, b: a <= b,
    }
    return comparisons[operator](left, right)


class _FilterParser:
    """Recursive descent: or-expression → and-expression → unary → comparison | ( or )."""

    def __init__(self, text: str, entity_type: EdmEntityType) -> None:
        self._tokens = _tokens(text)
        self._at = 0
        self._type = entity_type

    def parse(self) -> Filter:
        if not self._tokens:
            raise _syntax("$filter is empty")
        expression = self._or()
        if self._at < len(self._tokens):
            token = self._tokens[self._at]
            raise _syntax(f"$filter: unexpected {token.text!r} at {token.position}")
        return expression

    def _peek(self) -> _Token | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _take(self) -> _Token:
        token = self._peek()
        if token is None:
            raise _syntax("$filter ends too early")
        self._at += 1
        return token

    def _or(self) -> Filter:
        left = self._and()
        while (token := self._peek()) is not None and token.text == "or":
            self._at += 1
            right = self._and()
            left = (lambda a, b: lambda row: a(row) or b(row))(left, right)
        return left

    def _and(self) -> Filter:
        left = self._unary()
        while (token := self._peek()) is not None and token.text == "and":
            self._at += 1
            right = self._unary()
            left = (lambda a, b: lambda row: a(row) and b(row))(left, right)
        return left

    def _unary(self) -> Filter:
        token = self._take()
        if token.text == "not":
            inner = self._unary()
            return lambda row: not inner(row)
        if token.text == "(":
            inner = self._or()
            closing = self._take()
            if closing.text != ")":
                raise _syntax(f"$filter: expected ')' at {closing.position}")
            return inner
        if token.kind != "word":
            raise _syntax(f"$filter: expected a property at {token.position}, found {token.text!r}")
        following = self._peek()
        if following is not None and following.text == "(":
            raise _syntax(
                f"$filter: {token.text}(…) at {token.position}: functions are not supported by "
                "the simulator"
            )
        prop = self._type.properties.get(token.text)
        if prop is None:
            raise _syntax(f"$filter: {self._type.name} has no property {token.text}")
        operator = self._take()
        if operator.text not in _COMPARISONS:
            raise _syntax(
                f"$filter: expected one of {', '.join(sorted(_COMPARISONS))} after {prop.name}, "
                f"found {operator.text!r} (functions are not supported by the simulator)"
            )
        value = _coerce(prop, _literal(self._take()))
        name, op = prop.name, operator.text
        return lambda row: _compare(op, row.get(name), value)


def parse_filter(text: str, entity_type: EdmEntityType) -> Filter:
    """A predicate over rows for a ``$filter`` expression.

    Raises:
        SimulatorError: (400) the expression is not understood; the message says where.
    """
    return _FilterParser(text, entity_type).parse()


def parse_key(text: str, entity_type: EdmEntityType) -> tuple[Any, ...]:
    """The key values of a key predicate (the text between the parentheses).

    ``'1'`` for a one-property key, ``SalesOrder='1',SalesOrderItem='10'`` for a compound one.

    Raises:
        SimulatorError: (400) not a key of ``entity_type``.
    """
    tokens = _tokens(text)
    keys = entity_type.keys
    if len(tokens) == 1 and len(keys) == 1:
        return (_coerce(entity_type.properties[keys[0]], _literal(tokens[0])),)
    values: dict[str, Any] = {}
    at = 0
    while at < len(tokens):
        if at + 3 > len(tokens):
            raise _syntax(f"key ({text}) is not name=value,…")
        name, equals, value = tokens[at : at + 3]
        if name.kind != "word" or equals.kind != "equals" or name.text not in keys:
            raise _syntax(f"key ({text}): {name.text} is not a key of {entity_type.name}")
        values[name.text] = _coerce(entity_type.properties[name.text], _literal(value))
        at += 3
        if at < len(tokens):
            if tokens[at].kind != "comma":
                raise _syntax(f"key ({text}) is not name=value,…")
            at += 1
    if set(values) != set(keys):
        raise _syntax(f"key ({text}) must give {', '.join(keys)}")
    return tuple(values[key] for key in keys)


@dataclass(frozen=True)
class QueryOptions:
    """A request's query options, checked against the entity type.

    Attributes:
        filter: the ``$filter`` predicate, if any.
        orderby: ``(property, descending)`` pairs.
        top: ``$top``, if any.
        skip: ``$skip`` (0 when absent).
        skiptoken: ``$skiptoken``: where a server-driven page starts.
        inlinecount: whether ``$inlinecount=allpages`` was asked.
        expand: navigation paths to expand, each a list of navigation property names.
        select: the properties to return, or ``None`` for all.
    """

    filter: Filter | None = None
    orderby: Sequence[tuple[str, bool]] = ()
    top: int | None = None
    skip: int = 0
    skiptoken: int = 0
    inlinecount: bool = False
    expand: Sequence[Sequence[str]] = field(default_factory=tuple)
    select: Sequence[str] | None = None


def _whole(name: str, text: str) -> int:
    if not text.isdigit():
        raise _syntax(f"{name}={text!r}: expected a whole number of 0 or more")
    return int(text)


def parse_query(params: Mapping[str, str], entity_type: EdmEntityType) -> QueryOptions:
    """The query options of a collection request.

    Raises:
        SimulatorError: (400) an option the simulator does not know, or a bad value.
    """
    unknown = sorted(name for name in params if name.startswith("$") and name not in _KNOWN_OPTIONS)
    if unknown:
        raise _syntax(f"query option {', '.join(unknown)} is not supported by the simulator")
    if params.get("$format", "json") != "json":
        raise SimulatorError(
            415, "ZSIM/021", f"$format={params['$format']}: the simulator answers in JSON only"
        )
    orderby: list[tuple[str, bool]] = []
    for part in filter(None, (p.strip() for p in params.get("$orderby", "").split(","))):
        name, _, direction = part.partition(" ")
        direction = direction.strip() or "asc"
        if name not in entity_type.properties or direction not in ("asc", "desc"):
            raise _syntax(
                f"$orderby: {part!r} is not '<property> [asc|desc]' of {entity_type.name}"
            )
        orderby.append((name, direction == "desc"))
    inlinecount = params.get("$inlinecount", "none")
    if inlinecount not in ("allpages", "none"):
        raise _syntax(f"$inlinecount={inlinecount!r}: expected allpages or none")
    select = None
    if "$select" in params:
        select = [s.strip() for s in params["$select"].split(",") if s.strip()]
        unknown_select = [s for s in select if s not in entity_type.properties and s != "*"]
        if unknown_select:
            raise _syntax(f"$select: {entity_type.name} has no {', '.join(unknown_select)}")
        if "*" in select:
            select = None
    expand = [
        [step for step in part.strip().split("/") if step]
        for part in params.get("$expand", "").split(",")
        if part.strip()
    ]
    return QueryOptions(
        filter=parse_filter(params["$filter"], entity_type) if "$filter" in params else None,
        orderby=orderby,
        top=_whole("$top", params["$top"]) if "$top" in params else None,
        skip=_whole("$skip", params["$skip"]) if "$skip" in params else 0,
        skiptoken=_whole("$skiptoken", params["$skiptoken"]) if "$skiptoken" in params else 0,
        inlinecount=inlinecount == "allpages",
        expand=expand,
        select=select,
    )
