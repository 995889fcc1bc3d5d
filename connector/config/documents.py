"""Reading a YAML configuration file while remembering where every value was written.

PyYAML's node API (compose, then construct scalars one by one) gives each key and value its
line and column; later stages use them to point at the exact place of a mistake. YAML's merge
keys (``<<: *defaults``) work as usual; a key written twice in one mapping is a problem, where
plain PyYAML would silently keep the last value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from connector.config.errors import ConfigError, ConfigProblem

#: A place in the configuration: mapping keys and list indexes from the top.
ConfigPath = tuple[str | int, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"


def dotted(path: ConfigPath) -> str:
    """A path as people read it: ``flows.orders.schedule.cron``, ``include[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Place:
    """Where one value of the configuration was written.

    Attributes:
        file: the file.
        key: the mapping key the value belongs to; ``None`` for list items and the document.
        value: the start of the value itself.
    """

    file: Path
    key: Mark | None
    value: Mark


@dataclass
class YamlDocument:
    """A parsed file: its data, where each part of it was written, and problems found on the way.

    Attributes:
        file: the file.
        data: the document as plain Python data (``None`` for an empty file).
        places: where each path of ``data`` was written.
        problems: keys written twice or keys that are not text; the rest of the document is
            still read.
    """

    file: Path
    data: Any = None
    places: dict[ConfigPath, Place] = field(default_factory=dict)
    problems: list[ConfigProblem] = field(default_factory=list)

    def problem(self, path: ConfigPath, message: str, *, at_key: bool = False) -> ConfigProblem:
        """A problem at ``path``, placed at its key or value (or its nearest written parent)."""
        return problem_at(self.file, self.places, path, message, at_key=at_key)


def problem_at(
    file: Path,
    places: Mapping[ConfigPath, Place],
    path: ConfigPath,
    message: str,
    *,
    at_key: bool = False,
) -> ConfigProblem:
    """A problem at ``path``.

    A path that was written is placed at its value (at its key with ``at_key``). A path that
    was not (a missing key) is placed at the key of its nearest written parent, in that
    parent's file.
    """
    place = places.get(path)
    if place is not None:
        mark = place.key if at_key and place.key is not None else place.value
        return ConfigProblem(place.file, mark.line, mark.column, dotted(path), message)
    for length in range(len(path) - 1, -1, -1):
        parent = places.get(path[:length])
        if parent is not None:
            mark = parent.key or parent.value
            return ConfigProblem(parent.file, mark.line, mark.column, dotted(path), message)
    return ConfigProblem(file, None, None, dotted(path), message)


def read_yaml(file: Path) -> YamlDocument:
    """Parse ``file``, a single YAML document, with the safe loader.

    Raises:
        ConfigError: the file cannot be read, or is not valid YAML (with the line and column
            of the mistake).
    """
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [ConfigProblem(file, None, None, "", f"not UTF-8 text ({exc.reason})")]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [ConfigProblem(file, None, None, "", f"cannot read the file: {exc.strerror}")]
        ) from None
    return parse_yaml(text, file)


def parse_yaml(text: str, file: Path) -> YamlDocument:
    """Parse ``text``, the content of ``file``.

    Raises:
        ConfigError: ``text`` is not a single valid YAML document.
    """
    loader = yaml.SafeLoader(text)
    document = YamlDocument(file)
    try:
        root = loader.get_single_node()
        if root is not None:
            document.data = _Builder(loader, document).build(root, (), key=None)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([_syntax_problem(file, exc)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigProblem(file, None, None, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return document


def _syntax_problem(file: Path, error: Any) -> ConfigProblem:
    mark, context_mark = error.problem_mark, error.context_mark
    message = f"not valid YAML: {error.problem or 'syntax error'}"
    if error.context:
        started = ""
        if context_mark is not None and (mark is None or context_mark.line != mark.line):
            started = f" at line {context_mark.line + 1}, column {context_mark.column + 1}"
        message += f" ({error.context}{started})"
    mark = mark or context_mark
    if mark is None:
        return ConfigProblem(file, None, None, "", message)
    return ConfigProblem(file, mark.line + 1, mark.column + 1, "", message)


def _mark(node: Any) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain data, recording each value's place."""

    def __init__(self, loader: Any, document: YamlDocument) -> None:
        self._loader = loader
        self._document = document
        self._active: set[int] = set()

    def build(self, node: Any, path: ConfigPath, key: Mark | None) -> Any:
        self._document.places[path] = Place(self._document.file, key, _mark(node))
        if isinstance(node, yaml.ScalarNode):
            return self._loader.construct_object(node, deep=True)
        if id(node) in self._active:
            self._document.problems.append(
                self._document.problem(path, "an alias refers to a value that contains it")
            )
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [
                    self.build(item, (*path, index), None) for index, item in enumerate(node.value)
                ]
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: Any, path: ConfigPath) -> dict[str, Any]:
        seen: dict[Any, Mark] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self._loader.construct_object(key_node, deep=True)
            if key in seen:
                first = seen[key]
                self._report(
                    key_node,
                    (*path, key) if isinstance(key, str) else path,
                    f"{key!r} is written twice in this mapping (first at line {first.line}); "
                    "only one may stay",
                )
            else:
                seen[key] = _mark(key_node)
        # Resolves ``<<`` merge keys in place; keys written in the mapping itself win.
        self._loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                self._report(
                    key_node,
                    path,
                    f"keys must be text, not {type(key).__name__} {key!r}; quote the key",
                )
                continue
            result[key] = self.build(value_node, (*path, key), _mark(key_node))
        return result

    def _report(self, key_node: Any, path: ConfigPath, message: str) -> None:
        mark = _mark(key_node)
        self._document.problems.append(
            ConfigProblem(self._document.file, mark.line, mark.column, dotted(path), message)
        )
