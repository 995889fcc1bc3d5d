"""A loaded mapping file: its compiled fields, parameters and target."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connector.config.documents import ConfigPath
from connector.mapping.expressions import Expression, Location
from connector.mapping.targets import Target

#: The keys of a field's settings; a YAML object using only these configures one field, any
#: other object is a nested object of the target whose keys are its fields.
FIELD_KEYWORDS = frozenset(
    {"value", "default", "when", "each", "where", "with", "as", "fields", "rule"}
)

#: Names every expression can use besides the source record's own top-level keys.
RESERVED_NAMES = frozenset({"params", "record"})


class FieldKind(enum.Enum):
    """What a field of the target is built as."""

    #: One value: the first of ``value``'s alternatives that gives one, else ``default``.
    VALUE = "value"
    #: An object built from nested ``fields``.
    OBJECT = "object"
    #: A list built by ``each``: an object (with ``fields``) or a value per source item.
    LIST = "list"


@dataclass(frozen=True)
class FieldSpec:
    """How one field of the target is built.

    Attributes:
        name: the field's key in its object (``None`` for the document itself).
        kind: what it is built as.
        location: where the field was written in its mapping file.
        yaml_path: where in that file (``fields.recipient.fields.address_1``).
        value: alternatives tried in order: the first that is defined and not empty or null
            wins.
        default: used when no alternative gives a value (``has_default``).
        has_default: a ``default`` was written (``default: null`` leaves the field out).
        when: the field is built only when this is true.
        each: the list a repeating group iterates over.
        where: items of ``each`` for which this is false are skipped.
        with_: the value an object's fields read under the name ``as_name``.
        as_name: the name of the current item of ``each`` or the value of ``with``.
        rule: a filter chain applied to the value, e.g. ``cut(35)``.
        fields: the nested fields of an object (or of each item of a list).
    """

    name: str | None
    kind: FieldKind
    location: Location
    yaml_path: ConfigPath
    value: tuple[Expression, ...] = ()
    default: Expression | None = None
    has_default: bool = False
    when: Expression | None = None
    each: Expression | None = None
    where: Expression | None = None
    with_: Expression | None = None
    as_name: str | None = None
    rule: Expression | None = None
    fields: tuple[FieldSpec, ...] = ()

    def field(self, name: str) -> FieldSpec | None:
        """The nested field ``name``, if written."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class MappingDefinition:
    """A mapping file, loaded and compiled; turned into documents by
    :class:`~connector.mapping.DeclarativeMapping`.

    Attributes:
        name: the name it is found by (``x12/850-to-order``).
        file: the file.
        description: what it does, for people.
        source: what kind of record it reads (documentation only).
        target: what it produces.
        params: the parameters expressions read as ``params.<name>``, after overrides.
        root: the document's fields, as an object field.
        files: the file and the files it extends, nearest first.
    """

    name: str
    file: Path
    description: str
    source: str
    target: Target
    params: Mapping[str, Any]
    root: FieldSpec
    files: tuple[Path, ...]
