"""The exactly-once protocol for one record: claim, intent, send, outcome; reconcile first.

Most methods run in one of the engine's worker threads and return a :class:`Result` once the
record's outcome is durably written. The common case, a source record that may be sent at once,
is split so that the engine can write intents and outcomes for a group of records per
transaction: :meth:`Delivery.map`, then :meth:`Delivery.complete_and_begin` (the group's
intents, with the outcomes of earlier sends, one commit), then :meth:`Delivery.send` per record
(which writes nothing when the destination confirms), whose outcome goes with the next
:meth:`~Delivery.complete_and_begin`. Adapter failures become that record's outcome; store
errors (except a lost lease, which means another process took the record over) propagate and
fail the run.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.base import (
    Record,
    Sink,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
    UpdateNotSupportedError,
    content_hash,
)
from connector.engine.flow import Flow
from connector.engine.leases import LeaseKeeper
from connector.engine.mapping import MappingError, MappingUnavailableError
from connector.engine.observer import EngineObserver, Step
from connector.engine.report import Outcome
from connector.store import (
    Action,
    ChangePolicy,
    CheckpointStore,
    Claim,
    Clock,
    Decision,
    JsonValue,
    LeaseLostError,
    RecordSnapshot,
    RecordState,
    StoreError,
    Submission,
    SubmissionRefusedError,
)

__all__ = [
    "Delivery",
    "Mapped",
    "Result",
    "Sent",
    "Unavailable",
    "Unmappable",
    "describe_exception",
    "effective_change_policy",
    "json_payload",
    "sink_can_update",
]


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one record.

    Attributes:
        outcome: the outcome.
        detail: one line on why (a reference, a reason, an error).
        error: set when the record belongs in the run's error list.
        warning: set when the record belongs in the run's warning list.
    """

    outcome: Outcome
    detail: str = ""
    error: str | None = None
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class Mapped:
    """A source record and the document it maps to, ready to be claimed and sent.

    Attributes:
        record: the source record.
        document: what the sink is given.
    """

    record: Record
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Unmappable:
    """Why a record could not be mapped.

    Attributes:
        detail: the mapping's complaint, or the exception it raised.
    """

    detail: str


@dataclass(frozen=True, slots=True)
class Unavailable:
    """Why a record could not be mapped now (the mapping raised
    :class:`~connector.engine.mapping.MappingUnavailableError`): it is tried again later.

    Attributes:
        detail: what the mapping could not have.
    """

    detail: str


@dataclass(frozen=True, slots=True)
class Sent:
    """A send the destination confirmed, whose outcome is not written yet.

    Attributes:
        claim: the claim the record was sent under.
        reference: the destination's reference.
        result: the record's result once the outcome is written.
    """

    claim: Claim
    reference: str
    result: Result


def json_payload(payload: Any) -> JsonValue:
    """``payload`` as plain JSON values (decimals and dates become strings), for the store."""
    value: JsonValue = json.loads(json.dumps(payload, default=str))
    return value


def describe_exception(error: BaseException) -> str:
    """The error's type and message, and where it was raised, on one line."""
    text = "".join(traceback.format_exception_only(error)).strip().replace("\n", " ")
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        last = frames[-1]
        text += f" (at {last.filename}:{last.lineno} in {last.name})"
    return text


def sink_can_update(sink: Sink) -> bool:
    """Whether the sink implements :meth:`~adapters.base.Sink.update` at all."""
    return type(sink).update is not Sink.update


def effective_change_policy(flow: Flow) -> ChangePolicy:
    """The flow's change policy, or ``warn`` when its sink cannot update documents."""
    return flow.policy.change_policy if sink_can_update(flow.sink) else ChangePolicy.WARN


