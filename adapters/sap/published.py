"""Files published exactly once through the store's ledger, as the SAP file sinks write them.

A record has one file, named from its key. The file is written under a hidden temporary name,
then entered in the ledger, then renamed into place. :meth:`PublishedFiles.find` asks the
ledger: no entry, the file was never published (a temporary file left by a crash is removed
and written again); an entry whose temporary file is still there is finished by renaming it;
an entry without one was published (and may since have been collected).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from adapters.base import SinkUnavailableError
from adapters.filedrop import sync_folder
from connector.store import CheckpointStore

__all__ = ["PublishedFiles"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class PublishedFiles:
    """One folder of files published through the ledger.

    Attributes:
        store: the store whose ledger records each file.
        ledger_name: the name entries are recorded under (the adapter's name).
        folder: where the files go.
        prefix: the first part of every file name (``desadv``).
        suffix: the file names' suffix (``.xml``).
        document_kind: the ledger's kind of document (``sap-idoc-desadv``).
    """

    store: CheckpointStore
    ledger_name: str
    folder: Path
    prefix: str
    suffix: str
    document_kind: str

    def name(self, key: str) -> str:
        """The file name of ``key``: ``<prefix>-<key, made safe><suffix>``."""
        safe_key = _UNSAFE.sub("_", key).strip("._") or "record"
        return f"{self.prefix}-{safe_key}{self.suffix}"

    def publish(self, key: str, data: bytes) -> str:
        """Write, record and rename the file of ``key``; its name is returned.

        Raises:
            SinkUnavailableError: the file could not be written (nothing was published) or
                renamed (the next :meth:`find` finishes it).
        """
        final, temporary = self._paths(key)
        try:
            with temporary.open("wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as exc:
            raise SinkUnavailableError(f"cannot write {temporary}: {exc}") from None
        self.store.record_document(
            self.ledger_name,
            key,
            str(self.folder),
            self.document_kind,
            hashlib.sha256(data).hexdigest(),
            final.name,
        )
        self._rename(temporary, final)
        return final.name

    def find(self, key: str) -> str | None:
        """The name of the file published for ``key``, finishing an interrupted publication.

        Raises:
            SinkUnavailableError: the folder cannot be read.
        """
        entry = self.store.find_document(self.ledger_name, key, str(self.folder))
        final, temporary = self._paths(key)
        try:
            if entry is None:
                temporary.unlink(missing_ok=True)
                return None
            unfinished = temporary.exists()
        except OSError as exc:
            raise SinkUnavailableError(f"cannot look into {self.folder}: {exc}") from None
        if unfinished:
            self._rename(temporary, final)
        return entry.remote_ref or final.name

    def _paths(self, key: str) -> tuple[Path, Path]:
        name = self.name(key)
        return self.folder / name, self.folder / f".{name}.part"

    def _rename(self, temporary: Path, final: Path) -> None:
        try:
            os.replace(temporary, final)
            sync_folder(self.folder)
        except OSError as exc:
            # The ledger has the entry: the next find finishes the rename.
            raise SinkUnavailableError(f"cannot rename {temporary} to {final}: {exc}") from None
