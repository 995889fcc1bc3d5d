"""What a mapping produces, and how the result is checked before anything is sent.

A mapping file names its target (``target: ahead.order_submission``). A :class:`Target` checks
a mapped document and returns it normalised, or raises :class:`TargetValidationError` listing
every problem by its place in the document, which the mapping turns back into lines of the
mapping file.

Targets come from a :class:`TargetRegistry`: the built-in ones, then those registered under the
entry point group ``ahead_connector.mapping_targets`` (a later one replaces an earlier one of
the same name, so an adapter can put a precise validator in place of a generic one). An entry
point's name is known at once, but what it names is imported only when a mapping asks for that
target, so that a deployment mapping orders alone never imports every adapter::

    [project.entry-points."ahead_connector.mapping_targets"]
    "x12.856" = "adapters.x12.validation:ship_notice_target"

An entry point may name a pydantic model, a :class:`Target`, or a validator: a callable taking
the document and returning a sequence of :class:`TargetIssue` (empty when the document is good).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Protocol, runtime_checkable

import pydantic
from pydantic import BaseModel

from connector.api import models
from connector.mapping.target_issues import TargetIssue, TargetValidationError
from connector.mapping.x12_documents import x12_document_issues

#: The entry point group third parties register mapping targets under.
TARGET_ENTRY_POINT_GROUP = "ahead_connector.mapping_targets"

#: A validator of a document kind: the problems of a document, none when it is good.
Validator = Callable[[Mapping[str, Any]], Sequence[TargetIssue]]


@runtime_checkable
class Target(Protocol):
    """What a mapping produces: a name and a check of the produced document."""

    @property
    def name(self) -> str:
        """The name mapping files give as ``target``."""
        ...

    @property
    def model(self) -> type[BaseModel] | None:
        """The pydantic model of the document, when there is one (used to check field names
        when a mapping is loaded); ``None`` for documents checked by a validator alone."""
        ...

    def validate(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """The document, checked and normalised (JSON-compatible values).

        Raises:
            TargetValidationError: the document does not fit.
        """
        ...


@dataclass(frozen=True)
class ModelTarget:
    """A target checked by a pydantic model; the result is the model's JSON form of the fields
    the mapping set.

    Attributes:
        name: the target's name.
        model: the model.
        description: what the document is, for ``mapping list``.
    """

    name: str
    model: type[BaseModel]
    description: str = ""

    def validate(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """The document validated by :attr:`model`, as JSON-compatible data.

        Raises:
            TargetValidationError: one issue per error pydantic found.
        """
        try:
            instance = self.model.model_validate(document)
        except pydantic.ValidationError as error:
            raise TargetValidationError(_issues_from(error)) from None
        dumped: dict[str, Any] = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return dumped


@dataclass(frozen=True)
class ValidatorTarget:
    """A target checked by a validator function; the document is returned as it is.

    Attributes:
        name: the target's name.
        validator: returns the problems of a document.
        description: what the document is, for ``mapping list``.
    """

    name: str
    validator: Validator
    description: str = ""

    @property
    def model(self) -> type[BaseModel] | None:
        """No model: field names are checked by the validator when a record is mapped."""
        return None

    def validate(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """The document, unchanged, once the validator finds nothing wrong.

        Raises:
            TargetValidationError: the validator's issues.
        """
        issues = self.validator(document)
        if issues:
            raise TargetValidationError(issues)
        return dict(document)


class UnknownTargetError(LookupError):
    """No target of that name is registered.

    Attributes:
        name: the name asked for.
        known: the registered names.
    """

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(sorted(known))
        super().__init__(
            f"unknown target {name!r}; known targets: {', '.join(self.known) or 'none'}"
        )


class InvalidTargetError(TypeError):
    """An entry point cannot be loaded, or names something that is not a model, a target or a
    validator."""


class TargetRegistry:
    """Targets by name. Make one with :meth:`standard`, or an empty one and :meth:`register`."""

    def __init__(self, targets: Iterable[Target] = ()) -> None:
        self._targets: dict[str, Target] = {}
        # Entry points registered but not loaded yet: loaded by get(), on first use.
        self._entry_points: dict[str, EntryPoint] = {}
        for target in targets:
            self.register(target)

    def __repr__(self) -> str:
        return f"TargetRegistry({self.names()})"

    @classmethod
    def standard(cls) -> TargetRegistry:
        """The built-in targets, then every target registered through entry points.

        The entry points are only listed here; each is loaded when its target is asked for.
        """
        registry = cls(builtin_targets())
        for entry_point in entry_points(group=TARGET_ENTRY_POINT_GROUP):
            registry.register_entry_point(entry_point)
        return registry

    def register(self, target: Target) -> None:
        """Add ``target``, replacing a target of the same name."""
        self._entry_points.pop(target.name, None)
        self._targets[target.name] = target

    def register_entry_point(self, entry_point: EntryPoint) -> None:
        """Add the target an entry point names, under the entry point's name, replacing a
        target of the same name; it is loaded when :meth:`get` first asks for it."""
        self._targets.pop(entry_point.name, None)
        self._entry_points[entry_point.name] = entry_point

    def get(self, name: str) -> Target:
        """The target ``name``.

        Raises:
            UnknownTargetError: no target has that name.
            InvalidTargetError: the target's entry point cannot be loaded or names something
                that is not a target.
        """
        entry_point = self._entry_points.get(name)
        if entry_point is not None:
            target = target_from_entry_point(entry_point)
            self._entry_points.pop(name, None)
            self._targets[name] = target
            return target
        try:
            return self._targets[name]
        except KeyError:
            raise UnknownTargetError(name, self.names()) from None

    def names(self) -> list[str]:
        """The registered names, sorted (entry points' names without loading them)."""
        return sorted({*self._targets, *self._entry_points})


def builtin_targets() -> list[Target]:
    """The targets every installation knows: the AHEAD request bodies a mapping produces, and
    the outbound X12 documents (checked for the shape of ``docs/x12.md`` until the X12 adapter
    registers a validator that knows the transaction sets)."""
    return [
        ModelTarget("ahead.order_submission", models.OrderSubmission, "a new AHEAD customer order"),
        ModelTarget("ahead.rma", models.RmaCreate, "a new AHEAD RMA request"),
        ModelTarget("ahead.serial_data", models.SerialDataSubmission, "a serial datum for AHEAD"),
        ValidatorTarget(
            "x12.856", x12_document_issues, "an X12 856 ship notice (generic shape check)"
        ),
        ValidatorTarget("x12.810", x12_document_issues, "an X12 810 invoice (generic shape check)"),
    ]


def target_from_entry_point(entry_point: EntryPoint) -> Target:
    """The target an entry point names, named after the entry point.

    Raises:
        InvalidTargetError: the entry point cannot be loaded (its module or object is missing,
            or importing it fails), or the object is not a pydantic model, a target or a
            validator.
    """
    try:
        loaded = entry_point.load()
    except Exception as error:  # whatever importing a third party's module raises
        raise InvalidTargetError(
            f"entry point {entry_point.name!r} of {TARGET_ENTRY_POINT_GROUP!r} names "
            f"{entry_point.value!r}, which cannot be loaded: {type(error).__name__}: {error}"
        ) from error
    if isinstance(loaded, type) and issubclass(loaded, BaseModel):
        return ModelTarget(entry_point.name, loaded)
    if isinstance(loaded, Target):
        if loaded.name != entry_point.name:
            raise InvalidTargetError(
                f"entry point {entry_point.name!r} of {TARGET_ENTRY_POINT_GROUP!r} names a "
                f"target called {loaded.name!r}; the names must agree"
            )
        return loaded
    if callable(loaded):
        return ValidatorTarget(entry_point.name, loaded)
    raise InvalidTargetError(
        f"entry point {entry_point.name!r} of {TARGET_ENTRY_POINT_GROUP!r} names "
        f"{type(loaded).__name__} {entry_point.value!r}, which is neither a pydantic model, a "
        "Target nor a validator function"
    )


def _issues_from(error: pydantic.ValidationError) -> list[TargetIssue]:
    issues = []
    for item in error.errors(include_url=False, include_input=False):
        kind = item["type"]
        message = str(item["msg"]).removeprefix("Value error, ")
        if kind == "missing":
            message = "required, but the mapping gave no value"
        elif kind == "extra_forbidden":
            message = "not a field of the target"
        issues.append(
            TargetIssue(
                tuple(item["loc"]),
                message[:1].lower() + message[1:],
                missing=kind == "missing",
                unknown=kind == "extra_forbidden",
            )
        )
    return issues
