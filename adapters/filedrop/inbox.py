"""The files of an inbox folder that are ready to be read, oldest first."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from adapters.filedrop.files import is_complete_name

_MTIME_DIGITS = 20


@dataclass(frozen=True)
class InboxFile:
    """A finished file in an inbox.

    Attributes:
        path: where it is.
        token: ``<mtime in ns, 20 digits>:<name>``; tokens sort as the files arrived, and a
            source uses them as cursors.
    """

    path: Path
    token: str


def inbox_files(folder: Path, pattern: str = "*") -> list[InboxFile]:
    """The regular files in ``folder`` whose name matches ``pattern`` and is not a hidden or
    temporary one (see :func:`~adapters.filedrop.files.is_complete_name`), oldest first."""
    found: list[InboxFile] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not (is_complete_name(entry.name) and fnmatch.fnmatchcase(entry.name, pattern)):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                mtime = entry.stat(follow_symlinks=False).st_mtime_ns
            except FileNotFoundError:
                continue
            found.append(InboxFile(Path(entry.path), f"{mtime:0{_MTIME_DIGITS}d}:{entry.name}"))
    return sorted(found, key=lambda file: file.token)
