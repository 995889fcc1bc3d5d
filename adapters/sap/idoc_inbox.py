"""A source of purchase orders: ORDERS05 IDoc XML files dropped into an inbox.

What happens to a file:

1. A file whose content this source already accepted is a duplicate drop: it moves to
   ``archive/`` untouched and nothing in it is processed again.
2. The file is parsed safely and checked against our ORDERS05 definition
   (:mod:`adapters.sap.idoc`). A file that is not safe, well-formed XML or breaks the
   definition yields no record: it moves to ``error/`` with a report listing every problem,
   each naming its line, IDoc, segment and field.
3. Each IDoc of a good file becomes one record. An IDoc without the customer's purchase order
   number cannot be keyed and is rejected alone; the other IDocs of the file go on.
4. Once every record of the file has a durable outcome, the file moves to ``archive/`` if all
   were delivered and none was rejected, otherwise to ``error/`` with a report naming each
   rejected IDoc and each order the destination refused.

Records:
    key: ``key_prefix`` and the customer's purchase order number (``E1EDK01-BELNR``, or the
        ``E1EDK02`` reference with qualifier 001), e.g. ``ACME-4500012345``: the AHEAD
        ``customer_order``.
    payload: the IDoc's record tree (``docs/sap.md``) with an ``envelope``
        (``customer_order``, the IDoc's ``sender``), and without the control record's fields
        that change each time an IDoc is sent (``DOCNUM``, ``CREDAT``, ...): the same order
        sent again in a new IDoc is the same record, not a change.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from adapters.base import STORE_SERVICE, AdapterContext, AdapterSettings, Record, Source
from adapters.filedrop import InboxFolders, RecordOutcome, inbox_files
from adapters.registry import AdapterSettingsError, SettingsProblem
from adapters.sap.idoc import IdocBasicType, IdocDocument, IdocError, read_idocs
from connector.store import CheckpointStore, FileOutcome

__all__ = ["SapIdocInboxSettings", "SapIdocInboxSource"]

logger = logging.getLogger(__name__)

_EXPECTED = (
    "ORDERS05 IDoc XML as SAP writes it (EDI_DC40 control record, E1EDK01 with the purchase "
    "order number BELNR, items E1EDP01), meeting our structure definition (docs/sap.md)"
)
# Control record fields SAP sets anew each time an IDoc is sent: left out of the payload so
# that the same order sent again has the same content hash.
_VOLATILE_CONTROL_FIELDS = frozenset(
    {"DOCNUM", "STATUS", "CREDAT", "CRETIM", "SERIAL", "ARCKEY", "REFINT", "REFGRP", "REFMES"}
)
_CUSTOMER_PO_QUALIFIER = "001"


class SapIdocInboxSettings(AdapterSettings):
    """The settings of :class:`SapIdocInboxSource`.

    Attributes:
        inbox: where the ORDERS05 files arrive.
        archive: where processed files go; default ``archive`` beside the inbox.
        error: where bad files go, with a report; default ``error`` beside the inbox.
        pattern: which file names count; default ``*.xml``.
        key_prefix: put before the purchase order number in every key (``ACME-``): the AHEAD
            ``customer_order`` is the key, so it keeps customers apart.
    """

    inbox: Path = Path("inbox")
    archive: Path | None = None
    error: Path | None = None
    pattern: str = "*.xml"
    key_prefix: str = ""


@dataclass
class _ReadFile:
    """A file whose IDocs were read; it moves on once every record has an outcome."""

    path: Path
    origin: str
    digest: str
    size: int
    expected: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, RecordOutcome] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    read_to_end: bool = False

    @property
    def settled(self) -> bool:
        return self.read_to_end and len(self.outcomes) >= len(self.expected)


class SapIdocInboxSource(Source):
    """Purchase orders from ORDERS05 IDoc XML files (kind ``sap-idoc-inbox``); see the module
    docs."""

    kind: ClassVar[str] = "sap-idoc-inbox"
    settings_model: ClassVar[type[AdapterSettings]] = SapIdocInboxSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source and its folders.

        Raises:
            TypeError: ``settings`` is not :class:`SapIdocInboxSettings`.
            AdapterSettingsError: the store is not provided, or a folder cannot be made.
        """
        if not isinstance(settings, SapIdocInboxSettings):
            raise TypeError(f"SapIdocInboxSource takes SapIdocInboxSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        try:
            self.store = context.service(STORE_SERVICE, CheckpointStore)
        except LookupError as exc:
            raise AdapterSettingsError.for_adapter(
                context, type(self), SettingsProblem(None, str(exc))
            ) from None
        self.folders = InboxFolders.prepare(
            context, type(self), settings.inbox, settings.archive, settings.error
        )
        self._lock = threading.Lock()
        self._read_files: dict[str, _ReadFile] = {}

    # -- Source -------------------------------------------------------------------------------

    def read(self, cursor: str | None) -> Iterator[Record]:
        """The orders of every file in the inbox, oldest file first.

        As with every file-drop source, the inbox itself is the position: ``cursor`` orders
        but does not filter, and files leave the inbox once their records are settled.
        """
        floor = cursor or ""
        for candidate in inbox_files(self.folders.inbox, self.options.pattern):
            yield from self._read_file(candidate.path, max(floor, candidate.token))

    def acknowledge(self, record: Record, *, succeeded: bool, detail: str = "") -> None:
        """Note a record's outcome; once every record of its file has one, move the file."""
        origin = record.origin or ""
        with self._lock:
            entry = self._read_files.get(origin)
            if entry is None or entry.expected.get(record.key) != record.content_hash:
                logger.warning(
                    "%s: order %s was acknowledged, but this source has no such order waiting; "
                    "the file stays in the inbox and is read again",
                    origin or "(no origin)",
                    record.key,
                )
                return
            entry.outcomes[record.key] = RecordOutcome(record.key, succeeded, detail)
            if not entry.settled:
                return
            del self._read_files[origin]
        self._settle(entry)

    def quarantine(self, origin: str, problem: str) -> None:
        """Move the inbox file ``origin`` names to ``error/`` with a report of ``problem``."""
        path = self.context.path(origin)
        if path.parent.resolve() != self.folders.inbox.resolve() or not path.is_file():
            logger.warning("%s is not a file in the inbox %s; nothing to set aside", origin, path)
            return
        with self._lock:
            self._read_files.pop(origin, None)
        self.folders.set_aside(path, problem, _EXPECTED)

    # -- reading one file ---------------------------------------------------------------------

    def _read_file(self, path: Path, token: str) -> Iterator[Record]:
        origin = self.folders.origin(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            logger.error("%s cannot be read (%s); it stays in the inbox", origin, exc)
            return
        digest = hashlib.sha256(data).hexdigest()
        if self.store.file_seen(self.context.name, digest):
            logger.warning(
                "%s has the same content as a file already processed; it is archived and not "
                "processed again",
                origin,
            )
            self.folders.archive_file(path)
            return
        entry = _ReadFile(path, origin, digest, len(data))
        with self._lock:
            self._read_files[origin] = entry
        try:
            documents = read_idocs(data, IdocBasicType.ORDERS05, source=origin)
        except IdocError as error:
            entry.problems.extend(str(problem) for problem in error.problems)
            documents = []
        for document in documents:
            record = self._record(document, entry, token)
            if record is not None:
                yield record
        with self._lock:
            entry.read_to_end = True
            settled = entry.settled and self._read_files.get(origin) is entry
            if settled:
                del self._read_files[origin]
        if settled:
            self._settle(entry)

    def _record(self, document: IdocDocument, entry: _ReadFile, token: str) -> Record | None:
        tree = document.tree
        number = _purchase_order(tree)
        if number is None:
            entry.problems.append(
                f"{entry.origin}: IDoc {document.index}, segment E1EDK01, field BELNR: the "
                "customer's purchase order number is missing (neither E1EDK01-BELNR nor an "
                f"E1EDK02 with QUALF {_CUSTOMER_PO_QUALIFIER} gives it); the IDoc was not taken"
            )
            return None
        key = f"{self.options.key_prefix}{number}"
        control = {
            name: value
            for name, value in document.control.items()
            if name not in _VOLATILE_CONTROL_FIELDS
        }
        payload: dict[str, Any] = {
            "envelope": {
                "customer_order": key,
                "purchase_order": number,
                "sender": document.control.get("SNDPRN", ""),
                "message_type": document.message_type,
            },
            **tree,
            "EDI_DC40": control,
        }
        record = Record.of(key, payload, cursor=token, origin=entry.origin)
        with self._lock:
            known = entry.expected.get(key)
            if known is not None and known != record.content_hash:
                entry.problems.append(
                    f"{entry.origin}: IDoc {document.index}: order {key} appears twice in the "
                    "file with different content; only the first is taken"
                )
                return None
            entry.expected[key] = record.content_hash
        return record

    # -- moving files -------------------------------------------------------------------------

    def _settle(self, entry: _ReadFile) -> None:
        failed = [outcome for outcome in entry.outcomes.values() if not outcome.succeeded]
        if not (failed or entry.problems):
            self.folders.archive_file(entry.path)
            self.store.record_file(
                self.context.name, entry.digest, entry.origin, entry.size, FileOutcome.ACCEPTED
            )
            return
        lines = list(entry.problems)
        if failed:
            lines.append(f"{len(failed)} of the {len(entry.outcomes)} orders were not delivered")
        self.folders.set_aside(
            entry.path, "\n".join(lines), _EXPECTED, list(entry.outcomes.values())
        )
        self.store.record_file(
            self.context.name, entry.digest, entry.origin, entry.size, FileOutcome.REJECTED
        )


def _purchase_order(tree: Mapping[str, Any]) -> str | None:
    header = tree.get("E1EDK01", {})
    number = header.get("BELNR") if isinstance(header, Mapping) else None
    if number:
        return str(number)
    for reference in tree.get("E1EDK02", []):
        if reference.get("QUALF") == _CUSTOMER_PO_QUALIFIER and reference.get("BELNR"):
            return str(reference["BELNR"])
    return None
