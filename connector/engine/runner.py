"""The engine: runs a flow's records through the exactly-once protocol, several at a time.

One run reads the source from the flow's stored cursor, decides for each record what to do
(batched store lookups, so a run with no changes costs in proportion to the records read, not
to the store's size), sends the records that need it from a bounded pool of worker threads, then
takes on the flow's due work that the source no longer yields (retries, reconciliations of
unknown outcomes, leases of dead processes, operators' replays) from the copies the store keeps.

Source records that may be sent at once go through the protocol in groups. The run's thread
maps a group and, in one transaction, writes the outcomes of the sends confirmed since the last
group together with the intents of the new one; only then does it queue the group's sends for
the workers (a record leaves only once its intent is durable), and only then does it settle the
confirmed records (acknowledgement, cursor). The workers go from one send to the next without
waiting for the store, and the store commits about once per group of ``concurrency`` records
instead of twice per record.

The cursor follows a low watermark (:mod:`connector.engine.cursor`): it only moves past records
whose outcome is durable. The source is acknowledged only after a record's outcome is durable.
A store error stops the run and is raised; an adapter's failure is its record's outcome.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from functools import partial
from itertools import islice
from typing import TypeVar

from adapters.base import Record
from connector.engine.cursor import LowWatermark
from connector.engine.delivery import (
    Delivery,
    Mapped,
    Result,
    Sent,
    Unavailable,
    Unmappable,
    describe_exception,
    effective_change_policy,
)
from connector.engine.flow import Flow
from connector.engine.leases import LeaseKeeper
from connector.engine.mapping import MappingError, MappingUnavailableError
from connector.engine.observer import EngineObserver, Step
from connector.engine.report import (
    FINAL_OUTCOMES,
    SUCCESSFUL_OUTCOMES,
    Outcome,
    ProgressEvent,
    RunReport,
    Tally,
)
from connector.store import (
    Action,
    CheckpointStore,
    Claim,
    Clock,
    Decision,
    LeaseLostError,
    RunStatus,
    StoreError,
    decide,
    system_clock,
)

__all__ = ["Engine"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

Progress = Callable[[ProgressEvent], None]

IN_FLIGHT_PER_WORKER = 3
"""Records handed to the workers per worker thread (being sent, or claimed and queued): the
one being sent, the next, and one of the group written meanwhile, so that the workers always
have a record to send while the run's thread waits for the store's commit. A record still
queued when the run stops is not sent: its intent is withdrawn."""

KEEPER_CHECK_SECONDS = 1.0
"""How often the main thread, while waiting for sends, checks that lease renewals still work."""

SINGLE_RUNNER_LEASES = 3
"""On SQLite, a single-runner lock's lease lasts this many record leases: a crashed holder
blocks the flow that long at most. The holder renews it while the run goes on."""


class _Silent:
    def step(self, name: str, key: str) -> None:
        """Ignore the step."""


def default_owner() -> str:
    """A lease owner unique to this process: host, process id and a random nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Engine:
    """Runs flows against one checkpoint store.

    An engine may run several flows at once from different threads; each run keeps its own
    state. Processes on other hosts may run the same flow on the same PostgreSQL store: claims
    make sure each record is sent by one of them.

    Args:
        store: the checkpoint store.
        owner: the lease owner recorded on claimed records; must be unique among live
            processes. Default: host, process id and a random nonce.
        clock: the current time, timezone-aware (retry and reconciliation schedules, lease
            renewals); give the store the same clock.
        observer: told of every step boundary (logging, metrics, crash tests).
        sleep: how the engine pauses; it waits for nothing today (retries are due work for
            later runs), and is kept so that callers and tests need not change when it does.
    """

    def __init__(
        self,
        store: CheckpointStore,
        *,
        owner: str | None = None,
        clock: Clock = system_clock,
        observer: EngineObserver | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._owner = owner if owner is not None else default_owner()
        self._clock = clock
        self._observer: EngineObserver = observer if observer is not None else _Silent()
        self._sleep = sleep

    @property
    def owner(self) -> str:
        """The lease owner this engine claims records as."""
        return self._owner

    def run(
        self,
        flow: Flow,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> RunReport:
        """Run ``flow`` once: its source from the stored cursor, then its due work.

        Args:
            flow: the flow to run.
            dry_run: decide and map only: claim, send, acknowledge and move nothing, and report
                what would happen to the records the source yields.
            progress: called from this thread after each record is settled.
            stop: when set (e.g. by a SIGTERM handler), the run reads no further records,
                lets the sends in flight finish, releases the claims it has not used, and
                ends ``INTERRUPTED``.

        Returns:
            What the run did.

        Raises:
            StoreError: the checkpoint store failed; the run stopped at once, after letting
                the sends in flight finish. Nothing is lost: every record's state is what the
                store last recorded, and the next run carries on from there.
        """
        stop = stop if stop is not None else threading.Event()
        if dry_run:
            return _DryRun(self._store, flow, self._clock, progress).run()
        if not flow.policy.single_runner:
            return self._run(flow, progress, stop)
        lease = flow.policy.lease_seconds * SINGLE_RUNNER_LEASES
        with self._store.advisory_lock(
            f"flow:{flow.name}", self._owner, lease_seconds=lease
        ) as acquired:
            if not acquired:
                now = self._clock()
                return RunReport(
                    flow=flow.name,
                    status=RunStatus.SUCCEEDED,
                    counts=Tally().counts(),
                    started_at=now,
                    finished_at=now,
                    not_run="another process holds the flow's single-runner lock",
                )
            return self._run(flow, progress, stop)

    def _run(self, flow: Flow, progress: Progress | None, stop: threading.Event) -> RunReport:
        return _Run(
            self._store, flow, self._owner, self._clock, self._observer, progress, stop
        ).run()


class _SourceFailedError(Exception):
    """The source raised while it was being read."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f"reading the source failed: {describe_exception(error)}")


def _guarded(records: Iterable[Record]) -> Generator[Record, None, None]:
    """The source's records; its failures raised as :class:`_SourceFailedError`. Closing this
    closes the source's iterator too (a run that stops early lets the source clean up)."""
    iterator = iter(records)
    try:
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                return
            except StoreError:
                raise
            except Exception as error:
                raise _SourceFailedError(error) from error
            yield record
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items; when reading fails, the items read so far come first."""
    iterator = iter(items)
    while True:
        chunk: list[T] = []
        try:
            for item in islice(iterator, size):
                chunk.append(item)
        except _SourceFailedError:
            if chunk:
                yield chunk
            raise
        if not chunk:
            return
        yield chunk


@dataclasses.dataclass
class _Task:
    """A record handed to a worker; ``sequence`` is its place in the source order, ``None``
    for due work the source did not yield."""

    record: Record
    sequence: int | None


class _Run:
    """One run of one flow: its state, threads and bookkeeping."""

    def __init__(
        self,
        store: CheckpointStore,
        flow: Flow,
        owner: str,
        clock: Clock,
        observer: EngineObserver,
        progress: Progress | None,
        stop: threading.Event,
    ) -> None:
        self._store = store
        self._flow = flow
        self._name = flow.name
        self._policy = flow.policy
        self._owner = owner
        self._clock = clock
        self._observer = observer
        self._progress = progress
        self._stop = stop
        # Set on a failure too, so that queued records are not sent after the run has failed.
        self._halt = threading.Event()
        self._keeper = LeaseKeeper(store, flow.policy.lease_seconds, clock)
        self._delivery = Delivery(flow, store, owner, clock, observer, self._keeper, self._stopping)
        self._watermark = LowWatermark()
        self._tally = Tally()
        self._errors: list[tuple[str, str]] = []
        self._warnings: list[tuple[str, str]] = []
        self._handled: set[str] = set()
        self._futures: dict[Future[Result | Sent], _Task] = {}
        # Handed-out work that finished and is not settled yet, in the order it finished.
        self._done: deque[Future[Result | Sent]] = deque()
        self._done_signal = threading.Condition()
        self._pool: ThreadPoolExecutor | None = None
        # Source records to send, decided and not yet claimed. At most _claim_limit records
        # are handed to the workers at once (being sent, or queued for a worker).
        self._waiting: list[_Task] = []
        # Sends the destination confirmed, whose outcomes are not written yet.
        self._confirmed: list[tuple[_Task, Sent]] = []
        self._workers = flow.policy.concurrency
        self._claim_limit = flow.policy.concurrency * IN_FLIGHT_PER_WORKER

    def run(self) -> RunReport:
        started = self._clock()
        info = self._store.record_run_start(self._name, self._owner)
        logger.info("%s: run %d started by %s", self._name, info.id, self._owner)
        self._pool = ThreadPoolExecutor(
            max_workers=self._policy.concurrency, thread_name_prefix=f"ahead-engine-{self._name}"
        )
        self._keeper.start()
        run_error: str | None = None
        try:
            try:
                self._read_source()
            except _SourceFailedError as failure:
                run_error = str(failure)
                logger.error("%s: %s", self._name, run_error)
            # Sends from the source pass finish first: a due-work claim on one of their records
            # would make its worker see it busy.
            self._drain()
            if run_error is None and not self._stopping():
                self._work_due()
            self._drain()
            self._move_cursor(at_least=1)
        except BaseException as error:
            self._fail(info.id, error)
            raise
        finally:
            self._keeper.stop()
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._release_leftovers()
        counts = self._tally.counts()
        if run_error is not None:
            status = RunStatus.FAILED
        elif self._stop.is_set():
            status = RunStatus.INTERRUPTED
        elif self._errors or counts.failed or counts.dead:
            status = RunStatus.PARTIAL
        else:
            status = RunStatus.SUCCEEDED
        self._store.record_run_finish(info.id, status, counts.to_store(), run_error)
        report = RunReport(
            flow=self._name,
            status=status,
            counts=counts,
            errors=list(self._errors),
            warnings=list(self._warnings),
            started_at=started,
            finished_at=self._clock(),
            run_id=info.id,
            error=run_error,
        )
        logger.info("%s", report.summary)
        return report

    # -- reading the source -------------------------------------------------------------------

    def _read_source(self) -> None:
        cursor = self._store.get_cursor(self._name)
        with closing(_guarded(self._flow.source.read(cursor))) as records:
            self._read_records(records)

    def _read_records(self, records: Iterator[Record]) -> None:
        for chunk in _chunks(records, self._policy.batch_size):
            if self._stopping():
                return
            known = self._store.known_records(self._name, [record.key for record in chunk])
            now = self._clock()
            for record in chunk:
                if self._stopping():
                    return
                sequence = self._watermark.add(record.key, record.cursor)
                self._tally.see()
                decision = decide(
                    known.get(record.key),
                    record.content_hash,
                    now,
                    self._delivery.change_policy,
                )
                if decision.may_send:
                    self._handled.add(record.key)
                    self._waiting.append(_Task(record, sequence))
                    self._claim_waiting(force=False)
                    while len(self._waiting) >= self._claim_limit:
                        self._collect(block=True, wanted=self._completions_for_a_group())
                elif decision.needs_claim:
                    self._handled.add(record.key)
                    work = partial(self._delivery.deliver, record, decision)
                    self._dispatch(_Task(record, sequence), work)
                else:
                    result = self._delivery.settle(record, decision, known.get(record.key))
                    self._settle(_Task(record, sequence), result)
                self._collect(block=False)
            self._claim_waiting(force=True)
            self._move_cursor(at_least=self._policy.batch_size)

    # -- due work -----------------------------------------------------------------------------

    def _work_due(self) -> None:
        while not self._stopping():
            claims = self._store.claim_batch(
                self._name, self._owner, self._policy.batch_size, self._policy.lease_seconds
            )
            if not claims:
                return
            for claim in claims:
                self._keeper.hold(claim)
            saved = self._store.saved_payloads(self._name, [claim.key for claim in claims])
            again = False
            for claim in claims:
                copy = saved.get(claim.key)
                if claim.key in self._handled or copy is None or not isinstance(copy.payload, dict):
                    self._give_back(claim)
                    if claim.key in self._handled:
                        # Its retry fell due during this run; the next run takes it, so that
                        # one run cannot loop on a record.
                        again = True
                    else:
                        self._errors.append(
                            (
                                claim.key,
                                "due for another attempt, but the store keeps no copy of its "
                                "source record; it is sent when the source yields it again",
                            )
                        )
                    continue
                self._handled.add(claim.key)
                self._tally.see()
                record = Record(claim.key, copy.payload, copy.content_hash, None, copy.origin)
                if copy.content_hash != claim.content_hash:
                    # The source changed since the store last acted on the record: work on the
                    # version it gave last.
                    claim = dataclasses.replace(claim, content_hash=copy.content_hash)
                self._dispatch(_Task(record, None), partial(self._delivery.resume, claim, record))
            self._drain()
            if again:
                return

    def _give_back(self, claim: Claim) -> None:
        self._keeper.drop(claim.key)
        try:
            self._store.release(claim)
        except LeaseLostError:
            return
        self._observer.step(Step.RELEASED, claim.key)

    # -- workers ------------------------------------------------------------------------------

    def _dispatch(self, task: _Task, work: Callable[[], Result | Sent]) -> None:
        """Hand ``work`` to the workers once there is room for it."""
        while len(self._futures) >= self._claim_limit:
            self._collect(block=True)
        self._submit(task, work)

    def _submit(self, task: _Task, work: Callable[[], Result | Sent]) -> None:
        # Queued for the next free worker, which takes it without waiting for this thread: a
        # worker goes from one send to the next while this thread writes to the store. Work
        # still queued when the run fails is cancelled (see _fail).
        assert self._pool is not None
        future = self._pool.submit(work)
        self._futures[future] = task
        future.add_done_callback(self._finished)

    def _finished(self, future: Future[Result | Sent]) -> None:
        # Called in the worker that finished (or here, if it finished already).
        with self._done_signal:
            self._done.append(future)
            self._done_signal.notify()

    def _completions_for_a_group(self) -> int:
        """How many of the handed-out records must finish before there is room for a group."""
        return max(1, len(self._futures) - (self._claim_limit - self._workers))

    def _claim_waiting(self, *, force: bool) -> None:
        """Claim the waiting records, as one group, if it is time.

        Each claim costs less in a bigger group, so it is time when the waiting records fill
        the room left for claims, and that room is a worker's worth or a worker sits idle; or
        when ``force`` is set (nothing more will be read for now). While the run is stopping,
        waiting records are given back unclaimed.
        """
        if not self._waiting:
            return
        if self._stopping():
            for task in self._waiting:
                self._settle(task, Result(Outcome.RELEASED, "the run is stopping"))
            self._waiting.clear()
            return
        room = self._claim_limit - len(self._futures)
        idle = len(self._futures) < self._workers
        full = len(self._waiting) >= room and (idle or room >= self._workers)
        if room < 1 or not (force or full):
            return
        group, self._waiting = self._waiting[:room], self._waiting[room:]
        mapped: list[tuple[_Task, Mapped]] = []
        for task in group:
            outcome = self._delivery.map(task.record)
            if isinstance(outcome, Unmappable):
                self._submit(task, partial(self._delivery.unmappable, task.record, outcome.detail))
            elif isinstance(outcome, Unavailable):
                self._submit(task, partial(self._delivery.postpone, task.record, outcome.detail))
            else:
                mapped.append((task, outcome))
        self._write(mapped)

    def _write(self, mapped: list[tuple[_Task, Mapped]]) -> None:
        """Write the outcomes of the confirmed sends and the intents of ``mapped`` in one
        transaction; then hand the claimed records to the workers and settle the others."""
        confirmed, self._confirmed = self._confirmed, []
        if not confirmed and not mapped:
            return
        results, claims = self._delivery.complete_and_begin(
            [sent for _, sent in confirmed], [item for _, item in mapped]
        )
        for (task, item), claimed in zip(mapped, claims, strict=True):
            work: Callable[[], Result | Sent]
            if isinstance(claimed, Claim):
                work = partial(self._delivery.send, claimed, item.record, item.document)
            elif claimed.action is Action.BUSY:
                self._settle(task, self._delivery.not_claimed(item.record, claimed))
                continue
            else:
                work = partial(self._delivery.not_claimed, item.record, claimed)
            self._submit(task, work)
        for (task, _), result in zip(confirmed, results, strict=True):
            self._settle(task, result)

    def _collect(self, *, block: bool, wanted: int = 1) -> None:
        """Settle the work that finished; if ``block``, wait until ``wanted`` pieces have.

        A confirmed send's outcome is written with the next group's intents, or on its own
        once a group's worth of them wait or no group follows.
        """
        self._keeper.check()
        self._claim_waiting(force=False)
        with self._done_signal:
            while block and len(self._done) < min(wanted, len(self._futures)):
                if not self._done_signal.wait(KEEPER_CHECK_SECONDS):
                    self._keeper.check()
            done, self._done = self._done, deque()
        if not done:
            return
        for future in done:
            task = self._futures.pop(future)
            outcome = future.result()
            if isinstance(outcome, Sent):
                self._confirmed.append((task, outcome))
            else:
                self._settle(task, outcome)
        self._claim_waiting(force=False)
        if self._confirmed and (len(self._confirmed) >= self._claim_limit or not self._waiting):
            self._write([])
        self._move_cursor(at_least=self._policy.batch_size)

    def _drain(self) -> None:
        while self._futures or self._waiting:
            self._claim_waiting(force=True)
            self._collect(block=True)
        self._write([])

    # -- settling records ---------------------------------------------------------------------

    def _settle(self, task: _Task, result: Result) -> None:
        key = task.record.key
        self._tally.add(result.outcome)
        if result.error is not None:
            self._errors.append((key, result.error))
            logger.error("%s/%s: %s", self._name, key, result.error)
        if result.warning is not None:
            self._warnings.append((key, result.warning))
            logger.warning("%s/%s: %s", self._name, key, result.warning)
        logger.debug("%s/%s: %s (%s)", self._name, key, result.outcome.value, result.detail)
        if task.sequence is not None and result.outcome is not Outcome.RELEASED:
            self._watermark.settle(task.sequence)
        if result.outcome in FINAL_OUTCOMES and task.sequence is not None:
            # Only records the source yielded in this run: due work rebuilt from the store is
            # acknowledged when the source yields it again (a source knows only what it read).
            self._acknowledge(task.record, result)
        if self._progress is not None:
            self._progress(
                ProgressEvent(
                    flow=self._name,
                    key=key,
                    outcome=result.outcome,
                    detail=result.detail,
                    counts=self._tally.counts(),
                    dry_run=False,
                )
            )

    def _acknowledge(self, record: Record, result: Result) -> None:
        succeeded = result.outcome in SUCCESSFUL_OUTCOMES
        try:
            self._flow.source.acknowledge(record, succeeded=succeeded, detail=result.detail)
        except StoreError:
            raise
        except Exception as error:  # noqa: BLE001 - an adapter's bug fails its record only
            self._errors.append(
                (record.key, f"the source could not be told: {describe_exception(error)}")
            )
            return
        self._observer.step(Step.ACKNOWLEDGED, record.key)

    def _move_cursor(self, *, at_least: int) -> None:
        move = self._watermark.advance(at_least=at_least)
        if move is None:
            return
        self._store.set_cursor(self._name, move.cursor)
        self._observer.step(Step.CURSOR_MOVED, move.key)

    # -- stopping -----------------------------------------------------------------------------

    def _stopping(self) -> bool:
        if self._stop.is_set():
            self._halt.set()
        return self._halt.is_set()

    def _release_leftovers(self) -> None:
        for claim in self._keeper.held():
            self._give_back(claim)

    def _fail(self, run_id: int, error: BaseException) -> None:
        self._halt.set()
        self._keeper.stop()
        assert self._pool is not None
        self._pool.shutdown(wait=True, cancel_futures=True)
        status = RunStatus.FAILED if isinstance(error, Exception) else RunStatus.INTERRUPTED
        message = describe_exception(error)
        logger.error("%s: the run stopped: %s", self._name, message)
        # The original error is what the caller must see: failures while cleaning up are only
        # logged. Leases left behind expire on their own; the run then stays "running".
        try:
            self._release_leftovers()
        except Exception:
            logger.exception("%s: releasing claims after the failure failed", self._name)
        try:
            self._store.record_run_finish(run_id, status, self._tally.counts().to_store(), message)
        except Exception:
            logger.exception("%s: recording the failed run failed", self._name)


class _DryRun:
    """Decides and maps the records the source yields; changes nothing anywhere."""

    def __init__(
        self, store: CheckpointStore, flow: Flow, clock: Clock, progress: Progress | None
    ) -> None:
        self._store = store
        self._flow = flow
        self._clock = clock
        self._progress = progress
        self._tally = Tally()
        self._errors: list[tuple[str, str]] = []
        self._warnings: list[tuple[str, str]] = []
        self._change_policy = effective_change_policy(flow)

    def run(self) -> RunReport:
        started = self._clock()
        name = self._flow.name
        cursor = self._store.get_cursor(name)
        run_error: str | None = None
        try:
            with closing(_guarded(self._flow.source.read(cursor))) as records:
                self._read(records)
        except _SourceFailedError as failure:
            run_error = str(failure)
        counts = self._tally.counts()
        if run_error is not None:
            status = RunStatus.FAILED
        elif self._errors or counts.failed:
            status = RunStatus.PARTIAL
        else:
            status = RunStatus.SUCCEEDED
        return RunReport(
            flow=name,
            status=status,
            counts=counts,
            errors=self._errors,
            warnings=self._warnings,
            dry_run=True,
            started_at=started,
            finished_at=self._clock(),
            error=run_error,
        )

    def _read(self, records: Iterator[Record]) -> None:
        name = self._flow.name
        for chunk in _chunks(records, self._flow.policy.batch_size):
            known = self._store.known_records(name, [record.key for record in chunk])
            now = self._clock()
            for record in chunk:
                self._tally.see()
                existing = known.get(record.key)
                decision = decide(existing, record.content_hash, now, self._change_policy)
                self._settle(record, self._would(record, decision))

    def _would(self, record: Record, decision: Decision) -> Result:
        simple = {
            Action.SKIP_UNCHANGED: Outcome.SKIPPED,
            Action.HOLD: Outcome.HELD,
            Action.BUSY: Outcome.BUSY,
            Action.WAIT: Outcome.WAITING,
        }
        if decision.action in simple:
            return Result(simple[decision.action], decision.reason)
        if not decision.needs_claim:
            message = "the source changed after it was delivered; would not be sent"
            return Result(Outcome.CHANGED, message, warning=message)
        try:
            self._flow.mapping.map(record)
        except MappingError as error:
            message = f"cannot be mapped: {error.detail}"
            return Result(Outcome.FAILED, message, error=message)
        except MappingUnavailableError as error:
            message = f"the mapping could not run now: {error.detail}; a run would try it later"
            return Result(Outcome.RETRYING, message, warning=message)
        except Exception as error:  # noqa: BLE001 - an adapter's bug fails its record only
            message = f"the mapping failed: {describe_exception(error)}"
            return Result(Outcome.FAILED, message, error=message)
        if decision.action is Action.RECONCILE:
            return Result(Outcome.RECONCILED, "would look it up at the destination first")
        if decision.action is Action.CHANGED_AFTER_DONE:
            return Result(Outcome.UPDATED, "would update the delivered document")
        return Result(Outcome.SUBMITTED, decision.reason)

    def _settle(self, record: Record, result: Result) -> None:
        self._tally.add(result.outcome)
        if result.error is not None:
            self._errors.append((record.key, result.error))
        if result.warning is not None:
            self._warnings.append((record.key, result.warning))
        if self._progress is not None:
            self._progress(
                ProgressEvent(
                    flow=self._flow.name,
                    key=record.key,
                    outcome=result.outcome,
                    detail=result.detail,
                    counts=self._tally.counts(),
                    dry_run=True,
                )
            )
