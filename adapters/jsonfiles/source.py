"""A source of records from JSON files dropped into an inbox folder."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from adapters.base import AdapterContext, AdapterSettings, Record, Source, content_hash
from adapters.filedrop import InboxFolders, RecordOutcome, inbox_files
from adapters.jsonfiles.parsing import KeyedDocument, Unreadable, read_documents
from adapters.jsonfiles.settings import JsonFileSourceSettings

logger = logging.getLogger(__name__)

_NANOSECONDS = 1_000_000_000
# The identity of a file's content as far as the filesystem tells: a rewrite in place changes
# size or mtime, a replacement by rename changes the inode.
_Signature = tuple[int, int, int]


@dataclass
class _ReadFile:
    """A file whose records were yielded and are waiting to be acknowledged."""

    path: Path
    signature: _Signature
    hashes: dict[str, str]
    outcomes: dict[str, RecordOutcome] = field(default_factory=dict)


class JsonFileSource(Source):
    """Records from ``*.json`` files in an inbox; each file moves on once its records are done.

    A file holds one JSON object (one record) or an array of objects (one record each), keyed
    by the value at ``key_field``. Files stay in the inbox until every record read from them
    is acknowledged: then the file moves to ``archive/`` if all succeeded, otherwise to
    ``error/`` with a ``<name>.error.txt`` report beside it. A file that cannot be read as
    JSON is moved to ``error/`` at once, its report naming line and column.

    Which files count:
        Only regular files whose name matches ``pattern`` and is not hidden or temporary
        (``.name``, ``*.tmp``, ``*.part``, ``*.partial``, ...): a writer that writes under a
        temporary name and renames when done is picked up at the rename. A file written in
        place under its final name may be read half-written; if it is not valid JSON yet and
        younger than ``settle_seconds``, it is left for a later read instead of being set
        aside.

    Cursor:
        ``<mtime in ns, 20 digits>:<file name>`` of the file a record came from, raised to the
        cursor :meth:`read` was given when lower, so cursors never go backwards. The cursor
        does not filter: every file still in the inbox is read whatever the cursor says,
        oldest first. The inbox itself is the position, because acknowledged files leave it;
        a file copied in with an old mtime (``cp -p``, ``rsync -t``, ``mv`` from another
        folder) is therefore never skipped, which a filter on mtime would do.

    What the engine must do:
        Acknowledge every record it reads once its outcome is durable, including records it
        skips because their outcome was recorded in an earlier run (``done``: succeeded,
        ``failed`` or ``dead``: not). Otherwise their files stay in the inbox and are read
        again on every run (harmless, but never tidied up).

    Acknowledgements are kept in memory per file; after a restart the file is read again and
    its records acknowledged again. A file changed since it was read is left in the inbox to
    be read again, never moved with content nobody processed.

    Archive, error and inbox folders must be on one filesystem (checked when the source is
    built), so that every move is a rename; a name already taken in ``archive/`` or
    ``error/`` gets a number (``po.json`` -> ``po.1.json``), so no file is ever replaced.
    """

    kind = "jsonfiles"
    settings_model = JsonFileSourceSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source and its folders.

        Raises:
            TypeError: ``settings`` is not :class:`JsonFileSourceSettings`.
            AdapterSettingsError: a folder cannot be made, folders coincide, or they are on
                different filesystems.
        """
        if not isinstance(settings, JsonFileSourceSettings):
            raise TypeError(f"JsonFileSource takes JsonFileSourceSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self.folders = InboxFolders.prepare(
            context, type(self), settings.inbox, settings.archive, settings.error
        )
        self.inbox = self.folders.inbox
        self.archive = self.folders.archive
        self.error = self.folders.error
        self._lock = threading.Lock()
        self._read_files: dict[str, _ReadFile] = {}

    def read(self, cursor: str | None) -> Iterator[Record]:
        """Every record of every complete file in the inbox, oldest file first.

        See the class documentation for why ``cursor`` orders but does not filter.
        """
        floor = cursor or ""
        origins: set[str] = set()
        for candidate in inbox_files(self.inbox, self.options.pattern):
            loaded = self._load(candidate.path)
            if loaded is None:
                continue
            documents, signature = loaded
            origin = self.folders.origin(candidate.path)
            origins.add(origin)
            self._remember(origin, candidate.path, signature, documents)
            record_cursor = max(floor, candidate.token)
            for document in documents:
                yield Record.of(document.key, document.payload, cursor=record_cursor, origin=origin)
        with self._lock:
            for gone in set(self._read_files) - origins:
                del self._read_files[gone]

    def acknowledge(self, record: Record, *, succeeded: bool, detail: str = "") -> None:
        """Note a record's outcome; once every record of its file has one, move the file.

        A record this source did not read from a file still in the inbox (or read with other
        content) is ignored with a warning: its file is read again and acknowledged then.
        """
        origin = record.origin or ""
        with self._lock:
            entry = self._read_files.get(origin)
            if entry is None or entry.hashes.get(record.key) != record.content_hash:
                logger.warning(
                    "%s: record %s was acknowledged, but this source has no such record "
                    "waiting; the file stays in the inbox and is read again",
                    origin or "(no origin)",
                    record.key,
                )
                return
            entry.outcomes[record.key] = RecordOutcome(record.key, succeeded, detail)
            if len(entry.outcomes) < len(entry.hashes):
                return
            del self._read_files[origin]
        self._move_acknowledged(entry)

    def quarantine(self, origin: str, problem: str) -> None:
        """Move the inbox file ``origin`` names to ``error/`` with a report of ``problem``."""
        path = self.context.path(origin)
        if path.parent.resolve() != self.inbox.resolve() or not path.is_file():
            logger.warning(
                "%s is not a file in the inbox %s; nothing to set aside", origin, self.inbox
            )
            return
        with self._lock:
            self._read_files.pop(self.folders.origin(path), None)
        self.folders.set_aside(path, problem, "input this flow can process (see the problem)")

    # ----------------------------------------------------------------------------------------

    def _load(self, path: Path) -> tuple[list[KeyedDocument], _Signature] | None:
        """The documents of one file, or ``None`` if it is gone, young and broken, or set aside."""
        try:
            with path.open("rb") as stream:
                status = os.fstat(stream.fileno())
                data = stream.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.error(
                "%s cannot be read (%s); it stays in the inbox", self.folders.origin(path), exc
            )
            return None
        parsed = read_documents(
            data, key_field=self.options.key_field, key_prefix=self.options.key_prefix
        )
        if isinstance(parsed, Unreadable):
            age_ns = time.time_ns() - status.st_mtime_ns
            if age_ns < self.options.settle_seconds * _NANOSECONDS:
                logger.info(
                    "%s cannot be read yet (%s); it may still be being written, so it is "
                    "left for a later read",
                    self.folders.origin(path),
                    parsed.problem.splitlines()[0],
                )
                return None
            self.folders.set_aside(path, parsed.problem, parsed.expected)
            return None
        return parsed, (status.st_ino, status.st_size, status.st_mtime_ns)

    def _remember(
        self, origin: str, path: Path, signature: _Signature, documents: list[KeyedDocument]
    ) -> None:
        hashes = {document.key: content_hash(document.payload) for document in documents}
        with self._lock:
            known = self._read_files.get(origin)
            if known is not None and known.signature == signature and known.hashes == hashes:
                return
            self._read_files[origin] = _ReadFile(path, signature, hashes)

    def _move_acknowledged(self, entry: _ReadFile) -> None:
        origin = self.folders.origin(entry.path)
        try:
            status = entry.path.stat()
        except FileNotFoundError:
            logger.info("%s was moved away by someone else already", origin)
            return
        if (status.st_ino, status.st_size, status.st_mtime_ns) != entry.signature:
            logger.info(
                "%s changed after it was read; it stays in the inbox to be read again", origin
            )
            return
        outcomes = list(entry.outcomes.values())
        failed = [outcome for outcome in outcomes if not outcome.succeeded]
        if not failed:
            self.folders.archive_file(entry.path)
            return
        expected = "records the destination accepts: correct what the problem names"
        if len(outcomes) == 1:
            problem = f"record {failed[0].key} failed: {failed[0].detail or 'no detail given'}"
            self.folders.set_aside(entry.path, problem, expected)
            return
        problem = f"{len(failed)} of the {len(outcomes)} records failed (see below)"
        self.folders.set_aside(entry.path, problem, expected, outcomes)
