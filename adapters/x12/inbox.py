"""A source of purchase orders: a trading partner's X12 850 files dropped into an inbox.

Each file is streamed: its segments are read a chunk at a time and each transaction set is
validated and turned into a record as soon as its SE is read, so a large interchange is never
held whole in memory.

What happens to a file:

1. A file whose content this source already accepted is a duplicate drop: it moves to
   ``archive/`` untouched and nothing in it is processed again.
2. Each interchange must come from the partner (ISA05/ISA06) and be addressed to us
   (ISA07/ISA08); otherwise none of its sets is taken. An interchange control number (ISA13)
   the partner already used for a file of other content follows the partner's
   ``repeated_interchange`` policy.
3. Each 850 set that passes its envelope checks and our map becomes one record; a set that
   fails is rejected alone, and the good sets of the same file go on.
4. At the end of each interchange a 997 (004010) or 999 (005010) is written to the outbox,
   naming every rejected segment and element, unless the partner takes none.
5. Once every record of the file has a durable outcome, the file moves to ``archive/`` if all
   were delivered and nothing was rejected, otherwise to ``error/`` with a report beside it
   naming each rejected set (file position, segment, element, what was expected) and each
   record the destination refused.

Records:
    key: the partner's order prefix and the PO number (BEG03), e.g. ``ACME-4500012345``: the
        AHEAD ``customer_order``, unique across partners.
    payload: the set's tree (``docs/x12.md``) with its ``envelope``, which leaves out control
        numbers, dates and times: the same order sent again in a new interchange is the same
        record (same content hash), not a change.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from adapters.base import AdapterContext, AdapterSettings, Record, Source
from adapters.filedrop import (
    InboxFolders,
    RecordOutcome,
    inbox_files,
    prepare_folder,
    write_atomically,
)
from adapters.x12.ack import AcknowledgmentNumbers, build_acknowledgment
from adapters.x12.envelope import (
    InterchangeEnd,
    InterchangeHeader,
    TransactionSet,
    read_envelopes,
)
from adapters.x12.errors import SetErrorCode, X12SyntaxError
from adapters.x12.partners import checkpoint_store, trading_partner
from adapters.x12.validation import SetEnvelope, SetError, SetResult, TransactionSetValidator
from connector.config import RepeatedInterchangePolicy, X12Acknowledgment
from connector.store import ControlKind, Direction, FileOutcome

__all__ = ["X12InboxSettings", "X12InboxSource"]

logger = logging.getLogger(__name__)

_ORDERS = "850"
_EXPECTED = (
    "X12 850 purchase orders as the partner's implementation guide and our map describe them "
    "(docs/x12.md)"
)
# What the envelope says that stays the same when the partner sends an order again: control
# numbers, dates and times are left out, so the same order in a new interchange has the same
# content hash (a duplicate, not a change).
_STABLE_INTERCHANGE_FIELDS = (
    "sender_qualifier",
    "sender_id",
    "receiver_qualifier",
    "receiver_id",
    "version",
    "usage",
)
_STABLE_GROUP_FIELDS = ("functional_id", "sender_id", "receiver_id", "version")
_RECEIVED = "received"
_CHUNK = 1 << 20
_MAX_CONTROL_NUMBER = 999_999_999


class X12InboxSettings(AdapterSettings):
    """The settings of :class:`X12InboxSource`.

    Attributes:
        partner: the trading partner whose files arrive here (an id under ``partners:``).
        inbox: where the partner's files arrive.
        archive: where processed files go; default ``archive`` beside the inbox.
        error: where files with rejected sets or failed orders go, with a report; default
            ``error`` beside the inbox.
        outbox: where acknowledgments (997/999) are written.
        pattern: which file names in the inbox count (``*.x12``); default every finished file.
        unchecked_code_lists: code lists (``x12_355``, ...) not checked for this partner, for
            codes their implementation guide adds to ours.
    """

    partner: str = Field(min_length=1)
    inbox: Path = Path("inbox")
    archive: Path | None = None
    error: Path | None = None
    outbox: Path = Path("outbox")
    pattern: str = "*"
    unchecked_code_lists: list[str] = Field(default_factory=list)


@dataclass
class _RejectedSet:
    """A set that did not become a record, and why."""

    control_number: str
    position: int
    line: int
    problems: list[str]


@dataclass
class _ReadFile:
    """A file whose sets were read; it moves on once every record has an outcome.

    What it keeps per record is small, because one interchange may hold a hundred thousand
    orders: a short digest of each key's content (to tell the same order repeated in the file
    from a different one under the same key), the keys still waiting for their outcome (which
    the engine sends back as it goes), and only the failures in full.
    """

    path: Path
    origin: str
    digest: str
    size: int
    digests: dict[str, bytes] = field(default_factory=dict)
    waiting: set[str] = field(default_factory=set)
    delivered: int = 0
    failed: list[RecordOutcome] = field(default_factory=list)
    rejected: list[_RejectedSet] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    read_to_end: bool = False

    @property
    def settled(self) -> bool:
        return self.read_to_end and not self.waiting


class X12InboxSource(Source):
    """Purchase orders (850) from one trading partner's X12 files; see the module docs."""

    kind = "x12-inbox"
    settings_model = X12InboxSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source and its folders.

        Raises:
            TypeError: ``settings`` is not :class:`X12InboxSettings`.
            AdapterSettingsError: the partner is unknown or has no X12 settings, the store is
                not provided, or a folder cannot be made.
        """
        if not isinstance(settings, X12InboxSettings):
            raise TypeError(f"X12InboxSource takes X12InboxSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self.partner = trading_partner(context, type(self), settings.partner)
        self.store = checkpoint_store(context, type(self))
        self.folders = InboxFolders.prepare(
            context, type(self), settings.inbox, settings.archive, settings.error
        )
        self.outbox = prepare_folder(context, type(self), "outbox", settings.outbox)
        self._validator = TransactionSetValidator(
            unchecked_code_lists=settings.unchecked_code_lists
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
            if (
                entry is None
                or record.key not in entry.waiting
                or entry.digests.get(record.key) != _short(record.content_hash)
            ):
                logger.warning(
                    "%s: order %s was acknowledged, but this source has no such order waiting; "
                    "the file stays in the inbox and is read again",
                    origin or "(no origin)",
                    record.key,
                )
                return
            entry.waiting.discard(record.key)
            if succeeded:
                entry.delivered += 1
            else:
                entry.failed.append(RecordOutcome(record.key, succeeded, detail))
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
            digest, size = _digest(path)
        except FileNotFoundError:
            return
        except OSError as exc:
            logger.error("%s cannot be read (%s); it stays in the inbox", origin, exc)
            return
        if self.store.file_seen(self.context.name, digest):
            logger.warning(
                "%s has the same content as a file already processed; it is archived and not "
                "processed again",
                origin,
            )
            self.folders.archive_file(path)
            return
        entry = _ReadFile(path, origin, digest, size)
        with self._lock:
            self._read_files[origin] = entry
        reports: dict[int, SetResult] = {}
        # Per interchange control number: why its sets may not be taken, or None.
        refusals: dict[str, str | None] = {}
        try:
            for event in read_envelopes(path, name=origin):
                if isinstance(event, TransactionSet):
                    if self._refused(event.interchange, entry, refusals):
                        continue
                    record = self._take_set(event, entry, reports, token)
                    if record is not None:
                        yield record
                elif isinstance(event, InterchangeEnd):
                    entry.problems.extend(str(problem) for problem in event.problems)
                    for group in event.groups:
                        entry.problems.extend(str(problem) for problem in group.problems)
                    if not self._refused(event.header, entry, refusals):
                        self._acknowledge_interchange(event, reports, digest)
                    refusals.pop(event.header.control_number, None)
                    reports = {}
        except X12SyntaxError as error:
            entry.problems.append(str(error))
        with self._lock:
            entry.read_to_end = True
            settled = entry.settled and self._read_files.get(origin) is entry
            if settled:
                del self._read_files[origin]
        if settled:
            self._settle(entry)

    def _refused(
        self, header: InterchangeHeader, entry: _ReadFile, refusals: dict[str, str | None]
    ) -> bool:
        """Whether the interchange's sets may not be taken; judged once per interchange."""
        control = header.control_number
        if control not in refusals:
            reason = self._refusal(header, entry)
            refusals[control] = reason
            if reason is not None:
                entry.problems.append(reason)
        return refusals[control] is not None

    def _take_set(
        self, event: TransactionSet, entry: _ReadFile, reports: dict[int, SetResult], token: str
    ) -> Record | None:
        header = event.interchange
        if event.problems:
            entry.rejected.append(
                _RejectedSet(
                    event.control_number,
                    event.position,
                    event.line,
                    [str(problem) for problem in event.problems],
                )
            )
            return None
        envelope = SetEnvelope(
            interchange_version=header.version,
            functional_id=event.group.functional_id,
            group_version=event.group.version,
            source=entry.origin,
        )
        if event.set_id != _ORDERS:
            result = SetResult(
                event.set_id,
                event.control_number,
                None,
                set_errors=(
                    SetError(
                        SetErrorCode.NOT_SUPPORTED,
                        f"{entry.origin}: transaction set {event.set_id} {event.control_number} "
                        f"(line {event.line}) is not an 850 purchase order; this inbox takes "
                        "850s only",
                    ),
                ),
            )
        else:
            result = self._validator.validate(event.segments, header.delimiters, envelope)
        if result.tree is None:
            # Only rejected sets need a report: the acknowledgment judges a set without one on
            # its envelope alone, so a large interchange of good sets keeps nothing per set.
            reports[event.position] = result
            entry.rejected.append(
                _RejectedSet(event.control_number, event.position, event.line, result.messages())
            )
            return None
        tree: dict[str, Any] = dict(result.tree)
        key = self.partner.order_prefix + str(tree["BEG"]["BEG03"])
        payload = {
            "envelope": {
                "partner": self.partner.id,
                "customer_order": key,
                "interchange": _stable(header.envelope_fields(), _STABLE_INTERCHANGE_FIELDS),
                "group": _stable(event.group.envelope_fields(), _STABLE_GROUP_FIELDS),
                "transaction_set": {"id": event.set_id},
            },
            **tree,
        }
        record = Record.of(key, payload, cursor=token, origin=entry.origin)
        digest = _short(record.content_hash)
        with self._lock:
            known = entry.digests.get(key)
            if known is not None:
                if known != digest:
                    entry.problems.append(
                        f"order {key} appears twice in the file with different content; only "
                        f"the first (before line {event.line}) is taken"
                    )
                return None
            entry.digests[key] = digest
            entry.waiting.add(key)
        return record

    def _refusal(self, header: InterchangeHeader, entry: _ReadFile) -> str | None:
        """Why none of an interchange's sets may be taken, or ``None``."""
        partner = self.partner
        where = f"{entry.origin}: interchange {header.control_number}"
        if not partner.sent_by_partner(header.sender_qualifier, header.sender_id):
            expected = f"{partner.x12.partner.qualifier}/{partner.x12.partner.id}"
            return (
                f"{where} was sent by {header.sender_qualifier}/{header.sender_id} (ISA05/ISA06); "
                f"this inbox takes partner {partner.id}'s interchanges, sent by {expected}"
            )
        if not partner.addressed_to_us(header.receiver_qualifier, header.receiver_id):
            expected = f"{partner.x12.us.qualifier}/{partner.x12.us.id}"
            return (
                f"{where} is addressed to {header.receiver_qualifier}/{header.receiver_id} "
                f"(ISA07/ISA08); partner {partner.id} knows us as {expected}"
            )
        key = f"interchange:{header.control_number}"
        known = self.store.find_document(self.context.name, key, _RECEIVED)
        if known is None:
            self.store.record_document(
                self.context.name, key, _RECEIVED, "x12-interchange", entry.digest, entry.origin
            )
            self.store.record_interchange(partner.id, Direction.INBOUND, header.control_number)
            return None
        if known.document_hash == entry.digest:
            return None
        policy = partner.x12.repeated_interchange
        message = (
            f"{where}: partner {partner.id} already sent interchange control number "
            f"{header.control_number} (ISA13) in {known.remote_ref or 'another file'}, with "
            "other content"
        )
        if policy is RepeatedInterchangePolicy.REJECT:
            return (
                f"{message}; nothing in it was processed (repeated_interchange: reject). Send it "
                "again with a new control number, or set the policy to warn or accept"
            )
        if policy is RepeatedInterchangePolicy.WARN:
            logger.warning("%s; processed anyway (repeated_interchange: warn)", message)
        return None

    # -- acknowledgments ----------------------------------------------------------------------

    def _acknowledge_interchange(
        self, end: InterchangeEnd, reports: dict[int, SetResult], digest: str
    ) -> None:
        if self.partner.x12.acknowledgment is X12Acknowledgment.NONE or not end.groups:
            return
        header = end.header
        key = f"acknowledgment:{header.control_number}:{digest[:16]}"
        destination = str(self.outbox)
        if self.store.find_document(self.context.name, key, destination) is not None:
            return
        acknowledgment = build_acknowledgment(end, reports, line_break=self.partner.line_break)
        kind = acknowledgment.groups[0].sets[0].type.value
        name = f"{kind}-{self.partner.id}-{header.control_number}-{digest[:8]}.x12"
        target = self.outbox / name
        if not target.exists():
            numbers = AcknowledgmentNumbers(
                interchange=self._next(ControlKind.INTERCHANGE),
                first_group=self._next_block(ControlKind.GROUP, acknowledgment.group_count),
            )
            buffer = io.BytesIO()
            acknowledgment.write(buffer, numbers)
            write_atomically(target, buffer.getvalue())
            self.store.record_interchange(
                self.partner.id, Direction.OUTBOUND, f"{numbers.interchange:09d}"
            )
            logger.info("%s: wrote %s", self.folders.origin(target), kind)
        data = target.read_bytes()
        self.store.record_document(
            self.context.name,
            key,
            destination,
            f"x12-{kind}",
            hashlib.sha256(data).hexdigest(),
            self.folders.origin(target),
        )

    def _next(self, kind: ControlKind) -> int:
        return (self.store.next_control_number(self.partner.id, kind) - 1) % _MAX_CONTROL_NUMBER + 1

    def _next_block(self, kind: ControlKind, count: int) -> int:
        first = self._next(kind)
        for _ in range(count - 1):
            self._next(kind)
        return first

    # -- moving files -------------------------------------------------------------------------

    def _settle(self, entry: _ReadFile) -> None:
        if not (entry.failed or entry.rejected or entry.problems):
            self.folders.archive_file(entry.path)
            self.store.record_file(
                self.context.name, entry.digest, entry.origin, entry.size, FileOutcome.ACCEPTED
            )
            return
        self.folders.set_aside(entry.path, self._problem(entry), _EXPECTED, entry.failed)
        self.store.record_file(
            self.context.name, entry.digest, entry.origin, entry.size, FileOutcome.REJECTED
        )

    def _problem(self, entry: _ReadFile) -> str:
        lines: list[str] = []
        lines.extend(entry.problems)
        for rejected in entry.rejected:
            lines.append(
                f"transaction set {rejected.control_number} (segment {rejected.position}, "
                f"line {rejected.line}) was rejected:"
            )
            lines.extend(f"  {problem}" for problem in rejected.problems)
        total = entry.delivered + len(entry.failed)
        if entry.failed:
            lines.append(f"orders not delivered: {len(entry.failed)} of {total} (listed below)")
        if entry.delivered:
            lines.append(
                f"orders delivered: {entry.delivered} of {total} (not sent again when the file "
                "comes back)"
            )
        return "\n".join(lines)


def _short(content_hash: str) -> bytes:
    """Enough of a content hash to tell two versions of one order apart within a file."""
    return bytes.fromhex(content_hash[:16])


def _stable(fields: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: fields[name] for name in names}


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
