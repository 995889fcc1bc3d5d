"""Packages whose public names are imported from their modules on first use.

A package ``__init__`` that imports all of its modules makes importing any one of them, however
light (a state enum, a default value), load every library the package uses; the command line's
start-up would pay for the database, web and file-watching libraries on every ``--help``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, modules: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names are imported on first use.

    ::

        if not TYPE_CHECKING:
            __getattr__, __dir__ = lazy_exports(__name__, _MODULES)

    Args:
        package: the package's ``__name__``.
        modules: each exported name and the module that defines it.

    Returns:
        The package's ``__getattr__``, which imports a name's module and keeps the value in the
        package, and its ``__dir__``, which lists the exported names too.
    """

    def get_attribute(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def list_names() -> list[str]:
        return sorted({*vars(sys.modules[package]), *modules})

    return get_attribute, list_names
