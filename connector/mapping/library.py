"""Finding mappings by name: a deployment's own ``mappings/`` first, then the stock mappings.

A mapping's name is its path under a mappings folder without ``.yaml``: the file
``mappings/x12/850-to-order.yaml`` is the mapping ``x12/850-to-order``. A deployment's file of
the same name as a stock mapping replaces it; a file may also ``extends:`` the stock mapping of
its own name to change only its parameters or some of its fields.

The stock mappings are package data, ``connector/stock/mappings/`` wherever the package is
installed (a wheel, an editable install or a source checkout): see :mod:`connector.stock`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from connector.mapping.definition import MappingDefinition
from connector.mapping.loader import load_mapping
from connector.mapping.targets import TargetRegistry
from connector.stock import stock_mappings_folder as stock_mappings_folder

#: The folder of a deployment that holds its mapping files.
MAPPINGS_FOLDER = "mappings"

#: The suffix of a mapping file.
MAPPING_SUFFIX = ".yaml"


class UnknownMappingError(LookupError):
    """No mapping of that name is in any of the folders searched.

    Attributes:
        name: the name asked for.
        folders: the folders searched, in order.
        known: the names that exist.
    """

    def __init__(
        self, name: str, folders: Sequence[Path], known: Sequence[str], why: str = ""
    ) -> None:
        self.name = name
        self.folders = tuple(folders)
        self.known = tuple(known)
        searched = " or ".join(str(folder) for folder in self.folders) or "no folder"
        reason = why or f"no file {name}{MAPPING_SUFFIX} in {searched}"
        super().__init__(
            f"unknown mapping {name!r}: {reason}; known mappings: {', '.join(self.known) or 'none'}"
        )

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class MappingEntry:
    """A mapping a library can load.

    Attributes:
        name: its name.
        file: the file that is used under that name.
        stock: the file is a stock mapping.
        overrides: the stock (or other) file of the same name it replaces, if any.
    """

    name: str
    file: Path
    stock: bool
    overrides: Path | None = None


class MappingLibrary:
    """The mappings found in an ordered list of folders, loaded once each.

    Safe to share between threads.

    Args:
        folders: the folders to search, the first one winning (missing folders are skipped).
        targets: where mapping targets are looked up; default
            :meth:`TargetRegistry.standard`.
        stock: which of ``folders`` holds the stock mappings (for :attr:`MappingEntry.stock`).
    """

    def __init__(
        self,
        folders: Sequence[Path],
        *,
        targets: TargetRegistry | None = None,
        stock: Path | None = None,
    ) -> None:
        self.folders = tuple(folder.absolute() for folder in folders)
        self.targets = targets if targets is not None else TargetRegistry.standard()
        self._stock = stock.absolute() if stock is not None else None
        self._loaded: dict[Path, MappingDefinition] = {}
        self._loading: list[Path] = []
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"MappingLibrary({[str(folder) for folder in self.folders]})"

    @classmethod
    def for_deployment(
        cls,
        directory: Path | None,
        *,
        targets: TargetRegistry | None = None,
        stock: Path | None = None,
    ) -> MappingLibrary:
        """The deployment's ``mappings/`` (when ``directory`` is given), then the stock ones.

        Args:
            directory: the deployment folder, or ``None`` for the stock mappings alone.
            targets: where mapping targets are looked up.
            stock: the stock mappings folder; default :func:`stock_mappings_folder`.
        """
        stock = stock if stock is not None else stock_mappings_folder()
        folders = [directory / MAPPINGS_FOLDER] if directory is not None else []
        return cls([*folders, stock], targets=targets, stock=stock)

    def entries(self) -> list[MappingEntry]:
        """Every mapping name, the file used for it and the file it overrides, by name."""
        files: dict[str, list[Path]] = {}
        for folder in self.folders:
            if not folder.is_dir():
                continue
            for file in sorted(folder.rglob(f"*{MAPPING_SUFFIX}")):
                if file.is_file():
                    name = file.relative_to(folder).with_suffix("").as_posix()
                    files.setdefault(name, []).append(file)
        return [
            MappingEntry(
                name,
                found[0],
                stock=self._stock is not None and found[0].is_relative_to(self._stock),
                overrides=found[1] if len(found) > 1 else None,
            )
            for name, found in sorted(files.items())
        ]

    def names(self) -> list[str]:
        """The names of every mapping, sorted."""
        return [entry.name for entry in self.entries()]

    def find(self, name: str, *, after: Path | None = None) -> Path:
        """The file of mapping ``name``.

        Args:
            name: the mapping's name (``x12/850-to-order``; a trailing ``.yaml`` is allowed).
            after: skip the files up to and including this one (how a deployment's file
                extends the stock mapping of its own name).

        Raises:
            UnknownMappingError: no file has that name (or none after ``after``).
        """
        name = _plain_name(name)
        candidates = self._candidates(name)
        if after is not None:
            resolved = [c.resolve() for c in candidates]
            if after.resolve() in resolved:
                candidates = candidates[resolved.index(after.resolve()) + 1 :]
                if not candidates:
                    raise UnknownMappingError(
                        name,
                        self.folders,
                        self.names(),
                        f"{after} has that name and no other folder has one to extend",
                    )
        if not candidates:
            raise UnknownMappingError(name, self.folders, self.names())
        return candidates[0]

    def load(self, name: str) -> MappingDefinition:
        """Mapping ``name``, loaded and compiled once.

        Raises:
            UnknownMappingError: no file has that name.
            ConfigError: the file (or a file it extends) has problems.
        """
        return self._load(self.find(name), _plain_name(name))

    def load_file(self, file: Path) -> MappingDefinition:
        """The mapping in ``file``, named after its place in a folder of this library (else
        after the file).

        Raises:
            ConfigError: the file (or a file it extends) has problems.
        """
        file = file.absolute()
        name = file.stem
        for folder in self.folders:
            if file.is_relative_to(folder):
                name = file.relative_to(folder).with_suffix("").as_posix()
                break
        return self._load(file, name)

    def _candidates(self, name: str) -> list[Path]:
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not name:
            return []
        found = (folder / f"{name}{MAPPING_SUFFIX}" for folder in self.folders)
        return [file for file in found if file.is_file()]

    def _load(self, file: Path, name: str) -> MappingDefinition:
        with self._lock:
            loaded = self._loaded.get(file)
            if loaded is not None:
                return loaded
            if file in self._loading:
                chain = [*self._loading[self._loading.index(file) :], file]
                raise UnknownMappingError(
                    name,
                    self.folders,
                    self.names(),
                    "extends forms a cycle: " + " -> ".join(str(f) for f in chain),
                )
            self._loading.append(file)
            try:
                definition = load_mapping(
                    file, name=name, targets=self.targets, find_base=self._find_base
                )
            finally:
                self._loading.pop()
            self._loaded[file] = definition
            return definition

    def _find_base(self, name: str, extending: Path) -> MappingDefinition:
        return self._load(self.find(name, after=extending), _plain_name(name))


def _plain_name(name: str) -> str:
    return name.removesuffix(MAPPING_SUFFIX)
