"""What a run did: the outcome of each record, the counts, and the report handed back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum

from connector.store import RunCounts, RunStatus

__all__ = ["Outcome", "ProgressEvent", "RecordCounts", "RunReport", "Tally"]


class Outcome(StrEnum):
    """What became of one record in one run (in a dry run: what would have).

    The values are the names of the :class:`RecordCounts` fields that count them.
    """

    SUBMITTED = "submitted"
    """Created at the destination; ``done``."""
    UPDATED = "updated"
    """A changed record updated the document it had created (change policy ``update``)."""
    RECONCILED = "reconciled"
    """Found at the destination after an unknown outcome; ``done`` without a re-send."""
    SKIPPED = "skipped"
    """Delivered before with the same content."""
    CHANGED = "changed"
    """Delivered before, and its source changed: reported, not sent (change policy ``warn``)."""
    HELD = "held"
    """``failed`` with the same content, or ``dead``: waits for a source change or an operator."""
    BUSY = "busy"
    """Another process holds it."""
    WAITING = "waiting"
    """A retry or a reconciliation is scheduled for later."""
    RETRYING = "retrying"
    """The destination was unavailable; another attempt is scheduled."""
    FAILED = "failed"
    """Definitely rejected (by the destination or the mapping), or an adapter failed on it."""
    DEAD = "dead"
    """Retries ran out; a dead letter waits for an operator."""
    IN_DOUBT = "in_doubt"
    """The outcome of a send is unknown; it is reconciled before any re-send."""
    LOST = "lost"
    """Another process took the record over; it finishes it."""
    RELEASED = "released"
    """Given back unsent because the run was asked to stop."""


FINAL_OUTCOMES = frozenset(
    {
        Outcome.SUBMITTED,
        Outcome.UPDATED,
        Outcome.RECONCILED,
        Outcome.SKIPPED,
        Outcome.CHANGED,
        Outcome.HELD,
        Outcome.FAILED,
        Outcome.DEAD,
    }
)
"""Outcomes after which the source is acknowledged: nothing more will happen to that version
without a source change or an operator. Records settled in an earlier run (skipped, held) are
acknowledged again each time the source yields them, because a source yields a record again
only while its acknowledgement has not taken effect (a crash between the outcome and the
acknowledgement, a file still in the inbox)."""

SUCCESSFUL_OUTCOMES = frozenset(
    {Outcome.SUBMITTED, Outcome.UPDATED, Outcome.RECONCILED, Outcome.SKIPPED}
)
"""Outcomes acknowledged to the source as succeeded."""


@dataclass(frozen=True, slots=True)
class RecordCounts:
    """How many records of a run ended in each :class:`Outcome`.

    Attributes:
        seen: records read from the source or claimed as due work.
        submitted: see :attr:`Outcome.SUBMITTED`; the other fields likewise.
        updated: see :attr:`Outcome.UPDATED`.
        reconciled: see :attr:`Outcome.RECONCILED`.
        skipped: see :attr:`Outcome.SKIPPED`.
        changed: see :attr:`Outcome.CHANGED`.
        held: see :attr:`Outcome.HELD`.
        busy: see :attr:`Outcome.BUSY`.
        waiting: see :attr:`Outcome.WAITING`.
        retrying: see :attr:`Outcome.RETRYING`.
        failed: see :attr:`Outcome.FAILED`.
        dead: see :attr:`Outcome.DEAD`.
        in_doubt: see :attr:`Outcome.IN_DOUBT`.
        lost: see :attr:`Outcome.LOST`.
        released: see :attr:`Outcome.RELEASED`.
    """

    seen: int = 0
    submitted: int = 0
    updated: int = 0
    reconciled: int = 0
    skipped: int = 0
    changed: int = 0
    held: int = 0
    busy: int = 0
    waiting: int = 0
    retrying: int = 0
    failed: int = 0
    dead: int = 0
    in_doubt: int = 0
    lost: int = 0
    released: int = 0

    def of(self, outcome: Outcome) -> int:
        """The count of one outcome."""
        value: int = getattr(self, outcome.value)
        return value

    def to_store(self) -> RunCounts:
        """The counts the store keeps in its run history."""
        return RunCounts(
            seen=self.seen,
            submitted=self.submitted,
            skipped=self.skipped,
            reconciled=self.reconciled,
            changed=self.changed + self.updated,
            retried=self.retrying,
            failed=self.failed,
            dead=self.dead,
            in_doubt=self.in_doubt,
        )

    def describe(self) -> str:
        """The non-zero counts, e.g. ``"12 seen, 10 submitted, 2 skipped"``."""
        parts = [
            f"{getattr(self, item.name)} {item.name.replace('_', ' ')}"
            for item in fields(self)
            if getattr(self, item.name)
        ]
        return ", ".join(parts) if parts else "nothing to do"


class Tally:
    """Counts outcomes as a run goes; used by one thread only."""

    def __init__(self) -> None:
        self._seen = 0
        self._outcomes: Counter[Outcome] = Counter()

    def see(self) -> None:
        """Count one more record read or claimed."""
        self._seen += 1

    def add(self, outcome: Outcome) -> None:
        """Count one record's outcome."""
        self._outcomes[outcome] += 1

    def counts(self) -> RecordCounts:
        """The counts so far."""
        return RecordCounts(
            seen=self._seen, **{outcome.value: n for outcome, n in self._outcomes.items()}
        )


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One record settled during a run (for progress bars and live logs).

    Attributes:
        flow: the flow's name.
        key: the record's key.
        outcome: what became of it (in a dry run: what would).
        detail: why, in one line (an error, a reference, a reason).
        counts: the run's counts so far, this record included.
        dry_run: whether nothing is really being done.
    """

    flow: str
    key: str
    outcome: Outcome
    detail: str
    counts: RecordCounts
    dry_run: bool


@dataclass(frozen=True)
class RunReport:
    """What one run of a flow did.

    Attributes:
        flow: the flow's name.
        status: how the run ended: ``SUCCEEDED`` (no record failed), ``PARTIAL`` (some failed,
            went dead, or an adapter raised on them), ``FAILED`` (the run itself failed; see
            :attr:`error`), ``INTERRUPTED`` (asked to stop; in-flight records were finished,
            claims not yet used were released).
        counts: how many records ended in each outcome.
        errors: ``(key, message)`` for every record that failed, went dead, or whose adapter
            raised; messages say what to fix.
        warnings: ``(key, message)`` for changes reported under change policy ``warn`` and for
            records another process took over.
        dry_run: nothing was claimed, sent or moved; the counts say what would have happened.
        started_at: when the run started.
        finished_at: when it ended.
        run_id: the run's number in the store's history (``None`` for dry runs and runs that
            did not start).
        error: why the run failed, for ``FAILED`` runs.
        not_run: why the run did nothing at all (another process holds the flow's
            single-runner lock), else ``None``.
    """

    flow: str
    status: RunStatus
    counts: RecordCounts
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    run_id: int | None = None
    error: str | None = None
    not_run: str | None = None

    @property
    def summary(self) -> str:
        """One line for logs and the command line."""
        if self.not_run is not None:
            return f"{self.flow}: not run: {self.not_run}"
        head = "dry run, what would happen" if self.dry_run else self.status.value
        if self.started_at is not None and self.finished_at is not None:
            head += f" in {(self.finished_at - self.started_at).total_seconds():.1f} s"
        text = f"{self.flow}: {head}: {self.counts.describe()}"
        if self.errors:
            text += f"; {len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        if self.error:
            text += f"; run failed: {self.error}"
        return text

    def __str__(self) -> str:
        return self.summary
