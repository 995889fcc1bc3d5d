"""Reading a mapping file: its YAML with the line of every value, its compiled expressions, its
target, and every problem found, each at its file and line.

The file is read with the configuration's YAML reader (:func:`connector.config.documents
.read_yaml`), so a mapping's problems are :class:`~connector.config.ConfigProblem` values like
those of ``connector.yaml``, and ``ahead-connector mapping check`` prints them the same way.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from connector.config.documents import ConfigPath, YamlDocument, dotted, read_yaml
from connector.config.errors import ConfigError, ConfigProblem
from connector.mapping.definition import (
    FIELD_KEYWORDS,
    RESERVED_NAMES,
    FieldKind,
    FieldSpec,
    MappingDefinition,
)
from connector.mapping.expressions import (
    Expression,
    ExpressionKind,
    ExpressionSyntaxError,
    Location,
    compile_value,
    mapping_environment,
)
from connector.mapping.targets import (
    InvalidTargetError,
    Target,
    TargetRegistry,
    UnknownTargetError,
)

#: The keys of a mapping file.
FILE_KEYS = ("name", "description", "source", "target", "extends", "params", "fields")

#: Finds the mapping an ``extends`` names, given the name and the file that extends it.
BaseFinder = Callable[[str, Path], MappingDefinition]


def load_mapping(
    file: Path,
    *,
    name: str | None = None,
    targets: TargetRegistry | None = None,
    find_base: BaseFinder | None = None,
) -> MappingDefinition:
    """Load and compile the mapping in ``file``.

    Args:
        file: the mapping file.
        name: the name it was found by; default the file's name without ``.yaml``.
        targets: where ``target`` is looked up; default :meth:`TargetRegistry.standard`.
        find_base: loads the mapping an ``extends`` names; without it ``extends`` is a problem.

    Raises:
        ConfigError: every problem of the file (and of the files it extends), each with its
            line: YAML syntax, unknown keys, template syntax, unknown target, fields the
            target does not have or that it requires and the mapping never gives.
    """
    document = read_yaml(file)
    loader = _FileLoader(
        document,
        name or file.stem,
        targets if targets is not None else TargetRegistry.standard(),
        find_base,
    )
    return loader.load()


class _FileLoader:
    def __init__(
        self,
        document: YamlDocument,
        name: str,
        targets: TargetRegistry,
        find_base: BaseFinder | None,
    ) -> None:
        self.document = document
        self.file = document.file
        self.name = name
        self.targets = targets
        self.find_base = find_base
        self.problems: list[ConfigProblem] = list(document.problems)
        self.environment: SandboxedEnvironment = mapping_environment()
        self.lines = self.file.read_text(encoding="utf-8").splitlines()

    # -- the file -------------------------------------------------------------------------

    def load(self) -> MappingDefinition:
        data = self.document.data
        if not isinstance(data, dict):
            raise ConfigError(
                [
                    self.problem(
                        (),
                        "a mapping file is an object with name, description, source, target, "
                        "params and fields",
                    )
                ]
            )
        for key in data:
            if key not in FILE_KEYS:
                self.problems.append(self.problem((key,), _unknown(key, FILE_KEYS), at_key=True))
        for key in ("name", "description", "source", "target", "extends"):
            if key in data and not isinstance(data[key], str):
                self.problems.append(self.problem((key,), f"{key} is text"))
        base = self._base(data)
        target = self._target(data, base)
        params = self._params(data, base)
        root = self._root(data, base)
        if root is not None and target is not None and target.model is not None:
            self._check_model(root, target.model, root.yaml_path)
        if self.problems or target is None or root is None:
            raise ConfigError(self.problems or [self.problem((), "the mapping has no fields")])
        return MappingDefinition(
            name=self.name,
            file=self.file,
            description=_text(data.get("description")) or (base.description if base else ""),
            source=_text(data.get("source")) or (base.source if base else ""),
            target=target,
            params=params,
            root=root,
            files=(self.file, *(base.files if base else ())),
        )

    def _base(self, data: dict[str, Any]) -> MappingDefinition | None:
        extends = data.get("extends")
        if not isinstance(extends, str):
            return None
        if self.find_base is None:
            self.problems.append(
                self.problem(
                    ("extends",), "extends needs a mapping library to find the base mapping in"
                )
            )
            return None
        try:
            return self.find_base(extends, self.file)
        except ConfigError as error:
            self.problems.extend(error.problems)
        except LookupError as error:
            self.problems.append(self.problem(("extends",), str(error).strip("'\"")))
        return None

    def _target(self, data: dict[str, Any], base: MappingDefinition | None) -> Target | None:
        name = data.get("target")
        if not isinstance(name, str):
            if base is not None:
                return base.target
            if "target" not in data and "extends" not in data:
                self.problems.append(
                    self.problem(("target",), "missing: add target (e.g. ahead.order_submission)")
                )
            return None
        if base is not None and name != base.target.name:
            self.problems.append(
                self.problem(
                    ("target",),
                    f"the base mapping {base.name!r} produces {base.target.name!r}; a mapping "
                    "that extends it produces the same target",
                )
            )
            return None
        try:
            return self.targets.get(name)
        except (UnknownTargetError, InvalidTargetError) as error:
            self.problems.append(self.problem(("target",), str(error)))
            return None

    def _params(self, data: dict[str, Any], base: MappingDefinition | None) -> dict[str, Any]:
        params = data.get("params")
        merged = dict(base.params) if base is not None else {}
        if params is None:
            return merged
        if not isinstance(params, dict):
            self.problems.append(self.problem(("params",), "params is an object of names"))
            return merged
        for key, value in params.items():
            if not key.isidentifier():
                self.problems.append(
                    self.problem(
                        ("params", key),
                        f"parameter {key!r} is not a name expressions can use (letters, digits, _)",
                        at_key=True,
                    )
                )
            elif base is not None and key not in base.params:
                self.problems.append(
                    self.problem(
                        ("params", key),
                        f"the base mapping {base.name!r} has no parameter {key!r}"
                        + _close(key, list(base.params)),
                        at_key=True,
                    )
                )
            merged[key] = value
        return merged

    def _root(self, data: dict[str, Any], base: MappingDefinition | None) -> FieldSpec | None:
        fields = data.get("fields")
        if fields is None:
            if base is not None:
                return base.root
            if "extends" not in data:
                self.problems.append(self.problem(("fields",), "missing: add fields"))
            return None
        path: ConfigPath = ("fields",)
        if not isinstance(fields, dict) or not fields:
            self.problems.append(
                self.problem(path, "fields is an object: target field names and their values")
            )
            return None
        own = self._fields(fields, path)
        if base is not None:
            # An extending file replaces the base's fields of the same name and adds others.
            names = {spec.name for spec in own}
            own = (*(spec for spec in base.root.fields if spec.name not in names), *own)
        return FieldSpec(None, FieldKind.OBJECT, self.location(path, at_key=True), path, fields=own)

    # -- fields -----------------------------------------------------------------------------

    def _fields(self, data: dict[str, Any], path: ConfigPath) -> tuple[FieldSpec, ...]:
        specs = []
        for key, value in data.items():
            spec = self._field(key, value, (*path, key))
            if spec is not None:
                specs.append(spec)
        return tuple(specs)

    def _field(self, name: str, value: Any, path: ConfigPath) -> FieldSpec | None:
        location = self.location(path, at_key=True)
        if isinstance(value, dict):
            if not value:
                self.problems.append(
                    self.problem(path, "an empty object: give its fields, or a value")
                )
                return None
            if set(value) <= FIELD_KEYWORDS:
                return self._settings(name, value, path, location)
            return FieldSpec(
                name, FieldKind.OBJECT, location, path, fields=self._fields(value, path)
            )
        return FieldSpec(
            name, FieldKind.VALUE, location, path, value=self._alternatives(value, path)
        )

    def _settings(
        self, name: str, settings: dict[str, Any], path: ConfigPath, location: Location
    ) -> FieldSpec | None:
        keys = set(settings)
        when = self._optional(settings, "when", path)
        as_name = self._as_name(settings, path)
        rule = self._rule(settings, path)
        fields = self._nested_fields(settings, path)
        if "each" in keys:
            self._refuse(keys, {"default", "with"}, path, "each")
            if as_name is None or (("fields" in keys) == ("value" in keys)):
                if as_name is None:
                    self._missing(path, "as", "each needs as: the name of the current item")
                if ("fields" in keys) == ("value" in keys):
                    self._missing(
                        path,
                        "fields",
                        "each needs either fields (a list of objects) or value (a list of values)",
                    )
                return None
            if fields is not None and rule is not None:
                self._refuse(keys, {"rule"}, path, "each with fields")
            return FieldSpec(
                name,
                FieldKind.LIST,
                location,
                path,
                value=self._alternatives(settings["value"], (*path, "value"))
                if "value" in keys
                else (),
                when=when,
                each=self._compile(settings["each"], (*path, "each")),
                where=self._optional(settings, "where", path),
                as_name=as_name,
                rule=rule,
                fields=fields or (),
            )
        self._refuse(keys, {"where"}, path, "a field without each")
        if "with" in keys or "fields" in keys:
            self._refuse(keys, {"value", "default", "rule"}, path, "an object built from fields")
            if "fields" not in keys:
                self._missing(path, "fields", "with needs fields: the object's fields")
                return None
            if ("with" in keys) != (as_name is not None):
                self._missing(path, "as", "with and as go together: as names the value of with")
                return None
            return FieldSpec(
                name,
                FieldKind.OBJECT,
                location,
                path,
                when=when,
                with_=self._optional(settings, "with", path),
                as_name=as_name,
                fields=fields or (),
            )
        self._refuse(keys, {"as"}, path, "a field without each or with")
        if "value" not in keys and "default" not in keys:
            self._missing(path, "value", "give value (or default)")
            return None
        return FieldSpec(
            name,
            FieldKind.VALUE,
            location,
            path,
            value=self._alternatives(settings["value"], (*path, "value"))
            if "value" in keys
            else (),
            default=self._optional(settings, "default", path),
            has_default="default" in keys,
            when=when,
            rule=rule,
        )

    def _nested_fields(
        self, settings: dict[str, Any], path: ConfigPath
    ) -> tuple[FieldSpec, ...] | None:
        if "fields" not in settings:
            return None
        fields = settings["fields"]
        if not isinstance(fields, dict) or not fields:
            self.problems.append(
                self.problem((*path, "fields"), "fields is an object: field names and their values")
            )
            return ()
        return self._fields(fields, (*path, "fields"))

    def _as_name(self, settings: dict[str, Any], path: ConfigPath) -> str | None:
        if "as" not in settings:
            return None
        value = settings["as"]
        if not isinstance(value, str) or not value.isidentifier() or value.startswith("_"):
            self.problems.append(
                self.problem((*path, "as"), "as is a name: letters, digits and _, not first _")
            )
            return None
        if value in RESERVED_NAMES:
            self.problems.append(
                self.problem((*path, "as"), f"{value!r} is taken: every expression reads it")
            )
            return None
        return value

    def _rule(self, settings: dict[str, Any], path: ConfigPath) -> Expression | None:
        if "rule" not in settings:
            return None
        rule = settings["rule"]
        where = (*path, "rule")
        if not isinstance(rule, str) or not rule.strip() or "{" in rule:
            self.problems.append(
                self.problem(where, "rule is a filter chain applied to the value, e.g. cut(35)")
            )
            return None
        return self._compile("{{ value | " + rule.strip() + " }}", where, shown=rule)

    def _optional(self, settings: dict[str, Any], key: str, path: ConfigPath) -> Expression | None:
        if key not in settings:
            return None
        return self._compile(settings[key], (*path, key))

    def _alternatives(self, value: Any, path: ConfigPath) -> tuple[Expression, ...]:
        if isinstance(value, list):
            if not value:
                self.problems.append(self.problem(path, "an empty list of alternatives"))
            return tuple(self._compile(item, (*path, i)) for i, item in enumerate(value))
        return (self._compile(value, path),)

    def _compile(self, value: Any, path: ConfigPath, *, shown: str | None = None) -> Expression:
        location = self.location(path)
        if isinstance(value, dict):
            self.problems.append(
                self.problem(path, "an expression or a constant is expected here, not an object")
            )
        try:
            expression = compile_value(self.environment, value, location)
        except ExpressionSyntaxError as error:
            line = location.line
            if line is not None:
                line += error.line - 1 + self._block_scalar(location)
            self.problems.append(
                ConfigProblem(
                    self.file,
                    line,
                    location.column if error.line == 1 else None,
                    dotted(path),
                    f"template error: {error.reason}",
                )
            )
            return Expression(value, ExpressionKind.CONSTANT, location)
        return expression if shown is None else dataclasses.replace(expression, text=shown)

    # -- the target's model ---------------------------------------------------------------------

    def _check_model(self, spec: FieldSpec, model: type[BaseModel], path: ConfigPath) -> None:
        allowed = _field_names(model)
        written = {f.name for f in spec.fields}
        for field in spec.fields:
            assert field.name is not None
            if field.name not in allowed:
                self.problems.append(
                    ConfigProblem(
                        field.location.file,
                        field.location.line,
                        field.location.column,
                        dotted(field.yaml_path),
                        _not_a_field(field.name, model, list(allowed)),
                    )
                )
                continue
            nested = _nested_model(allowed[field.name])
            if nested is not None and field.kind is not FieldKind.VALUE and field.fields:
                self._check_model(field, nested, field.yaml_path)
        for required in _required_names(model):
            if required not in written:
                self.problems.append(
                    ConfigProblem(
                        spec.location.file,
                        spec.location.line,
                        spec.location.column,
                        dotted(path),
                        f"missing: {required} is required by {model.__name__}; add it",
                    )
                )

    # -- places -----------------------------------------------------------------------------

    def location(self, path: ConfigPath, *, at_key: bool = False) -> Location:
        problem = self.document.problem(path, "", at_key=at_key)
        return Location(problem.file, problem.line, problem.column)

    def problem(self, path: ConfigPath, message: str, *, at_key: bool = False) -> ConfigProblem:
        return self.document.problem(path, message, at_key=at_key)

    def _block_scalar(self, location: Location) -> int:
        """1 when the value at ``location`` is a ``|`` or ``>`` block (its text starts on the
        next line), else 0."""
        if location.line is None or location.column is None:
            return 0
        if location.line > len(self.lines):
            return 0
        text = self.lines[location.line - 1][location.column - 1 :]
        return 1 if text[:1] in ("|", ">") else 0

    def _refuse(self, keys: set[str], refused: set[str], path: ConfigPath, what: str) -> None:
        for key in sorted(keys & refused):
            self.problems.append(
                self.problem((*path, key), f"{key} does not apply to {what}", at_key=True)
            )

    def _missing(self, path: ConfigPath, key: str, message: str) -> None:
        self.problems.append(self.problem((*path, key), f"missing: {message}"))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unknown(key: str, allowed: tuple[str, ...] | list[str]) -> str:
    return f"unknown key {key!r}" + (
        _close(key, list(allowed)) or f" (allowed: {', '.join(allowed)})"
    )


def _close(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _not_a_field(name: str, model: type[BaseModel], allowed: list[str]) -> str:
    message = f"{name!r} is not a field of {model.__name__}"
    if name in FIELD_KEYWORDS:
        return (
            f"{message}: this object has target fields of its own, so its keys are all read as "
            "fields; put the fields under fields: to use a keyword such as "
            f"{name}"
        )
    close = _close(name, allowed)
    return message + (close or f" (its fields: {', '.join(allowed)})")


def _field_names(model: type[BaseModel]) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        names[name] = info.annotation
        if info.alias:
            names[info.alias] = info.annotation
    return names


def _required_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items() if info.is_required()]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a field holding an object or a list of objects, else ``None``."""
    current = _unwrap(annotation)
    if typing.get_origin(current) in (list, tuple):
        args = typing.get_args(current)
        current = _unwrap(args[0]) if args else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation
