"""A sink that writes ship notices (856) and invoices (810) to a trading partner's outbox.

Each document becomes one interchange in one file: the mapped document (``docs/x12.md``) is laid
out in the order of our map and validated against it, then enveloped with the partner's
identifiers, version and delimiters and with control numbers (ISA13, GS06, ST02) counted per
partner in the store.

Exactly once, with files:
    A file's name follows from the record key, so a record has one file. The file is written
    under a hidden temporary name, then its name is entered in the store's ledger, then it is
    renamed into place. :meth:`X12OutboxSink.lookup` asks the ledger: no entry, the file was
    never published (a temporary file left by a crash is written again); an entry whose
    temporary file is still there is finished by renaming it; an entry without one was
    published (and may since have been picked up by whoever collects the outbox). So a crash
    at any point neither loses a document nor writes a second one.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from adapters.base import (
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.filedrop import prepare_folder, sync_folder
from adapters.x12.envelope import FUNCTIONAL_IDS
from adapters.x12.errors import X12WriteError
from adapters.x12.layout import LayoutError
from adapters.x12.partners import checkpoint_store, trading_partner
from adapters.x12.stamps import stamped
from adapters.x12.validation import TransactionSetValidator
from adapters.x12.writer import InterchangeWriter
from connector.store import ControlKind, Direction

__all__ = ["X12OutboxSettings", "X12OutboxSink"]

logger = logging.getLogger(__name__)

_MAX_CONTROL_NUMBER = 999_999_999
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class X12OutboxSettings(AdapterSettings):
    """The settings of :class:`X12OutboxSink`.

    Attributes:
        partner: the trading partner the documents go to (an id under ``partners:``).
        transaction_set: ``856`` (ship notices) or ``810`` (invoices).
        outbox: where the files are written.
    """

    partner: str = Field(min_length=1)
    transaction_set: Literal["856", "810"]
    outbox: Path = Path("outbox")


class X12OutboxSink(Sink):
    """Writes each mapped document as one X12 interchange file; see the module docs."""

    kind = "x12-outbox"
    settings_model = X12OutboxSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink and its outbox.

        Raises:
            TypeError: ``settings`` is not :class:`X12OutboxSettings`.
            AdapterSettingsError: the partner is unknown or has no X12 settings, the store is
                not provided, or the outbox cannot be made.
        """
        if not isinstance(settings, X12OutboxSettings):
            raise TypeError(f"X12OutboxSink takes X12OutboxSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self.partner = trading_partner(context, type(self), settings.partner)
        self.store = checkpoint_store(context, type(self))
        self.outbox = prepare_folder(context, type(self), "outbox", settings.outbox)
        self.set_id = settings.transaction_set
        self._envelope = self.partner.envelope()
        self._validator = TransactionSetValidator()

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Lay out, validate, envelope and publish ``document``; the file's name is returned.

        Raises:
            SinkRejectedError: the document does not fit the map (every problem named).
            SinkUnavailableError: the file could not be written; nothing was published.
        """
        written_at = datetime.now(UTC)
        try:
            segments = self._validator.layout(
                stamped(document, self.set_id, written_at),
                self.set_id,
                self._envelope.group_version,
            )
        except LayoutError as exc:
            raise SinkRejectedError(
                f"the {self.set_id} for {record.key} does not fit the map: {exc}"
            ) from None
        final, temporary = self._paths(record)
        interchange = self._next(ControlKind.INTERCHANGE)
        buffer = io.BytesIO()
        try:
            with InterchangeWriter(
                buffer, self._envelope, interchange, timestamp=written_at
            ) as writer:
                writer.begin_group(FUNCTIONAL_IDS[self.set_id], self._next(ControlKind.GROUP))
                writer.write_set(self.set_id, self._next(ControlKind.TRANSACTION_SET), segments)
        except X12WriteError as exc:
            raise SinkRejectedError(f"the {self.set_id} for {record.key}: {exc}") from None
        data = buffer.getvalue()
        try:
            _write_hidden(temporary, data)
        except OSError as exc:
            raise SinkUnavailableError(f"cannot write {temporary}: {exc}") from None
        self.store.record_document(
            self.context.name,
            record.key,
            str(self.outbox),
            f"x12-{self.set_id}",
            hashlib.sha256(data).hexdigest(),
            final.name,
        )
        self.store.record_interchange(self.partner.id, Direction.OUTBOUND, f"{interchange:09d}")
        self._publish(temporary, final)
        logger.info("wrote %s for %s (ISA13 %09d)", final, record.key, interchange)
        return final.name

    def lookup(self, record: Record) -> str | None:
        """The file written for ``record.key``, finishing a publication a crash interrupted."""
        entry = self.store.find_document(self.context.name, record.key, str(self.outbox))
        final, temporary = self._paths(record)
        try:
            if entry is None:
                temporary.unlink(missing_ok=True)
                return None
            unfinished = temporary.exists()
        except OSError as exc:
            raise SinkUnavailableError(
                f"cannot look into the outbox {self.outbox}: {exc}"
            ) from None
        if unfinished:
            self._publish(temporary, final)
        return entry.remote_ref or final.name

    def file_name(self, record: Record) -> str:
        """The name of the file written for ``record``: ``<set>-<partner>-<key>.x12``."""
        safe_key = _UNSAFE.sub("_", record.key).strip("._") or "record"
        return f"{self.set_id}-{self.partner.id}-{safe_key}.x12"

    def _paths(self, record: Record) -> tuple[Path, Path]:
        name = self.file_name(record)
        return self.outbox / name, self.outbox / f".{name}.part"

    def _publish(self, temporary: Path, final: Path) -> None:
        try:
            os.replace(temporary, final)
            sync_folder(self.outbox)
        except OSError as exc:
            # The ledger has the entry: the next lookup finishes the rename.
            raise SinkUnavailableError(f"cannot rename {temporary} to {final}: {exc}") from None

    def _next(self, kind: ControlKind) -> int:
        number = self.store.next_control_number(self.partner.id, kind)
        return (number - 1) % _MAX_CONTROL_NUMBER + 1


def _write_hidden(path: Path, data: bytes) -> None:
    with path.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