class Delivery:
    """Carries records of one flow through the protocol on behalf of one owner.

    Args:
        flow: the flow.
        store: the checkpoint store.
        owner: the lease owner.
        clock: the engine's clock.
        observer: told of every step boundary.
        keeper: renews the leases held while sink calls run.
        stopping: says whether the run must not start new sends.
    """

    def __init__(
        self,
        flow: Flow,
        store: CheckpointStore,
        owner: str,
        clock: Clock,
        observer: EngineObserver,
        keeper: LeaseKeeper,
        stopping: Callable[[], bool],
    ) -> None:
        self._flow = flow
        self._name = flow.name
        self._store = store
        self._owner = owner
        self._clock = clock
        self._observer = observer
        self._keeper = keeper
        self._stopping = stopping
        self._policy = flow.policy
        self._retry = flow.policy.retry_policy()
        self.change_policy = effective_change_policy(flow)
        """The change policy in force: ``warn`` when the sink cannot update."""

    # -- records that need no claim ----------------------------------------------------------

    def settle(
        self, record: Record, decision: Decision, existing: RecordSnapshot | None = None
    ) -> Result:
        """Handle a record whose decision needs no claim (skip, hold, wait, busy, warn).

        ``existing``, the store's record the decision was made on, makes the detail exact.
        """
        match decision.action:
            case Action.SKIP_UNCHANGED:
                where = f" as {existing.remote_ref}" if existing and existing.remote_ref else ""
                return Result(Outcome.SKIPPED, f"delivered before{where}")
            case Action.HOLD:
                error = f": {existing.last_error}" if existing and existing.last_error else ""
                return Result(Outcome.HELD, f"{decision.reason}{error}")
            case Action.BUSY:
                return Result(Outcome.BUSY, decision.reason)
            case Action.WAIT:
                return Result(Outcome.WAITING, decision.reason)
            case Action.CHANGED_AFTER_DONE:
                if self._policy.change_policy is ChangePolicy.UPDATE:
                    return self._report_change(record, "the sink cannot update documents")
                return self._report_change(record, "change policy warn")
        raise ValueError(f"{self._name}/{record.key}: {decision.action.value} needs a claim")

    def _report_change(self, record: Record, why: str) -> Result:
        snapshot = self._store.acknowledge_change(
            self._name, record.key, record.content_hash, self._owner, f"not sent ({why})"
        )
        self._observer.step(Step.OUTCOME_WRITTEN, record.key)
        where = f" as {snapshot.remote_ref}" if snapshot.remote_ref else ""
        message = f"the source changed after it was delivered{where}; not sent ({why})"
        return Result(Outcome.CHANGED, message, warning=message)

    # -- records read from the source ---------------------------------------------------------

    def deliver(self, record: Record, decision: Decision) -> Result:
        """Claim a source record and carry it through the protocol (a decision that needs a
        claim: submit, retry a failed one, update, reconcile)."""
        if self._stopping():
            return Result(Outcome.RELEASED, "the run is stopping")
        if decision.action is Action.RECONCILE:
            return self._claim_and_reconcile(record)
        mapped = self.map(record)
        if isinstance(mapped, Unmappable):
            return self.unmappable(record, mapped.detail)
        if isinstance(mapped, Unavailable):
            return self.postpone(record, mapped.detail)
        [claimed] = self.begin_sends([mapped])
        if isinstance(claimed, Decision):
            return self.not_claimed(record, claimed)
        return self._written(self.send(claimed, record, mapped.document))

    def map(self, record: Record) -> Mapped | Unmappable | Unavailable:
        """Map ``record`` to its document; an adapter's failure is the record's, not the run's."""
        try:
            return Mapped(record, self._flow.mapping.map(record))
        except MappingError as error:
            return Unmappable(error.detail)
        except MappingUnavailableError as error:
            return Unavailable(error.detail)
        except StoreError:
            raise
        except Exception as error:  # noqa: BLE001 - an adapter's bug fails its record only
            return Unmappable(f"the mapping failed: {describe_exception(error)}")

    def begin_sends(self, mapped: Sequence[Mapped]) -> list[Claim | Decision]:
        """Claim the records and write their intents, in one transaction.

        Returns:
            For each record, in order: its claim (the intent is durable: it may be sent now),
            or the store's decision not to claim it, for :meth:`not_claimed`.
        """
        return self.complete_and_begin([], mapped)[1]

    def complete_sends(self, sent: Sequence[Sent]) -> list[Result]:
        """Write the outcomes of confirmed sends, in one transaction.

        Returns:
            Each record's result, in order.
        """
        return self.complete_and_begin(sent, [])[0]

    def complete_and_begin(
        self, sent: Sequence[Sent], mapped: Sequence[Mapped]
    ) -> tuple[list[Result], list[Claim | Decision]]:
        """Write the outcomes of confirmed sends and the intents of the next records to send,
        in one transaction.

        Returns:
            Each sent record's result, in order; and for each mapped record, in order, its
            claim (the intent is durable: it may be sent now) or the store's decision not to
            claim it, for :meth:`not_claimed`.
        """
        submissions = [
            Submission(
                item.record.key,
                item.record.content_hash,
                content_hash(item.document),
                json_payload(item.record.payload),
                item.record.origin,
            )
            for item in mapped
        ]
        try:
            group = self._store.complete_and_begin(
                self._name,
                [(item.claim, item.reference) for item in sent],
                submissions,
                self._owner,
                self._policy.lease_seconds,
                change_policy=self.change_policy,
            )
        finally:
            for item in sent:
                self._keeper.drop(item.claim.key)
        results: list[Result] = []
        for item, outcome in zip(sent, group.completed, strict=True):
            if isinstance(outcome, LeaseLostError):
                results.append(self._lost(item.claim, outcome))
            else:
                self._observer.step(Step.OUTCOME_WRITTEN, item.claim.key)
                results.append(item.result)
        for claimed in group.claimed:
            if isinstance(claimed, Claim):
                self._keeper.hold(claimed)
                self._observer.step(Step.INTENT_WRITTEN, claimed.key)
        return results, group.claimed

    def not_claimed(self, record: Record, decision: Decision) -> Result:
        """Handle a record the store did not let :meth:`complete_and_begin` claim."""
        if decision.action is Action.BUSY:
            return Result(Outcome.BUSY, "another process holds it")
        return self._refused(record, decision)

    def _claim(self, record: Record) -> Claim | Result:
        """Claim ``record`` without writing an intent; a :class:`Result` when it cannot be
        claimed (another process holds it, or the store decided otherwise meanwhile)."""
        try:
            claim = self._store.claim(
                self._name,
                record.key,
                record.content_hash,
                self._owner,
                self._policy.lease_seconds,
                change_policy=self.change_policy,
                payload=json_payload(record.payload),
                origin=record.origin,
            )
        except SubmissionRefusedError as refused:
            return self._refused(record, refused.decision)
        if claim is None:
            return Result(Outcome.BUSY, "another process holds it")
        self._observer.step(Step.CLAIMED, record.key)
        return claim

    def _claim_and_reconcile(self, record: Record) -> Result:
        claim = self._claim(record)
        if isinstance(claim, Result):
            return claim
        self._keeper.hold(claim)
        return self._reconcile(claim, record)

    def _refused(self, record: Record, decision: Decision) -> Result:
        # The record changed between the engine's read and its claim (another process, an
        # operator): act on the store's fresh decision instead.
        if decision.needs_claim:
            return self.deliver(record, decision)
        return self.settle(record, decision)

    def unmappable(self, record: Record, detail: str) -> Result:
        """Claim a record that cannot be mapped and reject it (or reconcile it first, if an
        earlier send of it is in doubt)."""
        message = f"cannot be mapped: {detail}"
        claim = self._claim(record)
        if isinstance(claim, Result):
            return claim
        if claim.action is Action.RECONCILE:
            self._keeper.hold(claim)
            return self._reconcile(claim, record)
        if claim.action is Action.CHANGED_AFTER_DONE:
            # The store cannot fail a delivered record: the new version is recorded as not
            # sent (which also ends the claim), and reported as an error.
            self._store.acknowledge_change(
                self._name, record.key, record.content_hash, self._owner, f"not sent: {message}"
            )
            self._observer.step(Step.OUTCOME_WRITTEN, record.key)
            return Result(Outcome.FAILED, message, error=message)
        return self._reject(claim, message)

    def postpone(self, record: Record, detail: str) -> Result:
        """Claim a record whose mapping could not run now and schedule its next attempt (or
        reconcile it first, if an earlier send of it is in doubt). Nothing is sent and no
        intent is written; the source record is saved with the claim, for the retry."""
        claim = self._claim(record)
        if isinstance(claim, Result):
            return claim
        if claim.action is Action.RECONCILE:
            self._keeper.hold(claim)
            return self._reconcile(claim, record)
        return self._postpone(claim, record, detail)

    # -- due work claimed from the store ------------------------------------------------------

    def resume(self, claim: Claim, record: Record) -> Result:
        """Carry a record claimed as due work (a retry, a reconciliation, a takeover, a replay)
        through the protocol; ``record`` is rebuilt from the copy the store kept."""
        if self._stopping():
            self._keeper.drop(claim.key)
            try:
                self._store.release(claim)
            except LeaseLostError as lost:
                return self._lost(claim, lost)
            self._observer.step(Step.RELEASED, claim.key)
            return Result(Outcome.RELEASED, "the run is stopping")
        self._keeper.hold(claim)
        self._observer.step(Step.CLAIMED, claim.key)
        if claim.action is Action.RECONCILE:
            return self._reconcile(claim, record)
        return self._attempt(claim, record)

    # -- the protocol -------------------------------------------------------------------------

    def _attempt(self, claim: Claim, record: Record) -> Result:
        """Map, write the intent under an existing claim, send."""
        mapped = self.map(record)
        if isinstance(mapped, Unmappable):
            return self._reject(claim, f"cannot be mapped: {mapped.detail}")
        if isinstance(mapped, Unavailable):
            return self._postpone(claim, record, mapped.detail)
        try:
            started = self._store.start_attempt(claim, content_hash(mapped.document))
        except LeaseLostError as lost:
            return self._lost(claim, lost)
        self._observer.step(Step.INTENT_WRITTEN, claim.key)
        return self._written(self.send(started, record, mapped.document))

    def _reconcile(self, claim: Claim, record: Record) -> Result:
        """Ask the destination about a record whose last send has an unknown outcome."""
        if claim.record.remote_ref is not None:
            # The attempt in doubt was an update of an existing document: safe to repeat.
            return self._not_applied(claim, record)
        self._observer.step(Step.BEFORE_LOOKUP, claim.key)
        try:
            found = self._flow.sink.lookup(record)
        except SinkUnavailableError as error:
            self._observer.step(Step.AFTER_LOOKUP, claim.key)
            return self._in_doubt(claim, f"reconciliation postponed: {error.detail}")
        except StoreError:
            raise
        except Exception as error:  # noqa: BLE001 - an adapter's bug fails its record only
            self._observer.step(Step.AFTER_LOOKUP, claim.key)
            message = f"the sink's lookup failed: {describe_exception(error)}"
            return self._in_doubt(claim, message, error=message)
        self._observer.step(Step.AFTER_LOOKUP, claim.key)
        if found is not None:
            return self._write_outcome(
                claim,
                lambda: self._store.mark_reconciled(claim, found),
                Result(Outcome.RECONCILED, f"found at the destination as {found}"),
            )
        return self._not_applied(claim, record)

    def _not_applied(self, claim: Claim, record: Record) -> Result:
        try:
            pending = self._store.mark_not_applied(claim)
        except LeaseLostError as lost:
            return self._lost(claim, lost)
        if self._retry.exhausted(pending.record.attempts):
            message = (
                f"not at the destination after {pending.record.attempts} attempts "
                f"with unknown outcomes; last error: {claim.record.last_error}"
            )
            return self._dead(pending, record, message)
        return self._attempt(pending, record)

    def send(self, claim: Claim, record: Record, document: dict[str, Any]) -> Result | Sent:
        """Send a record whose intent is written; if the run is stopping, withdraw the intent
        instead (the request has not left).

        Returns:
            :class:`Sent` when the destination confirmed (the outcome is for the caller to
            write: :meth:`complete_and_begin`); otherwise the record's result, its outcome
            written.
        """
        if self._stopping():
            return self._withdraw(claim)
        remote_ref = claim.record.remote_ref
        sink = self._flow.sink
        self._observer.step(Step.BEFORE_SEND, claim.key)
        try:
            if remote_ref is None:
                reference = sink.write(record, document)
            else:
                reference = sink.update(record, document, remote_ref)
        except SinkRejectedError as error:
            self._observer.step(Step.AFTER_SEND, claim.key)
            return self._reject(claim, f"rejected by the destination: {error.detail}")
        except SinkUnavailableError as error:
            self._observer.step(Step.AFTER_SEND, claim.key)
            return self._unavailable(claim, record, error.detail)
        except UpdateNotSupportedError as error:
            self._observer.step(Step.AFTER_SEND, claim.key)
            if remote_ref is None:
                return self._in_doubt(claim, f"the sink failed: {error.detail}")
            return self._update_refused(claim, record, remote_ref, error.detail)
        except SinkOutcomeUnknownError as error:
            self._observer.step(Step.AFTER_SEND, claim.key)
            return self._in_doubt(claim, f"outcome unknown: {error.detail}")
        except StoreError:
            raise
        except Exception as error:  # noqa: BLE001 - an adapter's bug fails its record only
            # The document may have left before the sink failed: reconcile before a re-send.
            self._observer.step(Step.AFTER_SEND, claim.key)
            message = f"the sink failed: {describe_exception(error)}"
            return self._in_doubt(claim, message, error=message)
        self._observer.step(Step.AFTER_SEND, claim.key)
        if remote_ref is None:
            return Sent(claim, reference, Result(Outcome.SUBMITTED, f"created as {reference}"))
        return Sent(
            claim, reference, Result(Outcome.UPDATED, f"updated {remote_ref} as {reference}")
        )

    def _withdraw(self, claim: Claim) -> Result:
        self._keeper.drop(claim.key)
        try:
            self._store.withdraw(claim)
        except LeaseLostError as lost:
            return self._lost(claim, lost)
        self._observer.step(Step.RELEASED, claim.key)
        return Result(Outcome.RELEASED, "the run is stopping; not sent")

    def _written(self, outcome: Result | Sent) -> Result:
        """The result of a send, with a confirmed one's outcome written on its own."""
        if isinstance(outcome, Result):
            return outcome
        [result] = self.complete_sends([outcome])
        return result

    # -- outcomes -----------------------------------------------------------------------------

    def _reject(self, claim: Claim, message: str) -> Result:
        return self._write_outcome(
            claim,
            lambda: self._store.reject(claim, message),
            Result(Outcome.FAILED, message, error=message),
        )

    def _unavailable(self, claim: Claim, record: Record, detail: str) -> Result:
        attempts = claim.record.attempts
        if self._retry.exhausted(attempts):
            return self._dead(
                claim, record, f"gave up after {attempts} attempts; last error: {detail}"
            )
        due = self._retry.next_attempt_at(attempts, self._clock())
        return self._write_outcome(
            claim,
            lambda: self._store.retry_later(claim, detail, due),
            Result(Outcome.RETRYING, f"{detail}; attempt {attempts + 1} due at {due:%H:%M:%S}"),
        )

    def _postpone(self, claim: Claim, record: Record, detail: str) -> Result:
        # Counted as an attempt, like an unavailable sink. The store counts it and applies the
        # retry schedule in one transaction, so that a new version of a failed or done record
        # with no attempt left goes dead without being pending in between.
        message = f"the mapping could not run now: {detail}"
        payload = json_payload(record.payload)
        try:
            postponed = self._store.postpone(claim, message, self._retry, payload)
        except LeaseLostError as lost:
            return self._lost(claim, lost)
        finally:
            self._keeper.drop(claim.key)
        self._observer.step(Step.OUTCOME_WRITTEN, claim.key)
        attempts = postponed.attempts
        if postponed.state is RecordState.DEAD:
            given_up = f"gave up after {attempts} attempts; last error: {message}"
            return Result(Outcome.DEAD, given_up, error=given_up)
        due = postponed.next_attempt_at
        assert due is not None
        return Result(Outcome.RETRYING, f"{message}; attempt {attempts + 1} due at {due:%H:%M:%S}")

    def _dead(self, claim: Claim, record: Record, message: str) -> Result:
        payload = json_payload(record.payload)
        return self._write_outcome(
            claim,
            lambda: self._store.mark_dead(claim, message, payload),
            Result(Outcome.DEAD, message, error=message),
        )

    def _in_doubt(self, claim: Claim, message: str, *, error: str | None = None) -> Result:
        due = self._clock() + self._retry.delay_after(max(claim.record.attempts, 1))
        return self._write_outcome(
            claim,
            lambda: self._store.mark_in_doubt(claim, message, due),
            Result(Outcome.IN_DOUBT, message, error=error),
        )

    def _update_refused(self, claim: Claim, record: Record, remote_ref: str, detail: str) -> Result:
        # The destination keeps the document it has: the record is done as before, and the
        # change is recorded as not sent, like change policy warn.
        kept = self._write_outcome(
            claim,
            lambda: self._store.mark_reconciled(claim, remote_ref),
            Result(Outcome.CHANGED, detail),
        )
        if kept.outcome is Outcome.LOST:
            return kept
        return self._report_change(record, f"the destination cannot update it: {detail}")

    def _write_outcome(self, claim: Claim, write: Callable[[], object], result: Result) -> Result:
        try:
            write()
        except LeaseLostError as lost:
            return self._lost(claim, lost)
        finally:
            self._keeper.drop(claim.key)
        self._observer.step(Step.OUTCOME_WRITTEN, claim.key)
        return result

    def _lost(self, claim: Claim, lost: LeaseLostError) -> Result:
        self._keeper.drop(claim.key)
        message = f"taken over by another process before its outcome was written ({lost})"
        return Result(Outcome.LOST, message, warning=message)
