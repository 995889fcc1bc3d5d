"""The contract test suites every source and sink adapter runs, built-in or third-party.

The engine's exactly-once protocol relies on a few promises of each adapter: stable keys and
hashes, cursors that move forward, bad input set aside without stopping the rest, honest
sink outcomes and a lookup that finds what was written. These suites check those promises
against the real system behind an adapter (a folder, a server on loopback), in plain pytest.

To adopt a suite, write a *harness* that knows how to put documents into the adapter's system,
and a test class that inherits the suite and provides the harness as a fixture::

    import pytest
    from adapters.contract import SourceContract, SourceHarness

    class CsvHarness(SourceHarness):
        def __init__(self, folder): ...
        def make_source(self): ...          # a new source on the folder
        def put(self, number, revision=0): ...  # write document `number`; return its key
        def put_bad(self): ...              # write input the source cannot read; its origin

    class TestCsvSource(SourceContract):
        @pytest.fixture
        def source_harness(self, tmp_path):
            return CsvHarness(tmp_path)

The same for sinks with :class:`SinkContract` and :class:`SinkHarness` (fixture
``sink_harness``). Every test of the suite then runs for that adapter; a check that does not
apply (no way to make the destination unavailable) is skipped with the reason. The suites
import pytest, so this module is only for tests.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from adapters.base import (
    Record,
    Sink,
    SinkRejectedError,
    SinkUnavailableError,
    Source,
    UpdateNotSupportedError,
    content_hash,
)

# How many documents a check puts in: enough to show order and "every one once".
_BATCH = 3


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


class SourceHarness(ABC):
    """What :class:`SourceContract` needs to drive one source adapter's system."""

    @abstractmethod
    def make_source(self) -> Source:
        """A new source on the harness's system. Called again to stand for a restart."""

    @abstractmethod
    def put(self, number: int, revision: int = 0) -> str:
        """Put document ``number`` into the system, or replace it, and return its record key.

        The same ``number`` and ``revision`` always give the same content; another
        ``revision`` of a ``number`` gives other content under the same key.
        """

    @abstractmethod
    def put_bad(self) -> str | None:
        """Put input the source cannot turn into a record; return its origin as the source
        names it, or ``None`` if the system cannot hold such input (the check is skipped)."""

    def was_quarantined(self, origin: str) -> bool:
        """Whether the source set the input ``origin`` aside (e.g. moved it to ``error/``)."""
        return False


