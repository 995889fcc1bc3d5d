"""Writing a file so that nobody ever reads it half written.

Whoever watches a folder (a partner's EDI gateway, our own inbox watcher) may pick a file up the
moment its name appears. :func:`atomic_write` therefore writes to a temporary dotfile name in the
same folder, flushes it to disk, and renames it into place: the name appears only with the whole
content behind it, and a crash leaves at most a stray temporary file, never a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that the file appears complete or not at all.

    An existing file at ``path`` is replaced in one step. Text is written as UTF-8.

    Args:
        path: the file to write; its folder must exist.
        data: the whole content.

    Raises:
        OSError: the file could not be written; ``path`` is then unchanged and no temporary
            file is left behind.
    """
    content = data.encode() if isinstance(data, str) else data
    # A dotfile with a .tmp suffix: every watcher that skips partial files skips this one.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("xb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a folder for this.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
