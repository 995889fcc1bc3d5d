"""Small in-test fakes for the engine's unit tests: a list source, a scripted sink, a clock."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.base import (
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
    Source,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def context() -> AdapterContext:
    return AdapterContext("fake", Path("."))


class FakeClock:
    """A clock that only moves when told to; thread-safe."""

    def __init__(self, start: datetime = START) -> None:
        self._lock = threading.Lock()
        self._now = start

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now


def order(key: str, **extra: Any) -> Record:
    """A record for ``key`` whose cursor is its position in a :class:`ListSource`."""
    return Record.of(key, {"customer_order": key, **extra})


class ListSource(Source):
    """Yields its records after the cursor (the cursor is a zero-padded position)."""

    kind = "list"

    def __init__(self, records: list[Record] | None = None) -> None:
        super().__init__(AdapterSettings(), context())
        self.records: list[Record] = []
        self.acknowledged: list[tuple[str, bool, str]] = []
        self.reads: list[str | None] = []
        self.fail_after: int | None = None
        self.open_readers = 0
        for record in records or []:
            self.add(record)

    def add(self, record: Record) -> None:
        position = f"{len(self.records) + 1:06d}"
        self.records.append(Record(record.key, record.payload, record.content_hash, position))

    def replace(self, record: Record) -> None:
        """Yield a new version of ``record.key`` in place of the old one (same position)."""
        for index, old in enumerate(self.records):
            if old.key == record.key:
                self.records[index] = Record(
                    record.key, record.payload, record.content_hash, old.cursor
                )
                return
        raise KeyError(record.key)

    def read(self, cursor: str | None) -> Iterator[Record]:
        self.reads.append(cursor)
        self.open_readers += 1
        try:
            for index, record in enumerate(self.records):
                if self.fail_after is not None and index >= self.fail_after:
                    raise OSError("the source folder went away")
                if cursor is None or (record.cursor or "") > cursor:
                    yield record
        finally:
            self.open_readers -= 1

    def acknowledge(self, record: Record, *, succeeded: bool, detail: str = "") -> None:
        self.acknowledged.append((record.key, succeeded, detail))

    def acks_of(self, key: str) -> list[bool]:
        return [succeeded for acked, succeeded, _ in self.acknowledged if acked == key]


Behaviour = Callable[["ScriptedSink", Record, Mapping[str, Any]], str]


def creates(sink: ScriptedSink, record: Record, document: Mapping[str, Any]) -> str:
    """The destination creates the document and answers."""
    return sink.create(record, document)


def drops_answer(sink: ScriptedSink, record: Record, document: Mapping[str, Any]) -> str:
    """The destination creates the document, and the answer is lost."""
    sink.create(record, document)
    raise SinkOutcomeUnknownError("connection reset after the request was sent")


def times_out(sink: ScriptedSink, record: Record, document: Mapping[str, Any]) -> str:
    """No answer, and the document was not created."""
    raise SinkOutcomeUnknownError("read timed out")


def rejects(sink: ScriptedSink, record: Record, document: Mapping[str, Any]) -> str:
    raise SinkRejectedError("lines.0.sku: unknown item 'NOPE'")


def unavailable(sink: ScriptedSink, record: Record, document: Mapping[str, Any]) -> str:
    raise SinkUnavailableError("503 before processing")


def crashes(sink: ScriptedSink, record: Record, document: Mapping[str, Any]) -> str:
    return {}["missing"]  # type: ignore[no-any-return]


class ScriptedSink(Sink):
    """Keeps created documents in memory; each key's writes follow a script, then succeed.

    ``created`` maps a key to every document created for it: more than one is a duplicate.
    """

    kind = "scripted"

    def __init__(self) -> None:
        super().__init__(AdapterSettings(), context())
        self._lock = threading.Lock()
        self.created: dict[str, list[Mapping[str, Any]]] = {}
        self.writes: list[str] = []
        self.lookups: list[str] = []
        self.scripts: dict[str, list[Behaviour]] = {}
        self.lookup_unavailable: set[str] = set()
        self.before_write: Callable[[Record], None] | None = None

    def script(self, key: str, *behaviours: Behaviour) -> None:
        self.scripts[key] = list(behaviours)

    def create(self, record: Record, document: Mapping[str, Any]) -> str:
        with self._lock:
            self.created.setdefault(record.key, []).append(dict(document))
            return f"R-{record.key}-{len(self.created[record.key])}"

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        if self.before_write is not None:
            self.before_write(record)
        with self._lock:
            self.writes.append(record.key)
            script = self.scripts.get(record.key)
            behaviour = script.pop(0) if script else creates
        return behaviour(self, record, document)

    def lookup(self, record: Record) -> str | None:
        with self._lock:
            self.lookups.append(record.key)
            if record.key in self.lookup_unavailable:
                raise SinkUnavailableError("lookup refused: 503")
            found = self.created.get(record.key)
            return f"R-{record.key}-1" if found else None

    def count(self, key: str) -> int:
        with self._lock:
            return len(self.created.get(key, []))


class UpdatingSink(ScriptedSink):
    """A scripted sink whose destination can change documents it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list[tuple[str, str, Mapping[str, Any]]] = []

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        self.updates.append((record.key, remote_ref, dict(document)))
        return remote_ref


class StepLog:
    """An observer that keeps every step, in order; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.steps: list[tuple[str, str]] = []
        self.hooks: dict[tuple[str, str], Callable[[], None]] = {}

    def step(self, name: str, key: str) -> None:
        with self._lock:
            self.steps.append((str(name), key))
            hook = self.hooks.pop((str(name), key), None)
        if hook is not None:
            hook()

    def of(self, key: str) -> list[str]:
        with self._lock:
            return [name for name, step_key in self.steps if step_key == key]