class SourceContract:
    """The promises of a source; inherit it and provide a ``source_harness`` fixture."""

    @pytest.fixture
    def source_harness(self) -> SourceHarness:
        """The adopting class overrides this fixture with its adapter's harness."""
        pytest.fail(f"{type(self).__name__} must provide a 'source_harness' fixture")

    @pytest.fixture
    def source(self, source_harness: SourceHarness) -> Iterator[Source]:
        """A source made by the harness, closed after the test."""
        made = source_harness.make_source()
        yield made
        made.close()

    def test_reading_from_the_start_yields_every_record_once(
        self, source_harness: SourceHarness, source: Source
    ) -> None:
        """Every document once, each with the hash of its own payload."""
        keys = [source_harness.put(number) for number in range(_BATCH)]
        records = list(source.read(None))
        assert sorted(record.key for record in records) == sorted(keys)
        for record in records:
            assert record.content_hash == content_hash(record.payload), record.key

    def test_keys_and_hashes_are_the_same_on_every_read_and_after_a_restart(
        self, source_harness: SourceHarness, source: Source
    ) -> None:
        """The engine recognises a record it has seen by key and hash, even after a restart."""
        for number in range(_BATCH):
            source_harness.put(number)
        first = _hashes_by_key(source.read(None))
        again = _hashes_by_key(source.read(None))
        restarted = source_harness.make_source()
        try:
            after_restart = _hashes_by_key(restarted.read(None))
        finally:
            restarted.close()
        assert len(first) == _BATCH
        assert again == first
        assert after_restart == first

    def test_nothing_new_comes_after_the_last_cursor_once_acknowledged(
        self, source_harness: SourceHarness, source: Source
    ) -> None:
        """Once the engine has stored the last cursor and acknowledged the records, a read from
        that cursor brings nothing it has not seen (it may bring seen records again)."""
        for number in range(_BATCH):
            source_harness.put(number)
        records = list(source.read(None))
        for record in records:
            source.acknowledge(record, succeeded=True)
        seen = {(record.key, record.content_hash) for record in records}
        later = list(source.read(records[-1].cursor))
        new = [record.key for record in later if (record.key, record.content_hash) not in seen]
        assert new == []

    def test_records_put_later_come_after_the_cursor(
        self, source_harness: SourceHarness, source: Source
    ) -> None:
        """Documents added after a read are found by the next read from the stored cursor."""
        earlier = {source_harness.put(number) for number in range(_BATCH)}
        records = list(source.read(None))
        for record in records:
            source.acknowledge(record, succeeded=True)
        later = {source_harness.put(number) for number in range(_BATCH, 2 * _BATCH)}
        found = {record.key for record in source.read(records[-1].cursor)}
        assert found - earlier == later

    def test_same_content_has_the_same_hash_and_changed_content_another(
        self, source_harness: SourceHarness, source: Source
    ) -> None:
        """A hash tells unchanged content (skipped) from changed content (the change policy)."""
        key = source_harness.put(0)
        original = _hashes_by_key(source.read(None))[key]
        source_harness.put(0)
        unchanged = _hashes_by_key(source.read(None))[key]
        source_harness.put(0, revision=1)
        changed = _hashes_by_key(source.read(None))[key]
        assert unchanged == original
        assert changed != original

    def test_bad_input_is_set_aside_and_the_other_records_still_come(
        self, source_harness: SourceHarness, source: Source
    ) -> None:
        """One unreadable input never stops the others; it is kept aside or yielded to be
        rejected, never silently dropped."""
        keys = {source_harness.put(number) for number in range(_BATCH)}
        origin = source_harness.put_bad()
        if origin is None:
            pytest.skip("the system behind this source cannot hold unreadable input")
        records = list(source.read(None))
        assert keys <= {record.key for record in records}
        yielded_for_rejection = any(record.origin == origin for record in records)
        assert yielded_for_rejection or source_harness.was_quarantined(origin), (
            f"{origin} was neither set aside nor yielded"
        )
        assert keys <= {record.key for record in source.read(None)}


def _hashes_by_key(records: Iterator[Record]) -> dict[str, str]:
    found: dict[str, str] = {}
    for record in records:
        assert record.key not in found, f"{record.key} was yielded twice in one read"
        found[record.key] = record.content_hash
    return found


# --------------------------------------------------------------------------------------------
# Sinks
# --------------------------------------------------------------------------------------------


class SecondWrite(enum.Enum):
    """What a sink documents for a second :meth:`~adapters.base.Sink.write` of one key.

    The engine never writes a key twice (it looks the key up first), but an operator's replay
    or a second deployment might; whatever happens, :meth:`~adapters.base.Sink.lookup` must
    still find the key.
    """

    REPLACES = "replaces"
    """The second document replaces the first; lookup finds the second write's reference."""

    ADDS_ANOTHER = "adds another"
    """The destination then holds two documents; lookup finds one of the two references."""

    REJECTED = "rejected"
    """The second write raises SinkRejectedError; lookup finds the first reference."""


class SinkHarness(ABC):
    """What :class:`SinkContract` needs to drive one sink adapter's destination."""

    @property
    @abstractmethod
    def second_write(self) -> SecondWrite:
        """What the sink does when a key is written twice."""

    @abstractmethod
    def make_sink(self) -> Sink:
        """A new sink on the harness's destination. Called again to stand for a restart."""

    @abstractmethod
    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        """Record ``number`` and a valid mapped document for it; another ``revision`` gives
        other content under the same key. Keys must be new to the destination each time the
        harness is made (a shared server keeps what earlier tests wrote)."""

    @abstractmethod
    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        """Record ``number`` and a document the destination definitely refuses."""

    def make_unavailable_sink(self) -> Sink | None:
        """A sink whose destination cannot be reached, or ``None`` (the check is skipped)."""
        return None


class SinkContract:
    """The promises of a sink; inherit it and provide a ``sink_harness`` fixture."""

    @pytest.fixture
    def sink_harness(self) -> SinkHarness:
        """The adopting class overrides this fixture with its adapter's harness."""
        pytest.fail(f"{type(self).__name__} must provide a 'sink_harness' fixture")

    @pytest.fixture
    def sink(self, sink_harness: SinkHarness) -> Iterator[Sink]:
        """A sink made by the harness, closed after the test."""
        made = sink_harness.make_sink()
        yield made
        made.close()

    def test_write_returns_a_reference_that_lookup_finds(
        self, sink_harness: SinkHarness, sink: Sink
    ) -> None:
        """Each write gives its own reference, and lookup finds each record's own."""
        written = []
        for number in range(_BATCH):
            record, document = sink_harness.document(number)
            written.append((record, sink.write(record, document)))
        references = [reference for _, reference in written]
        assert all(isinstance(reference, str) for reference in references)
        assert all(references)
        assert len(set(references)) == _BATCH
        for record, reference in written:
            assert sink.lookup(record) == reference

    def test_lookup_finds_what_was_written_before_a_restart(
        self, sink_harness: SinkHarness, sink: Sink
    ) -> None:
        """Reconciliation after a crash asks a new sink: lookup must ask the destination."""
        record, document = sink_harness.document(0)
        reference = sink.write(record, document)
        restarted = sink_harness.make_sink()
        try:
            assert restarted.lookup(record) == reference
        finally:
            restarted.close()

    def test_lookup_of_a_key_never_written_is_none(
        self, sink_harness: SinkHarness, sink: Sink
    ) -> None:
        """A key the destination does not have is reported missing, so it can be sent."""
        written, document = sink_harness.document(0)
        sink.write(written, document)
        never_written, _ = sink_harness.document(1)
        assert sink.lookup(never_written) is None

    def test_writing_a_key_twice_behaves_as_documented(
        self, sink_harness: SinkHarness, sink: Sink
    ) -> None:
        """A second write of one key does what the harness says, and lookup still finds the key."""
        record, document = sink_harness.document(0)
        first = sink.write(record, document)
        changed_record, changed = sink_harness.document(0, revision=1)
        behaviour = sink_harness.second_write
        if behaviour is SecondWrite.REJECTED:
            with pytest.raises(SinkRejectedError):
                sink.write(changed_record, changed)
            assert sink.lookup(record) == first
            return
        second = sink.write(changed_record, changed)
        if behaviour is SecondWrite.REPLACES:
            assert sink.lookup(record) == second
        else:
            assert second != first
            assert sink.lookup(record) in {first, second}

    def test_update_changes_the_document_or_is_refused_as_unsupported(
        self, sink_harness: SinkHarness, sink: Sink
    ) -> None:
        """An update either changes the document in place or says plainly that it cannot."""
        record, document = sink_harness.document(0)
        reference = sink.write(record, document)
        changed_record, changed = sink_harness.document(0, revision=1)
        outcome: str | UpdateNotSupportedError
        try:
            outcome = sink.update(changed_record, changed, reference)
        except UpdateNotSupportedError as refused:
            outcome = refused
        if isinstance(outcome, UpdateNotSupportedError):
            assert outcome.detail
            assert sink.lookup(record) == reference
        else:
            assert isinstance(outcome, str)
            assert outcome
            assert sink.lookup(record) == outcome

    def test_invalid_document_is_rejected_and_nothing_is_written(
        self, sink_harness: SinkHarness, sink: Sink
    ) -> None:
        """A definite refusal is a SinkRejectedError with a detail, and leaves nothing behind."""
        record, document = sink_harness.invalid_document(0)
        with pytest.raises(SinkRejectedError) as rejected:
            sink.write(record, document)
        assert rejected.value.detail
        assert sink.lookup(record) is None

    def test_unreachable_destination_is_reported_as_unavailable(
        self, sink_harness: SinkHarness
    ) -> None:
        """An unreachable destination is unavailable (retry later), never rejected or unknown."""
        unavailable = sink_harness.make_unavailable_sink()
        if unavailable is None:
            pytest.skip("this sink's harness cannot make its destination unavailable")
        record, document = sink_harness.document(0)
        try:
            with pytest.raises(SinkUnavailableError):
                unavailable.write(record, document)
            with pytest.raises(SinkUnavailableError):
                unavailable.lookup(record)
        finally:
            unavailable.close()
