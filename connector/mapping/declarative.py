"""Turning a source record into a target document with a loaded mapping file.

:class:`DeclarativeMapping` is the engine's :class:`~connector.engine.Mapping` for a mapping
file: it builds the document field by field, collects every error of the record instead of
stopping at the first, checks the document against its target, and places each problem at its
line of the mapping file with the source path and the value that failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, UndefinedError
from jinja2.exceptions import SecurityError

from adapters.base import Record
from connector.config.documents import dotted
from connector.mapping.definition import FieldKind, FieldSpec, MappingDefinition
from connector.mapping.expressions import Expression, SourcePath
from connector.mapping.filters import STATE_KEY, FilterFailedError
from connector.mapping.issues import MappingIssue, RecordMappingError, shown_value
from connector.mapping.lookups import Lookups
from connector.mapping.target_issues import DocumentPath, TargetIssue, TargetValidationError

logger = logging.getLogger(__name__)

#: What an expression may raise when it fails on a record (its filters included); anything
#: else is a bug and is not caught here.
_EXPRESSION_FAILURES = (
    TemplateError,
    FilterFailedError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
)


@dataclass(frozen=True)
class MappingResult:
    """A mapped record.

    Attributes:
        document: the document, checked against the target and normalised by it.
        warnings: visible changes the mapping made (values cut to length).
    """

    document: dict[str, Any]
    warnings: tuple[MappingIssue, ...] = ()


class DeclarativeMapping:
    """A mapping file ready to map records, with the lookups its filters use.

    Deterministic for a given record and reference data, and safe to share between threads.

    Args:
        definition: the loaded mapping file.
        lookups: the reference data lookups (``country_iso``, ``ship_method_id``,
            ``product_code``).
        relative_to: files in messages are shown relative to this folder (e.g. the
            deployment folder), when inside it.
    """

    def __init__(
        self,
        definition: MappingDefinition,
        lookups: Lookups,
        *,
        relative_to: Path | None = None,
    ) -> None:
        self.definition = definition
        self.lookups = lookups
        self.relative_to = relative_to

    def __repr__(self) -> str:
        return f"DeclarativeMapping({self.definition.name!r}, target={self.target_name!r})"

    @property
    def name(self) -> str:
        """The mapping's name."""
        return self.definition.name

    @property
    def target_name(self) -> str:
        """The name of the target it produces."""
        return self.definition.target.name

    def apply(self, payload: Mapping[str, Any]) -> MappingResult:
        """Map a source record's payload.

        Raises:
            RecordMappingError: with every error of the record.
        """
        run = _RecordRun(self.definition, self.lookups, payload)
        document = run.build()
        ranked = list(run.issues)
        normalised: dict[str, Any] | None = None
        try:
            normalised = self.definition.target.validate(document)
        except TargetValidationError as invalid:
            ranked.extend(run.validation_issues(document, invalid.issues))
        if ranked or normalised is None:
            # In the order of the document's fields, whichever step found them.
            issues = _unique([issue for _, issue in sorted(ranked, key=lambda pair: pair[0])])
            raise RecordMappingError(self.name, issues, run.warnings, relative_to=self.relative_to)
        return MappingResult(normalised, tuple(run.warnings))

    def map(self, record: Record) -> dict[str, Any]:
        """The document for ``record`` (the engine's mapping protocol); warnings are logged.

        Raises:
            RecordMappingError: with every error of the record.
        """
        result = self.apply(record.payload)
        for warning in result.warnings:
            logger.warning("%s: %s", record.key, warning.describe(self.relative_to))
        return result.document


# ------------------------------------------------------------------------------------------------
# One record
# ------------------------------------------------------------------------------------------------


class _Omitted:
    """The field is left out of the document."""

    def __repr__(self) -> str:
        return "<omitted>"


_OMIT = _Omitted()


@dataclass(frozen=True)
class _Binding:
    """A name bound by ``each`` or ``with``, and where its value came from in the source."""

    name: str
    value: Any
    expression: Expression
    source: SourcePath | None


@dataclass(frozen=True)
class _Scope:
    """The names an expression reads: the record's top-level keys, ``record``, ``params``, and
    the names bound by the enclosing ``each`` and ``with``."""

    context: dict[str, Any]
    bindings: tuple[_Binding, ...] = ()

    def bind(self, binding: _Binding) -> _Scope:
        return _Scope({**self.context, binding.name: binding.value}, (*self.bindings, binding))

    def binding(self, name: str) -> _Binding | None:
        return next((b for b in reversed(self.bindings) if b.name == name), None)


