"""Watches a flow's inbox folder and asks for a run when complete files arrive.

A file counts once it is complete, which a watcher can only infer:

- a file renamed or moved into the folder counts at once: writers that write to a temporary name
  and rename (as :func:`adapters.filedrop.files.write_atomically` does) are never seen half
  done;
- any other file counts once its size and modification time have stayed the same for a settle
  interval. A writer that pauses for longer than that in the middle of a file will be seen early,
  so senders should rename (or the interval be raised: ``ahead-connector run --settle-seconds``);
- hidden and temporary names (dotfiles, ``*.tmp``, ``*.part``, ``*.partial``, ``*~``, ...) never
  count until they are renamed to a real name; the rule is the file sources' own
  (:func:`adapters.filedrop.files.is_complete_name`), so the watcher never waits for a file the
  source would skip, nor skips one it would read.

Files already in the folder when the watcher starts count too (once settled), and so do files
whose events were lost (a rescan every so often catches them). Files that become complete at the
same moment make one request. A file still in the folder, unchanged, a rescan interval after it
counted is offered once more (its source may have found it incomplete, or the run failed), so
that a watched inbox empties itself without a schedule.

The watcher only triggers the flow: reading the files, and moving them to ``archive/`` or
``error/`` afterwards, is the flow's source adapter's job. Subfolders are not watched
(``archive/`` and ``error/`` may live inside the inbox).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from adapters.filedrop import is_complete_name
from connector.triggers.base import Admission, Trigger
from connector.triggers.options import DEFAULT_RESCAN_SECONDS, DEFAULT_SETTLE_SECONDS

logger = logging.getLogger(__name__)

#: How many file names a log line names before it only counts the rest.
_NAMES_SHOWN = 3

#: How long the observer's dispatch thread waits for an event before checking for stop.
_OBSERVER_TIMEOUT_SECONDS = 0.2


#: What tells one version of a file from another: size, modification time, inode.
_Signature = tuple[int, int, int]


@dataclass
class _Candidate:
    """A file seen to change that has not counted yet."""

    moved_in: bool
    signature: _Signature | None = None
    stable_since: float = 0.0


@dataclass
class _Counted:
    """A file that counted: the version that did, when, and whether it was offered again."""

    signature: _Signature
    at: float
    offered_again: bool = False


class InboxWatcher:
    """Asks for a run of ``flow`` whenever complete files arrive in ``directory``.

    ::

        with InboxWatcher("orders", Path("acme/inbox"), runner):
            ...

    Args:
        flow: the flow to run.
        directory: the inbox folder; it must exist.
        trigger: asked for a run when files count.
        settle_seconds: how long a file must stay unchanged before it counts.
        rescan_seconds: how often the whole folder is listed again.

    Raises:
        ValueError: ``settle_seconds`` or ``rescan_seconds`` is not more than zero.
    """

    def __init__(
        self,
        flow: str,
        directory: Path,
        trigger: Trigger,
        *,
        settle_seconds: float = DEFAULT_SETTLE_SECONDS,
        rescan_seconds: float = DEFAULT_RESCAN_SECONDS,
    ) -> None:
        if not settle_seconds > 0 or not rescan_seconds > 0:
            raise ValueError("settle_seconds and rescan_seconds must be more than 0")
        self.flow = flow
        self.directory = Path(directory).absolute()
        self._trigger = trigger
        self._settle_seconds = settle_seconds
        self._rescan_seconds = rescan_seconds
        # Often enough that a settled file counts soon after it settled.
        self._poll_seconds = min(max(settle_seconds / 4, 0.01), 0.25)
        self._changed = threading.Condition()
        self._candidates: dict[str, _Candidate] = {}
        self._counted: dict[str, _Counted] = {}
        self._next_scan = 0.0
        self._stopping = False
        self._observer: BaseObserver | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"<InboxWatcher flow={self.flow} directory={str(self.directory)!r}>"

    def start(self) -> None:
        """Start watching; files already in the folder count once they have settled.

        Raises:
            FileNotFoundError: the folder does not exist.
            RuntimeError: the watcher was started before.
            OSError: the operating system refused to watch the folder.
        """
        if self._thread is not None or self._stopping:
            raise RuntimeError("an inbox watcher starts once; create a new one")
        if not self.directory.is_dir():
            raise FileNotFoundError(
                f"flow {self.flow} watches {self.directory}, which is not a folder"
            )
        observer = Observer(timeout=_OBSERVER_TIMEOUT_SECONDS)
        observer.schedule(
            _EventForwarder(self._noticed, self._gone),
            str(self.directory),
            recursive=False,
            event_filter=[
                FileCreatedEvent,
                FileModifiedEvent,
                FileClosedEvent,
                FileMovedEvent,
                FileDeletedEvent,
            ],
        )
        observer.start()
        self._observer = observer
        # Listing after the observer started: a file arriving in between is seen either way.
        waiting, _ = self._scan()
        if waiting:
            logger.info(
                "flow %s: %d file(s) waiting in %s at start", self.flow, waiting, self.directory
            )
        self._thread = threading.Thread(
            target=self._watch, name=f"ahead-inbox-{self.flow}", daemon=True
        )
        self._thread.start()
        logger.info("flow %s: watching %s", self.flow, self.directory)

    def stop(self) -> None:
        """Stop watching and join the watcher's threads (idempotent)."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -------------------------------------------------------------------------------------------
    # Called from the observer's thread
    # -------------------------------------------------------------------------------------------

    def _noticed(self, path: Path, moved_in: bool) -> None:
        if path.parent != self.directory or not is_complete_name(path.name):
            return
        with self._changed:
            known = self._candidates.get(path.name)
            if known is None or moved_in:
                self._candidates[path.name] = _Candidate(moved_in=moved_in)
            self._changed.notify_all()

    def _gone(self, path: Path) -> None:
        if path.parent != self.directory:
            return
        with self._changed:
            self._candidates.pop(path.name, None)
            self._counted.pop(path.name, None)

    # -------------------------------------------------------------------------------------------
    # The watcher's own thread
    # -------------------------------------------------------------------------------------------

    def _watch(self) -> None:
        while True:
            with self._changed:
                if self._stopping:
                    return
                idle_for = max(self._next_scan - time.monotonic(), 0)
                self._changed.wait(self._poll_seconds if self._candidates else idle_for)
                if self._stopping:
                    return
            if time.monotonic() >= self._next_scan:
                _, lingering = self._scan()
                if lingering:
                    self._report(lingering, "file(s) still waiting")
            ready = self._settle()
            if ready:
                self._report(ready, "new file(s)")

    def _scan(self) -> tuple[int, list[str]]:
        """List the folder: files not counted yet become candidates.

        Returns:
            How many files became candidates, and the files that counted at least a rescan
            interval ago and are still there, unchanged, not offered again before. The flow
            left them (a file its source found incomplete, a run that failed); they are
            offered once more, so that a watched inbox needs no schedule to empty itself.
        """
        now = time.monotonic()
        with self._changed:
            self._next_scan = now + self._rescan_seconds
        try:
            present = {
                entry.name: signature
                for entry in os.scandir(self.directory)
                if is_complete_name(entry.name)
                and (signature := _signature(Path(entry.path))) is not None
            }
        except OSError as error:
            logger.error(
                "flow %s: cannot list the inbox %s (%s); trying again in %g s",
                self.flow,
                self.directory,
                error,
                self._rescan_seconds,
            )
            return 0, []
        new: list[str] = []
        lingering: list[str] = []
        with self._changed:
            for name in self._counted.keys() - present.keys():
                del self._counted[name]
            for name, signature in present.items():
                counted = self._counted.get(name)
                if counted is None or counted.signature != signature:
                    if name not in self._candidates:
                        self._candidates[name] = _Candidate(moved_in=False)
                        new.append(name)
                elif not counted.offered_again and now - counted.at >= self._rescan_seconds:
                    counted.offered_again = True
                    lingering.append(name)
        return len(new), sorted(lingering)

    def _settle(self) -> list[str]:
        """Look at every candidate again; return the names that count now."""
        now = time.monotonic()
        ready: list[str] = []
        with self._changed:
            for name, candidate in list(self._candidates.items()):
                signature = _signature(self.directory / name)
                if signature is None:
                    del self._candidates[name]
                elif candidate.moved_in or (
                    signature == candidate.signature
                    and now - candidate.stable_since >= self._settle_seconds
                ):
                    del self._candidates[name]
                    counted = self._counted.get(name)
                    if counted is None or counted.signature != signature:
                        self._counted[name] = _Counted(signature, now)
                        ready.append(name)
                elif signature != candidate.signature:
                    candidate.signature = signature
                    candidate.stable_since = now
        return sorted(ready)

    def _report(self, names: list[str], what: str) -> None:
        shown = ", ".join(names[:_NAMES_SHOWN])
        more = f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else ""
        reason = f"{len(names)} {what} in {self.directory}: {shown}{more}"
        try:
            admission = self._trigger(self.flow, reason)
        except Exception:
            logger.exception("flow %s: the inbox trigger failed (%s)", self.flow, reason)
            # Forget them, so that the next rescan offers them again.
            with self._changed:
                for name in names:
                    self._counted.pop(name, None)
            return
        if admission is Admission.REFUSED:
            logger.info("flow %s: %s; left for the next start", self.flow, reason)


class _EventForwarder(FileSystemEventHandler):
    """Hands the observer's events to an :class:`InboxWatcher`'s two callbacks."""

    def __init__(self, noticed: Callable[[Path, bool], None], gone: Callable[[Path], None]) -> None:
        self._noticed = noticed
        self._gone = gone

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        source = Path(os.fsdecode(event.src_path))
        if isinstance(event, FileMovedEvent):
            self._gone(source)
            self._noticed(Path(os.fsdecode(event.dest_path)), True)
        elif isinstance(event, FileDeletedEvent):
            self._gone(source)
        else:
            self._noticed(source, False)


def _signature(path: Path) -> _Signature | None:
    """Size, modification time and inode of a regular file; ``None`` for anything else."""
    try:
        status = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino
