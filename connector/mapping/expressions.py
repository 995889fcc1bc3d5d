"""The values of a mapping file: sandboxed Jinja2 expressions, compiled once.

A value written as one expression (``"{{ PO1.PO102 | number }}"``) gives the expression's own
Python value: a number stays a number, a list a list. A value with text around or between
expressions (``"PO {{ BEG.BEG03 }}"``) gives text. A value without ``{{`` or ``{%`` is a
constant, as are YAML numbers, booleans and null.

Expressions run in a :class:`~jinja2.sandbox.SandboxedEnvironment` with
:class:`~jinja2.StrictUndefined`: a source path that does not exist is an error, never an empty
string, unless the mapping says what to do instead (``default``, ``is defined``). Attributes
and keys starting with ``_`` are refused when the file is loaded.
"""

from __future__ import annotations

import copy
import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.environment import Template, TemplateExpression
from jinja2.sandbox import SandboxedEnvironment

from connector.config.documents import dotted
from connector.mapping.filters import FILTERS

#: A path into the source record, or into a name bound by ``each``/``with``, from its root
#: name: ``("line", "PO1", "PO102")``, ``("TD5", 0, "TD505")``.
SourcePath = tuple[str | int, ...]

_SINGLE_EXPRESSION = re.compile(r"\{\{[-+]?(?P<inner>.*?)[-+]?\}\}", re.DOTALL)
_TEMPLATE_MARKS = ("{{", "{%", "{#")


class ExpressionKind(enum.Enum):
    """How a value of a mapping file is evaluated."""

    #: A constant: written without expressions, or a YAML number, boolean or null.
    CONSTANT = "constant"
    #: One ``{{ expression }}``: its own value (a number, a list, an object, text).
    EXPRESSION = "expression"
    #: Text with expressions (or statements) in it: rendered to text.
    TEXT = "text"


class ExpressionSyntaxError(ValueError):
    """A value cannot be compiled.

    Attributes:
        reason: what is wrong.
        line: the 1-based line within the value where it is wrong.
    """

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class Location:
    """Where something was written in a mapping file.

    Attributes:
        file: the mapping file.
        line: 1-based line, ``None`` when unknown.
        column: 1-based column, ``None`` when unknown.
    """

    file: Path
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Expression:
    """A compiled value of a mapping file.

    Attributes:
        text: the value as written (for constants, its YAML value).
        kind: how it is evaluated.
        location: where it was written.
        paths: the source paths it reads (``line.PO1.PO102``), outermost first.
        bare_path: the path, when the whole expression is one path and nothing else.
    """

    text: Any
    kind: ExpressionKind
    location: Location
    paths: tuple[SourcePath, ...] = ()
    bare_path: SourcePath | None = None
    _compiled: TemplateExpression | Template | None = field(default=None, repr=False)

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """The value of the expression with ``context``'s names.

        Raises:
            jinja2.UndefinedError: the expression reads something that does not exist.
            jinja2.exceptions.SecurityError: the sandbox refused an operation.
            Exception: whatever a filter raised.
        """
        if self.kind is ExpressionKind.CONSTANT:
            return copy.deepcopy(self.text)
        if isinstance(self._compiled, Template):
            return self._compiled.render(context)
        assert self._compiled is not None
        return _settled(self._compiled(context))

    def describe(self) -> str:
        """The expression as written, for messages."""
        return self.text if isinstance(self.text, str) else repr(self.text)


def mapping_environment() -> SandboxedEnvironment:
    """The sandboxed environment every mapping compiles its expressions in."""
    environment = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    environment.filters.update(FILTERS)
    return environment


def compile_value(environment: SandboxedEnvironment, value: Any, location: Location) -> Expression:
    """Compile one value of a mapping file.

    Args:
        environment: from :func:`mapping_environment`.
        value: the YAML value: text with or without expressions, or a constant.
        location: where it was written.

    Raises:
        ExpressionSyntaxError: the value is not a valid template, or reaches for an attribute
            or key starting with ``_``.
    """
    if not isinstance(value, str) or not any(mark in value for mark in _TEMPLATE_MARKS):
        return Expression(value, ExpressionKind.CONSTANT, location)
    try:
        tree = environment.parse(value)
    except TemplateSyntaxError as error:
        raise ExpressionSyntaxError(error.message or "syntax error", error.lineno) from None
    _refuse_private_names(tree)
    paths = tuple(_source_paths(tree))
    single = _SINGLE_EXPRESSION.fullmatch(value.strip())
    body = tree.body
    if (
        single is not None
        and len(body) == 1
        and isinstance(body[0], nodes.Output)
        and len(body[0].nodes) == 1
        and not isinstance(body[0].nodes[0], nodes.TemplateData)
    ):
        inner = single.group("inner")
        compiled = environment.compile_expression(inner, undefined_to_none=False)
        return Expression(
            value,
            ExpressionKind.EXPRESSION,
            location,
            paths,
            bare_path=_chain(body[0].nodes[0]),
            _compiled=compiled,
        )
    return Expression(
        value, ExpressionKind.TEXT, location, paths, _compiled=environment.from_string(value)
    )


def source_path_text(path: SourcePath) -> str:
    """A source path as people read it: ``PO1_loop[2].PO1.PO102``."""
    return dotted(path)


def _settled(value: Any) -> Any:
    """``value`` with nothing left to compute: an undefined value (also inside a list or an
    object) raises its error; a lazy sequence (``map``, ``select``) becomes a list. Values
    taken from the record are returned as they are, not copied."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, Iterator):
        value = list(value)
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, list):
        for item in value:
            _settled(item)
    elif isinstance(value, dict):
        for item in value.values():
            _settled(item)
    return value


def _refuse_private_names(tree: nodes.Template) -> None:
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        name: object = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        elif isinstance(node, nodes.Name):
            name = node.name
        if isinstance(name, str) and name.startswith("_"):
            raise ExpressionSyntaxError(
                f"refused: {name!r} starts with '_'; mappings may not reach for internal "
                "attributes",
                node.lineno,
            )


def _chain(node: nodes.Node) -> SourcePath | None:
    """The path of ``node`` when it is a name followed by attributes and constant indexes."""
    parts: list[str | int] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str | int)
            and not isinstance(node.arg.value, bool)
        ):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name) and node.ctx == "load":
            parts.append(node.name)
            return tuple(reversed(parts))
        else:
            return None


def _source_paths(node: nodes.Node) -> Iterator[SourcePath]:
    """The longest paths in ``node``, in the order they are written."""
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        chain = _chain(node)
        if chain is not None:
            yield chain
            return
        if isinstance(node, nodes.Getitem):
            # A computed index: the path up to it, and the paths inside the index.
            yield from _source_paths(node.node)
            yield from _source_paths(node.arg)
            return
    for child in node.iter_child_nodes():
        yield from _source_paths(child)
