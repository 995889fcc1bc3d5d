"""Loading a deployment: read its files, resolve references, validate, report every problem.

The steps, each adding to one list of problems so that a single run shows them all:

1. ``connector.yaml`` is read with the place of every key and value; then the files its
   ``include`` patterns name, whose adapters, partners and flows join the main file's.
2. ``${VARIABLE}`` references are resolved from the environment. An adapter's ``settings`` are
   only checked here: they are resolved against the adapter's own model later, which knows
   which of them are secrets.
3. Flows are checked against the adapters they name; the model validates everything else.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pydantic

from connector.config.consistency import reference_problems, webhook_route_problems
from connector.config.deployment import Deployment
from connector.config.diagnostics import problems_from
from connector.config.documents import (
    ConfigPath,
    Place,
    YamlDocument,
    dotted,
    problem_at,
    read_yaml,
)
from connector.config.errors import ConfigError, ConfigProblem
from connector.config.model import INCLUDABLE_SECTIONS, ConnectorConfig
from connector.config.references import (
    ReferenceContext,
    has_literal_password,
    interpolate_tree,
)
from connector.config.scaffold import CONFIG_FILENAME


def load_deployment(
    directory: Path,
    *,
    environ: Mapping[str, str] | None = None,
    defer_secrets: bool = False,
) -> Deployment:
    """Load and validate the deployment in ``directory``.

    Args:
        directory: the deployment folder, holding ``connector.yaml``.
        environ: where ``${VARIABLE}`` references are looked up; default ``os.environ``.
        defer_secrets: for commands that read only the store (``status``, ``records``,
            ``replay``, ``resolve``): a secret that cannot be resolved, and a variable that is
            not set where the configuration is valid without it, are not problems. The store's
            URL must still resolve; the deployment then refuses to build an AHEAD client.

    Raises:
        ConfigError: with every problem found, each with its file, line and column.
    """
    directory = directory.absolute()
    environ = os.environ if environ is None else environ
    main = directory / CONFIG_FILENAME
    if not main.is_file():
        raise ConfigError(
            [
                ConfigProblem(
                    main,
                    None,
                    None,
                    "",
                    f"no {CONFIG_FILENAME} in {directory}: create a deployment with "
                    "`ahead-connector init DIR`, or name the folder that has one",
                )
            ]
        )
    loading = _Loading(directory, read_yaml(main))
    loading.include()
    return loading.validate(environ, defer_secrets=defer_secrets)


class _Loading:
    """The state of one load: the merged data, where each part was written, the problems."""

    def __init__(self, directory: Path, main: YamlDocument) -> None:
        self.directory = directory
        self.main = main
        self.files = [main.file]
        self.places: dict[ConfigPath, Place] = dict(main.places)
        self.problems: list[ConfigProblem] = list(main.problems)
        data = {} if main.data is None else main.data
        if not isinstance(data, dict):
            raise ConfigError(
                [
                    main.problem(
                        (),
                        "the file must be a mapping of sections: ahead, store, adapters, "
                        "partners, flows, webhooks",
                    )
                ]
            )
        self.data: dict[str, Any] = data

    def problem(self, path: ConfigPath, message: str, *, at_key: bool = False) -> ConfigProblem:
        return problem_at(self.main.file, self.places, path, message, at_key=at_key)

    def include(self) -> None:
        patterns = self.data.get("include")
        if not isinstance(patterns, list):
            return  # absent, or the wrong shape, which the model reports
        for index, pattern in enumerate(patterns):
            if isinstance(pattern, str) and pattern:
                for file in self._matches(("include", index), pattern):
                    self._merge(file)

    def _matches(self, path: ConfigPath, pattern: str) -> list[Path]:
        if Path(pattern).is_absolute():
            self.problems.append(
                self.problem(path, "an include pattern is relative to the deployment folder")
            )
            return []
        if not glob.has_magic(pattern):
            file = self.directory / pattern
            if not file.is_file():
                self.problems.append(self.problem(path, f"the included file {pattern} is missing"))
                return []
            return [file]
        return sorted(p for p in self.directory.glob(pattern) if p.is_file())

    def _merge(self, file: Path) -> None:
        if file in self.files:
            return
        self.files.append(file)
        try:
            document = read_yaml(file)
        except ConfigError as exc:
            self.problems.extend(exc.problems)
            return
        self.problems.extend(document.problems)
        if document.data is None:
            return
        if not isinstance(document.data, dict):
            self.problems.append(document.problem((), _INCLUDED_SHAPE))
            return
        for section, entries in document.data.items():
            if section not in INCLUDABLE_SECTIONS:
                self.problems.append(
                    document.problem(
                        (section,), f"unknown key {section!r}: {_INCLUDED_SHAPE}", at_key=True
                    )
                )
            elif isinstance(entries, dict):
                self._merge_section(document, section, entries)
            elif entries is not None:
                self.problems.append(
                    document.problem((section,), f"{section} must be a mapping of names")
                )

    def _merge_section(self, document: YamlDocument, section: str, entries: dict[str, Any]) -> None:
        target = self.data.get(section)
        if target is None:
            target = self.data[section] = {}
        elif not isinstance(target, dict):
            return  # the main file's section has the wrong shape, which the model reports
        for name, entry in entries.items():
            path: ConfigPath = (section, name)
            if name in target:
                self.problems.append(
                    document.problem(path, f"defined twice: {self._first(path)}", at_key=True)
                )
                continue
            target[name] = entry
            self.places.update(
                (where, place)
                for where, place in document.places.items()
                if where[: len(path)] == path
            )

    def _first(self, path: ConfigPath) -> str:
        place = self.places.get(path)
        if place is None:
            return "it is also defined elsewhere"
        mark = place.key or place.value
        file = (
            place.file.relative_to(self.directory)
            if place.file.is_relative_to(self.directory)
            else place.file
        )
        return f"the other one is at {file}:{mark.line}:{mark.column}"

    def validate(self, environ: Mapping[str, str], *, defer_secrets: bool = False) -> Deployment:
        store = self.data.get("store")
        store_url = store.get("url") if isinstance(store, dict) else None
        if isinstance(store_url, str) and has_literal_password(store_url):
            self.problems.append(
                self.problem(
                    ("store", "url"),
                    "a password must not be written in the file: write it as ${VARIABLE} "
                    "(postgresql+psycopg://user:${PGPASSWORD}@host/db), or leave it out and let "
                    "PostgreSQL read PGPASSWORD or ~/.pgpass",
                )
            )
        data, unresolved = interpolate_tree(self.data, environ, keep=_is_adapter_settings)
        # Deferred: an unset variable outside the store is a problem only if the value it
        # leaves behind does not validate (decided below).
        deferred = [(p, m) for p, m in unresolved if defer_secrets and p[:1] != ("store",)]
        self.problems.extend(
            self.problem(path, message)
            for path, message in unresolved
            if (path, message) not in deferred
        )
        self.problems.extend(
            self.problem(path, message)
            for path, message in (*reference_problems(data), *webhook_route_problems(data))
        )
        config: ConnectorConfig | None = None
        try:
            context = ReferenceContext(self.directory, defer_secrets=defer_secrets)
            config = ConnectorConfig.model_validate(data, context=context)
        except pydantic.ValidationError as exc:
            # A value already reported (an unset variable) is not reported again.
            reported = {dotted(path) for path, _ in unresolved}
            found = problems_from(exc, ConnectorConfig, self.places, self.main.file)
            self.problems.extend(
                problem
                for problem in found
                if not any(_within(problem.path, other) for other in reported)
            )
            self.problems.extend(
                self.problem(path, message)
                for path, message in deferred
                if any(_within(problem.path, dotted(path)) for problem in found)
            )
        if self.problems or config is None:
            raise ConfigError(self.problems)
        return Deployment(
            self.directory,
            config,
            files=self.files,
            places=self.places,
            environ=environ,
            secrets_deferred=defer_secrets,
        )


_INCLUDED_SHAPE = "an included file holds only adapters, partners and flows"


def _is_adapter_settings(path: ConfigPath) -> bool:
    return len(path) == 3 and path[0] == "adapters" and path[2] == "settings"


def _within(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith((f"{ancestor}.", f"{ancestor}["))