@dataclass
class _Origin:
    """What produced the value at a document path; ``rank`` is its place in the document."""

    spec: FieldSpec
    scope: _Scope
    rank: int
    expression: Expression | None = None
    omitted: str | None = None


@dataclass(frozen=True)
class _Current:
    """The expression being evaluated, for the warnings a filter reports."""

    expression: Expression
    spec: FieldSpec
    path: DocumentPath
    scope: _Scope
    source: Expression | None


@dataclass
class _RecordRun:
    """The mapping of one record: the filters' state, the origins of values, the issues."""

    definition: MappingDefinition
    lookups: Lookups
    payload: Mapping[str, Any]
    issues: list[tuple[int, MappingIssue]] = field(default_factory=list)
    warnings: list[MappingIssue] = field(default_factory=list)
    origins: dict[DocumentPath, _Origin] = field(default_factory=dict)
    failed: list[DocumentPath] = field(default_factory=list)
    current: _Current | None = None

    def build(self) -> dict[str, Any]:
        context = {
            **self.payload,
            "record": self.payload,
            "params": self.definition.params,
            STATE_KEY: self,
        }
        root = self.definition.root
        scope = _Scope(context)
        self._register((), root, scope)
        return self._object(root, scope, ())

    def _register(self, path: DocumentPath, spec: FieldSpec, scope: _Scope) -> _Origin:
        origin = self.origins[path] = _Origin(spec, scope, len(self.origins))
        return origin

    # -- filter state -------------------------------------------------------------------------

    def warn(self, message: str, value: object) -> None:
        current = self.current
        if current is None:
            return
        line = current.expression.location
        self.warnings.append(
            MappingIssue(
                line.file,
                line.line,
                dotted(current.path),
                message,
                self._source_text(current.source, current.scope),
                shown_value(value),
            )
        )

    # -- building -----------------------------------------------------------------------------

    def _object(self, spec: FieldSpec, scope: _Scope, path: DocumentPath) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for child in spec.fields:
            assert child.name is not None
            value = self._field(child, scope, (*path, child.name))
            if not isinstance(value, _Omitted) and value is not None:
                document[child.name] = value
        return document

    def _field(self, spec: FieldSpec, scope: _Scope, path: DocumentPath) -> Any:
        origin = self._register(path, spec, scope)
        if spec.when is not None:
            ok, condition = self._evaluate(spec.when, spec, scope, path)
            if not ok:
                return _OMIT
            if not condition:
                origin.omitted = f"its when ({spec.when.describe()}) was false"
                return _OMIT
        if spec.kind is FieldKind.LIST:
            return self._list(spec, scope, path)
        if spec.with_ is not None:
            assert spec.as_name is not None
            ok, value = self._evaluate(spec.with_, spec, scope, path)
            if not ok:
                return _OMIT
            scope = scope.bind(self._binding(spec.as_name, value, spec.with_, scope, None))
            origin.scope = scope
        if spec.kind is FieldKind.OBJECT:
            return self._object(spec, scope, path)
        return self._value(spec, scope, path)

    def _list(self, spec: FieldSpec, scope: _Scope, path: DocumentPath) -> Any:
        assert spec.each is not None
        assert spec.as_name is not None
        ok, items = self._evaluate(spec.each, spec, scope, path)
        if not ok:
            return _OMIT
        if not isinstance(items, list):
            if isinstance(items, dict):
                gave = "an object (write [x] for a single item)"
            else:
                gave = "null" if items is None else type(items).__name__
            message = f"each needs a list, but {spec.each.describe()} gave {gave}"
            self._fail(spec.each, spec, scope, path, message, items)
            return _OMIT
        results: list[Any] = []
        for index, item in enumerate(items):
            item_scope = scope.bind(self._binding(spec.as_name, item, spec.each, scope, index))
            item_path = (*path, len(results))
            if spec.where is not None:
                ok, keep = self._evaluate(spec.where, spec, item_scope, item_path)
                if not ok or not keep:
                    continue
            self._register(item_path, spec, item_scope)
            if spec.fields:
                results.append(self._object(spec, item_scope, item_path))
            else:
                value = self._value(spec, item_scope, item_path)
                results.append(None if isinstance(value, _Omitted) else value)
        return results

    def _value(self, spec: FieldSpec, scope: _Scope, path: DocumentPath) -> Any:
        origin = self.origins[path]
        undefined: tuple[Expression, UndefinedError] | None = None
        found: Any = _OMIT
        empty: Any = _OMIT
        for alternative in spec.value:
            try:
                value = self._run(alternative, spec, scope, path)
            except UndefinedError as error:
                undefined = undefined or (alternative, error)
                continue
            except _EXPRESSION_FAILURES as error:
                self._failed_expression(alternative, spec, scope, path, error)
                return _OMIT
            if value is None or value == "":
                empty = value if isinstance(empty, _Omitted) else empty
                continue
            found, origin.expression = value, alternative
            break
        if isinstance(found, _Omitted):
            if spec.has_default and spec.default is not None:
                ok, found = self._evaluate(spec.default, spec, scope, path)
                if not ok:
                    return _OMIT
                origin.expression = spec.default
                if found is None:
                    origin.omitted = "its default is null"
            elif undefined is not None and isinstance(empty, _Omitted):
                self._failed_expression(undefined[0], spec, scope, path, undefined[1])
                return _OMIT
            else:
                found = None if isinstance(empty, _Omitted) else empty
                if found is None:
                    origin.omitted = "its value was null"
        if spec.rule is not None and found is not None:
            rule_scope = _Scope(
                {"value": found, "params": self.definition.params, STATE_KEY: self},
                scope.bindings,
            )
            source = origin.expression
            try:
                self.current = _Current(spec.rule, spec, path, scope, source)
                found = spec.rule.evaluate(rule_scope.context)
            except _EXPRESSION_FAILURES as error:
                self._failed_expression(spec.rule, spec, scope, path, error, source=source)
                return _OMIT
            finally:
                self.current = None
        return found

    def _evaluate(
        self, expression: Expression, spec: FieldSpec, scope: _Scope, path: DocumentPath
    ) -> tuple[bool, Any]:
        """``(True, value)``, or ``(False, None)`` with the failure recorded."""
        try:
            return True, self._run(expression, spec, scope, path)
        except _EXPRESSION_FAILURES as error:
            self._failed_expression(expression, spec, scope, path, error)
            return False, None

    def _run(
        self, expression: Expression, spec: FieldSpec, scope: _Scope, path: DocumentPath
    ) -> Any:
        self.current = _Current(expression, spec, path, scope, expression)
        try:
            return expression.evaluate(scope.context)
        finally:
            self.current = None

    def _binding(
        self,
        name: str,
        value: Any,
        expression: Expression,
        scope: _Scope,
        index: int | None,
    ) -> _Binding:
        source: SourcePath | None = None
        if expression.bare_path is not None:
            base = self._translate(expression.bare_path, scope)
            if base is not None:
                source = base if index is None else (*base, index)
        return _Binding(name, value, expression, source)

    # -- failures -----------------------------------------------------------------------------

    def _failed_expression(
        self,
        expression: Expression,
        spec: FieldSpec,
        scope: _Scope,
        path: DocumentPath,
        error: Exception,
        *,
        source: Expression | None = None,
    ) -> None:
        value: Any = _OMIT
        source_text = self._source_text(source or expression, scope)
        if isinstance(error, UndefinedError) and not isinstance(error, SecurityError):
            missing = self._missing_path(expression, scope)
            if missing is not None:
                source_text, message = missing
            else:
                message = f"undefined: {error.message or error} (in {expression.describe()})"
        elif isinstance(error, SecurityError):
            message = f"refused by the sandbox: {error}"
        elif isinstance(error, FilterFailedError):
            message, value = error.reason, error.value
        else:
            message = f"{expression.describe()} failed: {type(error).__name__}: {error}"
            value = self._single_value(source or expression, scope)
        self._fail(expression, spec, scope, path, message, value, source_text=source_text)

    def _fail(
        self,
        expression: Expression,
        spec: FieldSpec,
        scope: _Scope,
        path: DocumentPath,
        message: str,
        value: Any = _OMIT,
        *,
        source_text: str | None = None,
    ) -> None:
        location = expression.location
        self.failed.append(path)
        self.issues.append(
            (
                self._origin_of(path)[0].rank,
                MappingIssue(
                    location.file,
                    location.line if location.line is not None else spec.location.line,
                    dotted(path),
                    message,
                    source_text
                    if source_text is not None
                    else self._source_text(expression, scope),
                    None if isinstance(value, _Omitted) else shown_value(value),
                ),
            )
        )

    def _missing_path(self, expression: Expression, scope: _Scope) -> tuple[str, str] | None:
        """The first source path of ``expression`` that does not exist, and a message."""
        for path in expression.paths:
            container: Any = scope.context
            for depth, part in enumerate(path):
                found, value = _step(container, part)
                if not found:
                    missing = path[: depth + 1]
                    text = self._path_text(missing, scope)
                    if depth == 0:
                        return text, f"{text} is not in the record"
                    parent = self._path_text(path[:depth], scope)
                    return text, f"{text} is missing{_holds(parent, container)}"
                container = value
        return None

    def _single_value(self, expression: Expression, scope: _Scope) -> Any:
        if len(expression.paths) != 1:
            return _OMIT
        container: Any = scope.context
        for part in expression.paths[0]:
            found, container = _step(container, part)
            if not found:
                return _OMIT
        return container

    # -- source paths ---------------------------------------------------------------------------

    def _source_text(self, expression: Expression | None, scope: _Scope) -> str | None:
        if expression is None:
            return None
        texts: list[str] = []
        paths = [p for p in expression.paths if p[0] != "params"] or list(expression.paths)
        for path in paths:
            text = self._path_text(path, scope)
            if text not in texts:
                texts.append(text)
        return ", ".join(texts) or None

    def _path_text(self, path: SourcePath, scope: _Scope) -> str:
        translated = self._translate(path, scope)
        return dotted(translated if translated is not None else path) or "record"

    def _translate(self, path: SourcePath, scope: _Scope) -> SourcePath | None:
        """``path`` from the record's top: a bound name is replaced by where its value came
        from; ``record`` is the record itself. ``None`` when the origin is unknown."""
        root = path[0]
        binding = scope.binding(str(root))
        if binding is not None:
            base = binding.source
            if base is None and isinstance(binding.value, dict | list):
                base = _locate(self.payload, binding.value)
            return None if base is None else (*base, *path[1:])
        if root == "record":
            return path[1:]
        return path

    # -- validation -----------------------------------------------------------------------------

    def validation_issues(
        self, document: Mapping[str, Any], issues: tuple[TargetIssue, ...]
    ) -> Iterator[tuple[int, MappingIssue]]:
        target = self.definition.target.name
        for issue in issues:
            if any(issue.path[: len(failed)] == failed for failed in self.failed):
                continue  # the field's own error is already reported
            origin, exact = self._origin_of(issue.path)
            location = origin.spec.location
            field_path = dotted(issue.path)
            message = issue.message
            if issue.missing and exact and origin.omitted:
                message += f" ({origin.omitted})"
            elif not exact and issue.missing:
                message = f"{message}: add {issue.path[-1]} to the mapping's fields"
            found, value = _at(document, issue.path)
            source = None
            if exact and origin.expression is not None:
                source = self._source_text(origin.expression, origin.scope)
            yield (
                origin.rank,
                MappingIssue(
                    location.file,
                    location.line,
                    field_path,
                    f"{message} (target {target})",
                    source,
                    shown_value(value) if found and not issue.missing else None,
                ),
            )

    def _origin_of(self, path: DocumentPath) -> tuple[_Origin, bool]:
        for length in range(len(path), -1, -1):
            origin = self.origins.get(path[:length])
            if origin is not None:
                return origin, length == len(path)
        return self.origins[()], not path


