"""Our structure definitions of IDoc basic types, kept as data in ``adapters/sap/idoc/structures/``.

A definition (one YAML file per basic type) names the control record's fields and the segments
in SAP's order, each with its fields and their lengths, whether it is mandatory, how often it
may occur, which of its fields we require, and its child segments. :func:`load_structure` reads
one; the checker (:mod:`adapters.sap.idoc.check`) and the tree builder use it.
"""

from __future__ import annotations

from enum import StrEnum
from importlib import resources
from typing import Self

import yaml  # type: ignore[import-untyped]
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "IdocBasicType",
    "IdocStructure",
    "IdocStructureError",
    "SegmentDefinition",
    "load_structure",
]


class IdocStructureError(ValueError):
    """A structure definition file that cannot be used."""


class IdocBasicType(StrEnum):
    """The IDoc basic types the connector reads or writes."""

    ORDERS05 = "ORDERS05"
    DELVRY07 = "DELVRY07"
    INVOIC02 = "INVOIC02"


class SegmentDefinition(BaseModel):
    """One segment of a basic type.

    Attributes:
        name: the segment's name (``E1EDP01``), its XML element.
        description: what it holds.
        mandatory: whether it must occur at least once under its parent.
        max: how often it may occur under one parent.
        fields: its fields and their lengths, in SAP's order.
        required: fields that must not be empty (our rule: qualifiers, keys).
        children: its child segments, in SAP's order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Z0-9_/]+$")
    description: str = ""
    mandatory: bool = False
    max: int = Field(default=1, ge=1)
    fields: dict[str, int]
    required: tuple[str, ...] = ()
    children: tuple[SegmentDefinition, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        unknown = [name for name in self.required if name not in self.fields]
        if unknown:
            raise ValueError(f"{self.name}: required {unknown} are not among its fields")
        short = [name for name, length in self.fields.items() if length < 1]
        if short:
            raise ValueError(f"{self.name}: fields {short} need a length of at least 1")
        names = [child.name for child in self.children]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: a child segment is defined twice")
        return self

    def child(self, name: str) -> SegmentDefinition | None:
        """The child segment called ``name``, if it is one."""
        return next((child for child in self.children if child.name == name), None)


class IdocStructure(BaseModel):
    """A basic type: its control record and its top-level segments.

    Attributes:
        basic_type: e.g. ``ORDERS05``; the XML root element's name.
        message_types: the message types (``MESTYP``) it carries.
        control: the control record ``EDI_DC40``.
        segments: the top-level segments, in SAP's order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    basic_type: str
    message_types: tuple[str, ...]
    control: SegmentDefinition
    segments: tuple[SegmentDefinition, ...]

    @property
    def root(self) -> SegmentDefinition:
        """The ``IDOC`` element as a segment whose children are the top-level segments."""
        return SegmentDefinition(name="IDOC", fields={}, mandatory=True, children=self.segments)


def load_structure(basic_type: IdocBasicType | str) -> IdocStructure:
    """Our definition of ``basic_type``.

    Raises:
        IdocStructureError: there is none, or it is not valid.
    """
    try:
        name = f"{IdocBasicType(basic_type).value}.yaml"
    except ValueError:
        known = ", ".join(kind.value for kind in IdocBasicType)
        raise IdocStructureError(
            f"no structure definition of {basic_type!r}; there are: {known}"
        ) from None
    where = f"adapters/sap/idoc/structures/{name}"
    try:
        text = resources.files("adapters.sap.idoc.structures").joinpath(name).read_text("utf-8")
        data = yaml.safe_load(text)
        return IdocStructure.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise IdocStructureError(f"{where}: cannot be read: {exc}") from None
    except ValidationError as exc:
        raise IdocStructureError(f"{where}: {exc}") from None
