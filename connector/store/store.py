"""The checkpoint store: what the engine knows durably about records, files, runs and documents.

Each public method is one database transaction. The methods that change a record under a claim
(:meth:`CheckpointStore.start_attempt`, :meth:`~CheckpointStore.complete`, ...) succeed only
while the claim still holds the record's lease (owner and lease version match); otherwise they
raise :class:`~connector.store.errors.LeaseLostError` and change nothing. The group methods
(:meth:`~CheckpointStore.begin_submissions`, :meth:`~CheckpointStore.complete_and_begin`) do
the same for several records with one commit, and report such refusals per record.

Records are read and written with SQLAlchemy Core statements built once (see
:mod:`connector.store.records`); the ORM serves the tables written once per run or file.

Rules for the engine built on top:

* Write the intent (:meth:`~CheckpointStore.begin_submission` or
  :meth:`~CheckpointStore.start_attempt`) before a request leaves, and record its outcome after.
* Never re-send a ``submitting`` record without reconciling it: claim it, look the key up at the
  destination, then :meth:`~CheckpointStore.mark_reconciled` or
  :meth:`~CheckpointStore.mark_not_applied`.
* Move a cursor (:meth:`~CheckpointStore.set_cursor`) only past records whose outcome is durably
  recorded: ``done``, ``failed``, ``dead``, or ``submitting``/``pending`` with a lease released
  (those are found again by :meth:`~CheckpointStore.claim_batch`, not through the cursor).
* Times come from the store's clock (given to :meth:`~CheckpointStore.open`); leases compare
  against it, so hosts sharing a PostgreSQL store need synchronised clocks and leases much
  longer than their skew.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, Table, case, func, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from connector.store import locks, payloads, records
from connector.store.database import Backend, backend_of, create_store_engine, writer
from connector.store.decisions import Action, ChangePolicy, Decision, decide
from connector.store.errors import LeaseLostError, RecordNotFoundError, SubmissionRefusedError
from connector.store.migrate import ensure_current, upgrade
from connector.store.retry import RetryPolicy
from connector.store.shapes import (
    AuditAction,
    AuditEntry,
    Claim,
    ControlKind,
    DeadLetter,
    Direction,
    FileOutcome,
    GroupOutcome,
    JsonValue,
    LedgerEntry,
    RunCounts,
    RunInfo,
    RunStatus,
    SavedPayload,
    Submission,
)
from connector.store.states import WORK_STATES, Event, RecordSnapshot, RecordState
from connector.store.tables import (
    AuditRow,
    ControlCounterRow,
    CursorRow,
    DeadLetterRow,
    InterchangeControlRow,
    LedgerRow,
    ReceivedFileRow,
    RecordRow,
    RunRow,
    SavedPayloadRow,
)

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""

LOOKUP_BATCH = 500
"""Keys per ``IN`` query in :meth:`CheckpointStore.known_records`."""


def system_clock() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


class CheckpointStore:
    """The durable state of every flow, on SQLite (one host) or PostgreSQL (several).

    Open it with :meth:`open`; it is safe to share between the threads of a process, and several
    processes may open the same database.
    """

    def __init__(self, engine: Engine, backend: Backend, clock: Clock) -> None:
        self._engine = engine
        self._writer = writer(engine)
        self._backend = backend
        self._clock = clock
        # SQLite has one writer at a time. Its busy handler makes a waiting writer sleep in
        # steps of milliseconds; the threads of one process queue here instead and each starts
        # the moment the previous one commits. PostgreSQL locks rows, not the database.
        self._write_turn: AbstractContextManager[object] = (
            threading.Lock() if backend is Backend.SQLITE else nullcontext()
        )

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, clock: Clock = system_clock) -> Self:
        """Open the store at ``url``, migrating its schema to the current revision first.

        Migrating on open is deliberate: a deployment upgraded to a new version of
        ahead-connector then works on its next start, with no separate step to forget, and
        concurrent openers are serialised (see :mod:`connector.store.migrate`). A database
        written by a *newer* version is refused rather than touched.

        Args:
            url: ``sqlite:///path/to/state.db`` or ``postgresql+psycopg://user@host/db``. For
                PostgreSQL, a dedicated schema can be chosen in the URL with
                ``?options=-csearch_path%3Dmy_schema``.
            migrate: ``False`` to refuse (rather than upgrade) a database that is not at the
                current revision.
            clock: where the store's times come from; tests pass a controllable one.

        Raises:
            SchemaMismatchError: if the schema is newer than this code, or out of date and
                ``migrate`` is ``False``.
            ValueError: if the URL names an unsupported database.
        """
        backend = backend_of(url)
        engine = create_store_engine(url)
        try:
            if migrate:
                upgrade(engine)
            else:
                ensure_current(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, backend, clock)

    @property
    def backend(self) -> Backend:
        """The database product behind the store."""
        return self._backend

    def close(self) -> None:
        """Close every connection of the store."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- records: claiming and outcomes -------------------------------------------------------

    def claim(
        self,
        flow: str,
        key: str,
        content_hash: str,
        owner: str,
        lease_seconds: float,
        *,
        change_policy: ChangePolicy = ChangePolicy.WARN,
        payload: JsonValue | None = None,
        origin: str | None = None,
    ) -> Claim | None:
        """Take the lease on a source record's key without writing an intent yet.

        For records whose next step is not a plain send: a reconciliation
        (:attr:`Action.RECONCILE`), or one whose payload cannot be built before the key is held.
        A new key is created ``pending``. The store decides again under lock with
        :func:`~connector.store.decide`; the claim's :attr:`~Claim.action` is that decision.

        With ``payload``, the source record is saved with the claim (see
        :meth:`saved_payloads`).

        Returns:
            The claim, or ``None`` if another owner holds a live lease on the key.

        Raises:
            SubmissionRefusedError: if the record needs no work now (unchanged, held, waiting, or a
                change the flow only reports).
        """
        now = self._now()
        lease = _seconds(lease_seconds)
        with self._transaction() as connection:
            [taken] = self._take(
                connection,
                flow,
                [(key, content_hash)],
                change_policy,
                now,
                allowed=lambda decision: decision.needs_claim,
                change=lambda _, record: records.grant(record, owner, lease, now),
            ).claimed
            if isinstance(taken, Decision):
                _raise_unless_busy(flow, key, taken)
                return None
            if payload is not None:
                saved = SavedPayload(flow, key, content_hash, payload, origin, now)
                payloads.save(connection, self._backend, [saved])
            return taken

    def begin_submission(
        self,
        flow: str,
        key: str,
        content_hash: str,
        intent_hash: str,
        owner: str,
        lease_seconds: float,
        *,
        change_policy: ChangePolicy = ChangePolicy.WARN,
        payload: JsonValue | None = None,
        origin: str | None = None,
    ) -> Claim | None:
        """Claim a key and write the intent to send it, in one transaction, before sending.

        Afterwards the record is ``submitting`` with ``intent_hash``, one more attempt, and a
        lease for ``owner``; the request may leave. A new key is created on the way.

        Args:
            flow: the record's flow.
            key: the record's key.
            content_hash: hash of the source record.
            intent_hash: hash of the payload about to be sent.
            owner: the claiming worker, unique among live workers.
            lease_seconds: how long the lease lasts unless renewed or released.
            change_policy: the flow's policy; with :attr:`ChangePolicy.UPDATE`, a ``done``
                record whose source changed is claimed for an update.
            payload: the source record, saved in the same transaction (see
                :meth:`saved_payloads`), so that a retry, a reconciliation or a takeover can
                work without the source yielding it again.
            origin: where the source record came from, saved with ``payload``.

        Returns:
            The claim, or ``None`` if another owner holds a live lease on the key.

        Raises:
            SubmissionRefusedError: if sending is not allowed now. In particular a ``submitting``
                record is refused with :attr:`Action.RECONCILE`: :meth:`claim` it and
                reconcile first.
        """
        submission = Submission(key, content_hash, intent_hash, payload, origin)
        [outcome] = self.begin_submissions(
            flow, [submission], owner, lease_seconds, change_policy=change_policy
        )
        if isinstance(outcome, Decision):
            _raise_unless_busy(flow, key, outcome)
            return None
        return outcome

    def begin_submissions(
        self,
        flow: str,
        submissions: Sequence[Submission],
        owner: str,
        lease_seconds: float,
        *,
        change_policy: ChangePolicy = ChangePolicy.WARN,
    ) -> list[Claim | Decision]:
        """:meth:`begin_submission` for several records, with one commit for all of them.

        Each record is claimed, or not, exactly as :meth:`begin_submission` would; a record
        that is not claimed changes nothing. When this returns, every intent written is durable
        and those requests may leave; none of them may leave before. Rows are taken in key
        order, so that concurrent callers on PostgreSQL wait for each other instead of
        deadlocking.

        Args:
            flow: the records' flow.
            submissions: the records to claim and send.
            owner: the claiming worker, unique among live workers.
            lease_seconds: how long the leases last unless renewed or released.
            change_policy: the flow's policy, as for :meth:`begin_submission`.

        Returns:
            For each submission, in order: its claim, or the store's decision when the record
            was not claimed: :attr:`Action.BUSY` when another owner holds a live lease on the
            key, otherwise why sending is not allowed now (the decision
            :meth:`begin_submission` refuses with).
        """
        group = self.complete_and_begin(
            flow, [], submissions, owner, lease_seconds, change_policy=change_policy
        )
        return group.claimed

    def complete_and_begin(
        self,
        flow: str,
        completions: Sequence[tuple[Claim, str]],
        submissions: Sequence[Submission],
        owner: str,
        lease_seconds: float,
        *,
        change_policy: ChangePolicy = ChangePolicy.WARN,
    ) -> GroupOutcome:
        """Record confirmed sends and claim the next records to send, with one commit.

        :meth:`complete` for each completion, then :meth:`begin_submissions` for the
        submissions, in one transaction: the engine writes the outcomes of the sends that
        finished together with the intents of the group it sends next. When this returns, the
        outcomes and the intents are durable; none of the new requests may leave before.

        Rows are taken in one order (keys created first, then the others locked in key order,
        in one statement), so that concurrent callers on PostgreSQL wait for each other instead
        of deadlocking.

        Args:
            flow: the records' flow; every completion's claim must be of this flow.
            completions: each claim with the destination's reference for its record.
            submissions: the records to claim and send.
            owner: the claiming worker, unique among live workers.
            lease_seconds: how long the new leases last unless renewed or released.
            change_policy: the flow's policy, as for :meth:`begin_submission`.

        Raises:
            InvalidTransitionError: if an attempt was not started under one of the claims;
                nothing is written then.
            ValueError: if a claim is of another flow.
        """
        strangers = [claim.key for claim, _ in completions if claim.flow != flow]
        if strangers:
            raise ValueError(f"claims of another flow than {flow!r}: {', '.join(strangers)}")
        now = self._now()
        lease = _seconds(lease_seconds)

        def attempted(index: int, record: RecordSnapshot) -> RecordSnapshot:
            granted = records.grant(record, owner, lease, now)
            submission = submissions[index]
            return records.start_attempt(
                granted, submission.content_hash, submission.intent_hash, now
            )

        def write(connection: Connection, *, trust_claims: bool) -> GroupOutcome:
            group = self._take(
                connection,
                flow,
                [(submission.key, submission.content_hash) for submission in submissions],
                change_policy,
                now,
                allowed=lambda decision: decision.may_send,
                change=attempted,
                completions=completions,
                trust_claims=trust_claims,
            )
            saved = [
                SavedPayload(flow, item.key, item.content_hash, item.payload, item.origin, now)
                for item, outcome in zip(submissions, group.claimed, strict=True)
                if isinstance(outcome, Claim) and item.payload is not None
            ]
            payloads.save(connection, self._backend, saved)
            return group

        try:
            with self._transaction() as connection:
                return write(connection, trust_claims=True)
        except _ClaimsMovedError:
            # A claim lost its lease, or was not the latest: do it again, reading every row.
            pass
        with self._transaction() as connection:
            return write(connection, trust_claims=False)

    def claim_batch(self, flow: str, owner: str, limit: int, lease_seconds: float) -> list[Claim]:
        """Claim up to ``limit`` records of ``flow`` that need work now, without overlap.

        First ``submitting`` records whose lease ended or whose reconciliation is due (claimed
        with :attr:`Action.RECONCILE`), then due ``pending`` ones (:attr:`Action.SUBMIT`; a
        pending record with a ``remote_ref`` is an update). ``failed`` and ``dead`` records are
        not taken: they wait for a source change or an operator. On PostgreSQL rows being
        claimed by another process are skipped (``FOR UPDATE SKIP LOCKED``), so concurrent
        callers split the work; on SQLite callers take turns.
        """
        if limit < 1:
            return []
        now = self._now()
        lease = _seconds(lease_seconds)
        claims: list[Claim] = []
        with self._transaction() as connection:
            for state, action in (
                (RecordState.SUBMITTING, Action.RECONCILE),
                (RecordState.PENDING, Action.SUBMIT),
            ):
                wanted = limit - len(claims)
                if wanted < 1:
                    break
                statement = records.due(flow, state, now, wanted).with_for_update(skip_locked=True)
                granted = [
                    records.grant(records.snapshot(row), owner, lease, now)
                    for row in connection.execute(statement)
                ]
                records.write(connection, granted)
                claims.extend(
                    records.claim_for(record, action, record.content_hash) for record in granted
                )
        return claims

    def start_attempt(self, claim: Claim, intent_hash: str) -> Claim:
        """Write the intent for a record already claimed: ``submitting``, one more attempt.

        For claims from :meth:`claim` or :meth:`claim_batch`. A ``submitting`` record (one being
        reconciled) must first be shown not applied with :meth:`mark_not_applied`.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is ``submitting`` or ``dead``.
        """
        now = self._now()
        with self._transaction() as connection:
            record = records.fenced(connection, claim)
            record = records.start_attempt(record, claim.content_hash, intent_hash, now)
            records.write(connection, [record])
            return records.claim_for(record, claim.action, claim.content_hash)

    def complete(self, claim: Claim, remote_ref: str) -> RecordSnapshot:
        """Record a confirmed send: ``done`` with the destination's reference; lease released.

        Raises:
            LeaseLostError: if the claim no longer holds the lease (the new holder reconciles).
            InvalidTransitionError: if no attempt was started under the claim.
        """
        return self._finish(claim, Event.COMPLETE, remote_ref=remote_ref, error=None)

    def mark_reconciled(self, claim: Claim, remote_ref: str) -> RecordSnapshot:
        """Record that reconciliation found the key at the destination: ``done``.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is not ``submitting``.
        """
        return self._finish(claim, Event.RECONCILE_FOUND, remote_ref=remote_ref, error=None)

    def mark_not_applied(self, claim: Claim) -> Claim:
        """Record that reconciliation showed the last attempt did not take effect.

        The record goes back to ``pending``, still leased to the caller, ready for
        :meth:`start_attempt`. Use it when the key is not at the destination, or when the
        attempt in doubt was an update (the record has a ``remote_ref``) that may safely be
        repeated.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is not ``submitting``.
        """
        now = self._now()
        with self._transaction() as connection:
            record = records.move(
                records.fenced(connection, claim), Event.RECONCILE_NOT_APPLIED, now
            )
            record = replace(record, next_attempt_at=record.lease_expires_at)
            records.write(connection, [record])
            return records.claim_for(record, Action.SUBMIT, claim.content_hash)

    def withdraw(self, claim: Claim) -> RecordSnapshot:
        """Take back an intent whose request was never handed to the sink.

        The record goes back to ``pending``, the attempt uncounted, the lease released, due at
        once. Only for a send that definitely did not start (a run that stopped before a worker
        took it); a request that may have reached the sink is reconciled instead.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is not ``submitting``.
        """
        now = self._now()
        with self._transaction() as connection:
            record = records.move(records.fenced(connection, claim), Event.WITHDRAW, now)
            record = records.release(replace(record, attempts=max(record.attempts - 1, 0)), now)
            records.write(connection, [record])
            return record

    def reject(self, claim: Claim, error: str) -> RecordSnapshot:
        """Record a definite rejection (a 4xx validation error, an unmappable record): ``failed``.

        The record then waits for a source change or an operator's replay. The rejected version
        is the claim's :attr:`~Claim.content_hash`, even when no attempt was started (a record
        that cannot be mapped): the same version read again is held, not tried again.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is not ``pending``, ``submitting`` or ``failed``.
        """
        return self._finish(claim, Event.REJECT, error=error, content_hash=claim.content_hash)

    def retry_later(self, claim: Claim, error: str, next_attempt_at: datetime) -> RecordSnapshot:
        """Record a retryable failure that *definitely* did not take effect: ``pending``.

        For example a 429, or a connection refused before anything was sent. The record is due
        again at ``next_attempt_at`` (see :class:`~connector.store.RetryPolicy`). When the
        outcome is unknown use :meth:`mark_in_doubt` instead.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is not ``pending`` or ``submitting``.
        """
        return self._finish(claim, Event.RETRY_LATER, error=error, due=_aware(next_attempt_at))

    def mark_in_doubt(self, claim: Claim, error: str, reconcile_at: datetime) -> RecordSnapshot:
        """Record an unknown outcome (timeout, reset, 5xx): stays ``submitting``, lease released.

        It is reconciled (by anyone) from ``reconcile_at`` on.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is not ``submitting``.
        """
        return self._finish(claim, Event.IN_DOUBT, error=error, due=_aware(reconcile_at))

    def mark_dead(self, claim: Claim, error: str, payload: JsonValue) -> RecordSnapshot:
        """Give up after the retries ran out: ``dead``, and a dead letter in the same transaction.

        Like :meth:`retry_later`, only for an attempt that definitely did not take effect; an
        unknown outcome is never dead, it is reconciled.

        Args:
            claim: the claim on the record.
            error: the last error.
            payload: what an operator needs to see (the source record or payload), as JSON.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is not ``pending`` or ``submitting``.
        """
        now = self._now()
        with self._transaction() as connection:
            record = records.move(records.fenced(connection, claim), Event.GIVE_UP, now)
            record = records.release(replace(record, last_error=error), None)
            records.write(connection, [record])
            _dead_letter(connection, record, payload, error, now)
            return record

    def postpone(
        self, claim: Claim, error: str, retry: RetryPolicy, payload: JsonValue
    ) -> RecordSnapshot:
        """Record an attempt that could not start: ``pending`` again, or ``dead`` if retries ran
        out.

        For a record whose document cannot be made now because something it needs is
        unavailable (the mapping's reference data): nothing was sent and no intent was written.
        It counts as an attempt of the claim's version (afresh for a new version), like a send
        that definitely did not take effect (:meth:`retry_later`): the record is due again after
        ``retry``'s delay or, once ``retry`` is exhausted, ``dead`` with a dead letter, in the
        same transaction. A ``failed`` or ``done`` record claimed for a new version becomes
        ``pending`` with that version; a ``done`` one keeps its ``remote_ref``, so its next
        send is an update.

        Args:
            claim: the claim on the record.
            error: why the attempt could not start.
            retry: the flow's retry schedule.
            payload: the dead letter's payload, should the record go ``dead``.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
            InvalidTransitionError: if the record is ``submitting`` (reconcile it first) or
                ``dead``.
        """
        now = self._now()
        with self._transaction() as connection:
            record = records.fenced(connection, claim)
            record = records.postpone(record, claim.content_hash, error, retry, now)
            records.write(connection, [record])
            if record.state is RecordState.DEAD:
                _dead_letter(connection, record, payload, error, now)
            return record

    def release(self, claim: Claim) -> RecordSnapshot:
        """Give the lease back, leaving the state as it is (on shutdown, for example).

        A ``pending`` or ``submitting`` record is due at once for anyone; a ``submitting`` one
        will be reconciled before it is sent again.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
        """
        now = self._now()
        with self._transaction() as connection:
            record = records.release(records.fenced(connection, claim), now)
            record = replace(record, updated_at=now)
            records.write(connection, [record])
            return record

    def renew(self, claim: Claim, lease_seconds: float) -> Claim:
        """Extend a lease for a long-running send; the claim's fencing token stays the same.

        Raises:
            LeaseLostError: if the claim no longer holds the lease.
        """
        now = self._now()
        expires = now + _seconds(lease_seconds)
        with self._transaction() as connection:
            record = records.fenced(connection, claim)
            record = replace(
                record,
                lease_expires_at=expires,
                next_attempt_at=expires if record.state in WORK_STATES else record.next_attempt_at,
                updated_at=now,
            )
            records.write(connection, [record])
            return records.claim_for(record, claim.action, claim.content_hash)

    def expire_leases(self, owner: str) -> int:
        """End every live lease of ``owner`` now, so that others may take its records over.

        For a worker known to be dead (a restarted process that knows its predecessor's owner
        name, or an operator). The owner's pending writes still succeed unless someone takes
        the record over first.

        Returns:
            How many leases were ended.
        """
        now = self._now()
        with self._transaction() as connection:
            statement = (
                update(RecordRow)
                .where(
                    col(RecordRow.lease_owner) == owner,
                    col(RecordRow.lease_expires_at) > now,
                )
                .values(
                    lease_expires_at=now,
                    next_attempt_at=case(
                        (col(RecordRow.state).in_(WORK_STATES), now),
                        else_=col(RecordRow.next_attempt_at),
                    ),
                    updated_at=now,
                )
                .returning(col(RecordRow.key))
            )
            return len(connection.execute(statement).all())

    # -- records: operators -------------------------------------------------------------------

    def replay(self, flow: str, key: str, actor: str, note: str) -> RecordSnapshot:
        """Send a ``failed`` or ``dead`` record again: ``pending``, attempts reset, audited.

        Any lease on it is revoked (its holder's writes raise ``LeaseLostError``).

        Raises:
            RecordNotFoundError: if there is no such record.
            InvalidTransitionError: if the record is not ``failed`` or ``dead``.
        """
        now = self._now()
        with self._transaction() as connection:
            record = records.move(self._operator_row(connection, flow, key), Event.REPLAY, now)
            record = records.revoke(replace(record, attempts=0), now)
            records.write(connection, [record])
            _audit(connection, record, AuditAction.REPLAY, actor, note, now)
            return record

    def resolve(
        self, flow: str, key: str, actor: str, note: str, remote_ref: str | None = None
    ) -> RecordSnapshot:
        """Declare a ``failed`` or ``dead`` record handled without sending it: ``done``, audited.

        Args:
            flow: the record's flow.
            key: the record's key.
            actor: who resolves it.
            note: why (e.g. "entered by hand in AHEAD as order 1234").
            remote_ref: the destination's reference, if the operator knows it.

        Raises:
            RecordNotFoundError: if there is no such record.
            InvalidTransitionError: if the record is not ``failed`` or ``dead``.
        """
        now = self._now()
        with self._transaction() as connection:
            record = records.move(self._operator_row(connection, flow, key), Event.RESOLVE, now)
            if remote_ref is not None:
                record = replace(record, remote_ref=remote_ref)
            record = records.revoke(record, now)
            records.write(connection, [record])
            _audit(connection, record, AuditAction.RESOLVE, actor, note, now)
            return record

    def acknowledge_change(
        self, flow: str, key: str, content_hash: str, actor: str, note: str
    ) -> RecordSnapshot:
        """Record that a ``done`` record's new source version is deliberately not sent.

        For flows with :attr:`ChangePolicy.WARN`: after reporting the change once, the engine
        calls this, so later runs skip the record until its source changes again. The record
        keeps its ``intent_hash`` and ``remote_ref`` (what was actually delivered); the audit
        row names both hashes.

        Raises:
            RecordNotFoundError: if there is no such record.
            InvalidTransitionError: if the record is not ``done``.
        """
        now = self._now()
        with self._transaction() as connection:
            existing = self._operator_row(connection, flow, key)
            record = records.move(existing, Event.ACKNOWLEDGE_CHANGE, now)
            record = records.revoke(replace(record, content_hash=content_hash), now)
            records.write(connection, [record])
            text = f"{note} (content {existing.content_hash} -> {content_hash})"
            _audit(connection, record, AuditAction.ACKNOWLEDGE_CHANGE, actor, text, now)
            return record

    # -- records: reading ---------------------------------------------------------------------

    def get(self, flow: str, key: str) -> RecordSnapshot | None:
        """The record for ``flow``/``key``, ``None`` if the store never saw it."""
        with self._reading() as connection:
            return records.read(connection, flow, key)

    def known_records(self, flow: str, keys: Iterable[str]) -> dict[str, RecordSnapshot]:
        """What the store knows about ``keys``, for :func:`~connector.store.decide`.

        Looked up by primary key in batches of :data:`LOOKUP_BATCH`, so a run costs in
        proportion to the records it reads from its source, not to the size of the store. Keys
        the store never saw are absent from the result.
        """
        wanted = list(dict.fromkeys(keys))
        found: dict[str, RecordSnapshot] = {}
        columns = records.RECORDS.c
        with self._reading() as connection:
            for start in range(0, len(wanted), LOOKUP_BATCH):
                batch = wanted[start : start + LOOKUP_BATCH]
                rows = connection.execute(
                    records.select_records().where(columns.flow == flow, columns.key.in_(batch))
                )
                for row in rows:
                    found[row.key] = records.snapshot(row)
        return found

    def saved_payloads(self, flow: str, keys: Iterable[str]) -> dict[str, SavedPayload]:
        """The source records last saved with a claim on ``keys`` (see :meth:`begin_submission`).

        Looked up by primary key in batches of :data:`LOOKUP_BATCH`; keys with nothing saved are
        absent from the result.
        """
        wanted = list(dict.fromkeys(keys))
        found: dict[str, SavedPayload] = {}
        with self._read() as session:
            for start in range(0, len(wanted), LOOKUP_BATCH):
                batch = wanted[start : start + LOOKUP_BATCH]
                rows = session.exec(
                    select(SavedPayloadRow).where(
                        SavedPayloadRow.flow == flow, col(SavedPayloadRow.key).in_(batch)
                    )
                )
                for row in rows:
                    found[row.key] = SavedPayload(
                        flow=row.flow,
                        key=row.key,
                        content_hash=row.content_hash,
                        payload=row.payload,
                        origin=row.origin,
                        saved_at=row.saved_at,
                    )
        return found

    def counts_by_state(self, flow: str) -> dict[RecordState, int]:
        """How many records of ``flow`` are in each state (every state present, maybe 0)."""
        counts = dict.fromkeys(RecordState, 0)
        with self._read() as session:
            rows = session.exec(
                select(RecordRow.state, func.count())
                .where(RecordRow.flow == flow)
                .group_by(col(RecordRow.state))
            )
            for state, count in rows:
                counts[RecordState(state)] = count
        return counts

    def list_records(
        self, flow: str, *, state: RecordState | None = None, limit: int = 50, offset: int = 0
    ) -> list[RecordSnapshot]:
        """A page of ``flow``'s records in key order, optionally only those in ``state``."""
        columns = records.RECORDS.c
        statement = records.select_records().where(columns.flow == flow)
        if state is not None:
            statement = statement.where(columns.state == state)
        statement = statement.order_by(columns.key).limit(limit).offset(offset)
        with self._reading() as connection:
            return [records.snapshot(row) for row in connection.execute(statement)]

    def oldest_failure(self, flow: str) -> RecordSnapshot | None:
        """The ``failed`` or ``dead`` record of ``flow`` that has waited longest, if any."""
        columns = records.RECORDS.c
        statement = (
            records.select_records()
            .where(
                columns.flow == flow,
                columns.state.in_([RecordState.FAILED, RecordState.DEAD]),
            )
            .order_by(columns.updated_at, columns.key)
            .limit(1)
        )
        with self._reading() as connection:
            row = connection.execute(statement).first()
            return None if row is None else records.snapshot(row)

    def audit_trail(self, flow: str, key: str) -> list[AuditEntry]:
        """Operator actions on one record, oldest first."""
        statement = (
            select(AuditRow)
            .where(AuditRow.flow == flow, AuditRow.key == key)
            .order_by(col(AuditRow.id))
        )
        with self._read() as session:
            return [
                AuditEntry(
                    id=_id(row.id),
                    flow=row.flow,
                    key=row.key,
                    action=row.action,
                    actor=row.actor,
                    note=row.note,
                    at=row.at,
                )
                for row in session.exec(statement)
            ]

    def dead_letters(
        self, flow: str, *, key: str | None = None, limit: int = 50
    ) -> list[DeadLetter]:
        """The latest dead letters of ``flow`` (optionally of one key), newest first."""
        statement = select(DeadLetterRow).where(DeadLetterRow.flow == flow)
        if key is not None:
            statement = statement.where(DeadLetterRow.key == key)
        statement = statement.order_by(col(DeadLetterRow.id).desc()).limit(limit)
        with self._read() as session:
            return [
                DeadLetter(
                    id=_id(row.id),
                    flow=row.flow,
                    key=row.key,
                    payload=row.payload,
                    error=row.error,
                    created_at=row.created_at,
                )
                for row in session.exec(statement)
            ]

    # -- cursors ------------------------------------------------------------------------------

    def get_cursor(self, flow: str) -> str | None:
        """Where ``flow`` last stopped reading its source, ``None`` before its first run."""
        with self._read() as session:
            row = session.get(CursorRow, flow)
            return None if row is None else row.value

    def set_cursor(self, flow: str, value: str) -> None:
        """Move ``flow``'s cursor to ``value``.

        Only past records whose outcome is durably recorded (see the module's rules): a cursor
        moved too early loses the records behind it when the process dies.
        """
        now = self._now()
        with self._write() as session:
            statement = self._insert(CursorRow).values(flow=flow, value=value, updated_at=now)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["flow"], set_={"value": value, "updated_at": now}
                )
            )

    # -- received files and interchanges ------------------------------------------------------

    def file_seen(self, flow: str, content_hash: str) -> bool:
        """Whether ``flow`` already accepted a file with this content."""
        statement = select(ReceivedFileRow.outcome).where(
            ReceivedFileRow.flow == flow, ReceivedFileRow.content_hash == content_hash
        )
        with self._read() as session:
            return session.exec(statement).first() is FileOutcome.ACCEPTED

    def record_file(
        self, flow: str, content_hash: str, name: str, size: int, outcome: FileOutcome
    ) -> bool:
        """Record what became of a received file.

        Returns:
            ``True`` if recorded (a new content, or one rejected before), ``False`` if this
            content was already accepted: a duplicate drop, left as it was.
        """
        now = self._now()
        with self._write() as session:
            inserted = session.execute(
                self._insert(ReceivedFileRow)
                .values(
                    flow=flow,
                    content_hash=content_hash,
                    name=name,
                    size=size,
                    outcome=outcome,
                    received_at=now,
                )
                .on_conflict_do_nothing(index_elements=["flow", "content_hash"])
                .returning(col(ReceivedFileRow.id))
            ).first()
            if inserted is not None:
                return True
            row = session.exec(
                select(ReceivedFileRow)
                .where(ReceivedFileRow.flow == flow, ReceivedFileRow.content_hash == content_hash)
                .with_for_update()
            ).one()
            if row.outcome is FileOutcome.ACCEPTED:
                return False
            row.name = name
            row.size = size
            row.outcome = outcome
            row.received_at = now
            return True

    def record_interchange(self, partner: str, direction: Direction, control_number: str) -> bool:
        """Record an interchange control number; ``False`` if it was already recorded.

        An inbound ``False`` means the partner sent the same interchange again.
        """
        now = self._now()
        with self._write() as session:
            statement = (
                self._insert(InterchangeControlRow)
                .values(
                    partner=partner,
                    direction=direction,
                    control_number=control_number,
                    recorded_at=now,
                )
                .on_conflict_do_nothing(index_elements=["partner", "direction", "control_number"])
                .returning(col(InterchangeControlRow.id))
            )
            return session.execute(statement).first() is not None

    def next_control_number(self, partner: str, kind: ControlKind) -> int:
        """The next outbound control number for ``partner`` and ``kind``: 1, 2, 3, ...

        Atomic: concurrent callers, in any process, never get the same number. Wrapping to the
        field width of the EDI standard is the adapter's business.
        """
        now = self._now()
        table = ControlCounterRow.__table__  # type: ignore[attr-defined]
        with self._write() as session:
            statement = (
                self._insert(ControlCounterRow)
                .values(partner=partner, kind=kind, value=1, updated_at=now)
                .on_conflict_do_update(
                    index_elements=["partner", "kind"],
                    set_={"value": table.c.value + 1, "updated_at": now},
                )
                .returning(table.c.value)
            )
            return int(session.execute(statement).scalar_one())

    # -- ledger -------------------------------------------------------------------------------

    def record_document(
        self,
        flow: str,
        key: str,
        destination: str,
        document_kind: str,
        document_hash: str,
        remote_ref: str | None = None,
    ) -> LedgerEntry:
        """Add a written document to the ledger (what file-based destinations reconcile with)."""
        now = self._now()
        with self._write() as session:
            row = LedgerRow(
                flow=flow,
                key=key,
                destination=destination,
                document_kind=document_kind,
                document_hash=document_hash,
                remote_ref=remote_ref,
                written_at=now,
            )
            session.add(row)
            session.flush()
            return _ledger_entry(row)

    def find_document(self, flow: str, key: str, destination: str) -> LedgerEntry | None:
        """The latest document written for ``key`` to ``destination``, if any."""
        statement = (
            select(LedgerRow)
            .where(
                LedgerRow.flow == flow, LedgerRow.key == key, LedgerRow.destination == destination
            )
            .order_by(col(LedgerRow.id).desc())
            .limit(1)
        )
        with self._read() as session:
            row = session.exec(statement).first()
            return None if row is None else _ledger_entry(row)

    # -- runs ---------------------------------------------------------------------------------

    def record_run_start(self, flow: str, owner: str) -> RunInfo:
        """Record that ``owner`` started a run of ``flow``."""
        now = self._now()
        with self._write() as session:
            row = RunRow(
                flow=flow,
                owner=owner,
                status=RunStatus.RUNNING,
                started_at=now,
                counts=RunCounts().to_json(),
            )
            session.add(row)
            session.flush()
            return _run_info(row)

    def record_run_finish(
        self, run_id: int, status: RunStatus, counts: RunCounts, error: str | None = None
    ) -> RunInfo:
        """Record how run ``run_id`` ended.

        Raises:
            ValueError: if ``status`` is :attr:`RunStatus.RUNNING`, or there is no such run.
        """
        if status is RunStatus.RUNNING:
            raise ValueError("a finished run needs a final status, not 'running'")
        now = self._now()
        with self._write() as session:
            row = session.get(RunRow, run_id, with_for_update=True)
            if row is None:
                raise ValueError(f"no run {run_id} in the checkpoint store")
            row.status = status
            row.finished_at = now
            row.counts = counts.to_json()
            row.error = error
            session.add(row)
            return _run_info(row)

    def last_run(self, flow: str) -> RunInfo | None:
        """The most recently started run of ``flow``, if any."""
        statement = (
            select(RunRow)
            .where(RunRow.flow == flow)
            .order_by(col(RunRow.started_at).desc(), col(RunRow.id).desc())
            .limit(1)
        )
        with self._read() as session:
            row = session.exec(statement).first()
            return None if row is None else _run_info(row)

    # -- single-runner locks ------------------------------------------------------------------

    @contextmanager
    def advisory_lock(self, name: str, owner: str, *, lease_seconds: float = 600) -> Iterator[bool]:
        """Hold the named lock for the ``with`` block, if nobody else holds it.

        Yields whether it was acquired; the block runs either way and must check. On
        PostgreSQL this is a session advisory lock on a connection held for the block, gone
        with the process if it dies. On SQLite it is a lease row that expires after
        ``lease_seconds`` (so a crashed holder blocks others that long at most), renewed from
        a background thread while the block runs. Not re-entrant: a second ``with`` on the
        same name gets ``False``.

        Args:
            name: the lock's name (e.g. the flow's).
            owner: who holds it (recorded on SQLite).
            lease_seconds: the SQLite lease; ignored on PostgreSQL.
        """
        if self._backend is Backend.POSTGRESQL:
            with locks.postgres_advisory_lock(self._engine, name) as acquired:
                yield acquired
        else:
            with locks.sqlite_lease_lock(
                self._writer, name, owner, self._now, _seconds(lease_seconds)
            ) as acquired:
                yield acquired

    # -- internals ----------------------------------------------------------------------------

    def _now(self) -> datetime:
        return _aware(self._clock())

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One writing transaction on a Core connection; commits unless the block raises."""
        with self._write_turn, self._writer.begin() as connection:
            yield connection

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self._engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with (
            self._write_turn,
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    def _insert(self, model: type[Any]) -> postgresql.Insert | sqlite.Insert:
        table = model.__table__
        if self._backend is Backend.POSTGRESQL:
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _take(
        self,
        connection: Connection,
        flow: str,
        wanted: Sequence[tuple[str, str]],
        change_policy: ChangePolicy,
        now: datetime,
        *,
        allowed: Callable[[Decision], bool],
        change: Callable[[int, RecordSnapshot], RecordSnapshot],
        completions: Sequence[tuple[Claim, str]] = (),
        trust_claims: bool = False,
    ) -> GroupOutcome:
        """Complete the ``completions``; decide on source records under lock and, where
        ``allowed``, apply ``change`` to them.

        ``wanted`` holds each source record's key and content hash; ``change`` gets the
        record's index in it. New keys are inserted already changed, all in one statement; then
        the rows that existed (the completions' too) are locked in key order in one statement,
        decided on again and written back, again in one statement. Nothing is written for a
        record that is not taken, nor for a completion whose claim lost its lease.

        With ``trust_claims``, when every source record was new, the completions are written
        from their claims without reading their rows (:func:`records.write_unchanged`); if any
        row is not as its claim saw it, :class:`_ClaimsMovedError` is raised and the caller
        rolls back and tries again without.
        """
        claimed: list[Claim | Decision | None] = [None] * len(wanted)
        first: dict[str, int] = {}
        for index, (key, _) in enumerate(wanted):
            first.setdefault(key, index)
        new_key = decide(None, "", now, change_policy)
        if allowed(new_key):
            fresh = {
                key: change(index, records.new(flow, key, wanted[index][1], now))
                for key, index in sorted(first.items())
            }
            for key in records.insert(connection, self._backend, list(fresh.values())):
                index = first[key]
                claimed[index] = records.claim_for(fresh[key], new_key.action, wanted[index][1])
        # Keys that existed, and a key given twice (its first occurrence holds it now).
        unsettled = [index for index, outcome in enumerate(claimed) if outcome is None]
        if trust_claims and not unsettled:
            return GroupOutcome(
                self._complete_unread(connection, completions, now),
                [outcome for outcome in claimed if outcome is not None],
            )
        current = records.lock_many(
            connection,
            flow,
            [claim.key for claim, _ in completions] + [wanted[index][0] for index in unsettled],
        )
        changed: list[RecordSnapshot] = []
        completed: list[RecordSnapshot | LeaseLostError] = []
        for claim, remote_ref in completions:
            try:
                record = records.check_fence(current.get(claim.key), claim)
            except LeaseLostError as lost:
                completed.append(lost)
                continue
            record = records.finish(record, Event.COMPLETE, now, error=None, remote_ref=remote_ref)
            current[claim.key] = record
            changed.append(record)
            completed.append(record)
        for index in sorted(unsettled, key=lambda index: wanted[index][0]):
            key, content_hash = wanted[index]
            existing = current.get(key)
            if existing is None:  # a new key that may not be taken
                claimed[index] = new_key
                continue
            decision = decide(existing, content_hash, now, change_policy)
            if decision.action is Action.BUSY or not allowed(decision):
                claimed[index] = decision
                continue
            record = change(index, existing)
            current[key] = record
            changed.append(record)
            claimed[index] = records.claim_for(record, decision.action, content_hash)
        records.write(connection, changed)
        return GroupOutcome(completed, [outcome for outcome in claimed if outcome is not None])

    def _complete_unread(
        self, connection: Connection, completions: Sequence[tuple[Claim, str]], now: datetime
    ) -> list[RecordSnapshot | LeaseLostError]:
        """Complete the claims' records as their claims saw them, without reading the rows.

        Raises:
            _ClaimsMovedError: a claim's record was not ``submitting`` as it saw it, or a row
                was no longer as its claim saw it (some rows may be written: roll back).
        """
        if any(claim.record.state is not RecordState.SUBMITTING for claim, _ in completions):
            raise _ClaimsMovedError
        done = [
            (claim, records.finish(claim.record, Event.COMPLETE, now, error=None, remote_ref=ref))
            for claim, ref in completions
        ]
        if not records.write_unchanged(connection, done):
            raise _ClaimsMovedError
        return [record for _, record in done]

    def _operator_row(self, connection: Connection, flow: str, key: str) -> RecordSnapshot:
        record = records.lock(connection, flow, key)
        if record is None:
            raise RecordNotFoundError(flow, key)
        return record

    def _finish(
        self,
        claim: Claim,
        event: Event,
        *,
        error: str | None,
        remote_ref: str | None = None,
        due: datetime | None = None,
        content_hash: str | None = None,
    ) -> RecordSnapshot:
        now = self._now()
        with self._transaction() as connection:
            record = records.finish(
                records.fenced(connection, claim),
                event,
                now,
                error=error,
                remote_ref=remote_ref,
                due=due,
                content_hash=content_hash,
            )
            records.write(connection, [record])
            return record


class _ClaimsMovedError(Exception):
    """A row was not as its claim saw it; the group is written again, reading every row."""


def _raise_unless_busy(flow: str, key: str, decision: Decision) -> None:
    """Raise the refusal a decision not to claim stands for, unless another owner holds the key."""
    if decision.action is not Action.BUSY:
        raise SubmissionRefusedError(flow, key, decision)


def _seconds(lease_seconds: float) -> timedelta:
    if lease_seconds < 0:
        raise ValueError(f"a lease cannot be negative: {lease_seconds}")
    return timedelta(seconds=lease_seconds)


def _aware(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"the checkpoint store needs timezone-aware times, not {moment!r}")
    return moment.astimezone(UTC)


def _id(value: int | None) -> int:
    assert value is not None, "rows read back from the database have their id"
    return value


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def _dead_letter(
    connection: Connection, record: RecordSnapshot, payload: JsonValue, error: str, now: datetime
) -> None:
    connection.execute(
        insert(_table(DeadLetterRow)),
        {
            "flow": record.flow,
            "key": record.key,
            "payload": payload,
            "error": error,
            "created_at": now,
        },
    )


def _audit(
    connection: Connection,
    record: RecordSnapshot,
    action: AuditAction,
    actor: str,
    note: str,
    now: datetime,
) -> None:
    connection.execute(
        insert(_table(AuditRow)),
        {
            "flow": record.flow,
            "key": record.key,
            "action": action,
            "actor": actor,
            "note": note,
            "at": now,
        },
    )


def _ledger_entry(row: LedgerRow) -> LedgerEntry:
    return LedgerEntry(
        id=_id(row.id),
        flow=row.flow,
        key=row.key,
        destination=row.destination,
        document_kind=row.document_kind,
        document_hash=row.document_hash,
        remote_ref=row.remote_ref,
        written_at=row.written_at,
    )


def _run_info(row: RunRow) -> RunInfo:
    return RunInfo(
        id=_id(row.id),
        flow=row.flow,
        owner=row.owner,
        status=row.status,
        started_at=row.started_at,
        finished_at=row.finished_at,
        counts=RunCounts.from_json(row.counts),
        error=row.error,
    )