def _step(container: Any, part: str | int) -> tuple[bool, Any]:
    if isinstance(container, Mapping) and part in container:
        return True, container[part]
    if (
        isinstance(container, list)
        and isinstance(part, int)
        and -len(container) <= part < len(container)
    ):
        return True, container[part]
    return False, None


def _at(document: Any, path: DocumentPath) -> tuple[bool, Any]:
    for part in path:
        found, document = _step(document, part)
        if not found:
            return False, None
    return True, document


def _holds(parent: str, container: Any) -> str:
    if isinstance(container, Mapping):
        keys = ", ".join(str(k) for k in container) or "nothing"
        return f" ({parent} has {keys})"
    if isinstance(container, list):
        return f" ({parent} has {len(container)} item{'s' if len(container) != 1 else ''})"
    return f" ({parent} is {shown_value(container)})"


def _locate(root: Any, wanted: Any) -> SourcePath | None:
    """The path of the object ``wanted`` (by identity) inside ``root``."""
    stack: list[tuple[Any, SourcePath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if node is wanted:
            return path
        if isinstance(node, Mapping):
            stack.extend((value, (*path, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, (*path, index)) for index, value in enumerate(node))
    return None


def _unique(issues: list[MappingIssue]) -> list[MappingIssue]:
    seen: set[MappingIssue] = set()
    unique = []
    for issue in issues:
        if issue not in seen:
            seen.add(issue)
            unique.append(issue)
    return unique
