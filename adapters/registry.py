"""Finding adapters by kind through entry points, and building them from their settings.

Every adapter, built-in or third-party, is registered the same way: a class under the entry
point group of its role, named by its kind::

    [project.entry-points."ahead_connector.sources"]
    jsonfiles = "adapters.jsonfiles:JsonFileSource"

    [project.entry-points."ahead_connector.sinks"]
    ahead-orders = "adapters.ahead:AheadOrderSink"

A registered class is checked when it is loaded: it must subclass :class:`~adapters.base.Source`
or :class:`~adapters.base.Sink` for its group, implement every abstract method, and declare the
entry point's name as its ``kind``.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Literal, overload

import pydantic

from adapters.base import Adapter, AdapterContext, Sink, Source

_GROUP_PREFIX = "ahead_connector"


class Role(enum.Enum):
    """What an adapter does in a flow; each role has its own entry point group."""

    SOURCE = "source"
    SINK = "sink"

    @property
    def group(self) -> str:
        """The entry point group of this role, e.g. ``ahead_connector.sources``."""
        return f"{_GROUP_PREFIX}.{self.value}s"

    @property
    def base_class(self) -> type[Adapter]:
        """The class every adapter of this role subclasses."""
        return Source if self is Role.SOURCE else Sink


class AdapterError(Exception):
    """Base of the errors raised when finding or building an adapter."""


class UnknownAdapterError(AdapterError, LookupError):
    """No adapter is registered under the requested kind.

    Attributes:
        role: the role asked for.
        kind: the kind asked for.
        known: the kinds registered for that role.
    """

    def __init__(self, role: Role, kind: str, known: Sequence[str]) -> None:
        self.role = role
        self.kind = kind
        self.known = tuple(known)
        listed = ", ".join(self.known) if self.known else "none"
        super().__init__(
            f"no {role.value} adapter of kind {kind!r} is installed; known {role.value} "
            f"kinds: {listed} (entry point group {role.group!r})"
        )


class InvalidAdapterError(AdapterError, TypeError):
    """An entry point names something that is not a usable adapter class."""


@dataclass(frozen=True)
class SettingsProblem:
    """One thing wrong with an adapter's settings.

    Attributes:
        field: the dotted path of the setting (``inbox``, ``lines.0.sku``), or ``None`` when the
            problem is not one setting's (e.g. a service the adapter needs is missing).
        message: what is wrong and what was expected.
    """

    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class AdapterSettingsError(AdapterError, ValueError):
    """An adapter cannot be built with its settings in this deployment.

    Raised by :func:`build_adapter` for settings that do not fit the adapter's
    ``settings_model``, and by adapters' constructors for settings that fit but do not work
    (a folder that cannot be created, a service that is missing).

    Attributes:
        adapter: the adapter's name and kind, e.g. ``'orders-in' (jsonfiles source)``.
        problems: every problem found.
    """

    def __init__(self, adapter: str, problems: Sequence[SettingsProblem]) -> None:
        self.adapter = adapter
        self.problems = tuple(problems)
        lines = "".join(f"\n  - {problem}" for problem in self.problems)
        super().__init__(f"the settings of adapter {adapter} are wrong:{lines}")

    @classmethod
    def for_adapter(
        cls, context: AdapterContext, adapter_class: type[Adapter], *problems: SettingsProblem
    ) -> AdapterSettingsError:
        """The error for the adapter ``context.name`` of class ``adapter_class``."""
        return cls(_describe(context, adapter_class), problems)


def _describe(context: AdapterContext, adapter_class: type[Adapter]) -> str:
    role = "source" if issubclass(adapter_class, Source) else "sink"
    kind = getattr(adapter_class, "kind", adapter_class.__name__)
    return f"{context.name!r} ({kind} {role})"


def known_kinds(role: Role) -> list[str]:
    """The kinds registered for ``role``, sorted, without loading any of them."""
    return sorted({entry.name for entry in entry_points(group=role.group)})


@overload
def load_adapter_class(role: Literal[Role.SOURCE], kind: str) -> type[Source]: ...
@overload
def load_adapter_class(role: Literal[Role.SINK], kind: str) -> type[Sink]: ...
@overload
def load_adapter_class(role: Role, kind: str) -> type[Source] | type[Sink]: ...
def load_adapter_class(role: Role, kind: str) -> type[Source] | type[Sink]:
    """The adapter class registered for ``role`` under ``kind``.

    Raises:
        UnknownAdapterError: nothing is registered under ``kind``; the message lists the kinds
            that are.
        InvalidAdapterError: the entry point cannot be imported, names something that is not a
            concrete subclass of the role's base class, or its class declares another kind, or
            two installed packages register different classes under ``kind``.
    """
    found = [entry for entry in entry_points(group=role.group) if entry.name == kind]
    if not found:
        raise UnknownAdapterError(role, kind, known_kinds(role))
    targets = sorted({entry.value for entry in found})
    if len(targets) > 1:
        raise InvalidAdapterError(
            f"{role.value} kind {kind!r} is registered more than once, as "
            f"{' and '.join(targets)}; uninstall one of the packages"
        )
    return _checked_class(role, found[0])


def _checked_class(role: Role, entry: EntryPoint) -> type[Source] | type[Sink]:
    where = f"{role.value} kind {entry.name!r} ({entry.value} in group {entry.group!r})"
    try:
        loaded = entry.load()
    except (ImportError, AttributeError) as exc:
        raise InvalidAdapterError(f"{where} cannot be loaded: {exc}") from exc
    base = role.base_class
    if not (inspect.isclass(loaded) and issubclass(loaded, base)):
        raise InvalidAdapterError(
            f"{where} is not a class derived from {base.__module__}.{base.__qualname__}"
        )
    if inspect.isabstract(loaded):
        missing = ", ".join(sorted(getattr(loaded, "__abstractmethods__", ())))
        raise InvalidAdapterError(f"{where} does not implement {missing}")
    declared = getattr(loaded, "kind", None)
    if declared != entry.name:
        raise InvalidAdapterError(
            f"{where} declares kind {declared!r}; the class's kind must equal the entry "
            "point's name"
        )
    if issubclass(loaded, Source):
        return loaded
    if issubclass(loaded, Sink):
        return loaded
    raise InvalidAdapterError(f"{where} is neither a source nor a sink")


@overload
def available_adapters(role: Literal[Role.SOURCE]) -> dict[str, type[Source]]: ...
@overload
def available_adapters(role: Literal[Role.SINK]) -> dict[str, type[Sink]]: ...
@overload
def available_adapters(role: Role) -> dict[str, type[Source]] | dict[str, type[Sink]]: ...
def available_adapters(role: Role) -> dict[str, type[Source]] | dict[str, type[Sink]]:
    """Every adapter class registered for ``role``, by kind, each loaded and checked.

    Raises:
        InvalidAdapterError: one of them is not a usable adapter (a broken plugin is reported,
            not hidden).
    """
    if role is Role.SOURCE:
        return {kind: load_adapter_class(Role.SOURCE, kind) for kind in known_kinds(role)}
    return {kind: load_adapter_class(Role.SINK, kind) for kind in known_kinds(role)}


@overload
def build_adapter(
    role: Literal[Role.SOURCE],
    kind: str,
    settings: Mapping[str, Any],
    context: AdapterContext,
) -> Source: ...
@overload
def build_adapter(
    role: Literal[Role.SINK],
    kind: str,
    settings: Mapping[str, Any],
    context: AdapterContext,
) -> Sink: ...
@overload
def build_adapter(
    role: Role, kind: str, settings: Mapping[str, Any], context: AdapterContext
) -> Source | Sink: ...
def build_adapter(
    role: Role, kind: str, settings: Mapping[str, Any], context: AdapterContext
) -> Source | Sink:
    """An adapter of ``kind``, with ``settings`` validated by the class's ``settings_model``.

    Args:
        role: source or sink.
        kind: the registered kind, e.g. ``jsonfiles``.
        settings: the adapter's ``settings:`` from the deployment configuration.
        context: the adapter's name, the deployment folder and shared services.

    Raises:
        UnknownAdapterError: see :func:`load_adapter_class`.
        InvalidAdapterError: see :func:`load_adapter_class`.
        AdapterSettingsError: the settings do not fit the model (every field is named), or the
            adapter cannot work with them.
    """
    # Imported here: the configuration imports this module for its Role.
    from connector.config.references import ReferenceContext

    adapter_class = load_adapter_class(role, kind)
    try:
        # Secret files in the settings are found relative to the deployment, as the runtime does.
        validated = adapter_class.settings_model.model_validate(
            dict(settings), context=ReferenceContext(context.deployment_dir)
        )
    except pydantic.ValidationError as exc:
        problems = [
            SettingsProblem(".".join(str(part) for part in error["loc"]) or None, error["msg"])
            for error in exc.errors(include_url=False)
        ]
        raise AdapterSettingsError.for_adapter(context, adapter_class, *problems) from None
    return adapter_class(validated, context)
