"""File moves and writes that never lose or half-write a file.

- A file is written to a temporary name in its target folder, flushed to disk, then renamed
  over its final name: a reader sees either nothing or the whole file.
- A file is moved into a folder by a hard link under a free name and then unlinked from where
  it was, so an existing file of the same name is never replaced (a clash gets a numbered
  name, ``po.json`` -> ``po.1.json``). Both steps are renames within one filesystem, which the
  adapters check when they are built. A process killed between the two steps leaves the file
  under both names; the next move of it finds the link it made and only removes the old name,
  so the file is never moved in twice.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

#: The suffix of the report written beside a file moved to ``error/``.
REPORT_SUFFIX = ".error.txt"

# Names that writers commonly use while a file is still being written (editors, browsers,
# WinSCP, rsync, our own sink).
_TEMPORARY_SUFFIXES = (
    ".tmp",
    ".temp",
    ".part",
    ".partial",
    ".filepart",
    ".crdownload",
    ".swp",
    "~",
)
# errno values of a filesystem that cannot make hard links.
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK})


def is_complete_name(name: str) -> bool:
    """Whether ``name`` is a finished file's name, not a hidden or temporary one."""
    lowered = name.lower()
    return not name.startswith(".") and not lowered.endswith(_TEMPORARY_SUFFIXES)


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a hidden temporary file and a rename.

    The temporary file is removed if anything fails, and the folder is flushed so that the
    rename survives a power cut.

    Raises:
        OSError: the file could not be written; ``target`` is unchanged.
    """
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, new names) to disk."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def move_into(source: Path, folder: Path, *, report: Callable[[Path], str] | None = None) -> Path:
    """Move ``source`` into ``folder`` under its own name, or a numbered one if that is taken.

    Args:
        source: the file to move.
        folder: where it goes.
        report: if given, called with the file's new path; its text is written beside the file
            as ``<new name>.error.txt`` *before* the file moves, so a file in ``error/`` never
            lacks its report. A numbered name is chosen so that neither the file's nor the
            report's name is taken.

    Returns:
        The file's new path.

    Raises:
        FileNotFoundError: ``source`` is gone (another process moved it first).
        OSError: the move failed; ``source`` is where it was.
    """
    moved_before = _earlier_link(source, folder)
    if moved_before is not None:
        source.unlink()
        sync_folder(source.parent)
        return moved_before
    for candidate in _candidates(folder, source.name):
        report_path = candidate.with_name(candidate.name + REPORT_SUFFIX)
        if report is not None and not _place(report_path, report(candidate)):
            continue
        try:
            moved = _link_or_rename(source, candidate)
        except BaseException:
            if report is not None and not candidate.exists():
                report_path.unlink(missing_ok=True)
            raise
        if moved:
            sync_folder(folder)
            sync_folder(source.parent)
            return candidate
        if report is not None:
            report_path.unlink(missing_ok=True)
    raise AssertionError("unreachable: the candidate names never run out")


def _earlier_link(source: Path, folder: Path) -> Path | None:
    """The name in ``folder`` an interrupted move already gave ``source``, if any.

    Only a file with more than one link can have one, so the folder is searched only then.
    """
    status = source.stat()
    if status.st_nlink < 2:
        return None
    identity = (status.st_dev, status.st_ino)
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                linked = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if (linked.st_dev, linked.st_ino) == identity:
                return folder / entry.name
    return None


def _candidates(folder: Path, name: str) -> Iterator[Path]:
    yield folder / name
    stem, dot, suffix = name.rpartition(".")
    number = 1
    while True:
        yield folder / (f"{stem}.{number}.{suffix}" if dot and stem else f"{name}.{number}")
        number += 1


def _place(target: Path, text: str) -> bool:
    """Write ``text`` as ``target`` unless that name is taken; whether it was written."""
    if target.exists():
        return False
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".report.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        return _link_or_rename(Path(temporary), target)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)


def _link_or_rename(source: Path, target: Path) -> bool:
    """Give ``source`` the name ``target`` unless it is taken; whether it was moved."""
    try:
        os.link(source, target)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        # Without hard links there is no atomic "rename unless taken"; a check first leaves a
        # small window in which two movers could pick the same name.
        if target.exists():
            return False
        os.rename(source, target)
        return True
    with suppress(FileNotFoundError):
        # Gone already: another process moved the same file at the same moment; the copy made
        # here stands, so nothing is lost.
        source.unlink()
    return True
